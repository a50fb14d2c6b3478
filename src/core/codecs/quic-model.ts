/**
 * The adaptive model of QUIC (SFALIC): Golomb code families, context buckets and the per-stream
 * "common state" (wait mask, pseudo-random update schedule, run-length coder state).
 *
 * Everything here must evolve exactly as it does in the encoder (spice-common quic.c), since
 * nothing about the model is transmitted: both sides rebuild it from the pixels decoded so far.
 */

/** Codeword length limit of the family (DEFmaxclen in quic.c). */
const MAX_CODEWORD_LEN = 26;

/** Wait mask index stops growing here (DEFwmimax): updates then happen every 1..64 pixels. */
export const WMI_MAX = 6;

/** Pixels coded with one wait mask before moving to the next, larger one (DEFwminext). */
export const WMI_NEXT = 2048;

/** Number of run-length coder states (MELCSTATES). */
const MELC_STATES = 32;

/** Run-length coder: log2 of the expected run length in each state (the J table of quic.c). */
export const MELC_LEN = Uint8Array.of(
  0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14,
  15,
);
export const MELC_LAST_STATE = MELC_STATES - 1;

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

/**
 * Golomb-Rice code family for one bit depth (8 bits per channel, or 5 for RGB16). Code `l`
 * sends value v as unary(v >> l) then the l low bits, except that long unary prefixes are
 * replaced by an escape ("not-GR") codeword so no codeword exceeds MAX_CODEWORD_LEN bits.
 */
export class QuicFamily {
  readonly bpc: number;
  /** Sample mask: arithmetic on samples wraps modulo 2^bpc. */
  readonly mask: number;
  /** Per code l: length of the escape prefix, i.e. the number of leading zeros that means "not GR". */
  readonly escapePrefix = new Int32Array(8);
  /** Per code l: values below this are plain GR codewords; the escape codes the rest. */
  readonly grCount = new Int32Array(8);
  /** Per code l: total length of an escape codeword (prefix + fixed-width suffix). */
  readonly escapeLen = new Int32Array(8);
  /** Per code l: mask of the escape codeword's suffix bits. */
  readonly escapeMask = new Int32Array(8);
  /** codeLen[v * 8 + l]: length of the codeword for value v under code l (drives model updates). */
  readonly codeLen = new Uint8Array(256 * 8);
  /** Residual (folded, 0..2^bpc-1) back to a signed difference modulo 2^bpc. */
  readonly unfold = new Uint8Array(256);
  /** Value to code number of its codeword (used by the test encoder). */
  readonly fold = new Uint8Array(256);
  /** Context value (the previous residual) to bucket index. */
  readonly bucketOf = new Uint8Array(256);
  /** First and last context value of each bucket. */
  readonly bucketFirst = new Uint8Array(8);
  readonly bucketLast = new Uint8Array(8);
  readonly bucketCount: number;

  constructor(bpc: number) {
    this.bpc = bpc;
    const levels = 1 << bpc;
    this.mask = levels - 1;
    for (let l = 0; l < bpc; l++) {
      // The escape prefix is as long as the limit allows, but never longer than needed to
      // cover every value with plain GR codewords.
      const prefix = Math.min(MAX_CODEWORD_LEN - bpc, (1 << (bpc - l)) - 1);
      const escapedValues = levels - (prefix << l);
      const suffixLen = ceilLog2(escapedValues);
      this.escapePrefix[l] = prefix;
      this.grCount[l] = prefix << l;
      this.escapeLen[l] = prefix + suffixLen;
      this.escapeMask[l] = (1 << suffixLen) - 1;
      for (let v = 0; v < 256; v++) {
        this.codeLen[v * 8 + l] = v < prefix << l ? (v >>> l) + l + 1 : prefix + suffixLen;
      }
    }
    // Residuals are folded so small magnitudes get small codes: 0, -1, 1, -2, 2, ... become
    // 0, 1, 2, 3, 4, ... (in quic.c terms xlatL2U / xlatU2L). Entries past 2^bpc stay 0, as in
    // quic.c's static tables, so garbage from a corrupt 5-bit stream decodes deterministically.
    const half = this.mask >>> 1;
    for (let s = 0; s < levels; s++) {
      this.unfold[s] = s & 1 ? this.mask - (s >>> 1) : s >>> 1;
      this.fold[s] = s <= half ? s << 1 : ((this.mask - s) << 1) + 1;
    }
    // Buckets group contexts with doubling sizes: {0}, {1,2}, {3..6}, {7..14}, ... A bucket that
    // would leave less than its own size behind absorbs the rest (8 bpc: {127..255}).
    let bucket = 0;
    let start = 0;
    let size = 1;
    for (;;) {
      let end = start + size - 1;
      if (end + size >= levels) end = levels - 1;
      for (let v = start; v <= end; v++) this.bucketOf[v] = bucket;
      this.bucketFirst[bucket] = start;
      this.bucketLast[bucket] = end;
      bucket++;
      if (end >= levels - 1) break;
      start = end + 1;
      size *= 2;
    }
    this.bucketCount = bucket;
  }
}

function ceilLog2(n: number): number {
  let bits = 0;
  while (1 << bits < n) bits++;
  return bits;
}

export const FAMILY_8BPC = new QuicFamily(8);
export const FAMILY_5BPC = new QuicFamily(5);

/**
 * Model of one colour channel: its row of residuals (the contexts of the next row's pixels) and
 * the statistics of each context bucket.
 *
 * A residual only exceeds 2^bpc - 1 in a corrupt RGB16 stream (a valid encoder never codes
 * one); such contexts index entries that keep their initial values, so decoding stays in
 * bounds and deterministic, though it no longer matches quic.c's garbage bit for bit.
 */
export class ChannelModel {
  /**
   * Residuals, shifted by one: corr[x + 1] belongs to pixel x, corr[0] is the context of pixel 0
   * (quic.c's correlate_row[-1]). Never cleared between rows: pixels inside a run keep the
   * previous rows' residuals, and the format depends on exactly that.
   */
  readonly corr: Uint8Array;
  /** Best code number of each bucket. */
  readonly best: Uint8Array;
  /**
   * Best code number for each context value, i.e. best[bucketOf[ctx]] flattened so the row
   * decoders need one lookup per sample; rewritten for a bucket whenever its best code changes.
   */
  readonly codeOf: Uint8Array;
  /** Accumulated codeword lengths, 8 per bucket (one per code number). */
  readonly counters: Int32Array;

  constructor(width: number, family: QuicFamily) {
    this.corr = new Uint8Array(width + 1);
    this.best = new Uint8Array(family.bucketCount).fill(family.bpc - 1);
    this.codeOf = new Uint8Array(256).fill(family.bpc - 1);
    this.counters = new Int32Array(family.bucketCount * 8);
  }
}

/**
 * Per-stream adaptation state (quic.c's CommonState). The three RGB channels share one; gray and
 * alpha planes have their own.
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

  /** Next interval draw: masked by the caller with the current wait mask. */
  nextRandom(): number {
    this.seed = (this.seed + 1) & 0xff;
    return TABRAND[this.seed]!;
  }

  /** Advances to the next wait mask index (called every WMI_NEXT pixels until WMI_MAX). */
  nextWaitMask(): void {
    this.wmidx++;
    this.trigger = TRIGGERS[this.wmidx > 10 ? 10 : this.wmidx]!;
    this.wmileft = WMI_NEXT;
  }
}

/**
 * Records that value `v` was coded in context `ctx`: every code's running cost in the context's
 * bucket grows by the length v would have had under it, the cheapest becomes the bucket's code,
 * and all costs halve once the best exceeds the trigger, so the model forgets old statistics.
 */
export function updateModel(
  model: ChannelModel,
  ctx: number,
  v: number,
  family: QuicFamily,
  trigger: number,
): void {
  const bucket = family.bucketOf[ctx]!;
  const counters = model.counters;
  const codeLen = family.codeLen;
  const base = bucket * 8;
  const lens = v * 8;
  let best = family.bpc - 1;
  let bestLen = (counters[base + best]! += codeLen[lens + best]!);
  // Downwards with a strict comparison: on a tie the larger code number wins, as in quic.c.
  for (let l = best - 1; l >= 0; l--) {
    const len = (counters[base + l]! += codeLen[lens + l]!);
    if (len < bestLen) {
      best = l;
      bestLen = len;
    }
  }
  if (model.best[bucket] !== best) {
    model.best[bucket] = best;
    model.codeOf.fill(best, family.bucketFirst[bucket], family.bucketLast[bucket]! + 1);
  }
  if (bestLen > trigger) {
    for (let l = 0; l < family.bpc; l++) counters[base + l]! >>= 1;
  }
}
