/**
 * The adaptive model of QUIC (SFALIC): Golomb code families, context buckets and the per-stream
 * "common state" (wait mask, pseudo-random update schedule, run-length coder state).
 *
 * Everything here must evolve exactly as it does in the encoder (spice-common quic.c), since
 * nothing about the model is transmitted: both sides rebuild it from the pixels decoded so far.
 *
 * Speed note: what the row decoders call per pixel or per run lives on classes (methods of
 * ChannelModel and CommonState) rather than in exported functions. tsx, which runs the tests and
 * benchmarks, turns every use of an imported binding into a getter call, which costs more than
 * the work itself in these loops; a method call on an object of one class is cheap everywhere.
 */
import { ProtocolError } from '../protocol/errors';
import type { QuicBits } from './quic-bits';

/** Codeword length limit of the family (DEFmaxclen in quic.c). */
const MAX_CODEWORD_LEN = 26;

/** Wait mask index stops growing here (DEFwmimax): updates then happen every 1..64 pixels. */
const WMI_MAX = 6;

/** Pixels coded with one wait mask before moving to the next, larger one (DEFwminext). */
const WMI_NEXT = 2048;

/** Number of run-length coder states (MELCSTATES). */
const MELC_STATES = 32;

/** Run-length coder: log2 of the expected run length in each state (the J table of quic.c). */
const MELC_LEN = Uint8Array.of(
  0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14,
  15,
);
const MELC_LAST_STATE = MELC_STATES - 1;

/**
 * Counter-halving thresholds per wait mask index, for the model evolution quic.c uses
 * (DEFevol 3, so the middle row of its besttrigtab).
 */
const TRIGGERS = Uint16Array.of(110, 550, 900, 800, 550, 400, 350, 250, 140, 160, 140);

/**
 * The fixed "random" sequence deciding after how many pixels the model is next updated. Both
 * ends draw from it in lockstep, so it is part of the format.
 */
const TABRAND = Uint32Array.of(
  0x02c57542, 0x35427717, 0x2f5a2153, 0x9244f155, 0x7bd26d07, 0x354c6052, 0x57329b28, 0x2993868e,
  0x6cd8808c, 0x147b46e0, 0x99db66af, 0xe32b4cac, 0x1b671264, 0x9d433486, 0x62a4c192, 0x06089a4b,
  0x9e3dce44, 0xdaabee13, 0x222425ea, 0xa46f331d, 0xcd589250, 0x8bb81d7f, 0xc8b736b9, 0x35948d33,
  0xd7ac7fd0, 0x5fbe2803, 0x2cfbc105, 0x013dbc4e, 0x7a37820f, 0x39f88e9e, 0xedd58794, 0xc5076689,
  0xfcada5a4, 0x64c2f46d, 0xb3ba3243, 0x8974b4f9, 0x5a05aebd, 0x20afcd00, 0x39e2b008, 0x88a18a45,
  0x600bde29, 0xf3971ace, 0xf37b0a6b, 0x7041495b, 0x70b707ab, 0x06beffbb, 0x4206051f, 0xe13c4ee3,
  0xc1a78327, 0x91aa067c, 0x8295f72a, 0x732917a6, 0x1d871b4d, 0x4048f136, 0xf1840e7e, 0x6a6048c1,
  0x696cb71a, 0x7ff501c3, 0x0fc6310b, 0x57e0f83d, 0x8cc26e74, 0x11a525a2, 0x946934c7, 0x7cd888f0,
  0x8f9d8604, 0x4f86e73b, 0x04520316, 0xdeeea20c, 0xf1def496, 0x67687288, 0xf540c5b2, 0x22401484,
  0x3478658a, 0xc2385746, 0x01979c2c, 0x5dad73c8, 0x0321f58b, 0xf0fedbee, 0x92826ddf, 0x284bec73,
  0x5b1a1975, 0x03df1e11, 0x20963e01, 0xa17cf12b, 0x740d776e, 0xa7a6bf3c, 0x01b5cce4, 0x1118aa76,
  0xfc6fac0a, 0xce927e9b, 0x00bf2567, 0x806f216c, 0xbca69056, 0x795bd3e9, 0xc9dc4557, 0x8929b6c2,
  0x789d52ec, 0x3f3fbf40, 0xb9197368, 0xa38c15b5, 0xc3b44fa8, 0xca8333b0, 0xb7e8d590, 0xbe807feb,
  0xbf5f8360, 0xd99e2f5c, 0x372928e1, 0x7c757c4c, 0x0db5b154, 0xc01ede02, 0x1fc86e78, 0x1f3985be,
  0xb4805c77, 0x00c880fa, 0x974c1b12, 0x35ab0214, 0xb2dc840d, 0x5b00ae37, 0xd313b026, 0xb260969d,
  0x7f4c8879, 0x1734c4d3, 0x49068631, 0xb9f6a021, 0x6b863e6f, 0xcee5debf, 0x29f8c9fb, 0x53dd6880,
  0x72b61223, 0x1f67a9fd, 0x0a0f6993, 0x13e59119, 0x11cca12e, 0xfe6b6766, 0x16b6effc, 0x97918fc4,
  0xc2b8a563, 0x94f2f741, 0x0bfa8c9a, 0xd1537ae8, 0xc1da349c, 0x873c60ca, 0x95005b85, 0x9b5c080e,
  0xbc8abbd9, 0xe1eab1d2, 0x6dac9070, 0x4ea9ebf1, 0xe0cf30d4, 0x1ef5bd7b, 0xd161043e, 0x5d2fa2e2,
  0xff5d3cae, 0x86ed9f87, 0x2aa1daa1, 0xbd731a34, 0x9e8f4b22, 0xb1c2c67a, 0xc21758c9, 0xa182215d,
  0xccb01948, 0x8d168df7, 0x04238cfe, 0x368c3dbc, 0x0aeadca5, 0xbad21c24, 0x0a71fee5, 0x9fc5d872,
  0x54c152c6, 0xfc329483, 0x6783384a, 0xeddb3e1c, 0x65f90e30, 0x884ad098, 0xce81675a, 0x4b372f7d,
  0x68bf9a39, 0x43445f1e, 0x40f8d8cb, 0x90d5acb6, 0x4cd07282, 0x349eeb06, 0x0c9d5332, 0x520b24ef,
  0x80020447, 0x67976491, 0x2f931ca3, 0xfe9b0535, 0xfcd30220, 0x61a9e6cc, 0xa487d8d7, 0x3f7c5dd1,
  0x7d0127c5, 0x48f51d15, 0x60dea871, 0xc9a91cb7, 0x58b53bb3, 0x9d5e0b2d, 0x624a78b4, 0x30dbee1b,
  0x9bdf22e7, 0x1df5c299, 0x2d5643a7, 0xf4dd35ff, 0x03ca8fd6, 0x53b47ed8, 0x6f2c19aa, 0xfeb0c1f4,
  0x49e54438, 0x2f2577e6, 0xbf876969, 0x72440ea9, 0xfa0bafb8, 0x74f5b3a0, 0x7dd357cd, 0x89ce1358,
  0x6ef2cdda, 0x1e7767f3, 0xa6be9fdb, 0x4f5f88f8, 0xba994a3a, 0x08ca6b65, 0xe0893818, 0x9e00a16a,
  0xf42bfc8f, 0x9972eedc, 0x749c8b51, 0x32c05f5e, 0xd706805f, 0x6bfbb7cf, 0xd9210a10, 0x31a1db97,
  0x923a9559, 0x37a7a1f6, 0x059f8861, 0xca493e62, 0x65157e81, 0x8f6467dd, 0xab85ff9f, 0x9331aff2,
  0x8616b9f5, 0xedbd5695, 0xee7e29b1, 0x313ac44f, 0xb903112f, 0x432ef649, 0xdc0a36c0, 0x61cf2bba,
  0x81474925, 0xa8b6c7ad, 0xee5931de, 0xb2f8158d, 0x59fb7409, 0x2e3dfaed, 0x9af25a3f, 0xe1fed4d5,
);

/*
 * Layout of QuicFamily.table, one Int32Array so that the decoding loops, which pay for every
 * distinct typed array they touch (a map check and three loads per array and iteration), need
 * few of them:
 *
 *   [0, 256)      unfold: residual (folded) back to a difference modulo 2^bpc
 *   [256, 264)    code info of code l, what ModelSet stores per context for the decoding loops:
 *                 l | escape prefix length << 4 | escape codeword length << 9 | first escaped
 *                 value << 14
 *   BUCKET_OF     context value to bucket
 *   PACKED_LEN    codeword lengths of value v under codes 2k and 2k + 1, at v * 4 + k
 *   SLACK_DROP    at v * 8 + best: by how much coding v can shrink best's lead over another code,
 *                 the largest len(v, best) - len(v, l), or 0
 *   BUCKET_FIRST, BUCKET_LAST   first and last context of each bucket
 *   RECIPROCAL    floor(65536 / n) for n < 32
 *   BEHIND        at best * 4 + k: 1 in the lane of each code 2k, 2k + 1 above `best` (see ModelSet)
 *   UNUSED        at k: 0x7fff in the lanes of codes 2k, 2k + 1 that the family does not have
 *                 (5 bits: 5 to 7), their constant cost, which never ranks them best
 */
const CODE_INFO = 256;
const BUCKET_OF = 264;
const PACKED_LEN = BUCKET_OF + 256;
const SLACK_DROP = PACKED_LEN + 256 * 4;
const BUCKET_FIRST = SLACK_DROP + 256 * 8;
const BUCKET_LAST = BUCKET_FIRST + 8;
const RECIPROCAL = BUCKET_LAST + 8;
const BEHIND = RECIPROCAL + 32;
const UNUSED = BEHIND + 8 * 4;
const FAMILY_TABLE_SIZE = UNUSED + 4;

/**
 * Golomb-Rice code family for one bit depth (8 bits per channel, or 5 for RGB16). Code `l`
 * sends value v as unary(v >> l) then the l low bits, except that long unary prefixes are
 * replaced by an escape ("not-GR") codeword so no codeword exceeds MAX_CODEWORD_LEN bits: z
 * leading zeros reaching the escape prefix length mean that a fixed-width suffix follows, giving
 * the value minus the number of GR values. The suffix is at most 8 bits, the escape codeword at
 * most 26 and the number of GR values below 256, so a code's whole description fits the code
 * info word.
 */
export class QuicFamily {
  readonly bpc: number;
  /** Sample mask: arithmetic on samples wraps modulo 2^bpc. */
  readonly mask: number;
  /** The family's tables, laid out as described above. */
  readonly table = new Int32Array(FAMILY_TABLE_SIZE);

  constructor(bpc: number) {
    this.bpc = bpc;
    const levels = 1 << bpc;
    this.mask = levels - 1;
    const t = this.table;
    const codeLen = new Uint8Array(256 * 8);
    for (let l = 0; l < bpc; l++) {
      // The escape prefix is as long as the limit allows, but never longer than needed to
      // cover every value with plain GR codewords.
      const prefix = Math.min(MAX_CODEWORD_LEN - bpc, (1 << (bpc - l)) - 1);
      const escapedValues = levels - (prefix << l);
      const suffixLen = ceilLog2(escapedValues);
      t[CODE_INFO + l] = l | (prefix << 4) | ((prefix + suffixLen) << 9) | ((prefix << l) << 14);
      for (let v = 0; v < 256; v++) {
        codeLen[v * 8 + l] = v < prefix << l ? (v >>> l) + l + 1 : prefix + suffixLen;
      }
    }
    // Codes the family does not have (5 bits: 5 to 7) keep length 0 and are never ranked.
    for (let v = 0; v < 256; v++) {
      for (let k = 0; k < 4; k++) t[PACKED_LEN + v * 4 + k] = codeLen[v * 8 + 2 * k]! | (codeLen[v * 8 + 2 * k + 1]! << 16);
      for (let best = 0; best < bpc; best++) {
        let drop = 0;
        for (let l = 0; l < bpc; l++) drop = Math.max(drop, codeLen[v * 8 + best]! - codeLen[v * 8 + l]!);
        t[SLACK_DROP + v * 8 + best] = drop;
      }
    }
    // Residuals are folded so small magnitudes get small codes: 0, -1, 1, -2, 2, ... become
    // 0, 1, 2, 3, 4, ... (in quic.c terms xlatL2U / xlatU2L). Entries past 2^bpc stay 0, as in
    // quic.c's static tables, so garbage from a corrupt 5-bit stream decodes deterministically.
    for (let s = 0; s < levels; s++) t[s] = s & 1 ? this.mask - (s >>> 1) : s >>> 1;
    // Buckets group contexts with doubling sizes: {0}, {1,2}, {3..6}, {7..14}, ... A bucket that
    // would leave less than its own size behind absorbs the rest (8 bpc: {127..255}).
    let bucket = 0;
    let start = 0;
    let size = 1;
    for (;;) {
      let end = start + size - 1;
      if (end + size >= levels) end = levels - 1;
      for (let v = start; v <= end; v++) t[BUCKET_OF + v] = bucket;
      t[BUCKET_FIRST + bucket] = start;
      t[BUCKET_LAST + bucket] = end;
      bucket++;
      if (end >= levels - 1) break;
      start = end + 1;
      size *= 2;
    }
    for (let n = 1; n < 32; n++) t[RECIPROCAL + n] = Math.floor(65536 / n);
    for (let k = 0; k < 4; k++) {
      for (let best = 0; best < 8; best++) t[BEHIND + best * 4 + k] = (2 * k > best ? 1 : 0) | (2 * k + 1 > best ? 1 << 16 : 0);
      t[UNUSED + k] = (2 * k < bpc ? 0 : 0x7fff) | (2 * k + 1 < bpc ? 0 : 0x7fff0000);
    }
  }
}

function ceilLog2(n: number): number {
  let bits = 0;
  while (1 << bits < n) bits++;
  return bits;
}

export const FAMILY_8BPC = new QuicFamily(8);
export const FAMILY_5BPC = new QuicFamily(5);

/*
 * Layout of ModelSet.state, for channel c (at most 4):
 *
 *   [c * 256, c * 256 + 256)   code info (see QuicFamily.table) of the best code for each
 *                              context: what the decoding loops read for every sample
 *   COSTS + c * 32 + b * 4 + k   costs of codes 2k (low 16 bits) and 2k + 1 (high) in bucket b
 *   BEST + c * 8 + b             best code of bucket b
 *   PENDING + c * 4 + 0, 1, 2    counted updates: context << 8 | value, count, room for more
 */
const COSTS = 4 * 256;
const BEST = COSTS + 4 * 32;
const PENDING = BEST + 4 * 8;
const STATE_SIZE = PENDING + 4 * 4;

/**
 * Where the decoding loops find what they read directly in QuicFamily.table and
 * ModelSet.state; they copy these into module constants once, at load.
 */
export const MODEL_LAYOUT = {
  bucketOf: BUCKET_OF,
  packedLen: PACKED_LEN,
  behind: BEHIND,
  costs: COSTS,
  best: BEST,
} as const;

/**
 * The adaptive statistics of up to four channels (three for RGB, one for a gray or alpha
 * plane), reused from image to image (reset()): a text screen arrives as thousands of small
 * images, and allocating models for each one would cost more than decoding it.
 *
 * Per channel and context bucket: the running cost of every code number (the total length the
 * bucket's values would have had under it), and the code with the lowest cost, which codes the
 * bucket's next values. quic.c updates all costs and searches the lowest at every update, and a
 * small image updates at nearly every pixel, so this keeps the same numbers more cheaply:
 * - costs stay below 2^15 (the lowest is halved, with the rest, once it passes the trigger, at
 *   most 900, and a code's cost grows at most 7 times faster than the lowest one), so two share
 *   an int32, four additions update a bucket, and four subtractions check whether the best code
 *   is still the cheapest: in each 16-bit lane, (cost | 0x8000) - threshold keeps its top bit
 *   exactly when cost >= threshold, and never borrows from the next lane. The threshold is the
 *   best code's cost, plus 1 for larger code numbers, as quic.c's scan gives ties to the larger
 *   code. Only when that check fails, or the costs are due to halve, are the 8 codes ranked;
 * - repeats of the same update (flat areas outside run-length mode: the first row, the alpha
 *   plane) are only counted, and applied together, as long as they provably change neither the
 *   best code nor the halving.
 *
 * A residual only exceeds 2^bpc - 1 in a corrupt RGB16 stream (a valid encoder never codes
 * one); such contexts index entries that keep their initial values, so decoding stays in
 * bounds and deterministic, though it no longer matches quic.c's garbage bit for bit.
 */
export class ModelSet {
  /** The statistics, laid out as described above. */
  readonly state = new Int32Array(STATE_SIZE);
  /** The family's table (QuicFamily.table). */
  table = FAMILY_8BPC.table;
  private family = FAMILY_8BPC;
  private channels = 0;

  /** Prepares `channels` fresh channel models for a new image. */
  reset(family: QuicFamily, channels: number): void {
    const s = this.state;
    const top = family.bpc - 1;
    s.fill(family.table[CODE_INFO + top]!, 0, channels * 256);
    for (let k = 0; k < 4 * 8 * 4; k++) s[COSTS + k] = family.table[UNUSED + (k & 3)]!;
    s.fill(top, BEST, PENDING);
    for (let c = 0; c < 4; c++) {
      s[PENDING + c * 4] = -1;
      s[PENDING + c * 4 + 1] = 0;
      s[PENDING + c * 4 + 2] = 0;
    }
    this.family = family;
    this.table = family.table;
    this.channels = channels;
  }

  /**
   * Records that value `v` was coded in context `ctx` of channel `c`: every code's cost in the
   * context's bucket grows by the length v would have had under it, the cheapest becomes the
   * bucket's code, and all costs halve once the best exceeds the trigger, so the model forgets
   * old statistics. Callers flush() before the trigger changes.
   */
  update(c: number, ctx: number, v: number, trigger: number): void {
    // Kept small enough for V8 to inline into the decoding loops.
    const s = this.state;
    const pending = PENDING + (c << 2);
    if (((ctx << 8) | v) === s[pending] && s[pending + 2]! > 0) {
      s[pending + 2]!--;
      s[pending + 1]!++;
    } else {
      this.apply(c, ctx, v, trigger);
    }
  }

  /** `count` times update(c, ctx, v, trigger). */
  repeat(c: number, ctx: number, v: number, count: number, trigger: number): void {
    const s = this.state;
    const pending = PENDING + (c << 2);
    if (((ctx << 8) | v) === s[pending] && s[pending + 2]! >= count) {
      s[pending + 2] = s[pending + 2]! - count;
      s[pending + 1] = s[pending + 1]! + count;
    } else {
      for (let k = 0; k < count; k++) this.update(c, ctx, v, trigger);
    }
  }

  /** update() when it does not just count a repeat. */
  private apply(c: number, ctx: number, v: number, trigger: number): void {
    const s = this.state;
    const key = (ctx << 8) | v;
    const pending = PENDING + (c << 2);
    if (key === s[pending] && s[pending + 1] === 0 && this.countRepeats(c, ctx, v, trigger)) return;
    if (s[pending + 1] !== 0) this.flushChannel(c);
    s[pending] = key;
    const t = this.table;
    const bucket = t[BUCKET_OF + ctx]!;
    const b = COSTS + (c << 5) + (bucket << 2);
    const p = PACKED_LEN + (v << 2);
    const w0 = (s[b]! + t[p]!) | 0;
    const w1 = (s[b + 1]! + t[p + 1]!) | 0;
    const w2 = (s[b + 2]! + t[p + 2]!) | 0;
    const w3 = (s[b + 3]! + t[p + 3]!) | 0;
    s[b] = w0;
    s[b + 1] = w1;
    s[b + 2] = w2;
    s[b + 3] = w3;
    const best = s[BEST + (c << 3) + bucket]!;
    const bestCost = (s[b + (best >>> 1)]! >>> ((best & 1) << 4)) & 0xffff;
    const both = bestCost * 0x10001;
    const behind = BEHIND + (best << 2);
    const lost =
      (~(((w0 | 0x80008000) - (both + t[behind]!)) | 0) |
      ~(((w1 | 0x80008000) - (both + t[behind + 1]!)) | 0) |
      ~(((w2 | 0x80008000) - (both + t[behind + 2]!)) | 0) |
      ~(((w3 | 0x80008000) - (both + t[behind + 3]!)) | 0)) &
      0x80008000;
    if (lost !== 0 || bestCost > trigger) this.settle(c, bucket, trigger);
  }

  /** Applies the updates counted by update(), in every channel. */
  flush(): void {
    for (let c = 0; c < this.channels; c++) this.flushChannel(c);
  }

  private flushChannel(c: number): void {
    const s = this.state;
    const pending = PENDING + (c << 2);
    const count = s[pending + 1]!;
    if (count === 0) return;
    s[pending + 1] = 0;
    s[pending + 2] = 0;
    const t = this.table;
    const bucket = t[BUCKET_OF + (s[pending]! >>> 8)]!;
    const v = s[pending]! & 0xff;
    const b = COSTS + (c << 5) + (bucket << 2);
    const p = PACKED_LEN + (v << 2);
    // No lane overflows: the sums are what `count` single updates would leave.
    s[b] = (s[b]! + count * t[p]!) | 0;
    s[b + 1] = (s[b + 1]! + count * t[p + 1]!) | 0;
    s[b + 2] = (s[b + 2]! + count * t[p + 2]!) | 0;
    s[b + 3] = (s[b + 3]! + count * t[p + 3]!) | 0;
  }

  /**
   * The update just applied comes again: works out how many like it can follow without
   * changing the best code or halving, and if any can, counts this one as the first of them.
   */
  private countRepeats(c: number, ctx: number, v: number, trigger: number): boolean {
    const s = this.state;
    const t = this.table;
    const bucket = t[BUCKET_OF + ctx]!;
    const best = s[BEST + (c << 3) + bucket]!;
    const key = this.rank(COSTS + (c << 5) + (bucket << 2));
    // After halving, rounding may have made another code the cheapest: the next update finds it.
    if (7 - ((key >>> 13) & 7) !== best) return false;
    const bestCost = key >>> 16;
    const lead = (key & 0x1fff) >>> 3;
    const bestLen = (t[PACKED_LEN + (v << 2) + (best >>> 1)]! >>> ((best & 1) << 4)) & 0xffff;
    const drop = t[SLACK_DROP + ((v << 3) | best)]!;
    // Lower bounds of (trigger - bestCost) / bestLen and lead / drop, by reciprocals.
    let room = trigger >= bestCost ? ((trigger - bestCost) * t[RECIPROCAL + bestLen]!) >>> 16 : 0;
    if (drop > 0) room = Math.min(room, (lead * t[RECIPROCAL + drop]!) >>> 16);
    if (room === 0) return false;
    const pending = PENDING + (c << 2);
    s[pending + 1] = 1;
    s[pending + 2] = room - 1;
    return true;
  }

  /** Finds the bucket's best code again, and halves its costs when due. */
  settle(c: number, bucket: number, trigger: number): void {
    const s = this.state;
    const b = COSTS + (c << 5) + (bucket << 2);
    const key = this.rank(b);
    const best = 7 - ((key >>> 13) & 7);
    const cb = (c << 3) + bucket;
    if (s[BEST + cb] !== best) {
      s[BEST + cb] = best;
      const t = this.table;
      s.fill(t[CODE_INFO + best]!, (c << 8) + t[BUCKET_FIRST + bucket]!, (c << 8) + t[BUCKET_LAST + bucket]! + 1);
    }
    if (key >>> 16 > trigger) {
      const t = this.table;
      for (let k = 0; k < 4; k++) s[b + k] = ((s[b + k]! >>> 1) & 0x7fff7fff) | t[UNUSED + k]!;
    }
  }

  /** rankedKeys() of the costs at state[b]. */
  private rank(b: number): number {
    const s = this.state;
    const bpc = this.family.bpc;
    return bpc === 8 ? rankedKeys(s[b]!, s[b + 1]!, s[b + 2]!, s[b + 3]!) : rankedKeysNarrow(s, b, bpc);
  }
}

/**
 * Ranks the 8 codes of a bucket from its packed costs. Each code gets the key cost << 3 | (7 - l),
 * so the smallest key is the cheapest code and, on a tie, the larger code number, as quic.c's
 * scan picks. Costs stay below 2^16, so keys fit in 19 bits: returns the smallest key << 13 |
 * (second smallest - smallest, capped at 0x1fff). The difference shifted right by 3 is the best
 * code's lead over the rest (capped, so still a lower bound): the cost difference, less 1 for a
 * larger code number.
 */
function rankedKeys(w0: number, w1: number, w2: number, w3: number): number {
  const k0 = ((w0 & 0xffff) << 3) | 7;
  const k1 = ((w0 >>> 16) << 3) | 6;
  const k2 = ((w1 & 0xffff) << 3) | 5;
  const k3 = ((w1 >>> 16) << 3) | 4;
  const k4 = ((w2 & 0xffff) << 3) | 3;
  const k5 = ((w2 >>> 16) << 3) | 2;
  const k6 = ((w3 & 0xffff) << 3) | 1;
  const k7 = (w3 >>> 16) << 3;
  // Pairs, then pairs of pairs, keeping the smallest and second smallest of each group.
  const a0 = Math.min(k0, k1);
  const a1 = Math.max(k0, k1);
  const b0 = Math.min(k2, k3);
  const b1 = Math.max(k2, k3);
  const c0 = Math.min(k4, k5);
  const c1 = Math.max(k4, k5);
  const d0 = Math.min(k6, k7);
  const d1 = Math.max(k6, k7);
  const ab0 = Math.min(a0, b0);
  const ab1 = Math.min(Math.max(a0, b0), Math.min(a1, b1));
  const cd0 = Math.min(c0, d0);
  const cd1 = Math.min(Math.max(c0, d0), Math.min(c1, d1));
  const min = Math.min(ab0, cd0);
  const second = Math.min(Math.max(ab0, cd0), Math.min(ab1, cd1));
  return (min << 13) | Math.min(second - min, 0x1fff);
}

/** rankedKeys() for a family of fewer than 8 codes, whose costs start at state[b]. */
function rankedKeysNarrow(state: Int32Array, b: number, bpc: number): number {
  let min = 0x7fffffff;
  let second = 0x7fffffff;
  for (let l = 0; l < bpc; l++) {
    const key = (((state[b + (l >>> 1)]! >>> ((l & 1) << 4)) & 0xffff) << 3) | (7 - l);
    if (key < min) {
      second = min;
      min = key;
    } else if (key < second) {
      second = key;
    }
  }
  return (min << 13) | Math.min(second - min, 0x1fff);
}

/**
 * Per-stream adaptation state (quic.c's CommonState). The three RGB channels share one; gray and
 * alpha planes have their own. Reused from image to image like ChannelModel.
 */
export class CommonState {
  /** Pixels left before the next model update, carried across segments and rows. */
  waitcnt = 0;
  /** Position in TABRAND. */
  seed = 0xff;
  /** Wait mask index: the update interval grows as the image goes on. */
  wmidx = 0;
  /** Pixels left to code with the current wait mask index. */
  wmileft = WMI_NEXT;
  /** Counter-halving threshold of the current wait mask index. */
  trigger = TRIGGERS[0]!;
  /** Run-length coder state, its log2 run length and the run length itself. */
  melcState = 0;
  melcLen = MELC_LEN[0]!;
  melcOrder = 1 << MELC_LEN[0]!;

  /** Back to the state at the start of an image. */
  reset(): void {
    this.waitcnt = 0;
    this.seed = 0xff;
    this.wmidx = 0;
    this.wmileft = WMI_NEXT;
    this.trigger = TRIGGERS[0]!;
    this.melcState = 0;
    this.melcLen = MELC_LEN[0]!;
    this.melcOrder = 1 << MELC_LEN[0]!;
  }

  /** Next interval draw: masked by the caller with the current wait mask. */
  nextRandom(): number {
    this.seed = (this.seed + 1) & 0xff;
    return TABRAND[this.seed]!;
  }

  /**
   * How many of the `remaining` pixels of a row to decode next under the current wait mask
   * (`waitMask()`): the mask grows every WMI_NEXT pixels, counted across rows, until WMI_MAX, so
   * a row is cut into segments at those points.
   */
  segmentLength(remaining: number): number {
    return this.wmidx < WMI_MAX && this.wmileft <= remaining ? this.wmileft : remaining;
  }

  /** The current wait mask: an update waits 1 + (random & mask) pixels. */
  waitMask(): number {
    return (1 << this.wmidx) - 1;
  }

  /** Counts a segment of `length` pixels as decoded, moving to the next wait mask when due. */
  segmentDone(length: number): void {
    if (this.wmidx >= WMI_MAX) return;
    if (length < this.wmileft) {
      this.wmileft -= length;
    } else {
      this.wmidx++;
      this.trigger = TRIGGERS[this.wmidx > 10 ? 10 : this.wmidx]!;
      this.wmileft = WMI_NEXT;
    }
  }

  /**
   * Decodes one run length at `bits.pos` and moves past it (quic.c's decode_state_run): an
   * adaptive Golomb code in the style of JPEG-LS's MELCODE. Each leading 1 bit means "a full run
   * of 2^melcLen pixels" and moves to a state expecting longer runs; the terminating 0 is
   * followed by the remainder in melcLen bits, and the state then steps back once. Never returns
   * more than `maxRun`: a longer run can only come from a corrupt stream.
   */
  decodeRun(bits: QuicBits, maxRun: number): number {
    const words = bits.words;
    let pos = bits.pos;
    let run = 0;
    for (;;) {
      const q = pos >>> 5;
      const s = pos & 31;
      const window = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
      const ones = Math.clz32(~window);
      for (let hit = 0; hit < ones; hit++) {
        run += this.melcOrder;
        if (this.melcState < MELC_LAST_STATE) {
          this.melcLen = MELC_LEN[++this.melcState]!;
          this.melcOrder = 1 << this.melcLen;
        }
      }
      if (run > maxRun) throw new ProtocolError('QUIC image: run past the end of the row');
      if (ones < 32) {
        pos += ones + 1;
        break;
      }
      pos += 32;
    }
    const len = this.melcLen;
    if (len > 0) {
      const q = pos >>> 5;
      const s = pos & 31;
      run += ((words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s))) >>> (32 - len);
      pos += len;
    }
    if (this.melcState > 0) {
      this.melcLen = MELC_LEN[--this.melcState]!;
      this.melcOrder = 1 << this.melcLen;
    }
    if (run > maxRun) throw new ProtocolError('QUIC image: run past the end of the row');
    bits.pos = pos;
    return run;
  }
}
