import type { DamageEvent, MonitorArea, MonitorsEvent, SurfaceCreatedEvent, SurfaceDestroyedEvent } from '../../shared/ipc';
import type { VideoRect } from '../../shared/video-ipc';
import type { CopyAreaEvent } from '../../shared/copy-area-ipc';
import { applyCopyArea, moveArea } from './copy-area';
import { copyVideoPixels } from '../video/video-composite';
import { layoutMonitors, type MonitorLayout, type ShownSurface } from '../view/layout';

interface SurfaceCopy extends ShownSurface {
  /** The whole surface as RGBA, so a monitor view created later starts with the right picture. */
  readonly rgba: Uint8ClampedArray<ArrayBuffer>;
}

/** Something that shows one monitor's part of a surface. */
export interface MonitorSink {
  readonly layout: MonitorLayout;
  /** Paints the part of `image` (placed at guest x, y) that falls inside this monitor. */
  paint(image: ImageData, x: number, y: number): void;
  /**
   * Moves `source` (guest pixels) to guest (destX, destY) within what this monitor already shows,
   * overlap allowed; false when it cannot (the source is not all on this monitor): then the
   * model paints the destination instead.
   */
  copy?(source: VideoRect, destX: number, destY: number): boolean;
}

/**
 * The guest's screens as the renderer knows them: each display channel's primary surface (a copy
 * of its pixels) and its monitors. Damage is copied into the surface copy and painted into the
 * views of the monitors it touches; the layout (which monitors exist) is reported on change.
 */
export class DisplayModel {
  /**
   * Puts video over a damage patch before it is shown (video-player.ts): the engine's surface
   * does not hold the frames the renderer decoded, so a patch may carry stale pixels where a
   * stream is playing; the stream's latest frame wins there, inside its clip.
   */
  coverPatch: ((displayId: number, pixels: Uint8ClampedArray, area: VideoRect) => void) | null = null;
  /** Whether coverPatch may change anything on this display now (a stream has a frame there). */
  videoShown: ((displayId: number) => boolean) | null = null;
  private readonly surfaces = new Map<number, SurfaceCopy>();
  private readonly monitors = new Map<number, readonly MonitorArea[]>();
  private readonly sinks = new Set<MonitorSink>();
  private current: MonitorLayout[] = [];
  /** Where copyArea reads the moved pixels (reused while scrolls keep the same size). */
  private scratch: Uint8ClampedArray<ArrayBuffer> | null = null;

  constructor(private readonly onLayout: (layout: MonitorLayout[]) => void) {}

  get layout(): readonly MonitorLayout[] {
    return this.current;
  }

  surfaceCreated(event: SurfaceCreatedEvent): void {
    if (!event.primary) return;
    const rgba = new Uint8ClampedArray(event.width * event.height * 4);
    // Opaque black until the pixels arrive (the host follows with the whole surface).
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
    this.surfaces.set(event.displayId, { displayId: event.displayId, surfaceId: event.surfaceId, width: event.width, height: event.height, rgba });
    this.relayout();
  }

  surfaceDestroyed(event: SurfaceDestroyedEvent): void {
    const surface = this.surfaces.get(event.displayId);
    if (!surface || surface.surfaceId !== event.surfaceId) return;
    this.surfaces.delete(event.displayId);
    this.relayout();
  }

  monitorsChanged(event: MonitorsEvent): void {
    this.monitors.set(event.displayId, event.monitors);
    this.relayout();
  }

  damage(event: DamageEvent): void {
    const surface = this.surfaces.get(event.displayId);
    if (!surface || surface.surfaceId !== event.surfaceId) return;
    for (const patch of event.patches) {
      if (patch.x + patch.width > surface.width || patch.y + patch.height > surface.height) continue;
      const pixels = new Uint8ClampedArray(patch.rgba);
      this.coverPatch?.(event.displayId, pixels, { x: patch.x, y: patch.y, width: patch.width, height: patch.height });
      copyRows(pixels, patch.width, patch.height, surface.rgba, surface.width, patch.x, patch.y);
      const image = new ImageData(pixels, patch.width, patch.height);
      for (const sink of this.sinks) if (sink.layout.displayId === event.displayId) sink.paint(image, patch.x, patch.y);
    }
  }

  /**
   * Pixels moved inside a surface (COPY_BITS), in event order with the damage: the renderer's
   * copy already holds the source (the host sent what was pending before this event).
   */
  copyArea(event: CopyAreaEvent): void {
    const surface = this.surfaces.get(event.displayId);
    if (!surface || surface.surfaceId !== event.surfaceId) return;
    const cover = this.coverPatch && (this.videoShown?.(event.displayId) ?? true) ? this.coverPatch : null;
    if (!cover && event.clip === null) {
      // A plain scroll: moved in place, and each view moves what it shows (no pixels to upload).
      if (!moveArea(surface.rgba, surface.width, surface.height, event)) return;
      const { source, destX, destY } = event;
      let image: ImageData | null = null;
      for (const sink of this.sinks) {
        if (sink.layout.displayId !== event.displayId || sink.copy?.(source, destX, destY)) continue;
        image ??= new ImageData(readArea(surface, { x: destX, y: destY, width: source.width, height: source.height }), source.width, source.height);
        sink.paint(image, destX, destY);
      }
      return;
    }
    const scratch = (bytes: number): Uint8ClampedArray<ArrayBuffer> => {
      if (this.scratch?.length !== bytes) this.scratch = new Uint8ClampedArray(bytes);
      return this.scratch;
    };
    const pieces = applyCopyArea(surface.rgba, surface.width, surface.height, event, cover ? (pixels, area) => cover(event.displayId, pixels, area) : null, scratch);
    // Painted at once: putImageData copies, so the scratch buffer is free again afterwards.
    for (const piece of pieces ?? []) {
      const image = new ImageData(piece.pixels, piece.width, piece.height);
      for (const sink of this.sinks) if (sink.layout.displayId === event.displayId) sink.paint(image, piece.x, piece.y);
    }
  }

  /**
   * A decoded video frame (RGBA of dest's size, scaled and flipped) goes into the surface copy
   * inside its clip, and the part that changed is painted. False: no such surface (any more).
   */
  videoFrame(displayId: number, surfaceId: number, frame: Uint8ClampedArray<ArrayBuffer>, dest: VideoRect, clip: readonly VideoRect[] | null): boolean {
    const surface = this.surfaces.get(displayId);
    if (!surface || surface.surfaceId !== surfaceId) return false;
    const changed = copyVideoPixels(frame, dest, clip, surface.rgba, { x: 0, y: 0, width: surface.width, height: surface.height });
    if (!changed) return true;
    const whole = changed.x === dest.x && changed.y === dest.y && changed.width === dest.width && changed.height === dest.height;
    if (whole && (clip === null || clip.some((r) => r.x <= dest.x && r.y <= dest.y && r.x + r.width >= dest.x + dest.width && r.y + r.height >= dest.y + dest.height))) {
      // All of the frame shows: paint it as it is (putImageData copies; no new array per frame).
      const image = new ImageData(frame, dest.width, dest.height);
      for (const sink of this.sinks) if (sink.layout.displayId === displayId) sink.paint(image, dest.x, dest.y);
      return true;
    }
    const pixels = new Uint8ClampedArray(changed.width * changed.height * 4);
    const rowBytes = changed.width * 4;
    for (let row = 0; row < changed.height; row++) {
      const from = ((changed.y + row) * surface.width + changed.x) * 4;
      pixels.set(surface.rgba.subarray(from, from + rowBytes), row * rowBytes);
    }
    const image = new ImageData(pixels, changed.width, changed.height);
    for (const sink of this.sinks) if (sink.layout.displayId === displayId) sink.paint(image, changed.x, changed.y);
    return true;
  }

  /** A monitor view appeared: it gets the current picture at once. Returns its removal. */
  attach(sink: MonitorSink): () => void {
    this.sinks.add(sink);
    const surface = this.surfaces.get(sink.layout.displayId);
    if (surface) sink.paint(new ImageData(surface.rgba, surface.width, surface.height), 0, 0);
    return () => this.sinks.delete(sink);
  }

  /** Everything goes (the session ended). */
  clear(): void {
    this.surfaces.clear();
    this.scratch = null;
    this.monitors.clear();
    this.relayout();
  }

  private relayout(): void {
    const next = layoutMonitors(this.surfaces, this.monitors);
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.onLayout(next);
  }
}

function readArea(surface: SurfaceCopy, area: VideoRect): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(area.width * area.height * 4);
  const rowBytes = area.width * 4;
  for (let row = 0; row < area.height; row++) {
    const from = ((area.y + row) * surface.width + area.x) * 4;
    pixels.set(surface.rgba.subarray(from, from + rowBytes), row * rowBytes);
  }
  return pixels;
}

function copyRows(src: Uint8ClampedArray, width: number, height: number, dst: Uint8ClampedArray, dstWidth: number, x: number, y: number): void {
  const rowBytes = width * 4;
  for (let row = 0; row < height; row++) {
    dst.set(src.subarray(row * rowBytes, (row + 1) * rowBytes), ((y + row) * dstWidth + x) * 4);
  }
}
