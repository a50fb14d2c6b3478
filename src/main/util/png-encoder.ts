import { crc32, deflateSync } from 'node:zlib';
import { concatBytes } from '../../core/util/bytes';

/**
 * Encodes 0xAARRGGBB pixels (SPICE's 32-bit layout) as an 8-bit RGB PNG: signature, IHDR,
 * one IDAT (zlib of filter byte 0 + RGB per row), IEND. Alpha is dropped, as the screen has none.
 */
export function encodeRgbPng(width: number, height: number, pixels: Uint32Array, stride = width): Uint8Array {
  const rowBytes = 1 + width * 3;
  const raw = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    let out = y * rowBytes + 1; // filter type 0 (None) stays 0
    let index = y * stride;
    for (let x = 0; x < width; x++, index++) {
      const pixel = pixels[index];
      raw[out++] = (pixel >>> 16) & 0xff;
      raw[out++] = (pixel >>> 8) & 0xff;
      raw[out++] = pixel & 0xff;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return concatBytes(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', new Uint8Array(deflateSync(raw, { level: 6 }))),
    chunk('IEND', new Uint8Array(0)),
  );
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.byteLength);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.byteLength, crc32(out.subarray(4, 8 + data.byteLength)));
  return out;
}
