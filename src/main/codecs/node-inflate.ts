import { inflateSync } from 'node:zlib';
import type { Inflate } from '../../core/codecs/zlib-glz';

/**
 * The engine's zlib inflate (for ZLIB_GLZ images): Node's own zlib, which stops with an error
 * as soon as the output would exceed what the message announced, so a lying stream never makes
 * us allocate more than that.
 */
export const nodeInflate: Inflate = (data, expectedSize) => {
  const out = inflateSync(data, { maxOutputLength: Math.max(1, expectedSize) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
