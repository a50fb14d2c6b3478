/** Pure helpers for mouse input: coordinates, buttons and the wheel. */

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * A point in the page → guest pixels: the canvas may be drawn at another CSS size (device pixel
 * ratio, zoom), so scale by surface size over on-screen size, and clamp onto the surface.
 */
export function toGuestPixel(clientX: number, clientY: number, box: Box, surfaceWidth: number, surfaceHeight: number): { x: number; y: number } {
  const scaleX = box.width > 0 ? surfaceWidth / box.width : 1;
  const scaleY = box.height > 0 ? surfaceHeight / box.height : 1;
  const x = Math.floor((clientX - box.left) * scaleX);
  const y = Math.floor((clientY - box.top) * scaleY);
  return { x: Math.min(Math.max(x, 0), surfaceWidth - 1), y: Math.min(Math.max(y, 0), surfaceHeight - 1) };
}

/** MouseEvent.button → SPICE button (1 left, 2 middle, 3 right, 6 back, 7 forward). */
export function spiceButtonFor(domButton: number): number | undefined {
  switch (domButton) {
    case 0:
      return 1;
    case 1:
      return 2;
    case 2:
      return 3;
    case 3:
      return 6;
    case 4:
      return 7;
    default:
      return undefined;
  }
}

const DOM_DELTA_PIXEL = 0;
const DOM_DELTA_LINE = 1;
/** Chromium reports one notch of a wheel mouse as 100 pixels (120 on some systems), or 3 lines. */
const PIXELS_PER_STEP = 100;
const LINES_PER_STEP = 3;

/**
 * Turns wheel deltas into whole notches: a touchpad's many small deltas add up to a notch
 * instead of each becoming one (which would scroll the guest far too fast).
 */
export class WheelAccumulator {
  private pending = 0;

  /** Returns the notches to send now: negative up, positive down. */
  add(deltaY: number, deltaMode: number): number {
    // Turning back starts afresh: leftovers of the other direction must not swallow a notch.
    if (deltaY * this.pending < 0) this.pending = 0;
    const perStep = deltaMode === DOM_DELTA_PIXEL ? PIXELS_PER_STEP : deltaMode === DOM_DELTA_LINE ? LINES_PER_STEP : 1;
    this.pending += deltaY / perStep;
    const steps = Math.trunc(this.pending);
    if (steps === 0) return 0; // also turns -0 into 0
    this.pending -= steps;
    return Math.max(-16, Math.min(16, steps));
  }

  reset(): void {
    this.pending = 0;
  }
}
