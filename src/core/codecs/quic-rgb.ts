/**
 * Row decoder for QUIC's three colour channels (RGB32, RGB24, RGB16 and the colour part of
 * RGBA). Writes 0xFFRRGGBB words straight into the output; for RGB16 the channels hold the raw
 * 5-bit samples until quic.ts widens them after the last row.
 *
 * Per pixel and per channel (r, then g, then b), the stream holds a Golomb codeword whose code
 * number comes from the bucket of the channel's previous residual (its left neighbour's). The
 * residual is folded, and the sample is the prediction plus the unfolded residual, modulo 2^bpc.
 * The prediction is the left sample on the first row, the one above for the first column, and
 * (left + above) / 2 elsewhere.
 */
import { decodeRun, peek32, type QuicBits } from './quic-bits';
import { codeTable, golomb } from './quic-golomb';
import { ChannelModel, CommonState, WMI_MAX, updateModel, type QuicFamily } from './quic-model';

const ALPHA = 0xff000000 | 0;
const RGB_MASK = 0xffffff;

export class RgbDecoder {
  readonly r: ChannelModel;
  readonly g: ChannelModel;
  readonly b: ChannelModel;
  /** One state for the three channels: they share the update schedule and the run coder. */
  readonly state = new CommonState();
  readonly codes: Int32Array;

  constructor(
    readonly bits: QuicBits,
    /** Output pixels, as int32 so that reads never produce doubles. */
    readonly px: Int32Array,
    readonly width: number,
    readonly family: QuicFamily,
  ) {
    this.r = new ChannelModel(width, family);
    this.g = new ChannelModel(width, family);
    this.b = new ChannelModel(width, family);
    this.codes = codeTable(family);
  }

  /** Decodes row `y` (rows must come in order, 0 first). */
  decodeRow(y: number): void {
    const { r, g, b, state } = this;
    // Pixel 0's context is the residual of pixel 0 in the row above (0 on the first row).
    r.corr[0] = y === 0 ? 0 : r.corr[1]!;
    g.corr[0] = y === 0 ? 0 : g.corr[1]!;
    b.corr[0] = y === 0 ? 0 : b.corr[1]!;
    const cur = y * this.width;
    // The wait mask (how sparse model updates are) grows every 2048 pixels, counted across
    // rows, so a row is cut into segments at those points.
    let x = 0;
    let remaining = this.width;
    while (state.wmidx < WMI_MAX && state.wmileft <= remaining) {
      if (state.wmileft > 0) {
        const end = x + state.wmileft;
        if (y === 0) firstRowSegment(this, x, end, (1 << state.wmidx) - 1);
        else rowSegment(this, cur, x, end, (1 << state.wmidx) - 1);
        x = end;
        remaining -= state.wmileft;
      }
      state.nextWaitMask();
    }
    if (remaining > 0) {
      if (y === 0) firstRowSegment(this, x, x + remaining, (1 << state.wmidx) - 1);
      else rowSegment(this, cur, x, x + remaining, (1 << state.wmidx) - 1);
      if (state.wmidx < WMI_MAX) state.wmileft -= remaining;
    }
    this.bits.check();
  }
}

function updateAll(d: RgbDecoder, x: number): void {
  // Context of pixel x is the residual of pixel x - 1, i.e. corr[x]; its own is corr[x + 1].
  const { r, g, b, family } = d;
  const trigger = d.state.trigger;
  updateModel(r, r.corr[x]!, r.corr[x + 1]!, family, trigger);
  updateModel(g, g.corr[x]!, g.corr[x + 1]!, family, trigger);
  updateModel(b, b.corr[x]!, b.corr[x + 1]!, family, trigger);
}

/** First row: predicted from the left neighbour only, and no run-length mode. */
function firstRowSegment(d: RgbDecoder, start: number, end: number, waitmask: number): void {
  const words = d.bits.words;
  const px = d.px;
  const state = d.state;
  const codes = d.codes;
  const { unfold, mask } = d.family;
  const corrR = d.r.corr;
  const corrG = d.g.corr;
  const corrB = d.b.corr;
  const codeR = d.r.codeOf;
  const codeG = d.g.codeOf;
  const codeB = d.b.codeOf;
  let pos = d.bits.pos;
  let i = start;
  let stop: number;
  if (i === 0) {
    let c = golomb(peek32(words, pos), codeR[corrR[0]!]!, codes);
    pos += c >>> 8;
    corrR[1] = c;
    const r = unfold[c & 0xff]!;
    c = golomb(peek32(words, pos), codeG[corrG[0]!]!, codes);
    pos += c >>> 8;
    corrG[1] = c;
    const g = unfold[c & 0xff]!;
    c = golomb(peek32(words, pos), codeB[corrB[0]!]!, codes);
    pos += c >>> 8;
    corrB[1] = c;
    const b = unfold[c & 0xff]!;
    px[0] = ALPHA | (r << 16) | (g << 8) | b;
    if (state.waitcnt > 0) {
      state.waitcnt--;
    } else {
      state.waitcnt = state.nextRandom() & waitmask;
      updateAll(d, 0);
    }
    i = 1;
    stop = 1 + state.waitcnt;
  } else {
    stop = i + state.waitcnt;
  }
  // `left >>> 16` still carries the alpha byte above red, and so on: the bits above the sample
  // are multiples of 2^bpc and vanish in `& mask`.
  let left = px[i - 1]!;
  for (; i < end; i++) {
    let c = golomb(peek32(words, pos), codeR[corrR[i]!]!, codes);
    pos += c >>> 8;
    corrR[i + 1] = c;
    const r = (unfold[c & 0xff]! + (left >>> 16)) & mask;
    c = golomb(peek32(words, pos), codeG[corrG[i]!]!, codes);
    pos += c >>> 8;
    corrG[i + 1] = c;
    const g = (unfold[c & 0xff]! + (left >>> 8)) & mask;
    c = golomb(peek32(words, pos), codeB[corrB[i]!]!, codes);
    pos += c >>> 8;
    corrB[i + 1] = c;
    const b = (unfold[c & 0xff]! + left) & mask;
    left = ALPHA | (r << 16) | (g << 8) | b;
    px[i] = left;
    if (i === stop) {
      updateAll(d, i);
      stop = i + 1 + (state.nextRandom() & waitmask);
    }
  }
  state.waitcnt = stop - end;
  d.bits.pos = pos;
}

/**
 * Any later row, from pixel `start` to `end`. When the two pixels above are equal and so are
 * the two to the left, the stream switches to run-length mode: a run of copies of the left
 * pixel, then normal coding resumes (and may not start another run on the same pixel).
 *
 * This is the hot loop of the decoder, so the bit window and the Golomb decoding (see
 * golomb() in quic-golomb.ts for the readable version) are written out for each channel, and
 * the previous residuals, the left pixel and the pixel above-left are carried in locals.
 */
function rowSegment(d: RgbDecoder, cur: number, start: number, end: number, waitmask: number): void {
  const words = d.bits.words;
  const px = d.px;
  const state = d.state;
  const codes = d.codes;
  const { unfold, mask } = d.family;
  const corrR = d.r.corr;
  const corrG = d.g.corr;
  const corrB = d.b.corr;
  const codeR = d.r.codeOf;
  const codeG = d.g.codeOf;
  const codeB = d.b.codeOf;
  const prev = cur - d.width;
  let pos = d.bits.pos;
  let i = start;
  let stop: number;
  if (i === 0) {
    const above = px[prev]!;
    let c = golomb(peek32(words, pos), codeR[corrR[0]!]!, codes);
    pos += c >>> 8;
    corrR[1] = c;
    const r = (unfold[c & 0xff]! + (above >>> 16)) & mask;
    c = golomb(peek32(words, pos), codeG[corrG[0]!]!, codes);
    pos += c >>> 8;
    corrG[1] = c;
    const g = (unfold[c & 0xff]! + (above >>> 8)) & mask;
    c = golomb(peek32(words, pos), codeB[corrB[0]!]!, codes);
    pos += c >>> 8;
    corrB[1] = c;
    const b = (unfold[c & 0xff]! + above) & mask;
    px[cur] = ALPHA | (r << 16) | (g << 8) | b;
    if (state.waitcnt > 0) {
      state.waitcnt--;
    } else {
      state.waitcnt = state.nextRandom() & waitmask;
      updateAll(d, 0);
    }
    i = 1;
    stop = 1 + state.waitcnt;
  } else {
    stop = i + state.waitcnt;
  }
  const prefixLen = d.family.escapePrefix;
  let runIndex = 0;
  // Residuals of the pixel to the left: the contexts of this one.
  let ctxR = corrR[i]!;
  let ctxG = corrG[i]!;
  let ctxB = corrB[i]!;
  // The left pixel, whole and by channel.
  let left = px[cur + i - 1]!;
  let leftR = (left >>> 16) & 0xff;
  let leftG = (left >>> 8) & 0xff;
  let leftB = left & 0xff;
  let aboveLeft = px[prev + i - 1]!;
  while (i < end) {
    const above = px[prev + i]!;
    if (
      ((aboveLeft ^ above) & RGB_MASK) === 0 &&
      runIndex !== i &&
      i > 2 &&
      ((left ^ px[cur + i - 2]!) & RGB_MASK) === 0
    ) {
      // The update schedule pauses during the run and resumes after it.
      state.waitcnt = stop - i;
      runIndex = i;
      d.bits.pos = pos;
      const run = decodeRun(d.bits, state, end - i);
      pos = d.bits.pos;
      // Short runs are common in text, and a loop beats a call to fill() for them.
      if (run < 16) for (let k = cur + i, e = k + run; k < e; k++) px[k] = left;
      else px.fill(left, cur + i, cur + i + run);
      i += run;
      if (i === end) {
        // A run that reaches the end leaves the wait count as it was when the run began.
        d.bits.pos = pos;
        return;
      }
      stop = i + state.waitcnt;
      // Pixels inside the run were not coded: their residuals are whatever earlier rows left.
      ctxR = corrR[i]!;
      ctxG = corrG[i]!;
      ctxB = corrB[i]!;
      aboveLeft = px[prev + i - 1]!;
      continue;
    }

    // Red. For a GR codeword (z zeros, a 1, l suffix bits), the window shifted left by z starts
    // with that 1; an arithmetic shift right keeping l + 1 bits gives suffix - (1 << l), so the
    // value (z << l) + suffix is ((z + 1) << l) plus that, all in int32 arithmetic.
    let q = pos >>> 5;
    let s = pos & 31;
    let bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    let l = codeR[ctxR]!;
    let z = Math.clz32(bits);
    if (z < prefixLen[l]!) {
      pos += z + 1 + l;
      ctxR = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const e = l << 2;
      const len = codes[e + 1]!;
      pos += len;
      ctxR = (codes[e + 2]! + ((bits >>> (32 - len)) & codes[e + 3]!)) & 0xff;
    }
    corrR[i + 1] = ctxR;
    leftR = (unfold[ctxR]! + ((leftR + ((above >>> 16) & 0xff)) >>> 1)) & mask;

    q = pos >>> 5;
    s = pos & 31;
    bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    l = codeG[ctxG]!;
    z = Math.clz32(bits);
    if (z < prefixLen[l]!) {
      pos += z + 1 + l;
      ctxG = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const e = l << 2;
      const len = codes[e + 1]!;
      pos += len;
      ctxG = (codes[e + 2]! + ((bits >>> (32 - len)) & codes[e + 3]!)) & 0xff;
    }
    corrG[i + 1] = ctxG;
    leftG = (unfold[ctxG]! + ((leftG + ((above >>> 8) & 0xff)) >>> 1)) & mask;

    q = pos >>> 5;
    s = pos & 31;
    bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    l = codeB[ctxB]!;
    z = Math.clz32(bits);
    if (z < prefixLen[l]!) {
      pos += z + 1 + l;
      ctxB = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const e = l << 2;
      const len = codes[e + 1]!;
      pos += len;
      ctxB = (codes[e + 2]! + ((bits >>> (32 - len)) & codes[e + 3]!)) & 0xff;
    }
    corrB[i + 1] = ctxB;
    leftB = (unfold[ctxB]! + ((leftB + (above & 0xff)) >>> 1)) & mask;

    left = ALPHA | (leftR << 16) | (leftG << 8) | leftB;
    px[cur + i] = left;
    aboveLeft = above;
    if (i === stop) {
      updateAll(d, i);
      stop = i + 1 + (state.nextRandom() & waitmask);
    }
    i++;
  }
  state.waitcnt = stop - end;
  d.bits.pos = pos;
}
