/**
 * Row decoder for a single 8-bit plane: the whole of a GRAY image, or the alpha of an RGBA
 * image (coded after the colour of each row, with its own model and state). Same scheme and
 * same data layout as the colour channels in quic-rgb.ts (see there for the written-out Golomb
 * decoding), with one sample per pixel. The sample is ORed into the byte of the output word at
 * bit `shift`, which must be zero before: the output starts zeroed, and the RGB decoder leaves
 * the alpha byte 0 when an alpha plane follows. A run of zeros then costs nothing.
 */
import type { QuicBits } from './quic-bits';
import { CommonState, FAMILY_8BPC, ModelSet } from './quic-model';

export class PlaneDecoder {
  readonly models = new ModelSet();
  readonly state = new CommonState();
  /** Residuals, as in quic-rgb.ts with one channel: corr[x + 1] belongs to pixel x. */
  corr = new Uint8Array(0);
  bits!: QuicBits;
  px: Int32Array = new Int32Array(0);
  width = 0;
  /** Where row 0 starts in `px`, and how far apart rows are (as in quic-rgb.ts). */
  base = 0;
  stride = 0;
  /**
   * Two rows at px[base] used in turn, each cleared before it is decoded into: the plane is
   * only needed as the next row's context (an RGBA image decoded onto a surface without alpha).
   */
  twoRows = false;
  /** 0 for gray (later replicated by quic.ts), 24 for alpha. */
  shift = 0;

  /**
   * Prepares for a new image; the decoder and its model are reused from image to image. Row y
   * is px[base + y * stride, + width), or with `twoRows` px[base + (y % 2) * width, + width).
   */
  reset(bits: QuicBits, px: Int32Array, width: number, shift: number, base = 0, stride = width, twoRows = false): void {
    this.bits = bits;
    this.px = px;
    this.width = width;
    this.base = base;
    this.stride = stride;
    this.twoRows = twoRows;
    this.shift = shift;
    if (this.corr.length < width + 1) this.corr = new Uint8Array(width + 1);
    this.models.reset(FAMILY_8BPC, 1);
    this.state.reset();
  }

  /** Decodes the plane of row `y` (rows in order, 0 first). */
  decodeRow(y: number): void {
    const { corr, state, width } = this;
    corr[0] = y === 0 ? 0 : corr[1]!;
    let cur: number;
    let prev: number;
    if (this.twoRows) {
      cur = this.base + (y & 1) * width;
      prev = this.base + ((y + 1) & 1) * width;
      // Samples are ORed in.
      this.px.fill(0, cur, cur + width);
    } else {
      cur = this.base + y * this.stride;
      prev = cur - this.stride;
    }
    for (let x = 0; x < width; ) {
      const length = state.segmentLength(width - x);
      if (y === 0) firstRowSegment(this, cur, x, x + length, state.waitMask());
      else rowSegment(this, cur, prev, x, x + length, state.waitMask());
      // The trigger may change with the wait mask: updates counted under the old one go first.
      this.models.flush();
      state.segmentDone(length);
      x += length;
    }
    this.bits.check();
  }
}

/** First row (at px[cur]). */
function firstRowSegment(d: PlaneDecoder, cur: number, start: number, end: number, waitmask: number): void {
  const words = d.bits.words;
  const px = d.px;
  const corr = d.corr;
  const models = d.models;
  const code = models.state;
  const table = models.table;
  const state = d.state;
  const trigger = state.trigger;
  const shift = d.shift;
  let pos = d.bits.pos;
  let stop = start + state.waitcnt;
  let left = start === 0 ? 0 : (px[cur + start - 1]! >>> shift) & 0xff;
  let i = start;
  while (i < end) {
    const q = pos >>> 5;
    const s = pos & 31;
    const bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    // A flat stretch coded with code 0 in context 0 is a 1 bit per sample (see quic-rgb.ts).
    if (i > 0 && corr[i] === 0 && (code[0]! & 15) === 0) {
      const flat = Math.min(Math.clz32(~bits), end - i);
      if (flat > 0) {
        const flatEnd = i + flat;
        if (left !== 0) for (let k = cur + i, e = cur + flatEnd; k < e; k++) px[k] |= left << shift;
        for (let k = i + 1; k <= flatEnd; k++) corr[k] = 0;
        pos += flat;
        let updates = 0;
        while (stop < flatEnd) {
          updates++;
          stop += 1 + (state.nextRandom() & waitmask);
        }
        if (updates > 0) models.repeat(0, 0, 0, updates, trigger);
        i = flatEnd;
        continue;
      }
    }
    const info = code[corr[i]!]!;
    const l = info & 15;
    const z = Math.clz32(bits);
    let v: number;
    if (z < ((info >>> 4) & 31)) {
      pos += z + 1 + l;
      v = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const escape = (info >>> 9) & 31;
      pos += escape;
      v = ((info >>> 14) + (bits >>> (32 - escape))) & 0xff;
    }
    corr[i + 1] = v;
    left = (table[v]! + left) & 0xff;
    px[cur + i] |= left << shift;
    if (i === stop) {
      models.update(0, corr[i]!, v, trigger);
      stop = i + 1 + (state.nextRandom() & waitmask);
    }
    i++;
  }
  state.waitcnt = stop - end;
  d.bits.pos = pos;
}

/** A later row at px[cur], its row above at px[prev]. */
function rowSegment(d: PlaneDecoder, cur: number, prev: number, start: number, end: number, waitmask: number): void {
  const bitStream = d.bits;
  const words = bitStream.words;
  const px = d.px;
  const corr = d.corr;
  const models = d.models;
  const code = models.state;
  const table = models.table;
  const state = d.state;
  const trigger = state.trigger;
  const shift = d.shift;
  let pos = bitStream.pos;
  let i = start;
  let stop = start + state.waitcnt;
  let runIndex = 0;
  let ctx = corr[i]!;
  // For pixel 0 the left sample is set so that the (left + above) / 2 prediction gives the
  // sample above.
  let left = (px[i === 0 ? prev : cur + i - 1]! >>> shift) & 0xff;
  let aboveLeft = i === 0 ? 0 : (px[prev + i - 1]! >>> shift) & 0xff;
  while (i < end) {
    const above = (px[prev + i]! >>> shift) & 0xff;
    if (aboveLeft === above && runIndex !== i && i > 2 && ((px[cur + i - 2]! >>> shift) & 0xff) === left) {
      state.waitcnt = stop - i;
      runIndex = i;
      bitStream.pos = pos;
      const run = state.decodeRun(bitStream, end - i);
      pos = bitStream.pos;
      if (left !== 0) {
        const fill = left << shift;
        for (let k = cur + i, e = cur + i + run; k < e; k++) px[k] |= fill;
      }
      i += run;
      if (i === end) {
        bitStream.pos = pos;
        return;
      }
      stop = i + state.waitcnt;
      ctx = corr[i]!;
      aboveLeft = (px[prev + i - 1]! >>> shift) & 0xff;
      continue;
    }
    const q = pos >>> 5;
    const s = pos & 31;
    const bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    const info = code[ctx]!;
    const l = info & 15;
    const z = Math.clz32(bits);
    let v: number;
    if (z < ((info >>> 4) & 31)) {
      pos += z + 1 + l;
      v = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const escape = (info >>> 9) & 31;
      pos += escape;
      v = ((info >>> 14) + (bits >>> (32 - escape))) & 0xff;
    }
    corr[i + 1] = v;
    left = (table[v]! + ((left + above) >>> 1)) & 0xff;
    px[cur + i] |= left << shift;
    aboveLeft = above;
    if (i === stop) {
      models.update(0, ctx, v, trigger);
      stop = i + 1 + (state.nextRandom() & waitmask);
    }
    ctx = v;
    i++;
  }
  state.waitcnt = stop - end;
  bitStream.pos = pos;
}
