import { AlphaFlags, SurfaceFormat } from '../../core/protocol/constants';
import type { DrawAlphaBlend, Image, Rect } from '../../core/protocol/display-types';
import { baseRegion, finish, resolveSource, unaliased, type ImageResolver } from './canvas';
import { regionExtents } from './clip';
import { compositeRegion } from './compositing/composite';
import { surfacePixelFormat } from './compositing/formats';
import { Op } from './compositing/operators';
import { A8R8G8B8, Filter, Repeat, solidPicture, X8R8G8B8, type Picture, type PixelFormat } from './compositing/picture';
import { rectsSameSize } from './rect';
import type { Surface } from './surface';

/** The surface an IMAGE_TYPE_SURFACE image refers to (undefined for other images). */
export type SurfaceOf = (image: Image) => Surface | undefined;

/**
 * DRAW_ALPHA_BLEND: the source OVER the destination, times a constant alpha (spice-common's
 * canvas_draw_alpha_blend with sw_canvas' blend_image / blend_scale_image): pixman OVER with a
 * solid mask of that alpha (none for 0xFF), clipped to box ∩ surface ∩ clip. Nothing is drawn
 * for alpha 0.
 *
 * The source keeps its own format (spice-common asks for the original image): per-pixel alpha
 * when it has alpha. A 32_xRGB surface used as the source with SRC_SURFACE_HAS_ALPHA is read
 * as ARGB in spice-gtk, its filler byte becoming alpha; Saffron keeps that byte at 0xFF on
 * 32_xRGB surfaces, so such a source is opaque here. DEST_HAS_ALPHA only changes the
 * destination's alpha byte, which 32_xRGB surfaces keep at 0xFF.
 *
 * A source area of another size than the box is scaled with nearest sampling (always, as
 * spice-common passes SPICE_IMAGE_SCALE_MODE_NEAREST) by the same transform as a scaled
 * DRAW_COPY; samples outside the image are transparent.
 */
export function drawAlphaBlend(dest: Surface, op: DrawAlphaBlend, resolve: ImageResolver, surfaceOf: SurfaceOf = () => undefined): Rect | null {
  const { box } = op.base;
  const area = op.sourceArea;
  const region = baseRegion(dest, op.base);
  if (op.alpha === 0 || region.length === 0) {
    if (op.source) resolve(op.source);
    return null;
  }
  const image = unaliased(resolveSource(op.source, area, box, resolve, 'DRAW_ALPHA_BLEND'), dest);
  const sourceSurface = op.source ? surfaceOf(op.source) : undefined;
  let format: PixelFormat;
  if (sourceSurface) {
    const readWithAlpha = (op.alphaFlags & AlphaFlags.SRC_SURFACE_HAS_ALPHA) !== 0 && sourceSurface.format === SurfaceFormat.XRGB32;
    format = readWithAlpha ? A8R8G8B8 : surfacePixelFormat(sourceSurface.format);
  } else {
    format = image.hasAlpha ? A8R8G8B8 : X8R8G8B8;
  }
  const scaled = !rectsSameSize(box, area);
  const fsx = Math.floor(((area.right - area.left) * 65536) / (box.right - box.left));
  const fsy = Math.floor(((area.bottom - area.top) * 65536) / (box.bottom - box.top));
  const source: Picture = {
    pixels: image.pixels,
    width: image.width,
    height: image.height,
    format,
    transform: scaled ? [fsx, 0, area.left * 65536, 0, fsy, area.top * 65536] : null,
    filter: Filter.NEAREST,
    repeat: Repeat.NONE,
    componentAlpha: false,
    opaque: false,
  };
  const mask = op.alpha === 0xff ? null : solidPicture((op.alpha << 24) >>> 0);
  const extents = regionExtents(region);
  if (!extents) return null;
  const dx = scaled ? -box.left : area.left - box.left;
  const dy = scaled ? -box.top : area.top - box.top;
  const damage = compositeRegion(dest, surfacePixelFormat(dest.format), region, extents, Op.OVER, source, dx, dy, mask, 0, 0);
  return finish(dest, damage);
}
