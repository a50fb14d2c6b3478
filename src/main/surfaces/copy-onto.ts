import { decodesOnto, type QuicDestination } from '../../core/codecs/quic';
import type { DrawCopy } from '../../core/protocol/display-types';
import { baseRegion } from './canvas';
import { Rop, RopInput, ropdToRop } from './rop';
import type { Surface } from './surface';

/**
 * Where a DRAW_COPY's QUIC image may be decoded straight onto the surface (decodeQuicOnto on the
 * decode worker) instead of decoded, then copied: a plain copy (ROP copy, no mask) of the whole
 * image at its own size, onto a 32-bit surface in shared memory, its box inside the surface and
 * not cut by the clip. That is a full-screen photo's usual draw, and the copy it saves is 8 MB.
 * Null when any of it is not so: the draw then goes the usual way.
 *
 * The result is the same either way: the image's words, with alpha 0xFF on a surface without
 * alpha (decodeQuicOnto). Only 32-bit colour payloads qualify (RGB32, RGB24, RGBA: Xspice's
 * photos are RGBA), judged by their header here, so the worker never refuses one.
 */
export function quicCopyDestination(dest: Surface, op: DrawCopy): QuicDestination | null {
  const source = op.source;
  if (!source || source.payload.kind !== 'quic' || !decodesOnto(source.payload.data)) return null;
  if (dest.narrow || !(dest.pixels.buffer instanceof SharedArrayBuffer)) return null;
  if (op.mask.bitmap !== null || ropdToRop(op.ropDescriptor, RopInput.SRC, RopInput.DEST) !== Rop.COPY) return null;
  const { width, height } = source.descriptor;
  const { box } = op.base;
  const area = op.sourceArea;
  if (area.left !== 0 || area.top !== 0 || area.right !== width || area.bottom !== height) return null;
  if (box.right - box.left !== width || box.bottom - box.top !== height) return null;
  // box ∩ surface ∩ clip must be the box itself: one band, one span.
  const region = baseRegion(dest, op.base);
  if (region.length !== 1) return null;
  const [band] = region;
  if (band.top !== box.top || band.bottom !== box.bottom || band.spans.length !== 2 || band.spans[0] !== box.left || band.spans[1] !== box.right) return null;
  return { pixels: dest.pixels, surfaceWidth: dest.width, x: box.left, y: box.top, width, height, opaque: !dest.hasAlpha };
}
