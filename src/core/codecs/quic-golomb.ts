/**
 * Golomb codeword decoding shared by the RGB and single-plane row decoders.
 */
import type { QuicFamily } from './quic-model';

/**
 * Per-family table the row decoders index by code number l, 4 entries each:
 * [escape prefix length, escape codeword length, first escaped value, escape suffix mask].
 */
export function codeTable(family: QuicFamily): Int32Array {
  const t = new Int32Array(32);
  for (let l = 0; l < family.bpc; l++) {
    t[l * 4] = family.escapePrefix[l]!;
    t[l * 4 + 1] = family.escapeLen[l]!;
    t[l * 4 + 2] = family.grCount[l]!;
    t[l * 4 + 3] = family.escapeMask[l]!;
  }
  return t;
}

/**
 * Decodes the codeword at the top of `bits` (a 32-bit window) under code `l` and returns
 * `(length << 8) | value`: one small integer, so the hot loops need no allocation or globals.
 *
 * A GR codeword is z zero bits, a 1, then l bits: value (z << l) | those bits. z reaching the
 * escape prefix length means an escape instead: a fixed-width suffix follows the prefix and
 * gives the value minus the number of GR values. Its value is truncated to 8 bits as quic.c's
 * BYTE cast does; only a corrupt stream can need that.
 */
export function golomb(bits: number, l: number, table: Int32Array): number {
  const z = Math.clz32(bits);
  const t = l << 2;
  if (z < table[t]!) {
    const len = z + 1 + l;
    return (len << 8) | (z << l) | ((bits >>> (32 - len)) & ((1 << l) - 1));
  }
  const len = table[t + 1]!;
  return (len << 8) | ((table[t + 2]! + ((bits >>> (32 - len)) & table[t + 3]!)) & 0xff);
}
