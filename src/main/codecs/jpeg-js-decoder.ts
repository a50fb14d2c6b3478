import { createRequire } from 'node:module';
import type { JpegDecoder } from '../../core/codecs/jpeg';
import type { DecodedImage } from '../../core/codecs/types';
import { MAX_IMAGE_PIXELS } from '../../core/protocol/errors';

/** The npm package the engine decodes JPEG with (pure JavaScript: Node has no WebCodecs). */
export const JPEG_DECODER_PACKAGE = 'jpeg-js';

/** The part of jpeg-js's API used here (its `decode` with `useTArray: true`). */
interface JpegJsModule {
  decode(
    data: Uint8Array,
    options: { useTArray: true; formatAsRGBA: boolean; tolerantDecoding: boolean; maxResolutionInMP: number; maxMemoryUsageInMB: number },
  ): { width: number; height: number; data: Uint8Array };
}

/** Room for the decoder's own buffers (component planes, coefficients) beside the 64 Mpx image limit. */
const MAX_MEMORY_MB = 1024;

/**
 * A JpegDecoder over jpeg-js, or null when the package is not installed (then the engine offers
 * no MJPEG video and reports JPEG images as not supported). Loaded at run time rather than
 * imported so that the rest of the engine builds and runs without it.
 */
export function loadJpegJsDecoder(): JpegDecoder | null {
  let module: unknown;
  try {
    module = createRequire(__filename)(JPEG_DECODER_PACKAGE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw error;
  }
  if (typeof (module as Partial<JpegJsModule>)?.decode !== 'function') {
    throw new Error(`the ${JPEG_DECODER_PACKAGE} package does not have the expected decode() function`);
  }
  return new JpegJsDecoder(module as JpegJsModule);
}

class JpegJsDecoder implements JpegDecoder {
  constructor(private readonly jpeg: JpegJsModule) {}

  decode(data: Uint8Array): DecodedImage {
    const decoded = this.jpeg.decode(data, {
      useTArray: true,
      formatAsRGBA: false, // R, G, B bytes: 3/4 of the memory, and we repack anyway
      tolerantDecoding: true, // a truncated scan shows what arrived, as libjpeg does
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1_000_000,
      maxMemoryUsageInMB: MAX_MEMORY_MB,
    });
    const { width, height, data: rgb } = decoded;
    const n = width * height;
    if (rgb.length < 3 * n) throw new Error(`decoder returned ${rgb.length} bytes for ${width}x${height} pixels`);
    const pixels = new Uint32Array(n);
    for (let i = 0, j = 0; i < n; i++, j += 3) pixels[i] = (0xff000000 | (rgb[j] << 16) | (rgb[j + 1] << 8) | rgb[j + 2]) >>> 0;
    return { width, height, pixels, hasAlpha: false };
  }
}
