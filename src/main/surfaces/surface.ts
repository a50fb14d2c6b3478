import { expand555 } from '../../core/codecs/bitmap';
import type { DecodedImage } from '../../core/codecs/types';
import { SurfaceFormat } from '../../core/protocol/constants';
import type { Rect } from '../../core/protocol/display-types';
import { checkImageSize, ProtocolError } from '../../core/protocol/errors';

/**
 * One SPICE drawing surface (the primary screen, or an off-screen surface the server draws
 * into and copies from). Every format is stored as 32-bit 0xAARRGGBB words (little-endian
 * bytes B, G, R, A), top-down, `width` words per row — the layout of DecodedImage, so a
 * surface can be the source of another draw without conversion.
 *
 * Alpha: on formats without alpha (32_xRGB, 16-bit) the alpha byte is kept at 0xFF by every
 * drawing operation. pixman (spice-gtk's sw_canvas) stores x8r8g8b8 and ignores that byte, so
 * the colour channels are identical; keeping it opaque means the pixels are valid as they
 * are for an RGBA consumer, and honour DecodedImage's "0xFF unless hasAlpha". On 32_ARGB
 * every operation acts on all 32 bits exactly as pixman's raw fills, blits and ROPs do.
 *
 * Formats that are narrower than 32 bits are stored widened and re-quantised after each
 * write (normalize): 16_555/16_565 by truncating to 5/6 bits per channel and replicating the
 * top bits back (pixman's conversions both ways — bitwise ROPs commute with that, so results
 * equal spice-gtk's native 16-bit ones); A8 keeps only the alpha byte; A1 only its top bit.
 */
export class Surface {
  readonly pixels: Uint32Array;
  /** ORed into every written pixel: 0xFF000000 for formats without alpha, else 0. */
  readonly opaqueBits: number;
  /** Whether writes need normalize() (the narrow formats). */
  readonly narrow: boolean;

  /** `shared`: the pixels live in shared memory, so the decode worker can draw onto them. */
  constructor(
    readonly id: number,
    readonly width: number,
    readonly height: number,
    readonly format: number,
    shared = false,
  ) {
    checkImageSize(`surface ${id}`, width, height);
    switch (format) {
      case SurfaceFormat.XRGB32:
      case SurfaceFormat.RGB16_555:
      case SurfaceFormat.RGB16_565:
        this.opaqueBits = 0xff000000;
        break;
      case SurfaceFormat.ARGB32:
      case SurfaceFormat.A8:
      case SurfaceFormat.A1:
        this.opaqueBits = 0;
        break;
      default:
        throw new ProtocolError(`surface ${id}: unknown format ${format}`);
    }
    this.narrow = format !== SurfaceFormat.XRGB32 && format !== SurfaceFormat.ARGB32;
    // spice-gtk allocates a new surface with g_malloc0: all bytes zero, i.e. black (and
    // transparent for formats with alpha). Same colour here, with the opaque alpha byte for
    // formats without alpha.
    this.pixels = shared ? new Uint32Array(new SharedArrayBuffer(width * height * 4)) : new Uint32Array(width * height);
    if (this.opaqueBits !== 0) this.pixels.fill(this.opaqueBits);
  }

  /** Whether the alpha byte carries real alpha (32_ARGB, A8, A1) rather than 0xFF filler. */
  get hasAlpha(): boolean {
    return this.opaqueBits === 0;
  }

  /** The surface as an image, sharing its pixels (for draws that use a surface as source). */
  asImage(): DecodedImage {
    return { width: this.width, height: this.height, pixels: this.pixels, hasAlpha: this.hasAlpha };
  }

  /**
   * A colour from a drawing command (brush colour) to the stored pixel. Colours are in the
   * surface's own pixel format, as spice-common writes them raw: 0xAARRGGBB / 0x??RRGGBB
   * for 32-bit, x1r5g5b5 or r5g6b5 for 16-bit, the alpha byte for A8, bit 0 for A1.
   */
  pixelFromColor(color: number): number {
    switch (this.format) {
      case SurfaceFormat.RGB16_555:
        return expand555(color & 0xffff);
      case SurfaceFormat.RGB16_565:
        return expand565(color & 0xffff);
      case SurfaceFormat.A8:
        return ((color & 0xff) << 24) >>> 0;
      case SurfaceFormat.A1:
        return color & 1 ? 0xff000000 : 0;
      default:
        return (color | this.opaqueBits) >>> 0;
    }
  }

  /** Re-quantises the pixels of `area` for the narrow formats (no-op for 32-bit ones). */
  normalize(area: Rect): void {
    if (!this.narrow) return;
    const { pixels, width } = this;
    for (let y = area.top; y < area.bottom; y++) {
      const end = y * width + area.right;
      for (let i = y * width + area.left; i < end; i++) {
        const p = pixels[i];
        switch (this.format) {
          case SurfaceFormat.RGB16_555:
            pixels[i] = expand555(((p >>> 9) & 0x7c00) | ((p >>> 6) & 0x03e0) | ((p >>> 3) & 0x001f));
            break;
          case SurfaceFormat.RGB16_565:
            pixels[i] = expand565(((p >>> 8) & 0xf800) | ((p >>> 5) & 0x07e0) | ((p >>> 3) & 0x001f));
            break;
          case SurfaceFormat.A8:
            pixels[i] = p & 0xff000000;
            break;
          default: // A1
            pixels[i] = p & 0x80000000 ? 0xff000000 : 0;
        }
      }
    }
  }
}

/** r5g6b5 word → 0xFFRRGGBB, replicating each channel's top bits into its low bits. */
function expand565(v: number): number {
  const r = (v >>> 11) & 0x1f;
  const g = (v >>> 5) & 0x3f;
  const b = v & 0x1f;
  return (0xff000000 | (((r << 3) | (r >>> 2)) << 16) | (((g << 2) | (g >>> 4)) << 8) | ((b << 3) | (b >>> 2))) >>> 0;
}
