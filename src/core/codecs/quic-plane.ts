/**
 * Row decoder for a single 8-bit plane: the whole of a GRAY image, or the alpha of an RGBA
 * image (coded after the colour of each row, with its own model and state). Same scheme as the
 * colour channels in quic-rgb.ts, with one sample per pixel; the sample lives in the byte of the
 * output word at bit `shift`.
 */
import { decodeRun, peek32, type QuicBits } from './quic-bits';
import { codeTable, golomb } from './quic-golomb';
import { ChannelModel, CommonState, FAMILY_8BPC, WMI_MAX, updateModel } from './quic-model';

const CODES = codeTable(FAMILY_8BPC);

export class PlaneDecoder {
  readonly model: ChannelModel;
  readonly state = new CommonState();
  /** Bits of each output word that belong to other planes and must be preserved. */
  readonly keep: number;

  constructor(
    readonly bits: QuicBits,
    readonly px: Int32Array,
    readonly width: number,
    /** 0 for gray (later replicated by quic.ts), 24 for alpha. */
    readonly shift: number,
  ) {
    this.model = new ChannelModel(width, FAMILY_8BPC);
    this.keep = ~(0xff << shift);
  }

  /** Decodes the plane of row `y` (rows in order, 0 first). */
  decodeRow(y: number): void {
    const { model, state } = this;
    model.corr[0] = y === 0 ? 0 : model.corr[1]!;
    const cur = y * this.width;
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

function update(d: PlaneDecoder, x: number): void {
  const corr = d.model.corr;
  updateModel(d.model, corr[x]!, corr[x + 1]!, FAMILY_8BPC, d.state.trigger);
}

function firstRowSegment(d: PlaneDecoder, start: number, end: number, waitmask: number): void {
  const words = d.bits.words;
  const px = d.px;
  const state = d.state;
  const unfold = FAMILY_8BPC.unfold;
  const corr = d.model.corr;
  const codeOf = d.model.codeOf;
  const shift = d.shift;
  const keep = d.keep;
  let pos = d.bits.pos;
  let i = start;
  let stop: number;
  if (i === 0) {
    const c = golomb(peek32(words, pos), codeOf[corr[0]!]!, CODES);
    pos += c >>> 8;
    corr[1] = c;
    px[0] = (px[0]! & keep) | (unfold[c & 0xff]! << shift);
    if (state.waitcnt > 0) {
      state.waitcnt--;
    } else {
      state.waitcnt = state.nextRandom() & waitmask;
      update(d, 0);
    }
    i = 1;
    stop = 1 + state.waitcnt;
  } else {
    stop = i + state.waitcnt;
  }
  let left = (px[i - 1]! >>> shift) & 0xff;
  for (; i < end; i++) {
    const c = golomb(peek32(words, pos), codeOf[corr[i]!]!, CODES);
    pos += c >>> 8;
    corr[i + 1] = c;
    left = (unfold[c & 0xff]! + left) & 0xff;
    px[i] = (px[i]! & keep) | (left << shift);
    if (i === stop) {
      update(d, i);
      stop = i + 1 + (state.nextRandom() & waitmask);
    }
  }
  state.waitcnt = stop - end;
  d.bits.pos = pos;
}

function rowSegment(d: PlaneDecoder, cur: number, start: number, end: number, waitmask: number): void {
  const prefixLen = FAMILY_8BPC.escapePrefix;
  const words = d.bits.words;
  const px = d.px;
  const state = d.state;
  const unfold = FAMILY_8BPC.unfold;
  const corr = d.model.corr;
  const codeOf = d.model.codeOf;
  const shift = d.shift;
  const keep = d.keep;
  const prev = cur - d.width;
  let pos = d.bits.pos;
  let i = start;
  let stop: number;
  if (i === 0) {
    const c = golomb(peek32(words, pos), codeOf[corr[0]!]!, CODES);
    pos += c >>> 8;
    corr[1] = c;
    const v = (unfold[c & 0xff]! + (px[prev]! >>> shift)) & 0xff;
    px[cur] = (px[cur]! & keep) | (v << shift);
    if (state.waitcnt > 0) {
      state.waitcnt--;
    } else {
      state.waitcnt = state.nextRandom() & waitmask;
      update(d, 0);
    }
    i = 1;
    stop = 1 + state.waitcnt;
  } else {
    stop = i + state.waitcnt;
  }
  let runIndex = 0;
  let ctx = corr[i]!;
  let left = (px[cur + i - 1]! >>> shift) & 0xff;
  let aboveLeft = (px[prev + i - 1]! >>> shift) & 0xff;
  while (i < end) {
    const above = (px[prev + i]! >>> shift) & 0xff;
    if (aboveLeft === above && runIndex !== i && i > 2 && ((px[cur + i - 2]! >>> shift) & 0xff) === left) {
      state.waitcnt = stop - i;
      runIndex = i;
      d.bits.pos = pos;
      const run = decodeRun(d.bits, state, end - i);
      pos = d.bits.pos;
      const fill = left << shift;
      for (let k = cur + i, e = cur + i + run; k < e; k++) px[k] = (px[k]! & keep) | fill;
      i += run;
      if (i === end) {
        d.bits.pos = pos;
        return;
      }
      stop = i + state.waitcnt;
      ctx = corr[i]!;
      aboveLeft = (px[prev + i - 1]! >>> shift) & 0xff;
      continue;
    }
    // golomb() written out, as in quic-rgb.ts.
    const q = pos >>> 5;
    const s = pos & 31;
    const bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    const l = codeOf[ctx]!;
    const z = Math.clz32(bits);
    if (z < prefixLen[l]!) {
      pos += z + 1 + l;
      ctx = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const len = CODES[(l << 2) + 1]!;
      pos += len;
      ctx = (CODES[(l << 2) + 2]! + ((bits >>> (32 - len)) & CODES[(l << 2) + 3]!)) & 0xff;
    }
    corr[i + 1] = ctx;
    left = (unfold[ctx]! + ((left + above) >>> 1)) & 0xff;
    px[cur + i] = (px[cur + i]! & keep) | (left << shift);
    aboveLeft = above;
    if (i === stop) {
      update(d, i);
      stop = i + 1 + (state.nextRandom() & waitmask);
    }
    i++;
  }
  state.waitcnt = stop - end;
  d.bits.pos = pos;
}
