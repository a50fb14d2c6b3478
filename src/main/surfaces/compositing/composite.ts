import type { Rect } from '../../../core/protocol/display-types';
import { regionExtents, type Region } from '../clip';
import type { Surface } from '../surface';
import { combineFloat } from './combine-float';
import { combineNarrow } from './combine-narrow';
import { analyzeExtent, reduceOperator } from './analysis';
import { operatorNeedsFloat } from './operators';
import { contractFromFloat, expandToFloat, fetchFloat, fetchNarrow, type Picture, type PixelFormat } from './picture';

/**
 * pixman_image_composite32 onto a Surface, restricted to `region`, computed the way pixman's
 * general path does it (pixman-general.c): per scanline, fetch the mask, the source and the
 * destination, combine, store. Fast paths in pixman give the same bits as this path (pixman's
 * own tests hold every implementation to the same checksums), so this is what spice-gtk
 * shows.
 *
 * Destination pixel (x, y) reads the source at (x + srcDx, y + srcDy) and the mask at
 * (x + maskDx, y + maskDy), both before the pictures' transforms. `extents` is the area pixman
 * composites (its region's bounds): it decides whether the source counts as opaque
 * (analysis.ts), while `region` is where pixels are written. The destination is read as
 * `destFormat` (its stored alpha is 0xFF where the format has none); results are ORed with
 * the surface's opaque bits, and the caller re-quantises narrow formats (Surface.normalize).
 * A source or mask that shares the surface's pixels must be a copy (pixman reads the
 * original while writing a separate image in spice-common).
 */
export function compositeRegion(
  dest: Surface,
  destFormat: PixelFormat,
  region: Region,
  extents: Rect,
  requestedOp: number,
  src: Picture,
  srcDx: number,
  srcDy: number,
  mask: Picture | null,
  maskDx: number,
  maskDy: number,
): Rect | null {
  const source = analyzeExtent(src, shift(extents, srcDx, srcDy));
  const masking = analyzeExtent(mask, shift(extents, maskDx, maskDy));
  if (!source.fits || !masking.fits) return null;
  const op = reduceOperator(requestedOp, source.opaque && masking.opaque);
  const componentAlpha = mask !== null && mask.componentAlpha;
  const wide = operatorNeedsFloat(op);
  const { pixels, width } = dest;
  const orBits = dest.opaqueBits;
  // Band by band and span by span, as pixman composites its region box by box: its scanline
  // buffers start zeroed for each box, and a source pixel under an all-zero mask is not fetched
  // (the float path can see that; see fetchFloat).
  for (const band of region) {
    const { spans } = band;
    for (let s = 0; s < spans.length; s += 2) {
      const x1 = spans[s];
      const n = spans[s + 1] - x1;
      if (wide) {
        const m = mask ? floatRow(1, n) : null;
        const sv = floatRow(0, n);
        const dv = floatRow(2, n);
        sv.fill(0, 0, 4 * n);
        const skip = m ? new Uint32Array(m.buffer, 0, 4 * n) : null;
        for (let y = band.top; y < band.bottom; y++) {
          const start = y * width + x1;
          if (mask && m) fetchFloat(mask, x1 + maskDx, y + maskDy, n, m);
          fetchFloat(src, x1 + srcDx, y + srcDy, n, sv, skip);
          for (let i = 0; i < n; i++) expandToFloat(pixels[start + i], destFormat, dv, 4 * i);
          combineFloat(op, componentAlpha, dv, sv, m, n);
          for (let i = 0; i < n; i++) pixels[start + i] = (contractFromFloat(dv, 4 * i) | orBits) >>> 0;
        }
      } else {
        const m = mask ? narrowRow(1, n) : null;
        const sv = narrowRow(0, n);
        for (let y = band.top; y < band.bottom; y++) {
          const start = y * width + x1;
          if (mask && m) fetchNarrow(mask, x1 + maskDx, y + maskDy, n, m);
          fetchNarrow(src, x1 + srcDx, y + srcDy, n, sv);
          const dv = pixels.subarray(start, start + n);
          combineNarrow(op, componentAlpha, dv, sv, m, n);
          if (orBits !== 0) for (let i = 0; i < n; i++) dv[i] = (dv[i] | orBits) >>> 0;
        }
      }
    }
  }
  return regionExtents(region);
}

function shift(r: Rect, dx: number, dy: number): Rect {
  return { left: r.left + dx, top: r.top + dy, right: r.right + dx, bottom: r.bottom + dy };
}

// Scanline buffers reused across calls (draws run one at a time): source, mask, destination.
const narrowRows: Uint32Array[] = [new Uint32Array(256), new Uint32Array(256)];
const floatRows: Float32Array[] = [new Float32Array(1024), new Float32Array(1024), new Float32Array(1024)];

function narrowRow(which: number, n: number): Uint32Array {
  if (narrowRows[which].length < n) narrowRows[which] = new Uint32Array(Math.max(n, narrowRows[which].length * 2));
  return narrowRows[which];
}

function floatRow(which: number, n: number): Float32Array {
  if (floatRows[which].length < 4 * n) floatRows[which] = new Float32Array(Math.max(4 * n, floatRows[which].length * 2));
  return floatRows[which];
}
