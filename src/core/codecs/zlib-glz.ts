// SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB: a GLZ_RGB payload deflated once more (zlib format, RFC 1950:
// spice-server's zlib encoder uses deflateInit, spice-gtk inflates with inflateInit). The
// server wraps GLZ this way on links it considers slow (or always, when told to).
//
// Payload (ZlibGlzRGBData): uint32 glz_data_size, uint32 data_size, uint8 data[data_size].
// data inflates to exactly glz_data_size bytes, which are then an ordinary GLZ image decoded
// through the session's shared dictionary.
//
// core/ stays free of Node: the inflate function is passed in (Node's zlib in the engine, pako
// or DecompressionStream-backed code elsewhere).
import { MAX_IMAGE_PIXELS, ProtocolError } from '../protocol/errors';
import type { GlzDictionary } from './glz';
import type { DecodedImage } from './types';

const WHAT = 'ZLIB_GLZ image';

/**
 * Inflates a zlib stream (RFC 1950) that must produce exactly `expectedSize` bytes. It must not
 * produce more (stop, or throw, past expectedSize) and throws on a corrupt or truncated stream;
 * any error it throws is reported as a ProtocolError.
 */
export type Inflate = (data: Uint8Array, expectedSize: number) => Uint8Array;

/** deflate's best case is about 1032:1; nothing honest inflates further. */
const MAX_INFLATE_RATIO = 1032;
/** GLZ header (33 bytes) plus, at worst, a little more than 4 bytes per pixel of the largest image. */
const MAX_GLZ_BYTES = 33 + 5 * MAX_IMAGE_PIXELS;

/** `alphaUsed`: as GlzDictionary.decode. */
export function decodeZlibGlz(glzDataSize: number, data: Uint8Array, inflate: Inflate, dictionary: GlzDictionary, alphaUsed = true): DecodedImage {
  if (glzDataSize > MAX_GLZ_BYTES || glzDataSize > MAX_INFLATE_RATIO * data.length + 64) {
    throw new ProtocolError(`${WHAT}: ${data.length} compressed bytes cannot inflate to ${glzDataSize}`);
  }
  let glz: Uint8Array;
  try {
    glz = inflate(data, glzDataSize);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(`${WHAT}: inflate failed: ${(error as Error)?.message ?? String(error)}`);
  }
  if (glz.length !== glzDataSize) {
    throw new ProtocolError(`${WHAT}: inflated to ${glz.length} bytes, glz_data_size says ${glzDataSize}`);
  }
  return dictionary.decode(glz, alphaUsed);
}
