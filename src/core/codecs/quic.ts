/**
 * QUIC image decoder: SPICE's lossless photographic codec (Red Hat's adaptation of SFALIC:
 * per-channel prediction, adaptive Golomb-Rice coding with context buckets, and a run-length
 * mode for flat areas). The model is in quic-model.ts, the bit stream in quic-bits.ts, the row
 * decoders in quic-rgb.ts and quic-plane.ts.
 *
 * Orientation: the stream holds the rows top-down as displayed. A SPICE server encodes a
 * bottom-up bitmap by walking it backwards (negative stride), and spice-gtk's canvas decodes
 * row 0 into pixman's row 0 (its negative-stride surface only changes the memory layout), so
 * the rows go out in stream order with no flip.
 */
import { ProtocolError, checkImageSize } from '../protocol/errors';
import { QuicBits } from './quic-bits';
import { FAMILY_5BPC, FAMILY_8BPC } from './quic-model';
import { PlaneDecoder } from './quic-plane';
import { RgbDecoder } from './quic-rgb';
import type { DecodedImage } from './types';

/**
 * The decoders' state, reused by every call: a scrolling text screen arrives as thousands of
 * small images a second, and setting up models and buffers for each one costs more than
 * decoding it. Decoding is synchronous, so one set per thread (module instance) is enough; each
 * call resets what it uses.
 */
const stream = new QuicBits();
const rgbDecoder = new RgbDecoder();
const planeDecoder = new PlaneDecoder();

/** "QUIC" read as a little-endian word. */
const QUIC_MAGIC = 0x43495551;
const QUIC_VERSION = 0;

export const QuicImageType = {
  INVALID: 0,
  GRAY: 1,
  RGB16: 2,
  RGB24: 3,
  RGB32: 4,
  RGBA: 5,
} as const;

/** Samples per pixel coded in each row: GRAY, RGB16, RGB24, RGB32, RGBA. */
const CHANNELS = [0, 1, 3, 3, 3, 4];

const HEADER_BITS = 5 * 32;

/** Alpha byte of formats without alpha. */
const OPAQUE = 0xff000000 | 0;

/** 5-bit sample to 8 bits, replicating the high bits into the low ones as spice-common does. */
const WIDEN_5 = Uint8Array.from({ length: 32 }, (_, v) => (v << 3) | (v >>> 2));

/*
 * Wire layout of a QUIC payload (what follows SpiceQUICData's 4-byte data_size). It is one bit
 * stream of little-endian 32-bit words, each read from its most significant bit down; the
 * header is its first five words:
 *
 *   offset  field
 *   0       magic    "QUIC" (0x43495551)
 *   4       version  0 (major << 16 | minor)
 *   8       type     1 GRAY, 2 RGB16, 3 RGB24, 4 RGB32, 5 RGBA (0 is INVALID)
 *   12      width    pixels, > 0
 *   16      height   rows, > 0
 *   20      coded rows, top row first: for each row the r, g, b samples of every pixel
 *           interleaved (or the single gray sample), and for RGBA the row's alpha plane after
 *           its colour. The encoder pads the last word and adds one zero word.
 */

/**
 * Decodes a QUIC payload into top-down 0xAARRGGBB pixels. Throws ProtocolError on bad input.
 * `allocate` gives the output (zero-filled, `words` long): the decode worker asks for shared memory.
 */
export function decodeQuic(data: Uint8Array, allocate: (words: number) => Uint32Array = (words) => new Uint32Array(words)): DecodedImage {
  const { type, width, height } = begin(data);
  const pixels = allocate(width * height);
  const px = new Int32Array(pixels.buffer, pixels.byteOffset, pixels.length);

  if (type === QuicImageType.GRAY) {
    planeDecoder.reset(stream, px, width, 0);
    for (let y = 0; y < height; y++) planeDecoder.decodeRow(y);
    for (let i = 0; i < px.length; i++) px[i] = 0xff000000 | (px[i]! * 0x010101);
  } else {
    decodeColourRows(type, px, width, height, 0, width, false);
    if (type === QuicImageType.RGB16) {
      for (let i = 0; i < px.length; i++) {
        const p = px[i]!;
        const r = WIDEN_5[(p >>> 16) & 0x1f]!;
        const g = WIDEN_5[(p >>> 8) & 0x1f]!;
        px[i] = 0xff000000 | (r << 16) | (g << 8) | WIDEN_5[p & 0x1f]!;
      }
    }
  }
  return { width, height, pixels, hasAlpha: type === QuicImageType.RGBA };
}

/**
 * Where decodeQuicOnto writes: an image of `width` x `height` pixels whose top-left lands at
 * (x, y) of a surface `surfaceWidth` pixels wide, stored in `pixels` (0xAARRGGBB words).
 * `opaque`: the surface has no alpha, so an RGBA image's alpha is not kept (0xFF instead).
 */
export interface QuicDestination {
  readonly pixels: Uint32Array;
  readonly surfaceWidth: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly opaque: boolean;
}

/** The QUIC types decodeQuicOnto takes: 32-bit colour, with or without alpha. */
const ONTO_TYPES: readonly number[] = [QuicImageType.RGB24, QuicImageType.RGB32, QuicImageType.RGBA];

/** Whether decodeQuicOnto takes this payload's type (its header's; false when there is none). */
export function decodesOnto(data: Uint8Array): boolean {
  return data.length >= 12 && ONTO_TYPES.includes(readWord(data, 8));
}

/**
 * Decodes a 32-bit colour QUIC image (RGB32, RGB24, RGBA) straight onto a surface, where a plain
 * copy of it would land (the decode worker does this for a full-screen photo: no 8 MB image to
 * copy afterwards). The pixels are those a copy of decodeQuic's image leaves: its words, with
 * alpha 0xFF on a surface without alpha. Another type, or an image of another size than `to`
 * says, is refused with a ProtocolError before a pixel is written; a stream found corrupt later
 * leaves the rows decoded so far.
 */
export function decodeQuicOnto(data: Uint8Array, to: QuicDestination): void {
  const { type, width, height } = begin(data);
  if (!ONTO_TYPES.includes(type)) throw new ProtocolError(`QUIC image: type ${type} cannot be decoded onto a surface`);
  if (width !== to.width || height !== to.height) throw new ProtocolError(`QUIC image: ${width}x${height}, not the ${to.width}x${to.height} announced`);
  const surfaceWidth = to.surfaceWidth;
  if (!Number.isInteger(to.x) || !Number.isInteger(to.y) || to.x < 0 || to.y < 0 || to.x + width > surfaceWidth || (to.y + height) * surfaceWidth > to.pixels.length) {
    throw new ProtocolError(`QUIC image: ${width}x${height} at (${to.x},${to.y}) is not inside the surface`);
  }
  const px = new Int32Array(to.pixels.buffer, to.pixels.byteOffset, to.pixels.length);
  decodeColourRows(type, px, width, height, to.y * surfaceWidth + to.x, surfaceWidth, to.opaque);
}

/**
 * The rows of a colour image (RGB16, RGB24, RGB32, RGBA; the stream after the header) into
 * px[base + y * stride, + width). RGB16 stays as raw 5-bit samples (decodeQuic widens them).
 * `opaque`: an RGBA image's alpha is not kept, its pixels get alpha 0xFF (a surface without alpha).
 */
function decodeColourRows(type: number, px: Int32Array, width: number, height: number, base: number, stride: number, opaque: boolean): void {
  if (type !== QuicImageType.RGBA) {
    rgbDecoder.reset(stream, px, width, type === QuicImageType.RGB16 ? FAMILY_5BPC : FAMILY_8BPC, OPAQUE, base, stride);
    for (let y = 0; y < height; y++) rgbDecoder.decodeRow(y);
    return;
  }
  if (opaque) {
    // The colour goes out opaque, and the alpha plane, which must still be decoded (it is
    // interleaved with the colour, and each row is the next one's context), into two rows of
    // its own.
    if (alphaRows.length < 2 * width) alphaRows = new Int32Array(2 * width);
    rgbDecoder.reset(stream, px, width, FAMILY_8BPC, OPAQUE, base, stride);
    planeDecoder.reset(stream, alphaRows, width, 24, 0, width, true);
  } else {
    // The colour leaves the alpha byte 0 for the alpha plane to fill in.
    rgbDecoder.reset(stream, px, width, FAMILY_8BPC, 0, base, stride);
    planeDecoder.reset(stream, px, width, 24, base, stride);
  }
  for (let y = 0; y < height; y++) {
    rgbDecoder.decodeRow(y);
    planeDecoder.decodeRow(y);
  }
}

/** The alpha plane's two rows when an RGBA image is decoded onto a surface without alpha. */
let alphaRows = new Int32Array(0);

/** Checks the header and loads the stream (positioned after the header): the image's type and size. */
function begin(data: Uint8Array): { type: number; width: number; height: number } {
  if (data.length < 6 * 4) throw new ProtocolError('QUIC image: truncated header');
  if (readWord(data, 0) !== QUIC_MAGIC) throw new ProtocolError('QUIC image: bad magic');
  const version = readWord(data, 4);
  if (version !== QUIC_VERSION) throw new ProtocolError(`QUIC image: unsupported version ${version}`);
  const type = readWord(data, 8);
  if (type === QuicImageType.INVALID || type > QuicImageType.RGBA) {
    throw new ProtocolError(`QUIC image: bad image type ${type}`);
  }
  const width = readWord(data, 12);
  const height = readWord(data, 16);
  if (width === 0 || height === 0) throw new ProtocolError(`QUIC image: invalid size ${width}x${height}`);
  checkImageSize('QUIC image', width, height);

  // Every codeword is at least one bit, and only pixels from the fourth of a row on can be in a
  // run, so a payload shorter than this cannot be complete: refuse it before allocating.
  const channels = CHANNELS[type]!;
  const minBits = HEADER_BITS + channels * (width + (height - 1) * Math.min(width, 3)) + 32;
  if (minBits > (data.length >>> 2) * 32) throw new ProtocolError('QUIC image: truncated stream');

  // Zero words after the payload, for a truncated or corrupt stream to overrun during one row
  // before the per-row check notices: a row pass reads under 100 bits per pixel (three
  // codewords of at most 26 bits, plus at most 16 bits of run overhead), and we allow 160.
  stream.load(data, width * 5 + 8);
  stream.pos = HEADER_BITS;
  return { type, width, height };
}

/** The little-endian 32-bit word at byte `offset` (the header's fields). */
function readWord(data: Uint8Array, offset: number): number {
  return (data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16) | (data[offset + 3]! << 24)) >>> 0;
}
