import type { JpegDecoder } from '../../core/codecs/jpeg';
import type { Inflate } from '../../core/codecs/zlib-glz';
import { loadJpegJsDecoder } from './jpeg-js-decoder';
import { nodeInflate } from './node-inflate';

/**
 * The decoders the image resolver and the video sink need beyond the pure ones in core/codecs:
 * they depend on the runtime (Node's zlib, an installed JPEG package) and so are handed in.
 */
export interface ImageCodecs {
  readonly inflate: Inflate;
  /** null: no JPEG decoder here; JPEG images are then reported as not supported. */
  readonly jpeg: JpegDecoder | null;
}

let engineCodecs: ImageCodecs | undefined;

/** The engine's codecs: Node's zlib and jpeg-js (when installed). Loaded once. */
export function engineImageCodecs(): ImageCodecs {
  engineCodecs ??= { inflate: nodeInflate, jpeg: loadJpegJsDecoder() };
  return engineCodecs;
}
