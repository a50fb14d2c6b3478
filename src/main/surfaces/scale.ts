import type { DecodedImage } from '../../core/codecs/types';
import { ImageScaleMode } from '../../core/protocol/constants';
import type { Rect } from '../../core/protocol/display-types';

/**
 * Sampling of a scaled copy (src_area ≠ box size), computed the way sw_canvas drives pixman:
 *
 *   scale   fsx = floor(srcWidth · 65536 / boxWidth)   (16.16 fixed point; same for y)
 *   transform: dest → source  x' = fsx · x + srcLeft   (pixman_transform_init_scale + translate)
 *
 * where x counts from the box's left edge. pixman samples each destination pixel at its
 * centre, x + 0.5, and rounds the transformed point to 16.16 (pixman_transform_point_31_16):
 *
 *   X(i) = fsx · i + ((fsx · 0x8000 + 0x8000) >> 16) + srcLeft · 65536
 *
 * NEAREST takes source column floor((X − 1) / 65536) (pixman subtracts pixman_fixed_e so a
 * point exactly on a pixel edge goes to the left/upper pixel).
 *
 * INTERPOLATE is PIXMAN_FILTER_GOOD, which pixman implements as bilinear: the 2×2 pixels
 * around X − 0.5 with weights quantised to 7 bits (BILINEAR_INTERPOLATION_BITS), each channel
 * Σ c·w >> 16 with w from (256 − d, d) and d = 7-bit fraction · 2. Pixels outside the whole
 * source image (PIXMAN_REPEAT_NONE) read as 0, transparent black.
 *
 * The source is the whole image, not just src_area: bilinear neighbours may come from beyond
 * src_area when the image extends there, as with pixman.
 */
export interface Scaler {
  readonly image: DecodedImage;
  readonly bilinear: boolean;
  /** First destination column of the tables below. */
  readonly firstColumn: number;
  /** Per destination column: source column (nearest) or left source column (bilinear). */
  readonly columns: Int32Array;
  /** Per destination column: bilinear weight of the right column, 0..254 (bilinear only). */
  readonly columnWeights: Uint16Array;
  readonly fsy: number;
  readonly yBase: number;
  readonly boxTop: number;
}

/**
 * Prepares sampling of `srcArea` of `image` stretched over `box`, for destination columns
 * [drawLeft, drawRight) only (the drawn part, within the surface: the box itself may be
 * far larger).
 */
export function makeScaler(image: DecodedImage, srcArea: Rect, box: Rect, scaleMode: number, drawLeft: number, drawRight: number): Scaler {
  const fsx = Math.floor(((srcArea.right - srcArea.left) * 65536) / (box.right - box.left));
  const fsy = Math.floor(((srcArea.bottom - srcArea.top) * 65536) / (box.bottom - box.top));
  const bilinear = scaleMode !== ImageScaleMode.NEAREST;
  const count = drawRight - drawLeft;
  const columns = new Int32Array(count);
  const columnWeights = new Uint16Array(bilinear ? count : 0);
  const xBase = centreOffset(fsx) + srcArea.left * 65536;
  for (let k = 0; k < count; k++) {
    const x = fsx * (drawLeft + k - box.left) + xBase;
    if (bilinear) {
      const x1 = x - 0x8000;
      columns[k] = Math.floor(x1 / 65536);
      columnWeights[k] = ((x1 >> 9) & 0x7f) << 1;
    } else {
      columns[k] = Math.floor((x - 1) / 65536);
    }
  }
  return {
    image,
    bilinear,
    firstColumn: drawLeft,
    columns,
    columnWeights,
    fsy,
    yBase: centreOffset(fsy) + srcArea.top * 65536,
    boxTop: box.top,
  };
}

/** The rounded transform of the pixel centre offset 0.5: (f · 0x8000 + 0x8000) >> 16. */
function centreOffset(f: number): number {
  return Math.floor((f * 0x8000 + 0x8000) / 65536);
}

/**
 * Writes the scaled pixels of destination row y, columns [x1, x2), to out[0 .. x2 − x1),
 * ORing orBits into each.
 */
export function scaleRow(s: Scaler, y: number, x1: number, x2: number, out: Uint32Array, orBits: number): void {
  const { image, columns } = s;
  const { width, height, pixels } = image;
  const fy = s.fsy * (y - s.boxTop) + s.yBase;
  const i0 = x1 - s.firstColumn;
  const n = x2 - x1;
  if (!s.bilinear) {
    const sy = Math.floor((fy - 1) / 65536);
    if (sy < 0 || sy >= height) {
      out.fill(orBits, 0, n);
      return;
    }
    const row = sy * width;
    for (let k = 0; k < n; k++) {
      const sx = columns[i0 + k];
      out[k] = (sx >= 0 && sx < width ? pixels[row + sx] : 0) | orBits;
    }
    return;
  }
  const y1 = fy - 0x8000;
  const sy = Math.floor(y1 / 65536);
  const wy = ((y1 >> 9) & 0x7f) << 1;
  const topValid = sy >= 0 && sy < height;
  const bottomValid = sy + 1 >= 0 && sy + 1 < height;
  const top = sy * width;
  const bottom = top + width;
  const weights = s.columnWeights;
  for (let k = 0; k < n; k++) {
    const sx = columns[i0 + k];
    const wx = weights[i0 + k];
    const leftValid = sx >= 0 && sx < width;
    const rightValid = sx + 1 >= 0 && sx + 1 < width;
    const tl = topValid && leftValid ? pixels[top + sx] : 0;
    const tr = topValid && rightValid ? pixels[top + sx + 1] : 0;
    const bl = bottomValid && leftValid ? pixels[bottom + sx] : 0;
    const br = bottomValid && rightValid ? pixels[bottom + sx + 1] : 0;
    out[k] = bilinearPixel(tl, tr, bl, br, wx, wy) | orBits;
  }
}

/**
 * pixman's bilinear_interpolation: weights (256 − wx)(256 − wy), wx(256 − wy), (256 − wx)wy
 * and wx·wy (they sum to 65536), each channel's weighted sum truncated by >> 16.
 */
export function bilinearPixel(tl: number, tr: number, bl: number, br: number, wx: number, wy: number): number {
  const wtl = (256 - wx) * (256 - wy);
  const wtr = wx * (256 - wy);
  const wbl = (256 - wx) * wy;
  const wbr = wx * wy;
  const b = ((tl & 0xff) * wtl + (tr & 0xff) * wtr + (bl & 0xff) * wbl + (br & 0xff) * wbr) >>> 16;
  const g = (((tl >>> 8) & 0xff) * wtl + ((tr >>> 8) & 0xff) * wtr + ((bl >>> 8) & 0xff) * wbl + ((br >>> 8) & 0xff) * wbr) >>> 16;
  const r =
    (((tl >>> 16) & 0xff) * wtl + ((tr >>> 16) & 0xff) * wtr + ((bl >>> 16) & 0xff) * wbl + ((br >>> 16) & 0xff) * wbr) >>> 16;
  const a = ((tl >>> 24) * wtl + (tr >>> 24) * wtr + (bl >>> 24) * wbl + (br >>> 24) * wbr) >>> 16;
  return ((a << 24) | (r << 16) | (g << 8) | b) >>> 0;
}
