import { BitmapFlags, BitmapFormat } from '../protocol/constants';
import type { BitmapData } from '../protocol/display-types';
import { checkImageSize, ProtocolError } from '../protocol/errors';
import type { DecodedImage } from './types';

/**
 * SPICE_IMAGE_TYPE_BITMAP: uncompressed pixels, converted to the common 0xAARRGGBB layout of
 * DecodedImage (top-down, `width` words per row).
 *
 * Row order: rows are stored bottom-up (the first `stride` bytes are the bottom row, as in a
 * Windows DIB) unless flags has TOP_DOWN. Each row starts `stride` bytes after the previous
 * one; bytes between the last pixel and the next row are padding and are ignored.
 *
 * Colours: formats without alpha come out with alpha 0xFF (DecodedImage's contract), whatever
 * the filler byte on the wire held — for an xRGB destination it is not interpreted anyway,
 * and the server sets HIGH_BITS_SET when it is known to be 0xFF. RGBA keeps its alpha
 * (premultiplied, as pixman's a8r8g8b8). 8BIT_A keeps only alpha (0xAA000000), which is what
 * pixman produces when it reads an a8 image as a8r8g8b8.
 *
 * Palettes (1, 4 and 8 bits) are 0x00RRGGBB entries. An index past the end of the palette
 * reads uninitialised memory in spice-common; here it is a ProtocolError. A 1-bit bitmap
 * without a palette is a mask (spice-common reads masks' bits directly and ignores any
 * palette): it decodes to alpha-only pixels, 0xFF000000 for a set bit and 0 for a clear one,
 * with hasAlpha, so the canvas' mask test (alpha ≥ 0x80) sees exactly the bits.
 */
export function decodeBitmap(bitmap: BitmapData, palette: Uint32Array | null): DecodedImage {
  const { format, flags, width, height, stride, data } = bitmap;
  checkImageSize('bitmap', width, height);
  const bpp = bitsPerPixel(format);
  if (!Number.isInteger(stride) || stride < 0) throw new ProtocolError(`bitmap: invalid stride ${stride}`);
  const rowBytes = Math.ceil((width * bpp) / 8);
  if (height > 0 && stride < rowBytes) {
    throw new ProtocolError(`bitmap: stride ${stride} is shorter than a ${width}-pixel row at ${bpp} bits per pixel`);
  }
  if (stride * height > data.length) {
    throw new ProtocolError(`bitmap: ${width}x${height} with stride ${stride} needs ${stride * height} bytes, got ${data.length}`);
  }

  const pixels = new Uint32Array(width * height);
  const rows: Rows = { data, stride, height, topDown: (flags & BitmapFlags.TOP_DOWN) !== 0 };
  let hasAlpha = false;
  switch (format) {
    case BitmapFormat.BIT1_LE:
    case BitmapFormat.BIT1_BE:
      if (palette) {
        convert1(rows, pixels, width, format === BitmapFormat.BIT1_BE, paletteLut(palette, 2));
      } else {
        convert1(rows, pixels, width, format === BitmapFormat.BIT1_BE, MASK_LUT);
        hasAlpha = true;
      }
      break;
    case BitmapFormat.BIT4_LE:
    case BitmapFormat.BIT4_BE:
      convert4(rows, pixels, width, format === BitmapFormat.BIT4_BE, paletteLut(requirePalette(palette, format), 16));
      break;
    case BitmapFormat.BIT8:
      convert8(rows, pixels, width, paletteLut(requirePalette(palette, format), 256));
      break;
    case BitmapFormat.BIT16:
      convert16(rows, pixels, width);
      break;
    case BitmapFormat.BIT24:
      convert24(rows, pixels, width);
      break;
    case BitmapFormat.BIT32:
      convert32(rows, pixels, width, 0xff000000);
      break;
    case BitmapFormat.RGBA:
      convert32(rows, pixels, width, 0);
      hasAlpha = true;
      break;
    case BitmapFormat.BIT8_A:
      convertA8(rows, pixels, width);
      hasAlpha = true;
      break;
  }
  return { width, height, pixels, hasAlpha };
}

/** Bits per pixel of a bitmap format; throws for INVALID and unknown formats. */
export function bitsPerPixel(format: number): number {
  switch (format) {
    case BitmapFormat.BIT1_LE:
    case BitmapFormat.BIT1_BE:
      return 1;
    case BitmapFormat.BIT4_LE:
    case BitmapFormat.BIT4_BE:
      return 4;
    case BitmapFormat.BIT8:
    case BitmapFormat.BIT8_A:
      return 8;
    case BitmapFormat.BIT16:
      return 16;
    case BitmapFormat.BIT24:
      return 24;
    case BitmapFormat.BIT32:
    case BitmapFormat.RGBA:
      return 32;
    default:
      throw new ProtocolError(`bitmap: unknown format ${format}`);
  }
}

interface Rows {
  readonly data: Uint8Array;
  readonly stride: number;
  readonly height: number;
  readonly topDown: boolean;
}

/** Byte offset in the wire data of output row y (0 = top). */
function rowStart(rows: Rows, y: number): number {
  return (rows.topDown ? y : rows.height - 1 - y) * rows.stride;
}

/** 1-bit masks without a palette: clear bit → transparent, set bit → alpha 0xFF. */
const MASK_LUT = new Uint32Array([0x00000000, 0xff000000]);

function requirePalette(palette: Uint32Array | null, format: number): Uint32Array {
  if (!palette) throw new ProtocolError(`bitmap: format ${format} needs a palette and none was given`);
  return palette;
}

/**
 * Colour for each of `size` indices, opaque. 0 (alpha 0, never a palette colour) marks an
 * index the palette does not have; the converters refuse it when a pixel uses it.
 */
function paletteLut(palette: Uint32Array, size: number): Uint32Array {
  if (palette.length === 0) throw new ProtocolError('bitmap: empty palette');
  const lut = new Uint32Array(size);
  const n = Math.min(size, palette.length);
  for (let i = 0; i < n; i++) lut[i] = 0xff000000 | (palette[i] & 0xffffff);
  return lut;
}

function missingEntry(index: number, lut: Uint32Array): never {
  let count = 0;
  while (count < lut.length && lut[count] !== 0) count++;
  throw new ProtocolError(`bitmap: palette index ${index} beyond the palette's ${count} entries`);
}

/**
 * 1BIT_LE / 1BIT_BE: 8 pixels per byte, one bit each, the bit being the palette index.
 *   LE: pixel x is bit (x & 7) of byte x >> 3, least significant bit first:
 *       byte 0b0000_0101 → pixels 0 and 2 set.
 *   BE: pixel x is bit 7 - (x & 7), most significant bit first (GDI's order):
 *       byte 0b1010_0000 → pixels 0 and 2 set.
 * Bits past the width in the last byte of a row are padding.
 */
function convert1(rows: Rows, out: Uint32Array, width: number, msbFirst: boolean, lut: Uint32Array): void {
  const { data } = rows;
  const c0 = lut[0];
  const c1 = lut[1];
  const isMask = lut === MASK_LUT;
  for (let y = 0, o = 0; y < rows.height; y++) {
    const s = rowStart(rows, y);
    for (let x = 0; x < width; x++) {
      const byte = data[s + (x >>> 3)];
      const bit = msbFirst ? (byte >>> (7 - (x & 7))) & 1 : (byte >>> (x & 7)) & 1;
      const c = bit ? c1 : c0;
      if (c === 0 && !isMask) missingEntry(bit, lut);
      out[o++] = c;
    }
  }
}

/**
 * 4BIT_LE / 4BIT_BE: 2 pixels per byte, 4-bit palette indices.
 *   LE: pixel 2k is the low nibble of byte k, pixel 2k+1 the high nibble: 0x21 → 1, 2.
 *   BE: pixel 2k is the high nibble, pixel 2k+1 the low one (GDI's order): 0x12 → 1, 2.
 * An odd width leaves the second nibble of the last byte as padding.
 */
function convert4(rows: Rows, out: Uint32Array, width: number, highFirst: boolean, lut: Uint32Array): void {
  const { data } = rows;
  const firstShift = highFirst ? 4 : 0;
  const secondShift = 4 - firstShift;
  for (let y = 0, o = 0; y < rows.height; y++) {
    const s = rowStart(rows, y);
    for (let x = 0; x < width; x++) {
      const byte = data[s + (x >>> 1)];
      const index = (byte >>> ((x & 1) === 0 ? firstShift : secondShift)) & 0x0f;
      const c = lut[index];
      if (c === 0) missingEntry(index, lut);
      out[o++] = c;
    }
  }
}

/** 8BIT: one byte per pixel, the palette index. */
function convert8(rows: Rows, out: Uint32Array, width: number, lut: Uint32Array): void {
  const { data } = rows;
  for (let y = 0, o = 0; y < rows.height; y++) {
    const s = rowStart(rows, y);
    for (let x = 0; x < width; x++) {
      const c = lut[data[s + x]];
      if (c === 0) missingEntry(data[s + x], lut);
      out[o++] = c;
    }
  }
}

/**
 * 16BIT: x1r5g5b5, two bytes per pixel, little-endian 16-bit word:
 *   bit 15 unused | bits 14-10 red | bits 9-5 green | bits 4-0 blue.
 * Each 5-bit channel widens to 8 bits by replicating its top bits ((v << 3) | (v >> 2)), as
 * pixman does when it reads x1r5g5b5 and as spice-common's canvas_16bpp_to_32bpp does, so
 * 0x7fff is white 0xFFFFFFFF and 0x0000 black.
 */
function convert16(rows: Rows, out: Uint32Array, width: number): void {
  const { data } = rows;
  for (let y = 0, o = 0; y < rows.height; y++) {
    let s = rowStart(rows, y);
    for (let x = 0; x < width; x++, s += 2) {
      out[o++] = expand555(data[s] | (data[s + 1] << 8));
    }
  }
}

/** x1r5g5b5 word → 0xFFRRGGBB with bit replication. */
export function expand555(v: number): number {
  const r = (v >>> 10) & 0x1f;
  const g = (v >>> 5) & 0x1f;
  const b = v & 0x1f;
  return (0xff000000 | (((r << 3) | (r >>> 2)) << 16) | (((g << 3) | (g >>> 2)) << 8) | ((b << 3) | (b >>> 2))) >>> 0;
}

/** 24BIT: three bytes per pixel in the order B, G, R (no filler byte). */
function convert24(rows: Rows, out: Uint32Array, width: number): void {
  const { data } = rows;
  for (let y = 0, o = 0; y < rows.height; y++) {
    let s = rowStart(rows, y);
    for (let x = 0; x < width; x++, s += 3) {
      out[o++] = 0xff000000 | (data[s + 2] << 16) | (data[s + 1] << 8) | data[s];
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * 32BIT and RGBA: four bytes per pixel in the order B, G, R, X/A — a little-endian 32-bit
 * word 0xXXRRGGBB, the same layout as DecodedImage. 32BIT's X byte is filler and becomes
 * 0xFF (orBits = 0xff000000); RGBA keeps A (orBits = 0).
 */
function convert32(rows: Rows, out: Uint32Array, width: number, orBits: number): void {
  const { data, stride } = rows;
  if (LITTLE_ENDIAN && (data.byteOffset & 3) === 0 && (stride & 3) === 0) {
    // Aligned: view the rows as words and copy them (with the alpha fix-up for 32BIT).
    const words = new Uint32Array(data.buffer, data.byteOffset, (stride * rows.height) >>> 2);
    for (let y = 0, o = 0; y < rows.height; y++, o += width) {
      const s = rowStart(rows, y) >>> 2;
      if (orBits === 0) {
        out.set(words.subarray(s, s + width), o);
      } else {
        for (let x = 0; x < width; x++) out[o + x] = words[s + x] | orBits;
      }
    }
    return;
  }
  for (let y = 0, o = 0; y < rows.height; y++) {
    let s = rowStart(rows, y);
    for (let x = 0; x < width; x++, s += 4) {
      out[o++] = ((data[s + 3] << 24) | (data[s + 2] << 16) | (data[s + 1] << 8) | data[s] | orBits) >>> 0;
    }
  }
}

/** 8BIT_A: one byte per pixel, the alpha; colour channels are 0. */
function convertA8(rows: Rows, out: Uint32Array, width: number): void {
  const { data } = rows;
  for (let y = 0, o = 0; y < rows.height; y++) {
    const s = rowStart(rows, y);
    for (let x = 0; x < width; x++) out[o++] = data[s + x] << 24;
  }
}
