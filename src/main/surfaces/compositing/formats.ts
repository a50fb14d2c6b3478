import type { DecodedImage } from '../../../core/codecs/types';
import { SurfaceFormat } from '../../../core/protocol/constants';
import { A1, A8, A8R8G8B8, R5G6B5, X1R5G5B5, X8R8G8B8, type PixelFormat } from './picture';
import { Surface } from '../surface';

/** The pixman format spice-gtk gives a surface (spice_surface_format_to_pixman). */
export function surfacePixelFormat(format: number): PixelFormat {
  switch (format) {
    case SurfaceFormat.ARGB32:
      return A8R8G8B8;
    case SurfaceFormat.RGB16_555:
      return X1R5G5B5;
    case SurfaceFormat.RGB16_565:
      return R5G6B5;
    case SurfaceFormat.A8:
      return A8;
    case SurfaceFormat.A1:
      return A1;
    default:
      return X8R8G8B8;
  }
}

/**
 * A decoded image as spice-common hands it to a draw that wants it in the destination's format
 * (canvas_get_image(..., FALSE), canvas_get_target_format): 32-bit destinations keep the
 * image's own alpha (a8r8g8b8 if it has one, else x8r8g8b8); narrower ones convert it, which
 * loses alpha on 16-bit surfaces and colour on A8/A1 ones.
 */
export function imageInSurfaceFormat(image: DecodedImage, destFormat: number): { pixels: Uint32Array; format: PixelFormat } {
  switch (destFormat) {
    case SurfaceFormat.XRGB32:
    case SurfaceFormat.ARGB32:
      return { pixels: image.pixels, format: image.hasAlpha ? A8R8G8B8 : X8R8G8B8 };
    default: {
      // Convert through a scratch surface of the destination's format: its normalize() is
      // exactly pixman's conversion (truncation, bit replication, alpha kept or dropped).
      const converted = new Surface(0, image.width, image.height, destFormat);
      const n = image.width * image.height;
      const opaque = converted.opaqueBits;
      for (let i = 0; i < n; i++) converted.pixels[i] = (image.pixels[i] | opaque) >>> 0;
      converted.normalize({ left: 0, top: 0, right: image.width, bottom: image.height });
      return { pixels: converted.pixels, format: surfacePixelFormat(destFormat) };
    }
  }
}
