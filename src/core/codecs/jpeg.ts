// JPEG images (SPICE_IMAGE_TYPE_JPEG, the colour part of JPEG_ALPHA, and MJPEG video frames).
//
// The pixel decoding itself is not written here: it is a JpegDecoder handed in by whoever runs
// this code (a pure-JS decoder in the Node engine, the platform's ImageDecoder where there is
// one). What is here is what must hold whatever the decoder: the frame size read from the
// JPEG's own header and checked against the limits and the message before any decoder is
// allowed to allocate for it, and every decoder failure turned into a ProtocolError.
import { checkImageSize, ProtocolError } from '../protocol/errors';
import type { DecodedImage } from './types';

/** Decodes one complete JPEG (JFIF) image. */
export interface JpegDecoder {
  /**
   * Returns the image as top-down opaque pixels, 0xFFRRGGBB words, hasAlpha false. May throw
   * anything on corrupt data (callers turn it into a ProtocolError).
   */
  decode(data: Uint8Array): DecodedImage;
}

export interface JpegSize {
  readonly width: number;
  readonly height: number;
}

// Markers (ITU T.81 table B.1): 0xFFD8 SOI, 0xFFD9 EOI, 0xFFDA SOS, 0xFFC0-0xFFCF SOFn except
// 0xFFC4 DHT, 0xFFC8 JPG and 0xFFCC DAC; 0xFFD0-0xFFD7 RSTn and 0xFF01 TEM stand alone; every
// other marker starts a segment whose u16 big-endian length counts itself. A SOF segment is
// u16 length, u8 precision, u16 height (lines), u16 width (samples per line), ...
const SOI = 0xd8;
const SOS = 0xda;

/**
 * Every 8×8 block of every component costs at least one bit (its DC coefficient), so a JPEG of
 * P pixels has at least P/64 bits, P/512 bytes. A payload below that cannot be a whole picture:
 * refusing it stops a few bytes from making a decoder allocate and fill a huge frame.
 */
const MAX_PIXELS_PER_BYTE = 512;

function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The frame size from a JPEG's header (its SOF segment), without decoding anything. */
export function readJpegSize(data: Uint8Array, what = 'JPEG image'): JpegSize {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== SOI) throw new ProtocolError(`${what}: not a JPEG (no start-of-image marker)`);
  let at = 2;
  for (;;) {
    if (at >= data.length) throw new ProtocolError(`${what}: truncated header (no frame header found)`);
    if (data[at] !== 0xff) throw new ProtocolError(`${what}: garbage at offset ${at} where a marker should be`);
    // Any number of 0xFF fill bytes may precede a marker.
    while (at < data.length && data[at] === 0xff) at++;
    if (at >= data.length) throw new ProtocolError(`${what}: truncated header`);
    const marker = data[at++];
    if (marker === SOS) throw new ProtocolError(`${what}: scan data before any frame header`);
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue; // stand-alone markers
    if (at + 2 > data.length) throw new ProtocolError(`${what}: truncated header`);
    const length = (data[at] << 8) | data[at + 1];
    if (length < 2) throw new ProtocolError(`${what}: segment length ${length}`);
    if (isStartOfFrame(marker)) {
      if (length < 8 || at + 7 > data.length) throw new ProtocolError(`${what}: truncated frame header`);
      const height = (data[at + 3] << 8) | data[at + 4];
      const width = (data[at + 5] << 8) | data[at + 6];
      if (width === 0 || height === 0) throw new ProtocolError(`${what}: frame of ${width}x${height} pixels`);
      return { width, height };
    }
    at += length;
  }
}

/**
 * Decodes a JPEG with `decoder` after checking its header: the frame must be within the image
 * limits, and when `expected` is given, exactly that size (the Image descriptor's).
 */
export function decodeJpeg(data: Uint8Array, decoder: JpegDecoder, expected?: JpegSize, what = 'JPEG image'): DecodedImage {
  const size = readJpegSize(data, what);
  checkImageSize(what, size.width, size.height);
  if (size.width * size.height > MAX_PIXELS_PER_BYTE * data.length) {
    throw new ProtocolError(`${what}: ${data.length} bytes cannot hold a ${size.width}x${size.height} picture`);
  }
  if (expected && (size.width !== expected.width || size.height !== expected.height)) {
    throw new ProtocolError(`${what}: the JPEG is ${size.width}x${size.height}, the image ${expected.width}x${expected.height}`);
  }
  let image: DecodedImage;
  try {
    image = decoder.decode(data);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(`${what}: ${(error as Error)?.message ?? String(error)}`);
  }
  if (image.width !== size.width || image.height !== size.height || image.pixels.length !== size.width * size.height) {
    throw new ProtocolError(`${what}: decoded to ${image.width}x${image.height}, its header says ${size.width}x${size.height}`);
  }
  return image;
}
