// SPICE LZ image decoder (SPICE_IMAGE_TYPE_LZ_RGB and LZ_PLT), written from spice-common's
// lz.c / lz_decompress_tmpl.c and canvas_base.c's canvas_get_lz.
//
// The stream is fastlz-style: a control byte either starts a literal run (ctrl < 32: ctrl+1
// units follow verbatim) or a back reference (length in the top 3 bits, distance in the low 5
// bits plus following bytes). Units are whole pixels for the RGB types and bytes for the
// palette/alpha types; the length bias differs per unit kind. RGBA is two passes over the
// same image, colour then alpha, in one stream.
import { checkImageSize, ProtocolError } from '../protocol/errors';
import type { DecodedImage } from './types';
import {
  alphaOnly,
  copyMatch32,
  copyMatch8,
  flipRows,
  LZ_MAGIC,
  LZ_VERSION,
  LzImageType,
  MAX_UNITS_PER_BYTE,
  mergeAlpha,
  PLT_PIXELS_PER_BYTE,
  RGB_BYTES_PER_PIXEL,
  rgb16ToRgb32Table,
  truncated,
} from './lz-common';

const WHAT = 'LZ image';
const HEADER_SIZE = 28;
/** Distances up to 8191 fit the 13-bit short form; beyond it a 16-bit extension adds to 8191. */
const MAX_DISTANCE = 8191;

/** Gives the output of `words` pixels. The decoder writes every one, so it need not be zero-filled. */
export type PixelAllocator = (words: number) => Uint32Array;

const newPixels: PixelAllocator = (words) => new Uint32Array(words);

/**
 * LZ_RGB payload (after the 4-byte data_size of SpiceLZRGBData). `allocate` gives the output of
 * the RGB types (scratch-pixels.ts lets a caller that draws the image at once reuse storage).
 * `alphaUsed` false: the caller ignores alpha (it draws onto a surface without it), so an RGBA
 * image comes back as its opaque colour, hasAlpha false, its alpha plane read but not merged.
 */
export function decodeLzRgb(data: Uint8Array, allocate: PixelAllocator = newPixels, alphaUsed = true): DecodedImage {
  return decodeLz(data, undefined, allocate, alphaUsed);
}

/** LZ_PLT payload; palette entries are 0x00RRGGBB; output is 32-bit via the palette. */
export function decodeLzPlt(data: Uint8Array, palette: Uint32Array): DecodedImage {
  return decodeLz(data, palette, newPixels, true);
}

interface LzHeader {
  type: LzImageType;
  width: number;
  height: number;
  stride: number;
  topDown: boolean;
}

// LZ header: 28 bytes, seven big-endian u32 (lz_encode writes each with encode_32, MSB first):
//   0 magic     0x20205a4c, the bytes "  ZL"
//   4 version   0x00010001
//   8 type      LzImageType, 1 (PLT1_LE) .. 11 (A8)
//  12 width     pixels
//  16 height    rows
//  20 stride    bytes per source row; RGB: width × bytes per pixel; palette: packed row bytes
//  24 top_down  0 when the stream carries the bottom row first
function parseHeader(data: Uint8Array): LzHeader {
  if (data.length < HEADER_SIZE) throw truncated(WHAT);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = view.getUint32(0);
  if (magic !== LZ_MAGIC) throw new ProtocolError(`${WHAT}: bad magic 0x${magic.toString(16)}`);
  const version = view.getUint32(4);
  if (version !== LZ_VERSION) throw new ProtocolError(`${WHAT}: unsupported version 0x${version.toString(16)}`);
  const type = view.getUint32(8);
  if (type < LzImageType.PLT1_LE || type > LzImageType.A8) throw new ProtocolError(`${WHAT}: unknown type ${type}`);
  const width = view.getUint32(12);
  const height = view.getUint32(16);
  const stride = view.getUint32(20);
  const topDown = view.getUint32(24) !== 0;
  checkImageSize(WHAT, width, height);
  const ppb = PLT_PIXELS_PER_BYTE[type] ?? 0;
  // lz_set_sizes' rules, except that a palette stride too short for the width is refused too
  // (spice-common would decode a garbled image from it).
  const expected = ppb > 0 ? Math.ceil(width / ppb) : width * RGB_BYTES_PER_PIXEL[type];
  if (stride !== expected) {
    throw new ProtocolError(`${WHAT}: stride ${stride} does not match width ${width} for type ${type}`);
  }
  return { type: type as LzImageType, width, height, stride, topDown };
}

function decodeLz(data: Uint8Array, palette: Uint32Array | undefined, allocate: PixelAllocator, alphaUsed: boolean): DecodedImage {
  const { type, width, height, stride, topDown } = parseHeader(data);
  const end = data.length;
  const body = end - HEADER_SIZE;
  const n = width * height;
  const isPalette = type <= LzImageType.PLT8;
  // Units the stream must produce, checked against what the payload could possibly hold.
  const units = isPalette ? stride * height : type === LzImageType.RGBA ? 2 * n : n;
  if (units > MAX_UNITS_PER_BYTE * body) {
    throw new ProtocolError(`${WHAT}: ${body} bytes cannot hold a ${width}x${height} image`);
  }
  let ip = HEADER_SIZE;
  let pixels: Uint32Array;
  let hasAlpha = false;

  if (isPalette) {
    if (!palette) throw new ProtocolError(`${WHAT}: palette type ${type} in an LZ_RGB image`);
    const indices = new Uint8Array(units);
    ip = bytePass(data, ip, end, indices, units);
    pixels = expandPalette(type, indices, palette, width, height, stride, topDown);
  } else {
    switch (type) {
      case LzImageType.RGB16:
        pixels = allocate(n);
        ip = rgb16Pass(data, ip, end, pixels, n);
        break;
      case LzImageType.RGB24:
      case LzImageType.RGB32:
        // spice-common decodes RGB24 with the RGB32 routine: both carry 3 literal bytes per pixel.
        pixels = allocate(n);
        ip = rgb32Pass(data, ip, end, pixels, n);
        break;
      case LzImageType.RGBA: {
        pixels = allocate(n);
        ip = rgb32Pass(data, ip, end, pixels, n);
        const alpha = new Uint8Array(n);
        ip = bytePass(data, ip, end, alpha, n);
        if (alphaUsed) {
          mergeAlpha(pixels, alpha);
          hasAlpha = true;
        }
        break;
      }
      default: {
        // XXXA (the alpha plane of JPEG_ALPHA) and A8: one byte-unit pass of alpha only.
        const alpha = new Uint8Array(n);
        ip = bytePass(data, ip, end, alpha, n);
        pixels = alphaOnly(alpha);
        hasAlpha = true;
        break;
      }
    }
    if (!topDown) flipRows(pixels, width, height);
  }
  // spice-common asserts the stream is consumed exactly; extra bytes mean a framing error.
  if (ip !== end) throw new ProtocolError(`${WHAT}: ${end - ip} trailing bytes`);
  return { width, height, pixels, hasAlpha };
}

// The passes below are the hot path. Each is one monomorphic loop over typed arrays; every
// read of the input is bounds-checked so a lying stream ends in a ProtocolError, and every
// iteration consumes input, so decoding always terminates.

/** Colour pass with 3-byte literals (B, G, R) into 0xFFRRGGBB words; length bias 1. */
function rgb32Pass(src: Uint8Array, ip: number, end: number, out: Uint32Array, n: number): number {
  // Literals are read as one unaligned little-endian u32 (B, G, R and a byte we overwrite with
  // alpha) where a fourth byte exists: one load instead of three.
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let op = 0;
  while (op < n) {
    if (ip >= end) throw truncated(WHAT);
    const ctrl = src[ip++];
    if (ctrl < 32) {
      const stop = op + ctrl + 1;
      if (stop > n) throw new ProtocolError(`${WHAT}: literal run beyond the image`);
      const next = ip + 3 * (ctrl + 1);
      if (next > end) throw truncated(WHAT);
      if (next < end) {
        // Unrolled by 4: literal-heavy (photo-like) images spend their time here.
        for (const stop4 = stop - 3; op < stop4; op += 4, ip += 12) {
          out[op] = view.getUint32(ip, true) | 0xff000000;
          out[op + 1] = view.getUint32(ip + 3, true) | 0xff000000;
          out[op + 2] = view.getUint32(ip + 6, true) | 0xff000000;
          out[op + 3] = view.getUint32(ip + 9, true) | 0xff000000;
        }
        for (; op < stop; op++, ip += 3) out[op] = view.getUint32(ip, true) | 0xff000000;
      } else {
        for (; op < stop; op++, ip += 3) out[op] = 0xff000000 | (src[ip + 2] << 16) | (src[ip + 1] << 8) | src[ip];
      }
      continue;
    }
    // Length: top 3 bits, 7 meaning "plus the following bytes up to one that is not 255".
    let len = ctrl >>> 5;
    if (len === 7) {
      let code: number;
      do {
        if (ip >= end) throw truncated(WHAT);
        code = src[ip++];
        len += code;
      } while (code === 255);
    }
    if (ip >= end) throw truncated(WHAT);
    let ofs = ((ctrl & 31) << 8) | src[ip++];
    if (ofs === MAX_DISTANCE) {
      // 31/255 is the escape for a far distance: 16 more bits, added to 8191.
      if (ip + 2 > end) throw truncated(WHAT);
      ofs = ((src[ip] << 8) | src[ip + 1]) + MAX_DISTANCE;
      ip += 2;
    }
    // Wire length = pixels - 1 + 1 (lz's len-- then += 1 cancel); distance is biased by 1.
    let ref = op - ofs - 1;
    if (ref < 0) throw new ProtocolError(`${WHAT}: reference before the start of the image`);
    const stop = op + len;
    if (stop > n) throw new ProtocolError(`${WHAT}: match beyond the image`);
    if (ofs === 0) {
      // Distance 1, a run: the commonest match in desktop images (flat areas).
      const v = out[ref];
      if (len < 32) {
        while (op < stop) out[op++] = v;
      } else {
        out.fill(v, op, stop);
        op = stop;
      }
    } else if (len < 32) {
      // Below ~32 units a loop beats the builtins' call overhead; forward order is also what
      // an overlapping match means.
      while (op < stop) out[op++] = out[ref++];
    } else {
      copyMatch32(out, op, ref, len);
      op = stop;
    }
  }
  return ip;
}

/** RGB16 pass: 2-byte big-endian x1r5g5b5 literals widened through a table; length bias 2. */
function rgb16Pass(src: Uint8Array, ip: number, end: number, out: Uint32Array, n: number): number {
  const table = rgb16ToRgb32Table();
  let op = 0;
  while (op < n) {
    if (ip >= end) throw truncated(WHAT);
    const ctrl = src[ip++];
    if (ctrl < 32) {
      const stop = op + ctrl + 1;
      if (stop > n) throw new ProtocolError(`${WHAT}: literal run beyond the image`);
      if (ip + 2 * (ctrl + 1) > end) throw truncated(WHAT);
      for (; op < stop; op++, ip += 2) out[op] = table[((src[ip] << 8) | src[ip + 1]) & 0x7fff];
      continue;
    }
    let len = ctrl >>> 5;
    if (len === 7) {
      let code: number;
      do {
        if (ip >= end) throw truncated(WHAT);
        code = src[ip++];
        len += code;
      } while (code === 255);
    }
    if (ip >= end) throw truncated(WHAT);
    let ofs = ((ctrl & 31) << 8) | src[ip++];
    if (ofs === MAX_DISTANCE) {
      if (ip + 2 > end) throw truncated(WHAT);
      ofs = ((src[ip] << 8) | src[ip + 1]) + MAX_DISTANCE;
      ip += 2;
    }
    len += 1;
    let ref = op - ofs - 1;
    if (ref < 0) throw new ProtocolError(`${WHAT}: reference before the start of the image`);
    const stop = op + len;
    if (stop > n) throw new ProtocolError(`${WHAT}: match beyond the image`);
    if (ofs === 0) {
      const v = out[ref];
      if (len < 32) {
        while (op < stop) out[op++] = v;
      } else {
        out.fill(v, op, stop);
        op = stop;
      }
    } else if (len < 32) {
      while (op < stop) out[op++] = out[ref++];
    } else {
      copyMatch32(out, op, ref, len);
      op = stop;
    }
  }
  return ip;
}

/** Byte-unit pass (palette indices, alpha): 1-byte literals; length bias 3. */
function bytePass(src: Uint8Array, ip: number, end: number, out: Uint8Array, n: number): number {
  let op = 0;
  while (op < n) {
    if (ip >= end) throw truncated(WHAT);
    const ctrl = src[ip++];
    if (ctrl < 32) {
      const count = ctrl + 1;
      if (op + count > n) throw new ProtocolError(`${WHAT}: literal run beyond the image`);
      if (ip + count > end) throw truncated(WHAT);
      if (count > 8) {
        out.set(src.subarray(ip, ip + count), op);
        op += count;
        ip += count;
      } else {
        const stop = op + count;
        while (op < stop) out[op++] = src[ip++];
      }
      continue;
    }
    let len = ctrl >>> 5;
    if (len === 7) {
      let code: number;
      do {
        if (ip >= end) throw truncated(WHAT);
        code = src[ip++];
        len += code;
      } while (code === 255);
    }
    if (ip >= end) throw truncated(WHAT);
    let ofs = ((ctrl & 31) << 8) | src[ip++];
    if (ofs === MAX_DISTANCE) {
      if (ip + 2 > end) throw truncated(WHAT);
      ofs = ((src[ip] << 8) | src[ip + 1]) + MAX_DISTANCE;
      ip += 2;
    }
    len += 2;
    let ref = op - ofs - 1;
    if (ref < 0) throw new ProtocolError(`${WHAT}: reference before the start of the image`);
    const stop = op + len;
    if (stop > n) throw new ProtocolError(`${WHAT}: match beyond the image`);
    if (ofs === 0) {
      const v = out[ref];
      if (len < 32) {
        while (op < stop) out[op++] = v;
      } else {
        out.fill(v, op, stop);
        op = stop;
      }
    } else if (len < 32) {
      while (op < stop) out[op++] = out[ref++];
    } else {
      copyMatch8(out, op, ref, len);
      op = stop;
    }
  }
  return ip;
}

/**
 * Palette indices (stride bytes per row, stream order) to top-down 0xFFRRGGBB pixels, cropping
 * the padding bits of the last byte of each row. Expanding after the LZ pass is equivalent to
 * spice-common's expand-while-decoding: a match copies whole bytes, so whole pixel groups.
 * PLT4 takes the index modulo the palette size and PLT1 uses entries 0 and 1, as spice-common
 * does; a PLT8 index beyond the palette (unchecked memory in C) is an error here.
 */
function expandPalette(
  type: LzImageType,
  indices: Uint8Array,
  palette: Uint32Array,
  width: number,
  height: number,
  stride: number,
  topDown: boolean,
): Uint32Array {
  const count = palette.length;
  if (count === 0) throw new ProtocolError(`${WHAT}: empty palette`);
  const pixels = new Uint32Array(width * height);
  // Colour for every byte or nibble value; 0 (alpha 0, never a real colour) marks "no entry".
  const lut = new Uint32Array(256);
  if (type === LzImageType.PLT8) {
    for (let i = 0; i < 256 && i < count; i++) lut[i] = 0xff000000 | (palette[i] & 0xffffff);
  } else if (type === LzImageType.PLT4_LE || type === LzImageType.PLT4_BE) {
    for (let i = 0; i < 16; i++) lut[i] = 0xff000000 | (palette[i % count] & 0xffffff);
  } else {
    lut[0] = 0xff000000 | (palette[0] & 0xffffff);
    if (count > 1) lut[1] = 0xff000000 | (palette[1] & 0xffffff);
  }
  for (let y = 0; y < height; y++) {
    const row = (topDown ? y : height - 1 - y) * stride;
    let op = y * width;
    const stop = op + width;
    switch (type) {
      case LzImageType.PLT8:
        for (let x = 0; x < width; x++) {
          const c = lut[indices[row + x]];
          if (c === 0) throw new ProtocolError(`${WHAT}: palette index ${indices[row + x]} beyond ${count} entries`);
          pixels[op++] = c;
        }
        break;
      case LzImageType.PLT4_LE:
      case LzImageType.PLT4_BE: {
        const firstShift = type === LzImageType.PLT4_BE ? 4 : 0;
        for (let x = 0; op < stop; x++) {
          const b = indices[row + (x >>> 1)];
          pixels[op++] = lut[(b >>> ((x & 1) === 0 ? firstShift : 4 - firstShift)) & 15];
        }
        break;
      }
      default: {
        const be = type === LzImageType.PLT1_BE;
        for (let x = 0; op < stop; x++) {
          const b = indices[row + (x >>> 3)];
          const bit = (b >>> (be ? 7 - (x & 7) : x & 7)) & 1;
          const c = lut[bit];
          if (c === 0) throw new ProtocolError(`${WHAT}: 1-bit image with a 1-entry palette`);
          pixels[op++] = c;
        }
      }
    }
  }
  return pixels;
}
