/**
 * A QUIC encoder for tests only: slow and plain, written from the compress side of
 * spice-common's quic.c / quic_tmpl.c and sharing no code with src/core/codecs/quic-*.ts, so a
 * misreading of the model in one is unlikely to be mirrored in the other. The unit tests check
 * that it produces the very bytes spice-common's encoder does on the fixtures, which then makes
 * it a trustworthy source of fresh payloads (any size, any content).
 */

export type QuicTestType = 'gray' | 'rgb16' | 'rgb24' | 'rgb32' | 'rgba';

const TYPE_CODE: Record<QuicTestType, number> = { gray: 1, rgb16: 2, rgb24: 3, rgb32: 4, rgba: 5 };

const J = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const BEST_TRIG = [110, 550, 900, 800, 550, 400, 350, 250, 140, 160, 140];
const TABRAND = [
  0x02c57542, 0x35427717, 0x2f5a2153, 0x9244f155, 0x7bd26d07, 0x354c6052, 0x57329b28, 0x2993868e, 0x6cd8808c,
  0x147b46e0, 0x99db66af, 0xe32b4cac, 0x1b671264, 0x9d433486, 0x62a4c192, 0x06089a4b, 0x9e3dce44, 0xdaabee13,
  0x222425ea, 0xa46f331d, 0xcd589250, 0x8bb81d7f, 0xc8b736b9, 0x35948d33, 0xd7ac7fd0, 0x5fbe2803, 0x2cfbc105,
  0x013dbc4e, 0x7a37820f, 0x39f88e9e, 0xedd58794, 0xc5076689, 0xfcada5a4, 0x64c2f46d, 0xb3ba3243, 0x8974b4f9,
  0x5a05aebd, 0x20afcd00, 0x39e2b008, 0x88a18a45, 0x600bde29, 0xf3971ace, 0xf37b0a6b, 0x7041495b, 0x70b707ab,
  0x06beffbb, 0x4206051f, 0xe13c4ee3, 0xc1a78327, 0x91aa067c, 0x8295f72a, 0x732917a6, 0x1d871b4d, 0x4048f136,
  0xf1840e7e, 0x6a6048c1, 0x696cb71a, 0x7ff501c3, 0x0fc6310b, 0x57e0f83d, 0x8cc26e74, 0x11a525a2, 0x946934c7,
  0x7cd888f0, 0x8f9d8604, 0x4f86e73b, 0x04520316, 0xdeeea20c, 0xf1def496, 0x67687288, 0xf540c5b2, 0x22401484,
  0x3478658a, 0xc2385746, 0x01979c2c, 0x5dad73c8, 0x0321f58b, 0xf0fedbee, 0x92826ddf, 0x284bec73, 0x5b1a1975,
  0x03df1e11, 0x20963e01, 0xa17cf12b, 0x740d776e, 0xa7a6bf3c, 0x01b5cce4, 0x1118aa76, 0xfc6fac0a, 0xce927e9b,
  0x00bf2567, 0x806f216c, 0xbca69056, 0x795bd3e9, 0xc9dc4557, 0x8929b6c2, 0x789d52ec, 0x3f3fbf40, 0xb9197368,
  0xa38c15b5, 0xc3b44fa8, 0xca8333b0, 0xb7e8d590, 0xbe807feb, 0xbf5f8360, 0xd99e2f5c, 0x372928e1, 0x7c757c4c,
  0x0db5b154, 0xc01ede02, 0x1fc86e78, 0x1f3985be, 0xb4805c77, 0x00c880fa, 0x974c1b12, 0x35ab0214, 0xb2dc840d,
  0x5b00ae37, 0xd313b026, 0xb260969d, 0x7f4c8879, 0x1734c4d3, 0x49068631, 0xb9f6a021, 0x6b863e6f, 0xcee5debf,
  0x29f8c9fb, 0x53dd6880, 0x72b61223, 0x1f67a9fd, 0x0a0f6993, 0x13e59119, 0x11cca12e, 0xfe6b6766, 0x16b6effc,
  0x97918fc4, 0xc2b8a563, 0x94f2f741, 0x0bfa8c9a, 0xd1537ae8, 0xc1da349c, 0x873c60ca, 0x95005b85, 0x9b5c080e,
  0xbc8abbd9, 0xe1eab1d2, 0x6dac9070, 0x4ea9ebf1, 0xe0cf30d4, 0x1ef5bd7b, 0xd161043e, 0x5d2fa2e2, 0xff5d3cae,
  0x86ed9f87, 0x2aa1daa1, 0xbd731a34, 0x9e8f4b22, 0xb1c2c67a, 0xc21758c9, 0xa182215d, 0xccb01948, 0x8d168df7,
  0x04238cfe, 0x368c3dbc, 0x0aeadca5, 0xbad21c24, 0x0a71fee5, 0x9fc5d872, 0x54c152c6, 0xfc329483, 0x6783384a,
  0xeddb3e1c, 0x65f90e30, 0x884ad098, 0xce81675a, 0x4b372f7d, 0x68bf9a39, 0x43445f1e, 0x40f8d8cb, 0x90d5acb6,
  0x4cd07282, 0x349eeb06, 0x0c9d5332, 0x520b24ef, 0x80020447, 0x67976491, 0x2f931ca3, 0xfe9b0535, 0xfcd30220,
  0x61a9e6cc, 0xa487d8d7, 0x3f7c5dd1, 0x7d0127c5, 0x48f51d15, 0x60dea871, 0xc9a91cb7, 0x58b53bb3, 0x9d5e0b2d,
  0x624a78b4, 0x30dbee1b, 0x9bdf22e7, 0x1df5c299, 0x2d5643a7, 0xf4dd35ff, 0x03ca8fd6, 0x53b47ed8, 0x6f2c19aa,
  0xfeb0c1f4, 0x49e54438, 0x2f2577e6, 0xbf876969, 0x72440ea9, 0xfa0bafb8, 0x74f5b3a0, 0x7dd357cd, 0x89ce1358,
  0x6ef2cdda, 0x1e7767f3, 0xa6be9fdb, 0x4f5f88f8, 0xba994a3a, 0x08ca6b65, 0xe0893818, 0x9e00a16a, 0xf42bfc8f,
  0x9972eedc, 0x749c8b51, 0x32c05f5e, 0xd706805f, 0x6bfbb7cf, 0xd9210a10, 0x31a1db97, 0x923a9559, 0x37a7a1f6,
  0x059f8861, 0xca493e62, 0x65157e81, 0x8f6467dd, 0xab85ff9f, 0x9331aff2, 0x8616b9f5, 0xedbd5695, 0xee7e29b1,
  0x313ac44f, 0xb903112f, 0x432ef649, 0xdc0a36c0, 0x61cf2bba, 0x81474925, 0xa8b6c7ad, 0xee5931de, 0xb2f8158d,
  0x59fb7409, 0x2e3dfaed, 0x9af25a3f, 0xe1fed4d5,
];

/** Golomb family of quic.c's family_init(), for `bpc` bits and the 26-bit codeword limit. */
class Family {
  nGR: number[] = [];
  notGRlen: number[] = [];
  u2l: number[] = [];
  constructor(readonly bpc: number) {
    const mask = (1 << bpc) - 1;
    for (let l = 0; l < bpc; l++) {
      let alt = 26 - bpc;
      if (alt > (1 << (bpc - l)) - 1) alt = (1 << (bpc - l)) - 1;
      const altCodewords = mask + 1 - (alt << l);
      let suffix = 0;
      while (1 << suffix < altCodewords) suffix++;
      this.nGR[l] = alt << l;
      this.notGRlen[l] = alt + suffix;
    }
    for (let s = 0; s <= mask; s++) this.u2l[s] = s <= mask >> 1 ? s << 1 : ((mask - s) << 1) + 1;
  }
  /** [codeword, length] of value n under code l. */
  code(n: number, l: number): [number, number] {
    if (n < this.nGR[l]!) return [(1 << l) | (n & ((1 << l) - 1)), (n >>> l) + l + 1];
    return [n - this.nGR[l]!, this.notGRlen[l]!];
  }
}

class Writer {
  words: number[] = [];
  private word = 0;
  private avail = 32;
  put(value: number, len: number): void {
    const delta = this.avail - len;
    if (delta >= 0) {
      this.avail = delta;
      this.word = (this.word | (value << delta)) >>> 0;
      return;
    }
    this.word = (this.word | (value >>> -delta)) >>> 0;
    this.words.push(this.word);
    this.avail = 32 + delta;
    this.word = (value << this.avail) >>> 0;
  }
  put32(v: number): void {
    this.put(v >>> 16, 16);
    this.put(v & 0xffff, 16);
  }
  ones(n: number): void {
    for (let k = n >> 5; k > 0; k--) this.put32(0xffffffff);
    if (n & 31) this.put((1 << (n & 31)) - 1, n & 31);
  }
  /** quic.c's flush(): pad the word, add a zero word (the decoder's look-ahead). */
  finish(): Uint8Array {
    if (this.avail > 0 && this.avail !== 32) this.put(0, this.avail);
    this.put32(0);
    this.put(0, 1);
    const out = new Uint8Array(this.words.length * 4);
    const view = new DataView(out.buffer);
    this.words.forEach((w, i) => view.setUint32(i * 4, w, true));
    return out;
  }
}

class State {
  waitcnt = 0;
  seed = 0xff;
  wmidx = 0;
  wmileft = 2048;
  trigger = BEST_TRIG[0]!;
  melcstate = 0;
  melclen = J[0]!;
  melcorder = 1;
  rand(): number {
    this.seed++;
    return TABRAND[this.seed & 0xff]!;
  }
}

class Channel {
  bucketOf: number[] = [];
  best: number[] = [];
  counters: number[][] = [];
  corr: number[];
  constructor(readonly plane: Uint8Array, readonly fam: Family, width: number) {
    this.corr = new Array<number>(width + 1).fill(0);
    const levels = 1 << fam.bpc;
    // quic.c's fill_model_structures() with DEFevol 3.
    let bend = 0;
    let n = 0;
    let rep = 2;
    let size = 1;
    do {
      const bstart = n ? bend + 1 : 0;
      if (!--rep) {
        rep = 1;
        size *= 2;
      }
      bend = bstart + size - 1;
      if (bend + size >= levels) bend = levels - 1;
      for (let v = bstart; v <= bend; v++) this.bucketOf[v] = n;
      this.best[n] = fam.bpc - 1;
      this.counters[n] = new Array<number>(8).fill(0);
      n++;
    } while (bend < levels - 1);
  }
  /** correlate_row[x], with x = -1 allowed. */
  c(x: number): number {
    return this.corr[x + 1]!;
  }
  setC(x: number, v: number): void {
    this.corr[x + 1] = v;
  }
  update(state: State, x: number): void {
    const b = this.bucketOf[this.c(x - 1)]!;
    const cur = this.c(x);
    const counters = this.counters[b]!;
    const bpc = this.fam.bpc;
    let best = bpc - 1;
    let bestLen = (counters[best]! += this.fam.code(cur, best)[1]);
    for (let i = bpc - 2; i >= 0; i--) {
      const len = (counters[i]! += this.fam.code(cur, i)[1]);
      if (len < bestLen) {
        best = i;
        bestLen = len;
      }
    }
    this.best[b] = best;
    if (bestLen > state.trigger) for (let i = 0; i < bpc; i++) counters[i] = counters[i]! >>> 1;
  }
}

/** One set of channels coded together (RGB, or a single gray / alpha plane) with its state. */
class Group {
  state = new State();
  constructor(
    readonly channels: Channel[],
    readonly out: Writer,
    readonly width: number,
  ) {}

  private sample(ch: Channel, y: number, x: number): number {
    return ch.plane[y * this.width + x]!;
  }
  private same(y: number, x1: number, x2: number): boolean {
    return this.channels.every((ch) => this.sample(ch, y, x1) === this.sample(ch, y, x2));
  }
  private code(ch: Channel, x: number): void {
    const [word, len] = ch.fam.code(ch.c(x), ch.best[ch.bucketOf[ch.c(x - 1)]!]!);
    this.out.put(word, len);
  }
  private updateAll(x: number): void {
    for (const ch of this.channels) ch.update(this.state, x);
  }
  private pixel(y: number, x: number): void {
    for (const ch of this.channels) {
      const mask = (1 << ch.fam.bpc) - 1;
      const cur = this.sample(ch, y, x);
      let pred: number;
      if (y === 0) pred = x === 0 ? 0 : this.sample(ch, y, x - 1);
      else if (x === 0) pred = this.sample(ch, y - 1, 0);
      else pred = (this.sample(ch, y, x - 1) + this.sample(ch, y - 1, x)) >> 1;
      ch.setC(x, ch.fam.u2l[(cur - pred) & mask]!);
      this.code(ch, x);
    }
  }
  private run(runlen: number): void {
    const s = this.state;
    let hits = 0;
    while (runlen >= s.melcorder) {
      hits++;
      runlen -= s.melcorder;
      if (s.melcstate < 31) {
        s.melclen = J[++s.melcstate]!;
        s.melcorder = 1 << s.melclen;
      }
    }
    this.out.ones(hits);
    this.out.put(runlen, s.melclen + 1);
    if (s.melcstate) {
      s.melclen = J[--s.melcstate]!;
      s.melcorder = 1 << s.melclen;
    }
  }

  /** compress_row_seg / compress_row0_seg of quic_tmpl.c. */
  private segment(y: number, start: number, end: number, waitmask: number): void {
    const s = this.state;
    let i = start;
    let stopidx: number;
    let runIndex = 0;
    if (i === 0) {
      this.pixel(y, 0);
      if (s.waitcnt) s.waitcnt--;
      else {
        s.waitcnt = s.rand() & waitmask;
        this.updateAll(0);
      }
      stopidx = ++i + s.waitcnt;
    } else {
      stopidx = i + s.waitcnt;
    }
    const wantsRun = (x: number): boolean =>
      y > 0 && this.same(y - 1, x - 1, x) && runIndex !== x && x > 2 && this.same(y, x - 1, x - 2);
    for (;;) {
      let runAt = -1;
      outer: while (stopidx < end) {
        for (; i <= stopidx; i++) {
          if (wantsRun(i)) {
            runAt = i;
            break outer;
          }
          this.pixel(y, i);
        }
        this.updateAll(stopidx);
        stopidx = i + (s.rand() & waitmask);
      }
      if (runAt < 0) {
        for (; i < end; i++) {
          if (wantsRun(i)) {
            runAt = i;
            break;
          }
          this.pixel(y, i);
        }
      }
      if (runAt < 0) {
        s.waitcnt = stopidx - end;
        return;
      }
      runIndex = i;
      s.waitcnt = stopidx - i;
      let size = 0;
      while (this.same(y, i, i - 1)) {
        size++;
        if (++i === end) {
          this.run(size);
          return;
        }
      }
      this.run(size);
      stopidx = i + s.waitcnt;
    }
  }

  /** compress_row / compress_row0: segments cut where the wait mask grows. */
  row(y: number): void {
    for (const ch of this.channels) ch.setC(-1, y === 0 ? 0 : ch.c(0));
    const s = this.state;
    let pos = 0;
    let width = this.width;
    while (s.wmidx < 6 && s.wmileft <= width) {
      if (s.wmileft) {
        this.segment(y, pos, pos + s.wmileft, (1 << s.wmidx) - 1);
        width -= s.wmileft;
        pos += s.wmileft;
      }
      s.wmidx++;
      s.trigger = BEST_TRIG[Math.min(s.wmidx, 10)]!;
      s.wmileft = 2048;
    }
    if (width) {
      this.segment(y, pos, pos + width, (1 << s.wmidx) - 1);
      if (s.wmidx < 6) s.wmileft -= width;
    }
  }
}

/**
 * Encodes `pixels` (0xAARRGGBB, top-down) as a QUIC payload of the given type. RGB16 keeps the
 * top 5 bits of each channel, GRAY codes the blue byte, alpha is coded only for RGBA.
 */
export function encodeQuic(type: QuicTestType, width: number, height: number, pixels: Uint32Array): Uint8Array {
  const n = width * height;
  const plane = (shift: number, bits: number) => {
    const p = new Uint8Array(n);
    for (let i = 0; i < n; i++) p[i] = ((pixels[i]! >>> shift) & 0xff) >>> (8 - bits);
    return p;
  };
  const out = new Writer();
  for (const v of [0x43495551, 0, TYPE_CODE[type], width, height]) out.put32(v);
  const groups: Group[] = [];
  if (type === 'gray') {
    groups.push(new Group([new Channel(plane(0, 8), new Family(8), width)], out, width));
  } else {
    const bpc = type === 'rgb16' ? 5 : 8;
    const fam = new Family(bpc);
    const rgb = [16, 8, 0].map((shift) => new Channel(plane(shift, bpc), fam, width));
    groups.push(new Group(rgb, out, width));
    if (type === 'rgba') groups.push(new Group([new Channel(plane(24, 8), new Family(8), width)], out, width));
  }
  for (let y = 0; y < height; y++) for (const g of groups) g.row(y);
  return out.finish();
}

/** What a decoder must return for `pixels` encoded as `type` (see encodeQuic). */
export function expectedPixels(type: QuicTestType, pixels: Uint32Array): Uint32Array {
  const widen = (v: number) => ((v >>> 3) << 3) | (v >>> 5);
  return pixels.map((p) => {
    const r = (p >>> 16) & 0xff;
    const g = (p >>> 8) & 0xff;
    const b = p & 0xff;
    switch (type) {
      case 'gray':
        return (0xff000000 | (b * 0x010101)) >>> 0;
      case 'rgb16':
        return (0xff000000 | (widen(r) << 16) | (widen(g) << 8) | widen(b)) >>> 0;
      case 'rgba':
        return p;
      default:
        return (0xff000000 | (p & 0xffffff)) >>> 0;
    }
  });
}
