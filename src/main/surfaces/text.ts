import { expand555 } from '../../core/codecs/bitmap';
import { Ropd, SurfaceFormat } from '../../core/protocol/constants';
import type { Brush, DrawText, Rect } from '../../core/protocol/display-types';
import { baseRegion, brushPainter, finish, paintRegion, resolveTile, unaliased, type ImageResolver } from './canvas';
import { intersectRegion, regionExtents } from './clip';
import { compositeRegion } from './compositing/composite';
import { imageInSurfaceFormat, surfacePixelFormat } from './compositing/formats';
import { Op } from './compositing/operators';
import { A1, A8, Filter, Repeat, solidPicture, type Picture } from './compositing/picture';
import { renderGlyphs } from './glyphs';
import { rectIsEmpty } from './rect';
import { Rop } from './rop';
import type { Surface } from './surface';

/**
 * DRAW_TEXT as spice-common's sw_canvas draws it (canvas_draw_text):
 *
 *  1. on box ∩ surface ∩ clip ∩ back_area, the back brush is painted as a plain copy (no
 *     brush paints colour 0) — only when back_area is not empty, and then only if fore_mode is
 *     OP_PUT (anything else makes spice-common give up the whole draw);
 *  2. the glyphs are rendered to one alpha mask (glyphs.ts), and the fore brush is composited
 *     OVER the surface through it (pixman), on box ∩ surface ∩ clip. The fore brush is opaque:
 *     a solid colour gets alpha 0xFF whatever its top byte; on 16-bit surfaces the colour is read
 *     as x1r5g5b5 even on 16_565 ones (spice-common's colour_shift of 5 for both). A pattern
 *     repeats from its position *relative to the mask's top-left corner* (spice-common composites
 *     with source origin 0 at the mask), not to the surface's origin as fills do.
 *
 * No fore brush draws no glyphs; a string without a raster flag draws only the background.
 */
export function drawText(dest: Surface, op: DrawText, resolve: ImageResolver): Rect | null {
  const region = baseRegion(dest, op.base);
  // Brushes are resolved whatever happens below, so images they cache stay in step.
  const backTile = resolveTile(op.backBrush, resolve, 'DRAW_TEXT');
  const foreTile = resolveTile(op.foreBrush, resolve, 'DRAW_TEXT');
  if (region.length === 0) return null;
  let damage: Rect | null = null;
  if (!rectIsEmpty(op.backArea)) {
    if (op.foreMode !== Ropd.OP_PUT) return null;
    const back = intersectRegion(region, op.backArea);
    if (back.length > 0) {
      damage = paintRegion(back, null, brushPainter(dest, op.backBrush, backTile ? unaliased(backTile, dest) : null, Rop.COPY));
    }
  }
  const glyphs = op.foreBrush.type === 'none' ? null : renderGlyphs(op.text);
  if (glyphs) {
    const maskArea = { left: glyphs.left, top: glyphs.top, right: glyphs.left + glyphs.width, bottom: glyphs.top + glyphs.height };
    const drawn = intersectRegion(region, maskArea);
    const extents = regionExtents(drawn);
    if (extents) {
      const mask: Picture = {
        pixels: glyphs.pixels,
        width: glyphs.width,
        height: glyphs.height,
        format: op.text.bitsPerPixel === 1 ? A1 : A8,
        transform: null,
        filter: Filter.NEAREST,
        repeat: Repeat.NONE,
        componentAlpha: false,
        opaque: false,
      };
      const brush = foreBrushPicture(dest, op.foreBrush, foreTile ? unaliased(foreTile, dest) : null);
      const fore = compositeRegion(dest, surfacePixelFormat(dest.format), drawn, extents, Op.OVER, brush, -glyphs.left, -glyphs.top, mask, -glyphs.left, -glyphs.top);
      damage = union(damage, fore);
    }
  }
  return finish(dest, damage);
}

/** canvas_get_pixman_brush for the fore brush (solid or pattern; 'none' never comes here). */
function foreBrushPicture(dest: Surface, brush: Brush, tile: ReturnType<typeof resolveTile>): Picture {
  if (brush.type === 'pattern' && tile) {
    const { pixels, format } = imageInSurfaceFormat(tile, dest.format);
    return {
      pixels,
      width: tile.width,
      height: tile.height,
      format,
      transform: [0x10000, 0, -brush.pos.x * 0x10000, 0, 0x10000, -brush.pos.y * 0x10000],
      filter: Filter.NEAREST,
      repeat: Repeat.NORMAL,
      componentAlpha: false,
      opaque: false,
    };
  }
  const color = brush.type === 'solid' ? brush.color : 0;
  const is16 = dest.format === SurfaceFormat.RGB16_555 || dest.format === SurfaceFormat.RGB16_565;
  return solidPicture(is16 ? expand555(color & 0x7fff) : (0xff000000 | (color & 0xffffff)) >>> 0);
}

function union(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}
