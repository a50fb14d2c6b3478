// SPICE_IMAGE_TYPE_LZ4 images, written from spice-server's lz4-encoder.c (what it writes) and
// spice-common's canvas_get_lz4 (what clients accept).
//
// Payload (after the Image's uint32 data_size):
//   0  top_down  u8   1: the first row is the top row; 0: the bottom row comes first
//   1  format    u8   SpiceBitmapFmt of the rows: 16BIT (x1r5g5b5, little-endian words),
//                     24BIT (B, G, R), 32BIT (B, G, R, x) or RGBA (B, G, R, A)
//   2  blocks    repeated until the payload ends:
//                  u32 big-endian  compressed size of the block
//                  LZ4 block       (lz4.ts), decoded after the previous block's output
// The server compresses the bitmap's rows a few at a time, each call continuing the same LZ4
// stream, so a block may copy from the rows of earlier blocks. The rows hold width × bytes per
// pixel bytes each (the server only LZ4-compresses bitmaps without row padding).
import { BitmapFormat } from '../protocol/constants';
import { checkImageSize, ProtocolError } from '../protocol/errors';
import { flipRows, rgb16ToRgb32Table } from './lz-common';
import { decodeLz4Block, LZ4_MAX_RATIO } from './lz4';
import type { DecodedImage } from './types';

const WHAT = 'LZ4 image';
const HEADER_SIZE = 2;
const BLOCK_SIZE_BYTES = 4;

function bytesPerPixel(format: number): number {
  switch (format) {
    case BitmapFormat.BIT16:
      return 2;
    case BitmapFormat.BIT24:
      return 3;
    case BitmapFormat.BIT32:
    case BitmapFormat.RGBA:
      return 4;
    default:
      throw new ProtocolError(`${WHAT}: unsupported bitmap format ${format}`);
  }
}

/**
 * Decodes an LZ4 image payload of `width`×`height` pixels (the size comes from the Image
 * descriptor; the payload does not repeat it) to top-down 0xAARRGGBB pixels.
 */
export function decodeLz4Image(data: Uint8Array, width: number, height: number): DecodedImage {
  checkImageSize(WHAT, width, height);
  if (data.length < HEADER_SIZE) throw new ProtocolError(`${WHAT}: truncated header`);
  const topDown = data[0] !== 0;
  const format = data[1];
  const rowBytes = width * bytesPerPixel(format);
  const size = rowBytes * height;
  // Refuse a small payload that claims a huge image before allocating for it.
  if (size > LZ4_MAX_RATIO * (data.length - HEADER_SIZE)) {
    throw new ProtocolError(`${WHAT}: ${data.length} bytes cannot hold a ${width}x${height} image`);
  }
  const pixels = new Uint32Array(width * height);
  // 32-bit rows decode straight into the pixel words; narrower ones into a byte buffer first.
  const bytes = rowBytes === width * 4 ? new Uint8Array(pixels.buffer) : new Uint8Array(size);
  let op = 0;
  let ip = HEADER_SIZE;
  while (ip < data.length) {
    if (ip + BLOCK_SIZE_BYTES > data.length) throw new ProtocolError(`${WHAT}: truncated block size`);
    const blockSize = ((data[ip] << 24) | (data[ip + 1] << 16) | (data[ip + 2] << 8) | data[ip + 3]) >>> 0;
    ip += BLOCK_SIZE_BYTES;
    if (blockSize > data.length - ip) throw new ProtocolError(`${WHAT}: block of ${blockSize} bytes beyond the payload`);
    op = decodeLz4Block(data, ip, ip + blockSize, bytes, op, 0, WHAT);
    ip += blockSize;
  }
  if (op !== size) throw new ProtocolError(`${WHAT}: decoded ${op} bytes, a ${width}x${height} image needs ${size}`);

  let hasAlpha = false;
  switch (format) {
    case BitmapFormat.BIT32:
      for (let i = 0; i < pixels.length; i++) pixels[i] |= 0xff000000;
      break;
    case BitmapFormat.RGBA:
      hasAlpha = true;
      break;
    case BitmapFormat.BIT24:
      for (let i = 0, j = 0; i < pixels.length; i++, j += 3) {
        pixels[i] = (0xff000000 | (bytes[j + 2] << 16) | (bytes[j + 1] << 8) | bytes[j]) >>> 0;
      }
      break;
    default: {
      const table = rgb16ToRgb32Table();
      for (let i = 0, j = 0; i < pixels.length; i++, j += 2) pixels[i] = table[(bytes[j] | (bytes[j + 1] << 8)) & 0x7fff];
    }
  }
  if (!topDown) flipRows(pixels, width, height);
  return { width, height, pixels, hasAlpha };
}
