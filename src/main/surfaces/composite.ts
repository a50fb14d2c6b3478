import type { DecodedImage } from '../../core/codecs/types';
import { CompositeFlags } from '../../core/protocol/constants';
import type { DrawComposite, Image, Rect, Transform } from '../../core/protocol/display-types';
import { ProtocolError } from '../../core/protocol/errors';
import { baseRegion, checkImage, finish, unaliased, type ImageResolver } from './canvas';
import type { SurfaceOf } from './alpha-blend';
import { regionExtents } from './clip';
import { compositeRegion } from './compositing/composite';
import { imageInSurfaceFormat, surfacePixelFormat } from './compositing/formats';
import { isOperator } from './compositing/operators';
import type { Picture } from './compositing/picture';
import { intersectRects } from './rect';
import { Surface } from './surface';

/** pixman filters spice-gtk can run with no parameters: FAST, GOOD, BEST, NEAREST, BILINEAR. */
const MAX_FILTER = 4;

/**
 * DRAW_COMPOSITE: X Render's composite, which spice-gtk hands to pixman_image_composite32
 * (canvas_draw_composite). Flags carry the operator (low byte), each picture's filter and
 * repeat, component alpha, and which of mask and transforms are present.
 *
 * As spice-common does it: the source and mask are read in the destination's format unless
 * they are surfaces (then in the surface's own; SOURCE_OPAQUE reads an alpha surface as
 * opaque), the transforms are 16.16 affine matrices, the source origin maps to the box's
 * top-left corner, and the result over the whole box is then copied through the clip
 * (composite.ts in compositing/ reproduces pixman's arithmetic to the bit). DEST_OPAQUE and
 * MASK_OPAQUE change nothing in spice-common, nor here.
 *
 * Refused: unknown operators, and the convolution filters, which need parameters the protocol
 * does not carry (pixman crashes on them).
 */
export function drawComposite(dest: Surface, op: DrawComposite, resolve: ImageResolver, surfaceOf: SurfaceOf = () => undefined): Rect | null {
  const { flags } = op;
  const operator = flags & CompositeFlags.OP_MASK;
  if (!isOperator(operator)) throw new ProtocolError(`DRAW_COMPOSITE with unknown operator ${operator}`);
  const srcFilter = (flags >>> CompositeFlags.SRC_FILTER_SHIFT) & CompositeFlags.FILTER_MASK;
  const maskFilter = (flags >>> CompositeFlags.MASK_FILTER_SHIFT) & CompositeFlags.FILTER_MASK;
  if (srcFilter > MAX_FILTER || maskFilter > MAX_FILTER) {
    throw new ProtocolError(`DRAW_COMPOSITE with filter ${Math.max(srcFilter, maskFilter)}, which needs parameters the message does not carry`);
  }
  const source = picture(
    dest,
    op.source,
    resolve(op.source),
    surfaceOf,
    op.sourceTransform,
    srcFilter,
    (flags >>> CompositeFlags.SRC_REPEAT_SHIFT) & CompositeFlags.REPEAT_MASK,
    false,
    (flags & CompositeFlags.SOURCE_OPAQUE) !== 0,
  );
  const mask = op.mask
    ? picture(
        dest,
        op.mask,
        resolve(op.mask),
        surfaceOf,
        op.maskTransform,
        maskFilter,
        (flags >>> CompositeFlags.MASK_REPEAT_SHIFT) & CompositeFlags.REPEAT_MASK,
        (flags & CompositeFlags.COMPONENT_ALPHA) !== 0,
        false,
      )
    : null;
  const { box } = op.base;
  const region = baseRegion(dest, op.base);
  const area = intersectRects(box, { left: 0, top: 0, right: dest.width, bottom: dest.height });
  if (region.length === 0 || !area) return null;
  const srcDx = op.sourceOrigin.x - box.left;
  const srcDy = op.sourceOrigin.y - box.top;
  const maskDx = op.maskOrigin.x - box.left;
  const maskDy = op.maskOrigin.y - box.top;
  const format = surfacePixelFormat(dest.format);
  const whole = [{ top: area.top, bottom: area.bottom, spans: [area.left, area.right] }];
  const clipped = region.length !== 1 || region[0].top !== area.top || region[0].bottom !== area.bottom || region[0].spans.length !== 2 ||
    region[0].spans[0] !== area.left || region[0].spans[1] !== area.right;
  if (!clipped) {
    return finish(dest, compositeRegion(dest, format, whole, box, operator, source, srcDx, srcDy, mask, maskDx, maskDy));
  }
  // spice-common composites the whole box into a copy, then copies the clipped part back;
  // doing the same keeps pixman's per-box scanline state identical (see compositeRegion).
  const width = area.right - area.left;
  const copy = new Surface(dest.id, width, area.bottom - area.top, dest.format);
  for (let y = area.top; y < area.bottom; y++) {
    copy.pixels.set(dest.pixels.subarray(y * dest.width + area.left, y * dest.width + area.right), (y - area.top) * width);
  }
  const shifted = { left: box.left - area.left, top: box.top - area.top, right: box.right - area.left, bottom: box.bottom - area.top };
  const all = [{ top: 0, bottom: copy.height, spans: [0, width] }];
  if (!compositeRegion(copy, format, all, shifted, operator, source, srcDx + area.left, srcDy + area.top, mask, maskDx + area.left, maskDy + area.top)) return null;
  for (const band of region) {
    for (let y = band.top; y < band.bottom; y++) {
      for (let s = 0; s < band.spans.length; s += 2) {
        const from = (y - area.top) * width - area.left;
        dest.pixels.set(copy.pixels.subarray(from + band.spans[s], from + band.spans[s + 1]), y * dest.width + band.spans[s]);
      }
    }
  }
  return finish(dest, regionExtents(region));
}

/** A source or mask as canvas_draw_composite sets it up for pixman. */
function picture(
  dest: Surface,
  image: Image,
  decoded: DecodedImage,
  surfaceOf: SurfaceOf,
  transform: Transform | null,
  filter: number,
  repeat: number,
  componentAlpha: boolean,
  forceOpaque: boolean,
): Picture {
  checkImage(decoded, 'DRAW_COMPOSITE');
  const own = unaliased(decoded, dest);
  const surface = surfaceOf(image);
  if (surface) {
    const format = surfacePixelFormat(surface.format);
    const opaque = forceOpaque && format.a !== 0;
    return {
      pixels: own.pixels,
      width: own.width,
      height: own.height,
      format: opaque ? { a: 0, r: format.r, g: format.g, b: format.b } : format,
      transform,
      filter,
      repeat,
      componentAlpha,
      opaque,
    };
  }
  const converted = imageInSurfaceFormat(own, dest.format);
  return { pixels: converted.pixels, width: own.width, height: own.height, format: converted.format, transform, filter, repeat, componentAlpha, opaque: false };
}
