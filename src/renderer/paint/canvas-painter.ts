import type { DamageEvent, SurfaceCreatedEvent, SurfaceDestroyedEvent } from '../../shared/ipc';

export interface ShownSurface {
  readonly displayId: number;
  readonly surfaceId: number;
  readonly width: number;
  readonly height: number;
}

/** The monitor this view shows (multi-monitor sessions will get a view per display). */
const SHOWN_DISPLAY = 0;

/**
 * Paints one display's primary surface into a canvas, 1:1: the canvas has the guest's size in
 * pixels and, at the current device pixel ratio, one guest pixel on one device pixel. Damage
 * patches are painted as they arrive (the host already paces them to about one per frame).
 */
export class CanvasPainter {
  private shown: ShownSurface | null = null;
  private readonly context: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onSurfaceChange: (surface: ShownSurface | null) => void,
    private readonly devicePixelRatio: () => number = () => window.devicePixelRatio || 1,
  ) {
    const context = canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('this browser gives no 2D canvas');
    this.context = context;
  }

  get surface(): ShownSurface | null {
    return this.shown;
  }

  surfaceCreated(event: SurfaceCreatedEvent): void {
    if (!event.primary || event.displayId !== SHOWN_DISPLAY) return;
    this.shown = { displayId: event.displayId, surfaceId: event.surfaceId, width: event.width, height: event.height };
    // Setting the size clears the canvas; the host follows with the surface's full contents.
    this.canvas.width = event.width;
    this.canvas.height = event.height;
    this.fitCssSize();
    this.context.fillStyle = '#000';
    this.context.fillRect(0, 0, event.width, event.height);
    this.onSurfaceChange(this.shown);
  }

  surfaceDestroyed(event: SurfaceDestroyedEvent): void {
    if (!this.shown || event.displayId !== this.shown.displayId || event.surfaceId !== this.shown.surfaceId) return;
    // The last picture stays up until a new surface replaces it (as remote-viewer does on a mode switch).
    this.shown = null;
    this.onSurfaceChange(null);
  }

  damage(event: DamageEvent): void {
    const shown = this.shown;
    if (!shown || event.displayId !== shown.displayId || event.surfaceId !== shown.surfaceId) return;
    for (const patch of event.patches) {
      if (patch.x + patch.width > shown.width || patch.y + patch.height > shown.height) continue;
      const image = new ImageData(new Uint8ClampedArray(patch.rgba), patch.width, patch.height);
      this.context.putImageData(image, patch.x, patch.y);
    }
  }

  /** CSS size = pixel size / device pixel ratio, so the guest is neither blurred nor scaled. */
  fitCssSize(): void {
    if (!this.shown) return;
    const ratio = this.devicePixelRatio();
    this.canvas.style.width = `${this.shown.width / ratio}px`;
    this.canvas.style.height = `${this.shown.height / ratio}px`;
  }
}
