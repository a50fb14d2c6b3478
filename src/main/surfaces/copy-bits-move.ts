import type { CopyBits, Rect } from '../../core/protocol/display-types';
import { clipRegion } from './clip';
import { intersectRects } from './rect';

/**
 * What a COPY_BITS does to a surface, as a front end can redo it on its own copy of the pixels:
 * `source` moves to (destX, destY), written only inside `clip` (destination rectangles, disjoint;
 * null: all of the destination). Source and destination may overlap: the copy reads every source
 * pixel before it writes any (memmove), as spice-common's canvas does.
 */
export interface SurfaceMove {
  readonly source: Rect;
  readonly destX: number;
  readonly destY: number;
  readonly clip: readonly Rect[] | null;
}

/**
 * The move canvas.copyBits makes of `op` on a surface of this size: the box cut to the surface and
 * to where the source lies inside it, then to the clip. Null when it changes nothing (no pixel
 * drawn, or a copy onto itself), exactly when canvas.copyBits reports no damage.
 */
export function copyBitsMove(width: number, height: number, op: CopyBits): SurfaceMove | null {
  const { box, clip } = op.base;
  const dx = box.left - op.sourcePos.x;
  const dy = box.top - op.sourcePos.y;
  if (dx === 0 && dy === 0) return null;
  let bounds = intersectRects(box, { left: 0, top: 0, right: width, bottom: height });
  if (bounds) bounds = intersectRects(bounds, { left: dx, top: dy, right: dx + width, bottom: dy + height });
  const region = clipRegion(bounds, clip);
  if (region.length === 0 || !bounds) return null;
  let rects: Rect[] | null = null;
  let extents: Rect = bounds;
  if (clip.type === 'rects') {
    rects = [];
    for (const band of region) {
      for (let i = 0; i < band.spans.length; i += 2) rects.push({ left: band.spans[i], top: band.top, right: band.spans[i + 1], bottom: band.bottom });
    }
    extents = rects.reduce((a, b) => ({ left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) }));
    // One rectangle filling the extents is no clip at all.
    if (rects.length === 1) rects = null;
  }
  return {
    source: { left: extents.left - dx, top: extents.top - dy, right: extents.right - dx, bottom: extents.bottom - dy },
    destX: extents.left,
    destY: extents.top,
    clip: rects,
  };
}
