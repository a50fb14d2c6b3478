// An LZ4 block decoder (the "block format" of the LZ4 specification, not the frame format),
// written from the format description. SPICE's LZ4 images (lz4-image.ts) are a sequence of
// such blocks decoded into one contiguous output, so a block may copy from the output of the
// blocks before it: the decoder works on a caller-owned output buffer and a position in it.
//
// A block is a sequence of sequences:
//   token         u8: literal length in the high nibble, match length − 4 in the low nibble
//   [lit. length] while a nibble (or the previous extension byte) is 15, another byte follows
//                 and is added; the extension ends at the first byte that is not 255
//   literals      that many bytes, copied as they are
//   — the block may end here: the last sequence has literals only —
//   offset        u16 little-endian, 1..65535: distance back from the current output position
//   [match length] extension bytes as for the literal length; the match copies length + 4
//                 bytes from position − offset, byte by byte forward (it may overlap itself)
import { ProtocolError } from '../protocol/errors';
import { copyMatch8 } from './lz-common';

/** The shortest match LZ4 encodes (the match length nibble is biased by this). */
const MIN_MATCH = 4;

/**
 * The most output bytes one input byte can stand for. A sequence of t input bytes makes at
 * most about 255·t output bytes (each length extension byte adds at most 255), so an output
 * larger than this bound times the input is a lie told before any allocation is made.
 */
export const LZ4_MAX_RATIO = 255;

/**
 * Decodes one block, `src[start, end)`, into `out` at `op`, and returns the new output
 * position. Matches may reach back into `out` before `op` (earlier blocks of the same image)
 * but never before `floor`. Every read and write is bounds-checked: a block that is truncated,
 * refers before `floor` or would write past `out.length` is a ProtocolError naming `what`.
 */
export function decodeLz4Block(src: Uint8Array, start: number, end: number, out: Uint8Array, op: number, floor: number, what: string): number {
  if (start < 0 || end > src.length || start > end) throw new RangeError(`LZ4 block bounds ${start}..${end} outside ${src.length} bytes`);
  const capacity = out.length;
  let ip = start;
  if (ip === end) throw new ProtocolError(`${what}: empty LZ4 block`);
  for (;;) {
    const token = src[ip++];
    // Literals.
    let literals = token >>> 4;
    if (literals === 15) {
      let byte: number;
      do {
        if (ip >= end) throw new ProtocolError(`${what}: LZ4 block truncated in a literal length`);
        byte = src[ip++];
        literals += byte;
      } while (byte === 255);
    }
    if (literals > 0) {
      if (ip + literals > end) throw new ProtocolError(`${what}: LZ4 block truncated in its literals`);
      if (op + literals > capacity) throw new ProtocolError(`${what}: LZ4 literals beyond the image`);
      if (literals > 16) {
        out.set(src.subarray(ip, ip + literals), op);
        op += literals;
        ip += literals;
      } else {
        const stop = op + literals;
        while (op < stop) out[op++] = src[ip++];
      }
    }
    // The last sequence of a block ends after its literals.
    if (ip === end) return op;
    // Match.
    if (ip + 2 > end) throw new ProtocolError(`${what}: LZ4 block truncated in a match offset`);
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0) throw new ProtocolError(`${what}: LZ4 match with offset 0`);
    const ref = op - offset;
    if (ref < floor) throw new ProtocolError(`${what}: LZ4 match refers before the start of the image`);
    let length = token & 15;
    if (length === 15) {
      let byte: number;
      do {
        if (ip >= end) throw new ProtocolError(`${what}: LZ4 block truncated in a match length`);
        byte = src[ip++];
        length += byte;
      } while (byte === 255);
    }
    length += MIN_MATCH;
    if (op + length > capacity) throw new ProtocolError(`${what}: LZ4 match beyond the image`);
    if (length < 16 && offset >= length) {
      for (let i = 0; i < length; i++) out[op + i] = out[ref + i];
    } else {
      copyMatch8(out, op, ref, length);
    }
    op += length;
    // A block never ends with a match (its last sequence has literals only), but spice-common's
    // decoder (LZ4_decompress_safe) refuses that; so do we.
    if (ip === end) throw new ProtocolError(`${what}: LZ4 block ends with a match`);
  }
}
