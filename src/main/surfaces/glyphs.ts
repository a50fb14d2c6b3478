import { StringFlags } from '../../core/protocol/constants';
import type { GlyphString } from '../../core/protocol/display-types';
import { checkImageSize } from '../../core/protocol/errors';

/** A DRAW_TEXT string rendered to one alpha mask (0xAA000000 words), placed at (left, top). */
export interface GlyphMask {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint32Array;
}

/**
 * canvas_get_str_mask: the union of the glyph boxes (render_pos + glyph_origin, width ×
 * height; empty boxes count too, as rect_union takes them), each glyph's raster merged in:
 *
 *  - A1: rows of ceil(w / 8) bytes, most significant bit first; a set bit is alpha 0xFF and
 *    bits are ORed (the mask is pixman a1);
 *  - A4: rows of ceil(w / 2) bytes, high nibble first; nibble v is alpha v·16 (0xF → 0xF0),
 *    merged with max;
 *  - A8: rows of w bytes, the alpha, merged with max.
 *
 * Rows are stored bottom-up (the first row is the glyph's bottom), which is how spice-common
 * reads them; with RASTER_TOP_DOWN they are top-down (spice-common ignores that flag).
 * Returns null for a string without glyphs.
 */
export function renderGlyphs(text: GlyphString): GlyphMask | null {
  const { glyphs, bitsPerPixel } = text;
  if (glyphs.length === 0) return null;
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const g of glyphs) {
    const x = g.renderPos.x + g.origin.x;
    const y = g.renderPos.y + g.origin.y;
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + g.width);
    bottom = Math.max(bottom, y + g.height);
  }
  const width = right - left;
  const height = bottom - top;
  checkImageSize('glyph string', width, height);
  const alpha = new Uint8Array(width * height);
  const topDown = (text.flags & StringFlags.RASTER_TOP_DOWN) !== 0;
  for (const g of glyphs) {
    const gx = g.renderPos.x + g.origin.x - left;
    const gy = g.renderPos.y + g.origin.y - top;
    const stride = Math.ceil((g.width * bitsPerPixel) / 8);
    for (let row = 0; row < g.height; row++) {
      const src = (topDown ? row : g.height - 1 - row) * stride;
      const out = (gy + row) * width + gx;
      for (let x = 0; x < g.width; x++) {
        let a: number;
        if (bitsPerPixel === 1) a = (g.data[src + (x >> 3)] >> (7 - (x & 7))) & 1 ? 0xff : 0;
        else if (bitsPerPixel === 4) a = x & 1 ? (g.data[src + (x >> 1)] << 4) & 0xf0 : g.data[src + (x >> 1)] & 0xf0;
        else a = g.data[src + x];
        if (a > alpha[out + x]) alpha[out + x] = a;
      }
    }
  }
  const pixels = new Uint32Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = alpha[i] << 24 >>> 0;
  return { left, top, width, height, pixels };
}
