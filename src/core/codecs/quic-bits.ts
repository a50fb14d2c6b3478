/**
 * The QUIC bit stream: a sequence of little-endian 32-bit words, each consumed from its most
 * significant bit down. Decoders look at a 32-bit window starting at the current bit position
 * and then advance by the length of the codeword they found there. They compute that window
 * inline, as `(words[q] << s) | ((words[q + 1] >>> 1) >>> (31 - s))` with q = pos >>> 5 and
 * s = pos & 31: the second word is shifted in two steps so that s = 0 shifts it out entirely (a
 * single `>>> 32` would be a shift by 0 in JavaScript).
 */
import { ProtocolError } from '../protocol/errors';

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Payloads up to this many words are decoded in a buffer kept from one image to the next; larger
 * ones get a buffer of their own, so what stays allocated between images is bounded.
 */
const POOLED_WORDS = 1 << 20;

export class QuicBits {
  /** The payload as words, followed by at least `slackWords` zero words (see `load`). */
  words: Int32Array = new Int32Array(0);
  /** Current bit position. */
  pos = 0;
  /**
   * Largest valid final position. spice-common's reader always holds the next 32 bits, so it
   * needs a whole word beyond the last bit consumed (the encoder's flush writes that word); we
   * refuse exactly the streams it would refuse.
   */
  limit = 0;
  private pooled: Int32Array = new Int32Array(0);

  /**
   * Takes `data` as the stream, positioned at bit 0. `slackWords` zero words follow the payload
   * so that a decoder can overrun a truncated stream by up to that much without an
   * out-of-bounds read; callers check `pos` against `limit` often enough (once per row) never to
   * go further.
   */
  load(data: Uint8Array, slackWords: number): void {
    // quic.c works on whole words; trailing bytes of a length that is not a multiple of 4 are ignored.
    const count = data.length >>> 2;
    const size = count + slackWords + 2;
    let words: Int32Array;
    if (size > POOLED_WORDS) {
      words = new Int32Array(size);
    } else {
      if (this.pooled.length < size) this.pooled = new Int32Array(Math.min(POOLED_WORDS, Math.max(size, this.pooled.length * 2)));
      words = this.pooled;
      words.fill(0, count, size);
    }
    if (LITTLE_ENDIAN) {
      new Uint8Array(words.buffer, 0, count * 4).set(data.subarray(0, count * 4));
    } else {
      for (let i = 0; i < count; i++) {
        const o = i * 4;
        words[i] = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
      }
    }
    this.words = words;
    this.pos = 0;
    this.limit = count * 32 - 32;
  }

  /** Throws once the decoder has gone past what the payload holds. */
  check(): void {
    if (this.pos > this.limit) throw new ProtocolError('QUIC image: truncated stream');
  }
}
