import { flipRows } from '../../core/codecs/lz-common';
import type { DecodedImage } from '../../core/codecs/types';
import { ImageScaleMode } from '../../core/protocol/constants';
import type { Clip, Rect } from '../../core/protocol/display-types';
import { clipRegion, regionExtents } from '../surfaces/clip';
import { intersectRects, rectIsEmpty } from '../surfaces/rect';
import { makeScaler, scaleRow } from '../surfaces/scale';
import type { Surface } from '../surfaces/surface';

/**
 * Draws one decoded video frame on a surface, as spice-common's canvas_put_image (what spice-gtk
 * does with every stream frame): the frame fills `dest`, scaled with nearest-neighbour sampling
 * when its size differs, and only the pixels inside `clip` (and the surface) change; the frame
 * replaces what was there (PIXMAN_OP_SRC, no blending).
 *
 * `topDown` false means the frame's first row is the bottom row (SPICE streams without the
 * TOP_DOWN flag): the frame is flipped, in place, first. Returns the damaged rectangle.
 */
export function putFrame(surface: Surface, frame: DecodedImage, topDown: boolean, dest: Rect, clip: Clip): Rect | null {
  if (rectIsEmpty(dest) || frame.width === 0 || frame.height === 0) return null;
  const region = clipRegion(intersectRects(dest, { left: 0, top: 0, right: surface.width, bottom: surface.height }), clip);
  const extents = regionExtents(region);
  if (!extents) return null;
  if (!topDown) flipRows(frame.pixels, frame.width, frame.height);
  const { pixels, width, opaqueBits } = surface;
  const sameSize = dest.right - dest.left === frame.width && dest.bottom - dest.top === frame.height;
  if (sameSize) {
    for (const band of region) {
      for (let y = band.top; y < band.bottom; y++) {
        const from = (y - dest.top) * frame.width - dest.left;
        for (let s = 0; s < band.spans.length; s += 2) {
          const x1 = band.spans[s];
          const x2 = band.spans[s + 1];
          const row = frame.pixels.subarray(from + x1, from + x2);
          const at = y * width + x1;
          if (opaqueBits === 0) {
            pixels.set(row, at);
          } else {
            for (let i = 0; i < row.length; i++) pixels[at + i] = row[i] | opaqueBits;
          }
        }
      }
    }
  } else {
    const frameArea = { left: 0, top: 0, right: frame.width, bottom: frame.height };
    const scaler = makeScaler(frame, frameArea, dest, ImageScaleMode.NEAREST, extents.left, extents.right);
    const row = new Uint32Array(extents.right - extents.left);
    for (const band of region) {
      for (let y = band.top; y < band.bottom; y++) {
        for (let s = 0; s < band.spans.length; s += 2) {
          const x1 = band.spans[s];
          const x2 = band.spans[s + 1];
          scaleRow(scaler, y, x1, x2, row, opaqueBits);
          pixels.set(row.subarray(0, x2 - x1), y * width + x1);
        }
      }
    }
  }
  surface.normalize(extents);
  return extents;
}
