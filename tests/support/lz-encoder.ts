// A test-only encoder for SPICE LZ and GLZ streams: the independent source of payloads for
// tests/unit/codecs/lz.test.ts and glz.test.ts. It writes the wire format from the encoder's
// side (lz.c's encode_32 / lz_compress_tmpl.c, spice-server's glz-encoder.c and
// glz-encode-match.tmpl.c): tokens are either given by the test (to force literal runs,
// overlapping or far matches, long lengths, each reference form) or found by a small greedy
// matcher. Nothing here is used by the product, and nothing is shared with the decoders.

import { concatBytes as concat } from '../../src/core/util/bytes';

/** The LZ tests build payloads with it. */
export { concat };

export const LZ = {
  PLT1_LE: 1,
  PLT1_BE: 2,
  PLT4_LE: 3,
  PLT4_BE: 4,
  PLT8: 5,
  RGB16: 6,
  RGB24: 7,
  RGB32: 8,
  RGBA: 9,
  XXXA: 10,
  A8: 11,
} as const;

/** What one unit of a stream is: a 3-byte pixel (B,G,R), a 2-byte RGB16 pixel, or one byte. */
export type UnitKind = 'rgb' | 'rgb16' | 'byte';

export type Token =
  /** Units copied verbatim (split into runs of at most 32). */
  | { kind: 'literal'; units: ArrayLike<number> }
  /** A back reference inside the image: `distance` units back (1 = a run of the previous unit). */
  | { kind: 'match'; length: number; distance: number; longForm?: boolean }
  /** GLZ only: `length` units from `offset` of the image `imageDist` ids back. */
  | { kind: 'ref'; imageDist: number; offset: number; length: number; longForm?: boolean };

/** Shortest match each unit kind can express (the length bias of the format). */
export const MIN_MATCH: Record<UnitKind, number> = { rgb: 1, rgb16: 2, byte: 3 };

const MAGIC = 0x20205a4c;
const VERSION = 0x00010001;
const LZ_MAX_DISTANCE = 8191;
const LZ_MAX_FAR_DISTANCE = 65535 + 8191 + 1;

class Sink {
  bytes = new Uint8Array(1024);
  length = 0;

  push(b: number): void {
    if (this.length === this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.bytes[this.length++] = b & 0xff;
  }

  u32(v: number): void {
    this.push(v >>> 24);
    this.push(v >>> 16);
    this.push(v >>> 8);
    this.push(v);
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

function pushUnit(sink: Sink, kind: UnitKind, v: number): void {
  if (kind === 'rgb') {
    sink.push(v); // B
    sink.push(v >>> 8); // G
    sink.push(v >>> 16); // R
  } else if (kind === 'rgb16') {
    sink.push(v >>> 8);
    sink.push(v);
  } else {
    sink.push(v);
  }
}

function pushLiteral(sink: Sink, kind: UnitKind, units: ArrayLike<number>): void {
  for (let i = 0; i < units.length; i += 32) {
    const count = Math.min(32, units.length - i);
    sink.push(count - 1);
    for (let j = 0; j < count; j++) pushUnit(sink, kind, units[i + j]);
  }
}

/** Top 3 bits of the control byte and the extra length bytes for a match of `length` units. */
function lengthCode(kind: UnitKind, length: number): { code: number; extra: number[] } {
  if (!Number.isInteger(length) || length < MIN_MATCH[kind]) throw new RangeError(`match length ${length} too short for ${kind}`);
  const v = length - MIN_MATCH[kind] + 1;
  if (v < 7) return { code: v, extra: [] };
  const extra: number[] = [];
  let rest = v - 7;
  while (rest >= 255) {
    extra.push(255);
    rest -= 255;
  }
  extra.push(rest);
  return { code: 7, extra };
}

/** Body of one LZ pass. */
export function writeLzTokens(kind: UnitKind, tokens: readonly Token[], sink = new Sink()): Uint8Array {
  for (const t of tokens) {
    if (t.kind === 'literal') {
      pushLiteral(sink, kind, t.units);
    } else if (t.kind === 'match') {
      const { code, extra } = lengthCode(kind, t.length);
      const o = t.distance - 1;
      if (o < 0 || t.distance > LZ_MAX_FAR_DISTANCE) throw new RangeError(`LZ distance ${t.distance}`);
      if (o < LZ_MAX_DISTANCE) {
        sink.push((code << 5) | (o >>> 8));
        extra.forEach((b) => sink.push(b));
        sink.push(o);
      } else {
        const far = o - LZ_MAX_DISTANCE;
        sink.push((code << 5) | 31);
        extra.forEach((b) => sink.push(b));
        sink.push(255);
        sink.push(far >>> 8);
        sink.push(far);
      }
    } else {
      throw new RangeError('LZ has no references to other images');
    }
  }
  return sink.result();
}

/** Body of one GLZ pass. */
export function writeGlzTokens(kind: UnitKind, tokens: readonly Token[], sink = new Sink()): Uint8Array {
  for (const t of tokens) {
    if (t.kind === 'literal') {
      pushLiteral(sink, kind, t.units);
      continue;
    }
    const { code, extra } = lengthCode(kind, t.length);
    const imageDist = t.kind === 'ref' ? t.imageDist : 0;
    const pixelOfs = t.kind === 'ref' ? t.offset : t.distance - 1;
    if (t.kind === 'ref' && imageDist < 1) throw new RangeError('a ref needs imageDist >= 1');
    if (pixelOfs < 0 || pixelOfs >= 1 << 25) throw new RangeError(`GLZ pixel offset ${pixelOfs}`);
    if (imageDist >= 2 ** 30) throw new RangeError(`GLZ image distance ${imageDist}`);
    if (pixelOfs < 4096 && imageDist < 2 ** 30 && !t.longForm) {
      // Short pixel offset: 12 bits, image distance in 6 + 8·k bits.
      const k = imageDist < 64 ? 0 : imageDist < 1 << 14 ? 1 : imageDist < 1 << 22 ? 2 : 3;
      sink.push((code << 5) | (pixelOfs & 15));
      extra.forEach((b) => sink.push(b));
      sink.push(pixelOfs >>> 4);
      sink.push((k << 6) | (imageDist & 63));
      for (let i = 0; i < k; i++) sink.push(imageDist >>> (6 + 8 * i));
    } else {
      if (imageDist >= 1 << 24) throw new RangeError(`GLZ image distance ${imageDist} in the long form`);
      const k = imageDist === 0 ? 0 : imageDist < 256 ? 1 : imageDist < 65536 ? 2 : 3;
      const more = pixelOfs >= 1 << 17 ? 1 : 0;
      sink.push((code << 5) | 16 | (pixelOfs & 15));
      extra.forEach((b) => sink.push(b));
      sink.push(pixelOfs >>> 4);
      sink.push((k << 6) | (more << 5) | ((pixelOfs >>> 12) & 31));
      for (let i = 0; i < k; i++) sink.push(imageDist >>> (8 * i));
      if (more) sink.push(pixelOfs >>> 17);
    }
  }
  return sink.result();
}

// ---------------------------------------------------------------------------------------------
// Greedy matcher

export interface HistoryImage {
  /** How many ids back this image is from the one being encoded (>= 1). */
  imageDist: number;
  units: Uint32Array;
}

export interface TokenizeOptions {
  kind: UnitKind;
  /** Largest distance inside the image (LZ: 73727; GLZ: 2^25). */
  maxDistance: number;
  /** GLZ: earlier images a match may point into (same unit kind). */
  history?: readonly HistoryImage[];
  /** Ignore matches shorter than this (default: 3, or the kind's minimum if larger). */
  minLength?: number;
}

const HASH_BITS = 16;

function hash3(u: Uint32Array, i: number): number {
  return (Math.imul(u[i], 0x9e3779b1) ^ Math.imul(u[i + 1], 0x85ebca77) ^ Math.imul(u[i + 2], 0xc2b2ae3d)) >>> (32 - HASH_BITS);
}

function buildTable(u: Uint32Array): Int32Array {
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  for (let i = 0; i + 2 < u.length; i++) table[hash3(u, i)] = i;
  return table;
}

const historyTables = new WeakMap<Uint32Array, Int32Array>();

function matchLength(a: Uint32Array, ai: number, b: Uint32Array, bi: number, max: number): number {
  let n = 0;
  while (n < max && a[ai + n] === b[bi + n]) n++;
  return n;
}

/** Splits `units` into literals and matches, greedily taking the longest match found. */
export function tokenize(units: Uint32Array, options: TokenizeOptions): Token[] {
  const { kind, maxDistance } = options;
  const minLength = Math.max(options.minLength ?? 3, MIN_MATCH[kind]);
  const history = (options.history ?? []).map((h) => {
    let table = historyTables.get(h.units);
    if (!table) {
      table = buildTable(h.units);
      historyTables.set(h.units, table);
    }
    return { ...h, table };
  });
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  const tokens: Token[] = [];
  let literal: number[] = [];
  const n = units.length;
  let i = 0;
  while (i < n) {
    let bestLen = 0;
    let best: Token | undefined;
    const remaining = n - i;
    if (i > 0 && units[i] === units[i - 1]) {
      // Overlapping run: the decoder repeats the previous unit.
      const len = matchLength(units, i, units, i - 1, remaining);
      bestLen = len;
      best = { kind: 'match', length: len, distance: 1 };
    }
    if (remaining >= 3) {
      const h = hash3(units, i);
      const cand = table[h];
      if (cand >= 0 && i - cand <= maxDistance) {
        const len = matchLength(units, i, units, cand, remaining);
        if (len > bestLen) {
          bestLen = len;
          best = { kind: 'match', length: len, distance: i - cand };
        }
      }
      for (const img of history) {
        const c = img.table[h];
        if (c < 0) continue;
        const len = matchLength(units, i, img.units, c, Math.min(remaining, img.units.length - c));
        if (len > bestLen) {
          bestLen = len;
          best = { kind: 'ref', imageDist: img.imageDist, offset: c, length: len };
        }
      }
      table[h] = i;
    }
    if (best && bestLen >= minLength) {
      if (literal.length) tokens.push({ kind: 'literal', units: literal });
      literal = [];
      tokens.push(best);
      // Index a few positions inside the match so later data can find it.
      for (let j = i + 1; j < i + bestLen && j + 2 < n; j += j - i < 16 ? 1 : 8) table[hash3(units, j)] = j;
      i += bestLen;
    } else {
      literal.push(units[i]);
      i++;
    }
  }
  if (literal.length) tokens.push({ kind: 'literal', units: literal });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Images

/**
 * A source bitmap as a server holds it. `values` has one entry per pixel, rows top-down:
 * 0xAARRGGBB for RGB24/RGB32/RGBA (alpha only matters for RGBA), an alpha byte for XXXA/A8, a
 * 16-bit x1r5g5b5 value for RGB16, a palette index for the PLT types.
 */
export interface SourceImage {
  type: number;
  width: number;
  height: number;
  topDown: boolean;
  values: ArrayLike<number>;
}

export const PIXELS_PER_BYTE: Record<number, number> = { 1: 8, 2: 8, 3: 2, 4: 2, 5: 1 };
const BYTES_PER_PIXEL: Record<number, number> = { 6: 2, 7: 3, 8: 4, 9: 4, 10: 4, 11: 1 };

export function strideOf(type: number, width: number): number {
  const ppb = PIXELS_PER_BYTE[type];
  return ppb ? Math.ceil(width / ppb) : width * BYTES_PER_PIXEL[type];
}

/** The units of each pass of `img`, in stream row order, and their kind. */
export function passes(img: SourceImage): { kind: UnitKind; units: Uint32Array }[] {
  const { type, width, height, topDown, values } = img;
  const rowOf = (r: number): number => (topDown ? r : height - 1 - r);
  const ppb = PIXELS_PER_BYTE[type];
  if (ppb) {
    // Pack indices: PLT1_LE/PLT4_LE put the first pixel in the low bits, _BE in the high bits.
    const stride = strideOf(type, width);
    const bits = 8 / ppb;
    const be = type === LZ.PLT1_BE || type === LZ.PLT4_BE;
    const out = new Uint32Array(stride * height);
    for (let r = 0; r < height; r++) {
      const y = rowOf(r);
      for (let x = 0; x < width; x++) {
        const slot = x % ppb;
        const shift = be ? 8 - bits * (slot + 1) : bits * slot;
        out[r * stride + Math.floor(x / ppb)] |= (values[y * width + x] & ((1 << bits) - 1)) << shift;
      }
    }
    return [{ kind: 'byte', units: out }];
  }
  const n = width * height;
  const colour = new Uint32Array(n);
  const alpha = new Uint32Array(n);
  for (let r = 0; r < height; r++) {
    const y = rowOf(r);
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      colour[r * width + x] = type === LZ.RGB16 ? v & 0xffff : v & 0xffffff;
      alpha[r * width + x] = type === LZ.XXXA || type === LZ.A8 ? v & 0xff : v >>> 24;
    }
  }
  switch (type) {
    case LZ.RGB16:
      return [{ kind: 'rgb16', units: colour }];
    case LZ.RGB24:
    case LZ.RGB32:
      return [{ kind: 'rgb', units: colour }];
    case LZ.RGBA:
      return [
        { kind: 'rgb', units: colour },
        { kind: 'byte', units: alpha },
      ];
    case LZ.XXXA:
    case LZ.A8:
      return [{ kind: 'byte', units: alpha }];
    default:
      throw new RangeError(`type ${type}`);
  }
}

export interface LzHeaderFields {
  magic?: number;
  version?: number;
  type: number;
  width: number;
  height: number;
  stride?: number;
  topDown: boolean;
}

export function lzHeader(h: LzHeaderFields): Uint8Array {
  const sink = new Sink();
  sink.u32(h.magic ?? MAGIC);
  sink.u32(h.version ?? VERSION);
  sink.u32(h.type);
  sink.u32(h.width);
  sink.u32(h.height);
  sink.u32(h.stride ?? strideOf(h.type, h.width));
  sink.u32(h.topDown ? 1 : 0);
  return sink.result();
}

/**
 * A complete LZ payload for `img`. `tokens` (one list per pass) replaces the greedy matcher,
 * for tests that need a particular construct.
 */
export function encodeLz(img: SourceImage, tokens?: Token[][]): Uint8Array {
  const bodies = passes(img).map((p, i) =>
    writeLzTokens(p.kind, tokens?.[i] ?? tokenize(p.units, { kind: p.kind, maxDistance: LZ_MAX_FAR_DISTANCE })),
  );
  return concat(lzHeader(img), ...bodies);
}

export interface GlzHeaderFields {
  magic?: number;
  version?: number;
  type: number;
  width: number;
  height: number;
  stride?: number;
  topDown: boolean;
  /** The image id; the low word goes on the wire as is (pass `id & 0xffffff` to mimic spice-server). */
  id: number;
  idHigh?: number;
  headDist: number;
}

export function glzHeader(h: GlzHeaderFields): Uint8Array {
  const sink = new Sink();
  sink.u32(h.magic ?? MAGIC);
  sink.u32(h.version ?? VERSION);
  sink.push((h.type & 15) | (h.topDown ? 16 : 0));
  sink.u32(h.width);
  sink.u32(h.height);
  sink.u32(h.stride ?? strideOf(h.type, h.width));
  sink.u32(h.idHigh ?? 0);
  sink.u32(h.id);
  sink.u32(h.headDist);
  return sink.result();
}

interface EncodedHistory {
  id: number;
  type: number;
  pixels: number;
  passes: { kind: UnitKind; units: Uint32Array }[];
}

export interface GlzEncodeOptions {
  /** Override the id (default: one more than the last). */
  id?: number;
  /** Override win_head_dist (default: what this encoder's window holds). */
  headDist?: number;
  /** Reference earlier images (default true). */
  crossImage?: boolean;
  /** Explicit tokens per pass instead of the greedy matcher. */
  tokens?: Token[][];
  /** Wire id = id & 0xffffff, as spice-server's encode_64 writes it. */
  maskId?: boolean;
}

/**
 * A GLZ encoder with a window like spice-server's: images enter with increasing ids, the
 * oldest leave once the window (in pixels, counting the new image) would overflow, and matches
 * only reference images of the same type that are still in the window.
 */
export class GlzTestEncoder {
  private history: EncodedHistory[] = [];
  private nextId = 0;
  /** The tokens of each pass of the last image encoded (tests check what they exercised). */
  lastTokens: Token[][] = [];

  constructor(readonly windowSize: number) {}

  encode(img: SourceImage, options: GlzEncodeOptions = {}): Uint8Array {
    const n = img.width * img.height;
    if (n > this.windowSize) throw new RangeError('image larger than the window');
    const id = options.id ?? this.nextId;
    this.nextId = id + 1;
    let total = n + this.history.reduce((s, h) => s + h.pixels, 0);
    while (total > this.windowSize) total -= this.history.shift()!.pixels;
    const head = this.history.length ? this.history[0].id : id;
    const ps = passes(img);
    this.lastTokens = ps.map((p, i) => {
      const given = options.tokens?.[i];
      if (given) return given;
      const history: HistoryImage[] =
        options.crossImage === false
          ? []
          : this.history
              .filter((h) => h.type === img.type && id - h.id >= 1)
              .map((h) => ({ imageDist: id - h.id, units: h.passes[i].units }));
      return tokenize(p.units, { kind: p.kind, maxDistance: (1 << 25) - 1, history });
    });
    const bodies = ps.map((p, i) => writeGlzTokens(p.kind, this.lastTokens[i]));
    this.history.push({ id, type: img.type, pixels: n, passes: ps });
    const header = glzHeader({
      ...img,
      id: options.maskId ? id & 0xffffff : id,
      idHigh: options.maskId ? Math.floor(id / 2 ** 32) : 0,
      headDist: options.headDist ?? id - head,
    });
    return concat(header, ...bodies);
  }
}

// ---------------------------------------------------------------------------------------------
// Synthetic content

/** xorshift32: deterministic pseudo-random numbers for test images. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * Desktop-like 0xFFRRGGBB content: flat panels, window frames, gradients, text-ish strokes and
 * a noisy "photo" patch. The kind of frame LZ compresses in practice (roughly 5-20:1).
 */
export function desktopImage(width: number, height: number, seed = 1): Uint32Array {
  const rand = rng(seed);
  const px = new Uint32Array(width * height).fill(0xff2e3440);
  const rect = (x0: number, y0: number, w: number, h: number, f: (x: number, y: number) => number): void => {
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) px[y * width + x] = f(x, y);
    }
  };
  // Wallpaper gradient.
  rect(0, 0, width, height, (x, y) => 0xff000000 | ((40 + ((y * 60) / height) | 0) << 16) | ((50 + ((x * 40) / width) | 0) << 8) | 80);
  const windows = Math.max(1, Math.round((width * height) / 150000));
  for (let w = 0; w < windows; w++) {
    const ww = 100 + (rand() % Math.max(1, width / 2));
    const wh = 80 + (rand() % Math.max(1, height / 2));
    const wx = rand() % Math.max(1, width - 50);
    const wy = rand() % Math.max(1, height - 50);
    const bg = 0xff000000 | (rand() & 0x3f3f3f) | 0xc0c0c0;
    rect(wx, wy, ww, wh, () => bg);
    rect(wx, wy, ww, 24, () => 0xff3b4252);
    // Text: short strokes in rows.
    for (let line = wy + 32; line < wy + wh - 12; line += 16) {
      let x = wx + 8;
      while (x < wx + ww - 16) {
        const word = 10 + (rand() % 50);
        for (let k = 0; k < word; k++) {
          if (rand() % 3 === 0) continue;
          const h = 4 + (rand() % 8);
          rect(x + k, line + 10 - h, 1, h, () => 0xff202020);
        }
        x += word + 6;
      }
    }
    if (rand() % 3 === 0) {
      // A photo-like patch.
      rect(wx + 10, wy + 30, ww / 3, wh / 3, () => 0xff000000 | (rand() & 0xffffff));
    }
  }
  return px;
}

// ---------------------------------------------------------------------------------------------
// Test data and the pixels a decoder must produce from it, computed from the source alone.

const PALETTE_SIZE: Record<number, number> = { 1: 2, 2: 2, 3: 16, 4: 16, 5: 256 };
const widen5 = (v: number): number => (v << 3) | (v >>> 2);

/**
 * The top-down 0xAARRGGBB pixels of `img` as spice-gtk's canvas shows them: alpha 0xFF for the
 * colour-only types, RGB16 widened by bit replication, XXXA/A8 black with the alpha, palette
 * indices looked up (4-bit ones modulo the palette size, as spice-common does).
 */
export function expectedPixels(img: SourceImage, palette?: Uint32Array): Uint32Array {
  const out = new Uint32Array(img.width * img.height);
  for (let i = 0; i < out.length; i++) {
    const v = img.values[i];
    switch (img.type) {
      case LZ.RGB16:
        out[i] = (0xff000000 | (widen5((v >>> 10) & 31) << 16) | (widen5((v >>> 5) & 31) << 8) | widen5(v & 31)) >>> 0;
        break;
      case LZ.RGB24:
      case LZ.RGB32:
        out[i] = (0xff000000 | v) >>> 0;
        break;
      case LZ.RGBA:
        out[i] = v >>> 0;
        break;
      case LZ.XXXA:
      case LZ.A8:
        out[i] = ((v & 0xff) << 24) >>> 0;
        break;
      default:
        if (!palette) throw new RangeError('palette type without a palette');
        out[i] = (0xff000000 | (palette[v % palette.length] & 0xffffff)) >>> 0;
    }
  }
  return out;
}

/** Random source values of the right range for `type`, with runs and repeats so matches occur. */
export function sourceValues(type: number, n: number, seed: number): number[] {
  const rand = rng(seed);
  const values: number[] = [];
  const pick = (): number => {
    const r = rand();
    switch (type) {
      case LZ.RGB16:
        return r & 0xffff; // bit 15 set at random: decoders ignore it
      case LZ.RGB24:
      case LZ.RGB32:
        return r & 0xffffff;
      case LZ.RGBA:
        return r >>> 0;
      case LZ.XXXA:
      case LZ.A8:
        return r & 0xff;
      default:
        return r % PALETTE_SIZE[type];
    }
  };
  while (values.length < n) {
    const mode = rand() % 4;
    if (mode === 0 && values.length > 0) {
      // A run of the previous value.
      const len = 1 + (rand() % 40);
      for (let i = 0; i < len; i++) values.push(values[values.length - 1]);
    } else if (mode === 1 && values.length > 8) {
      // Repeat an earlier stretch.
      const from = rand() % values.length;
      const len = 1 + (rand() % 30);
      for (let i = 0; i < len; i++) values.push(values[from + (i % (values.length - from))]);
    } else {
      const len = 1 + (rand() % 12);
      for (let i = 0; i < len; i++) values.push(pick());
    }
  }
  return values.slice(0, n);
}

/** A palette of `size` random 0x00RRGGBB entries (default: the full size for the type). */
export function paletteFor(type: number, seed: number, size = PALETTE_SIZE[type]): Uint32Array {
  const rand = rng(seed ^ 0xabcdef);
  return Uint32Array.from({ length: size }, () => rand() & 0xffffff);
}
