import type { Size, ViewMode } from './view-scale';

/** How long the window must keep its size before the guest is asked to follow (remote-viewer waits about as long). */
export const GUEST_RESIZE_DELAY_MS = 500;

/**
 * The guest resolution that fills `area` (CSS pixels) exactly: device pixels, divided by the zoom
 * when a fixed zoom is chosen (a 200% zoom asks for half the pixels, as spice-gtk does), so the
 * guest's picture always fits without scroll bars. Null when there is no room at all.
 */
export function guestSizeFor(area: Size, devicePixelRatio: number, mode: ViewMode): Size | null {
  const zoom = mode.kind === 'zoom' ? mode.factor : 1;
  const width = Math.floor((area.width * devicePixelRatio) / zoom + 1e-6);
  const height = Math.floor((area.height * devicePixelRatio) / zoom + 1e-6);
  return width >= 1 && height >= 1 ? { width, height } : null;
}

export interface ResizeTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: ResizeTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Asks the guest to follow one window's size: a size is sent once it has stayed the same for
 * the delay (a person dragging a window edge makes one request, not hundreds), and never twice
 * in a row. Only the window's room drives it, never the guest's answer, so a guest that picks a
 * slightly different resolution cannot start a loop. `want(null)` cancels what is waiting
 * (following is off, or this window shows no single monitor).
 */
export class GuestResizeFollower {
  private timer: unknown = null;
  private lastSent: string | null = null;
  private waiting: Size | null = null;

  constructor(
    private readonly send: (size: Size) => void,
    private readonly delayMs = GUEST_RESIZE_DELAY_MS,
    private readonly timers: ResizeTimers = REAL_TIMERS,
  ) {}

  want(size: Size | null): void {
    if (size && this.waiting && size.width === this.waiting.width && size.height === this.waiting.height) return;
    this.cancel();
    if (!size || `${size.width}x${size.height}` === this.lastSent) return;
    this.waiting = size;
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.waiting = null;
      this.lastSent = `${size.width}x${size.height}`;
      this.send(size);
    }, this.delayMs);
  }

  /** A new session, or following turned back on: the next size goes out even if it was sent before. */
  forget(): void {
    this.cancel();
    this.lastSent = null;
  }

  dispose(): void {
    this.cancel();
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.waiting = null;
  }
}
