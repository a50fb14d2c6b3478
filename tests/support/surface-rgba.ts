import type { DamageArea, SurfacePixels } from '../../src/main/host/engine-session';

/**
 * What the front end should show of `rect` of a surface: its pixels (0xAARRGGBB words) as RGBA
 * bytes with alpha 255. Written byte by byte, apart from the engine's own conversion
 * (shown-pixels.ts), so tests can check that one against it.
 */
export function surfaceRectToRgba(surface: SurfacePixels, rect: DamageArea): ArrayBuffer {
  const width = rect.right - rect.left;
  const out = new Uint8Array(width * (rect.bottom - rect.top) * 4);
  let o = 0;
  for (let y = rect.top; y < rect.bottom; y++) {
    for (let x = rect.left; x < rect.right; x++) {
      const p = surface.pixels[y * surface.width + x];
      out[o++] = (p >>> 16) & 0xff;
      out[o++] = (p >>> 8) & 0xff;
      out[o++] = p & 0xff;
      out[o++] = 255;
    }
  }
  return out.buffer;
}
