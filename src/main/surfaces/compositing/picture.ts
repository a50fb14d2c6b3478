import type { Transform } from '../../../core/protocol/display-types';
import { bilinearPixel } from '../scale';

/**
 * Channel widths of the pixman format an image is read as. The 8-bit pipeline never needs
 * them (pixels are stored widened to 0xAARRGGBB), but the float pipeline expands each channel
 * from its original width (pixman_expand_to_float: a 5-bit red v is v/31, not (v·8+v/4)/255).
 */
export interface PixelFormat {
  readonly a: number;
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export const A8R8G8B8: PixelFormat = { a: 8, r: 8, g: 8, b: 8 };
export const X8R8G8B8: PixelFormat = { a: 0, r: 8, g: 8, b: 8 };
export const X1R5G5B5: PixelFormat = { a: 0, r: 5, g: 5, b: 5 };
export const R5G6B5: PixelFormat = { a: 0, r: 5, g: 6, b: 5 };
export const A8: PixelFormat = { a: 8, r: 0, g: 0, b: 0 };
export const A1: PixelFormat = { a: 1, r: 0, g: 0, b: 0 };

/** pixman's sampling filters (pixman_filter_t). */
export const Filter = { FAST: 0, GOOD: 1, BEST: 2, NEAREST: 3, BILINEAR: 4 } as const;

/** pixman's repeat modes (pixman_repeat_t). */
export const Repeat = { NONE: 0, NORMAL: 1, PAD: 2, REFLECT: 3 } as const;

/**
 * An image as pixman samples it during a composite: pixels (0xAARRGGBB, alpha 0xFF where the
 * format has none), the format, and how points map onto it.
 */
export interface Picture {
  readonly pixels: Uint32Array;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** Destination-to-image transform, 16.16 fixed point (rows t00 t01 t02, t10 t11 t12); null: identity. */
  readonly transform: Transform | null;
  readonly filter: number;
  readonly repeat: number;
  /** For a mask: each channel scales its own source channel. */
  readonly componentAlpha: boolean;
  /**
   * Read the pixels' alpha as 0xFF (an ARGB surface read through an opaque format, as
   * DRAW_COMPOSITE's SOURCE_OPAQUE asks). Pixels outside a REPEAT_NONE image stay 0.
   */
  readonly opaque: boolean;
}

/** A 1x1 picture repeated everywhere: a solid colour. */
export function solidPicture(color: number, format: PixelFormat = A8R8G8B8): Picture {
  return {
    pixels: Uint32Array.of(color >>> 0),
    width: 1,
    height: 1,
    format,
    transform: null,
    filter: Filter.NEAREST,
    repeat: Repeat.NORMAL,
    componentAlpha: false,
    opaque: false,
  };
}

/** pixman's repeat(): the image coordinate for c, or -1 when REPEAT_NONE puts it outside. */
function repeatCoordinate(repeat: number, c: number, size: number): number {
  switch (repeat) {
    case Repeat.NONE:
      return c < 0 || c >= size ? -1 : c;
    case Repeat.NORMAL: {
      const r = c % size;
      return r < 0 ? r + size : r;
    }
    case Repeat.PAD:
      return c < 0 ? 0 : c >= size ? size - 1 : c;
    default: {
      // REFLECT: MOD(c, 2·size), then mirrored back.
      const period = size * 2;
      let r = c % period;
      if (r < 0) r += period;
      return r >= size ? period - r - 1 : r;
    }
  }
}

/** The pixel at integer (x, y) after repeat; 0 outside for REPEAT_NONE. */
function pixelAt(p: Picture, x: number, y: number): number {
  const px = repeatCoordinate(p.repeat, x, p.width);
  const py = repeatCoordinate(p.repeat, y, p.height);
  if (px < 0 || py < 0) return 0;
  return p.opaque ? (p.pixels[py * p.width + px] | 0xff000000) >>> 0 : p.pixels[py * p.width + px];
}

/**
 * A repeating 1x1 image is a solid colour to pixman (PIXMAN_solid): its iterator fills the
 * scanline with that pixel, whatever the transform and filter.
 */
function isSolid(p: Picture): boolean {
  return p.width === 1 && p.height === 1 && p.repeat !== Repeat.NONE;
}

function isBilinear(filter: number): boolean {
  return filter === Filter.GOOD || filter === Filter.BEST || filter === Filter.BILINEAR;
}

/**
 * Where the centre of image-space pixel (x, y) lands after the transform, 16.16 fixed point,
 * as pixman_transform_point_3d rounds it (the 0.5 fraction multiplied separately, + 0x8000,
 * >> 16). Writes point[0], point[1]; false when it does not fit 32 bits (pixman then fetches
 * nothing).
 */
function transformCentre(t: Transform, x: number, y: number, point: Int32Array): boolean {
  const [t00, t01, t02, t10, t11, t12] = t;
  const px = t00 * x + t01 * y + t02 + Math.floor(((t00 + t01) * 0x8000 + 0x8000) / 65536);
  const py = t10 * x + t11 * y + t12 + Math.floor(((t10 + t11) * 0x8000 + 0x8000) / 65536);
  if (px !== (px | 0) || py !== (py | 0)) return false;
  point[0] = px;
  point[1] = py;
  return true;
}

const point = new Int32Array(2);

/**
 * Fetches n pixels of row y starting at x (image-space coordinates before the transform), as
 * pixman's 8-bit source iterators do: nearest takes the pixel containing the point (points on
 * an edge go left/up), bilinear the 2x2 around it with 7-bit weights.
 */
export function fetchNarrow(p: Picture, x: number, y: number, n: number, out: Uint32Array): void {
  if (isSolid(p)) {
    out.fill(pixelAt(p, 0, 0), 0, n);
    return;
  }
  const t = p.transform;
  if (!t) {
    const w = p.width;
    if (p.repeat === Repeat.NONE && !p.opaque) {
      if (y < 0 || y >= p.height) {
        out.fill(0, 0, n);
        return;
      }
      const start = Math.max(x, 0);
      const end = Math.min(x + n, w);
      const row = y * w;
      if (start >= end) {
        out.fill(0, 0, n);
        return;
      }
      out.fill(0, 0, start - x);
      out.set(p.pixels.subarray(row + start, row + end), start - x);
      out.fill(0, end - x, n);
      return;
    }
    for (let i = 0; i < n; i++) out[i] = pixelAt(p, x + i, y);
    return;
  }
  if (!transformCentre(t, x, y, point)) {
    out.fill(0, 0, n);
    return;
  }
  let fx = point[0];
  let fy = point[1];
  const ux = t[0];
  const uy = t[3];
  if (!isBilinear(p.filter)) {
    for (let i = 0; i < n; i++) {
      out[i] = pixelAt(p, (fx - 1) >> 16, (fy - 1) >> 16);
      fx = (fx + ux) | 0;
      fy = (fy + uy) | 0;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const x1 = (fx - 0x8000) | 0;
    const y1 = (fy - 0x8000) | 0;
    const wx = ((x1 >> 9) & 0x7f) << 1;
    const wy = ((y1 >> 9) & 0x7f) << 1;
    const ix = x1 >> 16;
    const iy = y1 >> 16;
    out[i] = bilinearPixel(pixelAt(p, ix, iy), pixelAt(p, ix + 1, iy), pixelAt(p, ix, iy + 1), pixelAt(p, ix + 1, iy + 1), wx, wy);
    fx = (fx + ux) | 0;
    fy = (fy + uy) | 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The float pipeline

const f = Math.fround;
/** 1/(2^n − 1) as a float (pixman_expand_to_float's multipliers). */
const MULTIPLIERS = Array.from({ length: 9 }, (_, n) => (n === 0 ? 0 : f(1 / ((1 << n) - 1))));

/** Writes pixel p read as `format` to out[i..i+4) as (a, r, g, b) floats. */
export function expandToFloat(p: number, format: PixelFormat, out: Float32Array, i: number): void {
  out[i] = format.a ? f(((p >>> 24) >>> (8 - format.a)) * MULTIPLIERS[format.a]) : 1;
  out[i + 1] = format.r ? f((((p >>> 16) & 0xff) >>> (8 - format.r)) * MULTIPLIERS[format.r]) : 0;
  out[i + 2] = format.g ? f((((p >>> 8) & 0xff) >>> (8 - format.g)) * MULTIPLIERS[format.g]) : 0;
  out[i + 3] = format.b ? f(((p & 0xff) >>> (8 - format.b)) * MULTIPLIERS[format.b]) : 0;
}

/** float_to_unorm(v, 8) of each channel: clamp to [0, 1], ·256, truncate, minus the overflow bit. */
export function contractFromFloat(src: Float32Array, i: number): number {
  return ((toUnorm8(src[i]) << 24) | (toUnorm8(src[i + 1]) << 16) | (toUnorm8(src[i + 2]) << 8) | toUnorm8(src[i + 3])) >>> 0;
}

function toUnorm8(v: number): number {
  const c = v > 1 ? 1 : v < 0 ? 0 : v;
  const u = Math.trunc(c * 256);
  return u - (u >> 8);
}

const corners = new Float32Array(16);

/**
 * fetchNarrow's counterpart for the float pipeline (bilinear weights are full float fractions
 * there). With `skip` (the mask's scanline as raw bits, 4 words a pixel), pixels whose mask is
 * all zero bits are not fetched and keep whatever `out` held, as pixman's source iterator does;
 * that matters because pixman's HSL combiners let an unmasked channel through (see
 * combine-float.ts).
 */
export function fetchFloat(p: Picture, x: number, y: number, n: number, out: Float32Array, skip: Uint32Array | null = null): void {
  if (isSolid(p)) {
    expandToFloat(pixelAt(p, 0, 0), p.format, out, 0);
    for (let i = 1; i < n; i++) out.copyWithin(4 * i, 0, 4);
    return;
  }
  const t = p.transform;
  const format = p.format;
  if (!t) {
    // pixman's untransformed fetcher (REPEAT_NONE, NORMAL) fetches every pixel; the general
    // one (PAD, REFLECT) skips like the transformed ones.
    const skips = skip !== null && (p.repeat === Repeat.PAD || p.repeat === Repeat.REFLECT);
    for (let i = 0; i < n; i++) {
      if (skips && skip && isZeroPixel(skip, i)) continue;
      const px = repeatCoordinate(p.repeat, x + i, p.width);
      const py = repeatCoordinate(p.repeat, y, p.height);
      if (px < 0 || py < 0) out.fill(0, 4 * i, 4 * i + 4);
      else expandToFloat(pixelAt(p, px, py), format, out, 4 * i);
    }
    return;
  }
  if (!transformCentre(t, x, y, point)) {
    out.fill(0, 0, 4 * n);
    return;
  }
  let fx = point[0];
  let fy = point[1];
  const ux = t[0];
  const uy = t[3];
  for (let i = 0; i < n; i++) {
    if (skip && isZeroPixel(skip, i)) {
      // Not fetched.
    } else if (!isBilinear(p.filter)) {
      sampleFloat(p, (fx - 1) >> 16, (fy - 1) >> 16, out, 4 * i);
    } else {
      const x1 = (fx - 0x8000) | 0;
      const y1 = (fy - 0x8000) | 0;
      const dx = f((x1 & 0xffff) / 65536);
      const dy = f((y1 & 0xffff) / 65536);
      const ix = x1 >> 16;
      const iy = y1 >> 16;
      sampleFloat(p, ix, iy, corners, 0);
      sampleFloat(p, ix + 1, iy, corners, 4);
      sampleFloat(p, ix, iy + 1, corners, 8);
      sampleFloat(p, ix + 1, iy + 1, corners, 12);
      bilinearFloat(dx, dy, out, 4 * i);
    }
    fx = (fx + ux) | 0;
    fy = (fy + uy) | 0;
  }
}

function isZeroPixel(bits: Uint32Array, i: number): boolean {
  return (bits[4 * i] | bits[4 * i + 1] | bits[4 * i + 2] | bits[4 * i + 3]) === 0;
}

function sampleFloat(p: Picture, x: number, y: number, out: Float32Array, i: number): void {
  const px = repeatCoordinate(p.repeat, x, p.width);
  const py = repeatCoordinate(p.repeat, y, p.height);
  if (px < 0 || py < 0) out.fill(0, i, i + 4);
  else expandToFloat(pixelAt(p, px, py), p.format, out, i);
}

/** bilinear_interpolation_float over `corners` (tl, tr, bl, br). */
function bilinearFloat(dx: number, dy: number, out: Float32Array, i: number): void {
  const wxy = f(dx * dy);
  const wxiy = f(dx * f(1 - dy));
  const wixy = f(f(1 - dx) * dy);
  const wixiy = f(f(1 - dx) * f(1 - dy));
  for (let c = 0; c < 4; c++) {
    out[i + c] = f(f(f(f(corners[c] * wixiy) + f(corners[4 + c] * wxiy)) + f(corners[8 + c] * wixy)) + f(corners[12 + c] * wxy));
  }
}
