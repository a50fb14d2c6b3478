/**
 * The QUIC bit stream: a sequence of little-endian 32-bit words, each consumed from its most
 * significant bit down. Decoders look at a 32-bit window starting at the current bit position
 * and then advance by the length of the codeword they found there.
 */
import { ProtocolError } from '../protocol/errors';
import { MELC_LAST_STATE, MELC_LEN, type CommonState } from './quic-model';

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

export class QuicBits {
  /** The payload as words, followed by zero padding (see `slackWords`). */
  readonly words: Int32Array;
  /** Current bit position. */
  pos = 0;
  /**
   * Largest valid final position. spice-common's reader always holds the next 32 bits, so it
   * needs a whole word beyond the last bit consumed (the encoder's flush writes that word); we
   * refuse exactly the streams it would refuse.
   */
  readonly limit: number;

  /**
   * `slackWords` zero words follow the payload so that a decoder can overrun a truncated stream
   * by up to that much without an out-of-bounds read; callers check `pos` against `limit` often
   * enough (once per row) never to go further.
   */
  constructor(data: Uint8Array, slackWords: number) {
    // quic.c works on whole words; trailing bytes of a length that is not a multiple of 4 are ignored.
    const count = data.length >>> 2;
    this.words = new Int32Array(count + slackWords + 2);
    if (LITTLE_ENDIAN) {
      new Uint8Array(this.words.buffer).set(data.subarray(0, count * 4));
    } else {
      for (let i = 0; i < count; i++) {
        const o = i * 4;
        this.words[i] = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
      }
    }
    this.limit = count * 32 - 32;
  }

  /** Throws once the decoder has gone past what the payload holds. */
  check(): void {
    if (this.pos > this.limit) throw new ProtocolError('QUIC image: truncated stream');
  }

  /** Reads an unsigned 32-bit field (header words). */
  read32(): number {
    const v = peek32(this.words, this.pos) >>> 0;
    this.pos += 32;
    return v;
  }
}

/** The 32 bits at bit position `pos`, as an int32. */
export function peek32(words: Int32Array, pos: number): number {
  const i = pos >>> 5;
  const s = pos & 31;
  // The second word's contribution is shifted in two steps so that s = 0 shifts it out entirely
  // (a single `>>> 32` would be a shift by 0 in JavaScript).
  return (words[i]! << s) | ((words[i + 1]! >>> 1) >>> (31 - s));
}

/**
 * Decodes one run length (quic.c's decode_state_run), an adaptive Golomb code in the style of
 * JPEG-LS's MELCODE: each leading 1 bit means "a full run of 2^melcLen pixels" and moves to a
 * state expecting longer runs; the terminating 0 is followed by the remainder in melcLen bits,
 * and the state then steps back once. Never returns more than `maxRun`: a longer run can only
 * come from a corrupt stream.
 */
export function decodeRun(bits: QuicBits, state: CommonState, maxRun: number): number {
  const words = bits.words;
  let pos = bits.pos;
  let run = 0;
  for (;;) {
    const ones = Math.clz32(~peek32(words, pos));
    for (let hit = 0; hit < ones; hit++) {
      run += state.melcOrder;
      if (state.melcState < MELC_LAST_STATE) {
        state.melcLen = MELC_LEN[++state.melcState]!;
        state.melcOrder = 1 << state.melcLen;
      }
    }
    if (run > maxRun) throw new ProtocolError('QUIC image: run past the end of the row');
    if (ones < 32) {
      pos += ones + 1;
      break;
    }
    pos += 32;
  }
  if (state.melcLen > 0) {
    run += peek32(words, pos) >>> (32 - state.melcLen);
    pos += state.melcLen;
  }
  if (state.melcState > 0) {
    state.melcLen = MELC_LEN[--state.melcState]!;
    state.melcOrder = 1 << state.melcLen;
  }
  if (run > maxRun) throw new ProtocolError('QUIC image: run past the end of the row');
  bits.pos = pos;
  return run;
}
