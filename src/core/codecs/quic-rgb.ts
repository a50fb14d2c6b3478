/**
 * Row decoder for QUIC's three colour channels (RGB32, RGB24, RGB16 and the colour part of
 * RGBA). Writes 0xAARRGGBB words straight into the output, with the alpha byte given to
 * reset(); for RGB16 the channels hold the raw 5-bit samples until quic.ts widens them after
 * the last row.
 *
 * Per pixel and per channel (r, then g, then b), the stream holds a Golomb codeword whose code
 * number comes from the bucket of the channel's previous residual (its left neighbour's). The
 * residual is folded, and the sample is the prediction plus the unfolded residual, modulo 2^bpc.
 * The prediction is the left sample on the first row, the one above for the first column, and
 * (left + above) / 2 elsewhere.
 *
 * These are the hot loops of the decoder. They touch as few typed arrays as possible (V8 checks
 * and reloads each one on every iteration): the stream words, the pixels, the residuals, the
 * models' state and the family's table. The Golomb decoding is written out for each channel: a
 * GR codeword is z zero bits, a 1, then l bits, value (z << l) | those bits; z reaching the
 * escape prefix length means an escape instead, whose fixed-width suffix gives the value minus
 * the number of GR values (truncated to 8 bits as quic.c's BYTE cast does; only a corrupt
 * stream can need that). For a GR codeword, the window shifted left by z starts with that 1; an
 * arithmetic shift right keeping l + 1 bits gives suffix - (1 << l), so the value is
 * ((z + 1) << l) plus that, all in int32 arithmetic. The bit window at `pos` is
 * (words[q] << s) | ((words[q + 1] >>> 1) >>> (31 - s)) for q = pos >>> 5, s = pos & 31 (see
 * quic-bits.ts).
 *
 * Model state (ModelSet.state): channel c's code info for context ctx is state[c * 256 + ctx],
 * l | escape prefix length << 4. Family table (QuicFamily.table): unfold at [0, 256), the
 * escape codeword of code l at 256 + l (length | first escaped value << 8 | suffix mask << 16).
 */
import type { QuicBits } from './quic-bits';
import { CommonState, MODEL_LAYOUT, ModelSet, type QuicFamily } from './quic-model';

const { bucketOf: BUCKET_OF, packedLen: PACKED_LEN, behind: BEHIND, costs: COSTS, best: BEST } = MODEL_LAYOUT;

const RGB_MASK = 0xffffff;

/** Whole pixels in n leading 1 bits, at three 1-bit codewords per pixel. */
const ONES_TO_PIXELS = Int32Array.from({ length: 33 }, (_, n) => Math.floor(n / 3));

export class RgbDecoder {
  /** The models of r, g and b (channels 0, 1, 2). */
  readonly models = new ModelSet();
  /** One state for the three channels: they share the update schedule and the run coder. */
  readonly state = new CommonState();
  /**
   * Residuals of the channels interleaved: corr[3 * (x + 1) + c] belongs to pixel x, corr[c] is
   * the context of pixel 0 (quic.c's correlate_row[-1]). Never cleared between rows: pixels
   * inside a run keep the previous rows' residuals, and the format depends on exactly that. Nor
   * between images: the first row, which has no runs, writes every entry before any is read.
   */
  corr = new Uint8Array(0);
  bits!: QuicBits;
  /** Output pixels, as int32 so that reads never produce doubles. */
  px: Int32Array = new Int32Array(0);
  width = 0;
  /** Where row 0 starts in `px`, and how far apart rows are (the image may be written onto a surface). */
  base = 0;
  stride = 0;
  mask = 0;
  /** Alpha byte of the pixels written (0xff000000, or 0 when an alpha plane follows). */
  alpha = 0;

  /**
   * Prepares for a new image; the decoder and its models are reused from image to image. Row y
   * goes to px[base + y * stride, + width) (the caller has checked that it fits).
   */
  reset(bits: QuicBits, px: Int32Array, width: number, family: QuicFamily, alpha: number, base = 0, stride = width): void {
    this.bits = bits;
    this.px = px;
    this.width = width;
    this.base = base;
    this.stride = stride;
    this.mask = family.mask;
    this.alpha = alpha;
    if (this.corr.length < 3 * (width + 1)) this.corr = new Uint8Array(3 * (width + 1));
    this.models.reset(family, 3);
    this.state.reset();
  }

  /** Decodes row `y` (rows must come in order, 0 first). */
  decodeRow(y: number): void {
    const { corr, state, width } = this;
    // Pixel 0's context is the residual of pixel 0 in the row above (0 on the first row).
    corr[0] = y === 0 ? 0 : corr[3]!;
    corr[1] = y === 0 ? 0 : corr[4]!;
    corr[2] = y === 0 ? 0 : corr[5]!;
    const cur = this.base + y * this.stride;
    for (let x = 0; x < width; ) {
      const length = state.segmentLength(width - x);
      if (y === 0) firstRowSegment(this, cur, x, x + length, state.waitMask());
      else rowSegment(this, cur, x, x + length, state.waitMask());
      // The trigger may change with the wait mask: updates counted under the old one go first.
      this.models.flush();
      state.segmentDone(length);
      x += length;
    }
    this.bits.check();
  }
}

/** First row (at px[cur]): predicted from the left neighbour only, and no run-length mode. */
function firstRowSegment(d: RgbDecoder, cur: number, start: number, end: number, waitmask: number): void {
  const words = d.bits.words;
  const px = d.px;
  const corr = d.corr;
  const models = d.models;
  const code = models.state;
  const table = models.table;
  const alpha = d.alpha;
  const mask = d.mask;
  const state = d.state;
  const trigger = state.trigger;
  let pos = d.bits.pos;
  let stop = start + state.waitcnt;
  // `left >>> 16` still carries the alpha byte above red, and so on: the bits above the sample
  // are multiples of 2^bpc and vanish in `& mask`. Pixel 0 has no left neighbour: it is the
  // residual alone.
  let left = start === 0 ? 0 : px[cur + start - 1]!;
  let i = start;
  let c3 = 3 * start;
  while (i < end) {
    let q = pos >>> 5;
    let s = pos & 31;
    let bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    // A flat first row, as at the top of most text lines, is a stretch of zero residuals in
    // context 0. Once all three channels code that with code 0, each residual is a single 1
    // bit: take as many whole pixels as the window's leading ones hold, at once.
    if (i > 0 && (corr[c3]! | corr[c3 + 1]! | corr[c3 + 2]!) === 0 && ((code[0]! | code[256]! | code[512]!) & 15) === 0) {
      const flat = Math.min(ONES_TO_PIXELS[Math.clz32(~bits)]!, end - i);
      if (flat > 0) {
        const flatEnd = i + flat;
        for (let k = cur + i, e = cur + flatEnd; k < e; k++) px[k] = left;
        for (let k = c3 + 3, e = c3 + 3 + 3 * flat; k < e; k++) corr[k] = 0;
        pos += 3 * flat;
        let updates = 0;
        while (stop < flatEnd) {
          updates++;
          stop += 1 + (state.nextRandom() & waitmask);
        }
        if (updates > 0) {
          models.repeat(0, 0, 0, updates, trigger);
          models.repeat(1, 0, 0, updates, trigger);
          models.repeat(2, 0, 0, updates, trigger);
        }
        i = flatEnd;
        c3 += 3 * flat;
        continue;
      }
    }
    let info = code[corr[c3]!]!;
    let l = info & 15;
    let z = Math.clz32(bits);
    let red: number;
    if (z < ((info >>> 4) & 31)) {
      pos += z + 1 + l;
      red = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const escape = (info >>> 9) & 31;
      pos += escape;
      red = ((info >>> 14) + (bits >>> (32 - escape))) & 0xff;
    }
    corr[c3 + 3] = red;

    q = pos >>> 5;
    s = pos & 31;
    bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    info = code[256 + corr[c3 + 1]!]!;
    l = info & 15;
    z = Math.clz32(bits);
    let green: number;
    if (z < ((info >>> 4) & 31)) {
      pos += z + 1 + l;
      green = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const escape = (info >>> 9) & 31;
      pos += escape;
      green = ((info >>> 14) + (bits >>> (32 - escape))) & 0xff;
    }
    corr[c3 + 4] = green;

    q = pos >>> 5;
    s = pos & 31;
    bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    info = code[512 + corr[c3 + 2]!]!;
    l = info & 15;
    z = Math.clz32(bits);
    let blue: number;
    if (z < ((info >>> 4) & 31)) {
      pos += z + 1 + l;
      blue = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const escape = (info >>> 9) & 31;
      pos += escape;
      blue = ((info >>> 14) + (bits >>> (32 - escape))) & 0xff;
    }
    corr[c3 + 5] = blue;

    left =
      alpha |
      (((table[red]! + (left >>> 16)) & mask) << 16) |
      (((table[green]! + (left >>> 8)) & mask) << 8) |
      ((table[blue]! + left) & mask);
    px[cur + i] = left;
    if (i === stop) {
      models.update(0, corr[c3]!, red, trigger);
      models.update(1, corr[c3 + 1]!, green, trigger);
      models.update(2, corr[c3 + 2]!, blue, trigger);
      stop = i + 1 + (state.nextRandom() & waitmask);
    }
    i++;
    c3 += 3;
  }
  state.waitcnt = stop - end;
  d.bits.pos = pos;
}

/**
 * Any later row, from pixel `start` to `end`. When the two pixels above are equal and so are
 * the two to the left, the stream switches to run-length mode: a run of copies of the left
 * pixel, then normal coding resumes (and may not start another run on the same pixel).
 * Pixel 0 is predicted from the pixel above alone; it is never in a run.
 */
function rowSegment(d: RgbDecoder, cur: number, start: number, end: number, waitmask: number): void {
  const bitStream = d.bits;
  const words = bitStream.words;
  const px = d.px;
  const corr = d.corr;
  const models = d.models;
  const code = models.state;
  const table = models.table;
  const alpha = d.alpha;
  const mask = d.mask;
  const state = d.state;
  const trigger = state.trigger;
  const prev = cur - d.stride;
  let pos = bitStream.pos;
  let i = start;
  let c3 = 3 * i;
  let stop = start + state.waitcnt;
  let runIndex = 0;
  // Residuals of the pixel to the left: the contexts of this one.
  let ctxR = corr[c3]!;
  let ctxG = corr[c3 + 1]!;
  let ctxB = corr[c3 + 2]!;
  // The left pixel, whole and by channel. For pixel 0 the "left" samples are set so that the
  // (left + above) / 2 prediction gives the pixel above.
  let left = i === 0 ? 0 : px[cur + i - 1]!;
  let aboveLeft = i === 0 ? 0 : px[prev + i - 1]!;
  const first = i === 0 ? px[prev]! : left;
  let leftR = (first >>> 16) & 0xff;
  let leftG = (first >>> 8) & 0xff;
  let leftB = first & 0xff;
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
      bitStream.pos = pos;
      const run = state.decodeRun(bitStream, end - i);
      pos = bitStream.pos;
      // Short runs are common in text, and a loop beats a call to fill() for them.
      if (run < 16) for (let k = cur + i, e = k + run; k < e; k++) px[k] = left;
      else px.fill(left, cur + i, cur + i + run);
      i += run;
      if (i === end) {
        // A run that reaches the end leaves the wait count as it was when the run began.
        bitStream.pos = pos;
        return;
      }
      stop = i + state.waitcnt;
      // Pixels inside the run were not coded: their residuals are whatever earlier rows left.
      c3 = 3 * i;
      ctxR = corr[c3]!;
      ctxG = corr[c3 + 1]!;
      ctxB = corr[c3 + 2]!;
      aboveLeft = px[prev + i - 1]!;
      continue;
    }

    let q = pos >>> 5;
    let s = pos & 31;
    let bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    let info = code[ctxR]!;
    let l = info & 15;
    let z = Math.clz32(bits);
    let red: number;
    if (z < ((info >>> 4) & 31)) {
      pos += z + 1 + l;
      red = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const escape = (info >>> 9) & 31;
      pos += escape;
      red = ((info >>> 14) + (bits >>> (32 - escape))) & 0xff;
    }
    corr[c3 + 3] = red;
    leftR = (table[red]! + ((leftR + ((above >>> 16) & 0xff)) >>> 1)) & mask;

    q = pos >>> 5;
    s = pos & 31;
    bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    info = code[256 + ctxG]!;
    l = info & 15;
    z = Math.clz32(bits);
    let green: number;
    if (z < ((info >>> 4) & 31)) {
      pos += z + 1 + l;
      green = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const escape = (info >>> 9) & 31;
      pos += escape;
      green = ((info >>> 14) + (bits >>> (32 - escape))) & 0xff;
    }
    corr[c3 + 4] = green;
    leftG = (table[green]! + ((leftG + ((above >>> 8) & 0xff)) >>> 1)) & mask;

    q = pos >>> 5;
    s = pos & 31;
    bits = (words[q]! << s) | ((words[q + 1]! >>> 1) >>> (31 - s));
    info = code[512 + ctxB]!;
    l = info & 15;
    z = Math.clz32(bits);
    let blue: number;
    if (z < ((info >>> 4) & 31)) {
      pos += z + 1 + l;
      blue = ((z + 1) << l) + ((bits << z) >> (31 - l));
    } else {
      const escape = (info >>> 9) & 31;
      pos += escape;
      blue = ((info >>> 14) + (bits >>> (32 - escape))) & 0xff;
    }
    corr[c3 + 5] = blue;
    leftB = (table[blue]! + ((leftB + (above & 0xff)) >>> 1)) & mask;

    left = alpha | (leftR << 16) | (leftG << 8) | leftB;
    px[cur + i] = left;
    aboveLeft = above;
    if (i === stop) {
      // ModelSet.update() written out, for speed (a call per channel costs more than the update
      // itself), without counting repeats: rows past the first seldom repeat an update, and
      // nothing is left counted here (decodeRow flushes after every segment).
      for (let c = 0; c < 3; c++) {
        const ctx = c === 0 ? ctxR : c === 1 ? ctxG : ctxB;
        const v = c === 0 ? red : c === 1 ? green : blue;
        const bucket = table[BUCKET_OF + ctx]!;
        const b = COSTS + (c << 5) + (bucket << 2);
        const p = PACKED_LEN + (v << 2);
        const w0 = (code[b]! + table[p]!) | 0;
        const w1 = (code[b + 1]! + table[p + 1]!) | 0;
        const w2 = (code[b + 2]! + table[p + 2]!) | 0;
        const w3 = (code[b + 3]! + table[p + 3]!) | 0;
        code[b] = w0;
        code[b + 1] = w1;
        code[b + 2] = w2;
        code[b + 3] = w3;
        const best = code[BEST + (c << 3) + bucket]!;
        const bestCost = (code[b + (best >>> 1)]! >>> ((best & 1) << 4)) & 0xffff;
        const both = bestCost * 0x10001;
        const behind = BEHIND + (best << 2);
        const lost =
          (~(((w0 | 0x80008000) - (both + table[behind]!)) | 0) |
          ~(((w1 | 0x80008000) - (both + table[behind + 1]!)) | 0) |
          ~(((w2 | 0x80008000) - (both + table[behind + 2]!)) | 0) |
          ~(((w3 | 0x80008000) - (both + table[behind + 3]!)) | 0)) &
          0x80008000;
        if (lost !== 0 || bestCost > trigger) models.settle(c, bucket, trigger);
      }
      stop = i + 1 + (state.nextRandom() & waitmask);
    }
    ctxR = red;
    ctxG = green;
    ctxB = blue;
    c3 += 3;
    i++;
  }
  state.waitcnt = stop - end;
  bitStream.pos = pos;
}
