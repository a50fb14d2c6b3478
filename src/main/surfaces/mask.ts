import type { DecodedImage } from '../../core/codecs/types';
import { MaskFlags } from '../../core/protocol/constants';
import type { Image, QMask, Rect } from '../../core/protocol/display-types';
import { ProtocolError } from '../../core/protocol/errors';

/**
 * A QMask made ready for drawing: a 1-bit image that further restricts the pixels an
 * operation draws (spice-common's canvas_mask_pixman intersects the region with it).
 *
 * Placement: mask pixel (0, 0) is not at the box origin but `pos` inside the mask, i.e.
 * destination pixel (x, y) reads mask pixel (x - box.left + pos.x, y - box.top + pos.y).
 * Destination pixels whose mask pixel falls outside the mask image are never drawn, with or
 * without INVERS (spice-common inverts only within the mask's own rectangle).
 *
 * Which pixels are "set": spice-common reads a mask bitmap's raw bits (a1). The resolver hands
 * us decoded pixels instead, so:
 *  - images with alpha (a palette-less 1-bit bitmap decodes to alpha-only 0xFF000000 / 0; A1
 *    and A8 surfaces): set when alpha ≥ 0x80 (pixman's a8 → a1 conversion keeps the top bit);
 *  - opaque images (a 1-bit bitmap that came with a palette): set when the colour is not
 *    black, which gives the raw bit back for the usual black/white palette.
 * (canvas.ts' paintRegion applies this test inline, per pixel.)
 */
export interface Mask {
  readonly pixels: Uint32Array;
  readonly width: number;
  readonly height: number;
  readonly byAlpha: boolean;
  /** 1 when INVERS: a set bit then means "do not draw". */
  readonly invert: number;
  /** Add to a destination x / y to get the mask's x / y. */
  readonly dx: number;
  readonly dy: number;
}

export function prepareMask(mask: QMask, box: Rect, resolve: (image: Image) => DecodedImage): Mask | null {
  if (!mask.bitmap) return null;
  const image = resolve(mask.bitmap);
  if (image.pixels.length < image.width * image.height) throw new ProtocolError('mask image is smaller than its size');
  return {
    pixels: image.pixels,
    width: image.width,
    height: image.height,
    byAlpha: image.hasAlpha,
    invert: mask.flags & MaskFlags.INVERS ? 1 : 0,
    dx: mask.pos.x - box.left,
    dy: mask.pos.y - box.top,
  };
}
