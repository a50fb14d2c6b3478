import type { DecodedImage } from '../../core/codecs/types';
import { ImageScaleMode, SurfaceFormat } from '../../core/protocol/constants';
import type { DrawTransparent, Rect } from '../../core/protocol/display-types';
import { baseRegion, finish, paintRegion, resolveSource, scratchRow, unaliased, type ImageResolver, type Painter } from './canvas';
import { rectsSameSize } from './rect';
import { makeScaler, scaleRow, type Scaler } from './scale';
import type { Surface } from './surface';

/**
 * DRAW_TRANSPARENT: a copy that skips source pixels of one colour, the colour key `trueColor`
 * (spice-common's canvas_draw_transparent and spice_pixman_blit_colorkey). The comparison is
 * made in the destination's pixel format, as spice-common converts both sides to it:
 *
 *  - 32-bit surfaces: the low 24 bits (red, green, blue) of the source pixel against those of
 *    the key; the whole source word is copied otherwise;
 *  - 16-bit surfaces: the source truncated to x1r5g5b5 / r5g6b5 against the key truncated the
 *    same way (rgb_32_to_16_555 / _565);
 *  - A8 (and A1) surfaces: the key is 0, compared with the alpha.
 *
 * A source area of another size than the box is scaled first with nearest sampling exactly as
 * a scaled DRAW_COPY (__colorkey_scale_image uses the same transform); samples outside the
 * image are 0. No mask, no ROP.
 */
export function drawTransparent(dest: Surface, op: DrawTransparent, resolve: ImageResolver): Rect | null {
  const { box } = op.base;
  const region = baseRegion(dest, op.base);
  if (region.length === 0) {
    if (op.source) resolve(op.source); // still cached / fed to the GLZ dictionary
    return null;
  }
  const source = unaliased(resolveSource(op.source, op.sourceArea, box, resolve, 'DRAW_TRANSPARENT'), dest);
  const painter = new ColorKeyPainter(dest, source, op.sourceArea, box, colorKey(dest.format, op.trueColor));
  return finish(dest, paintRegion(region, null, painter));
}

/** What part of a stored pixel is compared with the key. */
const KeyOf = { RGB24: 0, RGB555: 1, RGB565: 2, ALPHA: 3 } as const;

interface ColorKey {
  readonly of: number; // KeyOf
  readonly key: number;
}

function colorKey(format: number, trueColor: number): ColorKey {
  switch (format) {
    case SurfaceFormat.RGB16_555:
      return { of: KeyOf.RGB555, key: to555(trueColor) };
    case SurfaceFormat.RGB16_565:
      return { of: KeyOf.RGB565, key: to565(trueColor) };
    case SurfaceFormat.A8:
    case SurfaceFormat.A1:
      return { of: KeyOf.ALPHA, key: 0 };
    default:
      return { of: KeyOf.RGB24, key: trueColor & 0xffffff };
  }
}

/** rgb_32_to_16_555: 0x??RRGGBB → x1r5g5b5. */
function to555(c: number): number {
  return ((c >>> 3) & 0x001f) | ((c >>> 6) & 0x03e0) | ((c >>> 9) & 0x7c00);
}

/** rgb_32_to_16_565: 0x??RRGGBB → r5g6b5. */
function to565(c: number): number {
  return ((c >>> 3) & 0x001f) | ((c >>> 5) & 0x07e0) | ((c >>> 8) & 0xf800);
}

class ColorKeyPainter implements Painter {
  private readonly pixels: Uint32Array;
  private readonly width: number;
  private readonly orBits: number;
  private readonly scaler: Scaler | null;
  private readonly offsetX: number;
  private readonly offsetY: number;

  constructor(
    dest: Surface,
    private readonly source: DecodedImage,
    area: Rect,
    box: Rect,
    private readonly key: ColorKey,
  ) {
    this.pixels = dest.pixels;
    this.width = dest.width;
    this.orBits = dest.opaqueBits;
    this.offsetX = box.left - area.left;
    this.offsetY = box.top - area.top;
    // The scaler's column tables cover the box within the surface, where the region lies.
    this.scaler = rectsSameSize(box, area)
      ? null
      : makeScaler(source, area, box, ImageScaleMode.NEAREST, Math.max(box.left, 0), Math.min(box.right, dest.width));
  }

  paint(y: number, x1: number, x2: number): void {
    const n = x2 - x1;
    let src: Uint32Array;
    let s: number;
    if (this.scaler) {
      src = scratchRow(n);
      scaleRow(this.scaler, y, x1, x2, src, 0);
      s = 0;
    } else {
      src = this.source.pixels;
      s = (y - this.offsetY) * this.source.width + x1 - this.offsetX;
    }
    const { of, key } = this.key;
    const { pixels, orBits } = this;
    const d = y * this.width + x1;
    switch (of) {
      case KeyOf.RGB24:
        for (let i = 0; i < n; i++) if ((src[s + i] & 0xffffff) !== key) pixels[d + i] = (src[s + i] | orBits) >>> 0;
        return;
      case KeyOf.ALPHA:
        for (let i = 0; i < n; i++) if (src[s + i] >>> 24 !== 0) pixels[d + i] = (src[s + i] | orBits) >>> 0;
        return;
      case KeyOf.RGB555:
        for (let i = 0; i < n; i++) if (to555(src[s + i]) !== key) pixels[d + i] = (src[s + i] | orBits) >>> 0;
        return;
      default:
        for (let i = 0; i < n; i++) if (to565(src[s + i]) !== key) pixels[d + i] = (src[s + i] | orBits) >>> 0;
    }
  }
}
