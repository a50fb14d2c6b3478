// SPICE_IMAGE_TYPE_JPEG_ALPHA: an RGBA bitmap sent as a JPEG of its colour plus its alpha
// plane compressed losslessly with LZ (type XXXA), written from spice-server's
// image_encoders_compress_jpeg and spice-common's canvas_get_jpeg_alpha.
//
// Payload (JPEGAlphaData): uint8 flags (bit 0: TOP_DOWN), uint32 jpeg_size, uint32 data_size,
// uint8 data[data_size]: the JPEG in data[0, jpeg_size), the LZ stream in the rest.
// The JPEG always holds the picture top row first; the alpha rows come bottom row first unless
// TOP_DOWN is set, and the LZ header's own top_down field must agree with the flag.
import { checkImageSize, ProtocolError } from '../protocol/errors';
import { decodeJpeg, type JpegDecoder } from './jpeg';
import { decodeLzRgb } from './lz';
import { LZ_MAGIC, LzImageType } from './lz-common';
import type { DecodedImage } from './types';

const WHAT = 'JPEG_ALPHA image';
const TOP_DOWN = 1;
/** LZ header fields read here (big-endian u32s): magic at 0, type at 8, top_down at 24. */
const LZ_HEADER_SIZE = 28;

export interface JpegAlphaPayload {
  readonly flags: number;
  readonly jpegSize: number;
  readonly data: Uint8Array;
}

export function decodeJpegAlpha(payload: JpegAlphaPayload, decoder: JpegDecoder, width: number, height: number): DecodedImage {
  const { flags, jpegSize, data } = payload;
  checkImageSize(WHAT, width, height);
  if (jpegSize > data.length) throw new ProtocolError(`${WHAT}: jpeg_size ${jpegSize} beyond the ${data.length}-byte payload`);
  const alphaStream = data.subarray(jpegSize);
  // Check the alpha plane's header before spending time on the JPEG.
  if (alphaStream.length < LZ_HEADER_SIZE) throw new ProtocolError(`${WHAT}: truncated alpha plane`);
  const view = new DataView(alphaStream.buffer, alphaStream.byteOffset, alphaStream.byteLength);
  if (view.getUint32(0) !== LZ_MAGIC) throw new ProtocolError(`${WHAT}: the alpha plane is not an LZ stream`);
  const type = view.getUint32(8);
  if (type !== LzImageType.XXXA) throw new ProtocolError(`${WHAT}: alpha plane of LZ type ${type}, expected XXXA`);
  const alphaTopDown = view.getUint32(24) !== 0;
  if (alphaTopDown !== ((flags & TOP_DOWN) !== 0)) throw new ProtocolError(`${WHAT}: the alpha plane's row order contradicts the flags`);

  const colour = decodeJpeg(data.subarray(0, jpegSize), decoder, { width, height }, WHAT);
  // decodeLzRgb checks the XXXA stream completely and returns it top-down as alpha << 24.
  const alpha = decodeLzRgb(alphaStream);
  if (alpha.width !== width || alpha.height !== height) {
    throw new ProtocolError(`${WHAT}: alpha plane of ${alpha.width}x${alpha.height}, image of ${width}x${height}`);
  }
  const pixels = colour.pixels;
  const alphaPixels = alpha.pixels;
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((pixels[i] & 0xffffff) | (alphaPixels[i] & 0xff000000)) >>> 0;
  return { width, height, pixels, hasAlpha: true };
}
