import { endianness } from 'node:os';
import type { DamageArea, SurfacePixels } from './engine-session';

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Copies one rectangle of a surface (0xAARRGGBB words) into a buffer of RGBA bytes with alpha
 * 255, the layout ImageData and putImageData want: a new one, or one from `take` (a pool) which
 * must give exactly the bytes asked for. Alpha is forced: the primary surface is opaque, and a
 * stray alpha byte would show the page behind the canvas.
 */
export function surfaceRectToRgba(surface: SurfacePixels, rect: DamageArea, take: (bytes: number) => ArrayBuffer = (bytes) => new ArrayBuffer(bytes)): ArrayBuffer {
  const width = rect.right - rect.left;
  const height = rect.bottom - rect.top;
  const out = take(width * height * 4);
  const src = surface.pixels;
  if (LITTLE_ENDIAN) {
    // One 32-bit store per pixel: bytes R,G,B,A in memory are the word 0xAABBGGRR.
    const dst = new Uint32Array(out);
    let o = 0;
    for (let y = rect.top; y < rect.bottom; y++) {
      let i = y * surface.width + rect.left;
      const end = i + width;
      for (; i < end; i++) {
        const p = src[i];
        dst[o++] = (0xff000000 | ((p & 0xff) << 16) | (p & 0xff00) | ((p >>> 16) & 0xff)) >>> 0;
      }
    }
  } else {
    const dst = new Uint8Array(out);
    let o = 0;
    for (let y = rect.top; y < rect.bottom; y++) {
      let i = y * surface.width + rect.left;
      const end = i + width;
      for (; i < end; i++) {
        const p = src[i];
        dst[o++] = (p >>> 16) & 0xff;
        dst[o++] = (p >>> 8) & 0xff;
        dst[o++] = p & 0xff;
        dst[o++] = 0xff;
      }
    }
  }
  return out;
}
