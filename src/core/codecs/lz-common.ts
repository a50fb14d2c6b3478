// What the LZ and GLZ decoders share: the image types and header constants of spice-common's
// lz_common.h, the RGB16 expansion table, and the small whole-image passes (row flip, alpha merge).
import { ProtocolError } from '../protocol/errors';

/** LzImageType of lz_common.h. Both LZ and GLZ headers carry one; the numbering is the wire's. */
export const LzImageType = {
  PLT1_LE: 1,
  PLT1_BE: 2,
  PLT4_LE: 3,
  PLT4_BE: 4,
  PLT8: 5,
  RGB16: 6,
  RGB24: 7,
  RGB32: 8,
  RGBA: 9,
  XXXA: 10,
  A8: 11,
} as const;
export type LzImageType = (typeof LzImageType)[keyof typeof LzImageType];

/** "  ZL" read as a big-endian u32: both encoders write the magic most significant byte first. */
export const LZ_MAGIC = 0x20205a4c;
/** Version 1.1, (major << 16) | minor. The only version any SPICE server has produced. */
export const LZ_VERSION = 0x00010001;

/** Pixels packed in one byte for the palette types (index = type); 0 for the others. */
export const PLT_PIXELS_PER_BYTE = [0, 8, 8, 2, 2, 1, 0, 0, 0, 0, 0, 0] as const;
/** Bytes per pixel of the source bitmap for the RGB/alpha types (index = type); 0 for palettes. */
export const RGB_BYTES_PER_PIXEL = [0, 0, 0, 0, 0, 0, 2, 3, 4, 4, 4, 1] as const;

/**
 * The most output units one input byte can produce. A match spends at least two bytes and
 * each extra length byte adds at most 255 units, a literal at least one byte per unit, so a
 * stream of B bytes never decodes to more than 255·B units. Checking this before allocating
 * refuses a small payload that claims a huge image (a 64-byte "8192×8192" would otherwise cost
 * 256 MB before failing).
 */
export const MAX_UNITS_PER_BYTE = 255;

export function truncated(what: string): ProtocolError {
  return new ProtocolError(`${what}: truncated stream`);
}

let rgb16Table: Uint32Array | undefined;

/**
 * 0xFFRRGGBB for every 15-bit x1r5g5b5 value: each 5-bit channel widened to 8 bits by repeating
 * its top 3 bits below it, which is exactly what spice-common's lz_rgb16_to_rgb32 computes.
 * Built on first use (128 KB) so one table lookup replaces the bit shuffling per pixel.
 */
export function rgb16ToRgb32Table(): Uint32Array {
  if (rgb16Table) return rgb16Table;
  const table = new Uint32Array(0x8000);
  for (let v = 0; v < 0x8000; v++) {
    const r = (v >>> 10) & 31;
    const g = (v >>> 5) & 31;
    const b = v & 31;
    table[v] = (0xff000000 | (((r << 3) | (r >>> 2)) << 16) | (((g << 3) | (g >>> 2)) << 8) | ((b << 3) | (b >>> 2))) >>> 0;
  }
  rgb16Table = table;
  return table;
}

/** Reverses the row order in place (LZ streams may carry the bottom row first; we output top-down). */
export function flipRows(pixels: Uint32Array, width: number, height: number): void {
  if (height < 2 || width === 0) return;
  const tmp = new Uint32Array(width);
  for (let top = 0, bottom = height - 1; top < bottom; top++, bottom--) {
    const a = top * width;
    const b = bottom * width;
    tmp.set(pixels.subarray(a, a + width));
    pixels.copyWithin(a, b, b + width);
    pixels.set(tmp, b);
  }
}

/** A row-flipped copy (for GLZ, whose dictionary must keep the image in stream order). */
export function flippedCopy(pixels: Uint32Array, width: number, height: number): Uint32Array {
  const out = new Uint32Array(pixels.length);
  for (let y = 0; y < height; y++) {
    const from = (height - 1 - y) * width;
    out.set(pixels.subarray(from, from + width), y * width);
  }
  return out;
}

/** Puts alpha[i] in the top byte of pixels[i], keeping the colour (a byte store: little-endian words). */
export function mergeAlpha(pixels: Uint32Array, alpha: Uint8Array): void {
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const n = alpha.length;
  for (let i = 0, j = 3; i < n; i++, j += 4) bytes[j] = alpha[i];
}

/** pixels[i] = alpha[i] << 24: the alpha-only types (XXXA, A8) have black colour, as spice-common's a8_to_rgb32. */
export function alphaOnly(alpha: Uint8Array): Uint32Array {
  const n = alpha.length;
  const pixels = new Uint32Array(n);
  for (let i = 0; i < n; i++) pixels[i] = alpha[i] << 24;
  return pixels;
}

/**
 * Copies `len` units from `ref` to `op` within one array with LZ semantics: unit by unit
 * forward, so a source that overlaps the destination repeats with period op − ref.
 */
export function copyMatch32(out: Uint32Array, op: number, ref: number, len: number): void {
  const dist = op - ref;
  if (dist === 1) {
    if (len < 32) {
      const v = out[ref];
      for (let i = 0; i < len; i++) out[op + i] = v;
    } else {
      out.fill(out[ref], op, op + len);
    }
  } else if (len < 32) {
    // Short: a plain loop beats the builtins' call overhead (~15 ns), and forward order is what
    // an overlapping match means.
    for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
  } else if (dist >= len) {
    out.copyWithin(op, ref, ref + len);
  } else {
    // Long and overlapping: the result repeats with period dist, so copy whole periods from
    // ref, doubling each time (done stays a multiple of dist, and the source is already final).
    let done = 0;
    while (done < len) {
      const chunk = Math.min(len - done, dist + done);
      out.copyWithin(op + done, ref, ref + chunk);
      done += chunk;
    }
  }
}

/** copyMatch32 for byte units (palette indices, alpha). */
export function copyMatch8(out: Uint8Array, op: number, ref: number, len: number): void {
  const dist = op - ref;
  if (dist === 1) {
    if (len < 32) {
      const v = out[ref];
      for (let i = 0; i < len; i++) out[op + i] = v;
    } else {
      out.fill(out[ref], op, op + len);
    }
  } else if (len < 32) {
    for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
  } else if (dist >= len) {
    out.copyWithin(op, ref, ref + len);
  } else {
    let done = 0;
    while (done < len) {
      const chunk = Math.min(len - done, dist + done);
      out.copyWithin(op + done, ref, ref + chunk);
      done += chunk;
    }
  }
}
