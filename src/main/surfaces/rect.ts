import type { Rect } from '../../core/protocol/display-types';

/** Half-open rectangle helpers: [left, right) × [top, bottom), as on the wire. */

export function rect(left: number, top: number, right: number, bottom: number): Rect {
  return { left, top, right, bottom };
}

/** True when the rectangle holds no pixel (also for inverted rectangles, as pixman treats them). */
export function rectIsEmpty(r: Rect): boolean {
  return r.right <= r.left || r.bottom <= r.top;
}

/** The common part of two rectangles, or null when they do not overlap. */
export function intersectRects(a: Rect, b: Rect): Rect | null {
  const left = Math.max(a.left, b.left);
  const top = Math.max(a.top, b.top);
  const right = Math.min(a.right, b.right);
  const bottom = Math.min(a.bottom, b.bottom);
  return right > left && bottom > top ? { left, top, right, bottom } : null;
}

export function rectWidth(r: Rect): number {
  return r.right - r.left;
}

export function rectHeight(r: Rect): number {
  return r.bottom - r.top;
}

/** Same width and height (spice-common's rect_is_same_size: decides blit versus scale). */
export function rectsSameSize(a: Rect, b: Rect): boolean {
  return a.right - a.left === b.right - b.left && a.bottom - a.top === b.bottom - b.top;
}
