import { hotkeyHeld, type Hotkey } from '../../shared/hotkeys';
import type { SaffronApi } from '../../shared/ipc';
import type { MouseModeName } from '../../shared/session-types';
import type { MonitorLayout } from '../view/layout';
import { KeyboardState } from './keyboard';
import { localLockBits, type LockKeySync } from './lock-keys';
import { spiceButtonFor, toGuestPixel, WheelAccumulator } from './mouse';

type InputApi = Pick<SaffronApi, 'keyDown' | 'keyUp' | 'mousePosition' | 'mouseMotion' | 'mouseButton' | 'mouseWheel'>;

/** navigator.keyboard (Keyboard Lock API): Chromium only, and only in full screen. */
interface KeyboardLock {
  lock(codes?: string[]): Promise<void>;
  unlock(): void;
}

export interface DisplayInputOptions {
  readonly api: InputApi;
  readonly monitor: () => MonitorLayout;
  readonly lockKeys: LockKeySync;
  readonly releaseHotkey: () => Hotkey | null;
  /** The grab changed: true when the display takes keyboard and mouse. */
  readonly onGrab: (grabbed: boolean) => void;
}

/**
 * Captures keyboard and mouse on one monitor's canvas and sends them to the guest. Nothing is
 * sent until the user has clicked the display (a stray mouse pass must not move the guest's
 * pointer); keys only while it has focus; everything held is released when it loses focus.
 * Client mouse mode sends absolute guest pixels; server mode locks the pointer and sends
 * relative motion. The release hotkey (Ctrl+Alt by default) gives keyboard and mouse back.
 */
export class DisplayInput {
  private engaged = false;
  private mode: MouseModeName = 'server';
  private readonly keyboard: KeyboardState;
  private readonly wheel = new WheelAccumulator();
  private readonly buttons = new Set<number>();
  /** KeyboardEvent.code of every key held, for the release hotkey. */
  private readonly held = new Set<string>();
  private readonly removers: (() => void)[] = [];

  constructor(private readonly canvas: HTMLCanvasElement, private readonly options: DisplayInputOptions) {
    this.keyboard = new KeyboardState(options.api);
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
    const lockChanged = (): void => {
      if (!this.pointerLocked && this.mode === 'server' && this.engaged) this.options.onGrab(false);
    };
    document.addEventListener('pointerlockchange', lockChanged);
    this.removers.push(() => document.removeEventListener('pointerlockchange', lockChanged));
  }

  setMouseMode(mode: MouseModeName): void {
    this.mode = mode;
    if (mode === 'client' && this.pointerLocked) document.exitPointerLock();
  }

  get isEngaged(): boolean {
    return this.engaged;
  }

  /** Gives keyboard and mouse back to the local system (the release hotkey, or the menu). */
  release(): void {
    this.releaseAll();
    if (this.pointerLocked) document.exitPointerLock();
    keyboardLock()?.unlock();
    const wasEngaged = this.engaged;
    this.engaged = false;
    this.canvas.blur();
    if (wasEngaged) this.options.onGrab(false);
  }

  /** After a session ends: release everything and wait for a new click. */
  reset(): void {
    this.release();
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

  private engage(e: MouseEvent): void {
    this.canvas.focus({ preventScroll: true });
    if (this.engaged) return;
    this.engaged = true;
    this.options.lockKeys.sync(localLockBits(e));
    // In full screen the browser lets us have the keys it would keep (Alt+Tab, Super...).
    if (document.fullscreenElement) void keyboardLock()?.lock().catch(() => {});
    this.options.onGrab(true);
  }

  private mouseDown(e: MouseEvent): void {
    e.preventDefault();
    this.engage(e);
    if (this.mode === 'server' && !this.pointerLocked) {
      // This click only grabs the pointer; the guest hears the next ones.
      void Promise.resolve(this.canvas.requestPointerLock()).catch(() => {});
      return;
    }
    const button = spiceButtonFor(e.button);
    if (button === undefined) return;
    this.sendPosition(e);
    this.buttons.add(button);
    this.options.api.mouseButton(button, true);
  }

  private mouseUp(e: MouseEvent): void {
    const button = spiceButtonFor(e.button);
    if (button === undefined || !this.buttons.delete(button)) return;
    this.sendPosition(e);
    this.options.api.mouseButton(button, false);
  }

  private mouseMove(e: MouseEvent): void {
    if (!this.engaged) return;
    if (this.mode === 'server') {
      if (this.pointerLocked && (e.movementX !== 0 || e.movementY !== 0)) this.options.api.mouseMotion(Math.round(e.movementX), Math.round(e.movementY));
      return;
    }
    // Outside the canvas only a drag (button held) keeps reporting, clamped to the edge.
    if (e.target !== this.canvas && this.buttons.size === 0) return;
    this.sendPosition(e);
  }

  private sendPosition(e: MouseEvent): void {
    if (this.mode !== 'client') return;
    const monitor = this.options.monitor();
    const { x, y } = toGuestPixel(e.clientX, e.clientY, this.canvas.getBoundingClientRect(), monitor.width, monitor.height);
    this.options.api.mousePosition(x, y, monitor.inputDisplayId);
  }

  private wheelTurned(e: WheelEvent): void {
    if (!this.engaged) return;
    e.preventDefault();
    const steps = this.wheel.add(e.deltaY, e.deltaMode);
    if (steps !== 0) {
      this.sendPosition(e);
      this.options.api.mouseWheel(steps);
    }
  }

  private key(e: KeyboardEvent, pressed: boolean): void {
    if (!this.engaged) return;
    if (pressed) {
      this.held.add(e.code);
      const hotkey = this.options.releaseHotkey();
      if (hotkey && hotkeyHeld(hotkey, this.held)) {
        e.preventDefault();
        this.release();
        return;
      }
      // Lock keys first, so this key is typed with the guest's locks matching ours.
      this.options.lockKeys.beforeKeyDown(e.code, localLockBits(e));
    } else {
      this.held.delete(e.code);
    }
    const handled = pressed ? this.keyboard.down(e.code) : this.keyboard.up(e.code);
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  private releaseAll(): void {
    this.keyboard.releaseAll();
    this.held.clear();
    for (const button of this.buttons) this.options.api.mouseButton(button, false);
    this.buttons.clear();
    this.wheel.reset();
  }
}

function keyboardLock(): KeyboardLock | undefined {
  return (navigator as Navigator & { keyboard?: KeyboardLock }).keyboard;
}
