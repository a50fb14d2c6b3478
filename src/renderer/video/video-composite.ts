import type { VideoRect } from '../../shared/video-ipc';

/**
 * Copies the pixels of a decoded video frame into a target picture, only where the stream may
 * paint: inside `dest`, inside the clip rectangles (null: all of dest) and inside the target.
 *
 * `frame` is RGBA of exactly dest's size, already scaled and flipped; `target` is RGBA covering
 * `area` of the surface (the whole surface, or one damage patch). Returns the extents of what
 * changed, in surface pixels, or null when nothing did.
 */
export function copyVideoPixels(
  frame: Uint8ClampedArray,
  dest: VideoRect,
  clip: readonly VideoRect[] | null,
  target: Uint8ClampedArray,
  area: VideoRect,
): VideoRect | null {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const rect of clip ?? [dest]) {
    const x1 = Math.max(rect.x, dest.x, area.x);
    const y1 = Math.max(rect.y, dest.y, area.y);
    const x2 = Math.min(rect.x + rect.width, dest.x + dest.width, area.x + area.width);
    const y2 = Math.min(rect.y + rect.height, dest.y + dest.height, area.y + area.height);
    if (x2 <= x1 || y2 <= y1) continue;
    for (let y = y1; y < y2; y++) {
      const from = ((y - dest.y) * dest.width + (x1 - dest.x)) * 4;
      target.set(frame.subarray(from, from + (x2 - x1) * 4), ((y - area.y) * area.width + (x1 - area.x)) * 4);
    }
    left = Math.min(left, x1);
    top = Math.min(top, y1);
    right = Math.max(right, x2);
    bottom = Math.max(bottom, y2);
  }
  return right > left ? { x: left, y: top, width: right - left, height: bottom - top } : null;
}
