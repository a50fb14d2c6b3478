import type { JpegDecoder } from '../../src/core/codecs/jpeg';
import type { DecodedImage } from '../../src/core/codecs/types';
import { JPEG_DECODER_PACKAGE, loadJpegJsDecoder } from '../../src/main/codecs/jpeg-js-decoder';
import type { RgbImage } from './images';

/**
 * The engine's JPEG decoder. Tests of JPEG paths fail — not skip — when the npm package is
 * missing, naming it, as tests name a missing Debian package.
 */
export function requireJpegDecoder(): JpegDecoder {
  const decoder = loadJpegJsDecoder();
  if (!decoder) throw new Error(`the npm package ${JPEG_DECODER_PACKAGE} is not installed (it is in package.json: run npm ci)`);
  return decoder;
}

/** 0xAARRGGBB pixels as an RGB raster (alpha dropped), for the image comparisons. */
export function toRgb(image: Pick<DecodedImage, 'width' | 'height' | 'pixels'>): RgbImage {
  const data = new Uint8Array(image.width * image.height * 3);
  for (let i = 0; i < image.width * image.height; i++) {
    const p = image.pixels[i];
    data[i * 3] = (p >>> 16) & 255;
    data[i * 3 + 1] = (p >>> 8) & 255;
    data[i * 3 + 2] = p & 255;
  }
  return { width: image.width, height: image.height, data };
}
