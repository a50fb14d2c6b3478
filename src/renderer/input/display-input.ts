import type { SaffronApi } from '../../shared/ipc';
import type { MouseModeName } from '../../shared/session-types';
import { KeyboardState } from './keyboard';
import { spiceButtonFor, toGuestPixel, WheelAccumulator } from './mouse';

type InputApi = Pick<SaffronApi, 'keyDown' | 'keyUp' | 'mousePosition' | 'mouseMotion' | 'mouseButton' | 'mouseWheel'>;

/**
 * Captures keyboard and mouse on the display canvas and sends them to the guest. Nothing is sent
 * until the user has clicked the display (a stray mouse pass must not move the guest's pointer);
 * keys only while it has focus; everything held is released when it loses focus. Client mouse
 * mode sends absolute guest pixels; server mode locks the pointer and sends relative motion.
 */
export class DisplayInput {
  private engaged = false;
  private mode: MouseModeName = 'server';
  private readonly keyboard: KeyboardState;
  private readonly wheel = new WheelAccumulator();
  private readonly buttons = new Set<number>();
  private readonly removers: (() => void)[] = [];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly api: InputApi,
    private readonly surfaceSize: () => { width: number; height: number } | null,
    private readonly displayId = 0,
  ) {
    this.keyboard = new KeyboardState(api);
    this.listen(canvas, 'mousedown', (e) => this.mouseDown(e));
    this.listen(window, 'mouseup', (e) => this.mouseUp(e));
    this.listen(window, 'mousemove', (e) => this.mouseMove(e));
    this.listen(canvas, 'wheel', (e) => this.wheelTurned(e), { passive: false });
    this.listen(canvas, 'contextmenu', (e) => {
      if (this.engaged) e.preventDefault();
    });
    this.listen(canvas, 'keydown', (e) => this.key(e, true));
    this.listen(canvas, 'keyup', (e) => this.key(e, false));
    this.listen(canvas, 'blur', () => this.releaseAll());
  }

  setMouseMode(mode: MouseModeName): void {
    this.mode = mode;
    if (mode === 'client' && document.pointerLockElement === this.canvas) document.exitPointerLock();
  }

  /** After a session ends: release everything and wait for a new click. */
  reset(): void {
    this.releaseAll();
    this.engaged = false;
    if (document.pointerLockElement === this.canvas) document.exitPointerLock();
  }

  dispose(): void {
    this.reset();
    for (const remove of this.removers.splice(0)) remove();
  }

  private listen<K extends keyof HTMLElementEventMap>(
    target: HTMLElement | Window,
    type: K,
    handler: (event: HTMLElementEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void {
    const listener = handler as EventListener;
    target.addEventListener(type, listener, options);
    this.removers.push(() => target.removeEventListener(type, listener, options));
  }

  private get pointerLocked(): boolean {
    return document.pointerLockElement === this.canvas;
  }

  private mouseDown(e: MouseEvent): void {
    e.preventDefault();
    this.canvas.focus({ preventScroll: true });
    this.engaged = true;
    if (this.mode === 'server' && !this.pointerLocked) {
      // This click only grabs the pointer; the guest hears the next ones.
      void Promise.resolve(this.canvas.requestPointerLock()).catch(() => {});
      return;
    }
    const button = spiceButtonFor(e.button);
    if (button === undefined) return;
    this.sendPosition(e);
    this.buttons.add(button);
    this.api.mouseButton(button, true);
  }

  private mouseUp(e: MouseEvent): void {
    const button = spiceButtonFor(e.button);
    if (button === undefined || !this.buttons.delete(button)) return;
    this.sendPosition(e);
    this.api.mouseButton(button, false);
  }

  private mouseMove(e: MouseEvent): void {
    if (!this.engaged) return;
    if (this.mode === 'server') {
      if (this.pointerLocked && (e.movementX !== 0 || e.movementY !== 0)) this.api.mouseMotion(Math.round(e.movementX), Math.round(e.movementY));
      return;
    }
    // Outside the canvas only a drag (button held) keeps reporting, clamped to the edge.
    if (e.target !== this.canvas && this.buttons.size === 0) return;
    this.sendPosition(e);
  }

  private sendPosition(e: MouseEvent): void {
    if (this.mode !== 'client') return;
    const size = this.surfaceSize();
    if (!size) return;
    const { x, y } = toGuestPixel(e.clientX, e.clientY, this.canvas.getBoundingClientRect(), size.width, size.height);
    this.api.mousePosition(x, y, this.displayId);
  }

  private wheelTurned(e: WheelEvent): void {
    if (!this.engaged) return;
    e.preventDefault();
    const steps = this.wheel.add(e.deltaY, e.deltaMode);
    if (steps !== 0) {
      this.sendPosition(e);
      this.api.mouseWheel(steps);
    }
  }

  private key(e: KeyboardEvent, pressed: boolean): void {
    if (!this.engaged) return;
    const handled = pressed ? this.keyboard.down(e.code) : this.keyboard.up(e.code);
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  private releaseAll(): void {
    this.keyboard.releaseAll();
    for (const button of this.buttons) this.api.mouseButton(button, false);
    this.buttons.clear();
    this.wheel.reset();
  }
}
