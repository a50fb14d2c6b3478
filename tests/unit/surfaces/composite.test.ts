import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompositeFlags, SurfaceFormat } from '../../../src/core/protocol/constants';
import type { DrawComposite, Image, Rect, Transform } from '../../../src/core/protocol/display-types';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { compositeRegion } from '../../../src/main/surfaces/compositing/composite';
import { Op } from '../../../src/main/surfaces/compositing/operators';
import { A1, A8, A8R8G8B8, R5G6B5, X1R5G5B5, X8R8G8B8, type Picture, type PixelFormat } from '../../../src/main/surfaces/compositing/picture';
import { drawComposite } from '../../../src/main/surfaces/composite';
import { Surface } from '../../../src/main/surfaces/surface';
import { base, hex, image, Images, r, surface } from './helpers';

// ------------------------------------------------------------------ reference results from pixman

interface FixtureImage {
  format: number;
  width: number;
  height: number;
  pixels: string;
}
interface FixtureCase {
  op: number;
  dest: FixtureImage;
  src: FixtureImage & { repeat: number; filter: number; transform: number[] | null };
  mask: (FixtureImage & { repeat: number; filter: number; componentAlpha: boolean; transform: number[] | null }) | null;
  args: number[];
  expected: string;
}

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'display', 'pixman-composite.json');
const FORMATS: PixelFormat[] = [A8R8G8B8, X8R8G8B8, X1R5G5B5, R5G6B5, A8, A1];
const SURFACE_FORMATS = [SurfaceFormat.ARGB32, SurfaceFormat.XRGB32, SurfaceFormat.RGB16_555, SurfaceFormat.RGB16_565, SurfaceFormat.A8, SurfaceFormat.A1];

function words(packed: string): number[] {
  return (packed.match(/.{8}/g) ?? []).map((w) => parseInt(w, 16));
}

/** Pixels as stored in a surface of the fixture's format (what pixman's conversion gives). */
function stored(formatIndex: number, packed: string): Uint32Array {
  const values = words(packed);
  const s = new Surface(0, values.length, 1, SURFACE_FORMATS[formatIndex]);
  values.forEach((v, i) => (s.pixels[i] = (v | s.opaqueBits) >>> 0));
  s.normalize(r(0, 0, values.length, 1));
  return s.pixels;
}

function fixturePicture(img: FixtureImage, repeat: number, filter: number, componentAlpha: boolean, transform: number[] | null): Picture {
  return {
    pixels: stored(img.format, img.pixels),
    width: img.width,
    height: img.height,
    format: FORMATS[img.format],
    transform: transform as Transform | null,
    filter,
    repeat,
    componentAlpha,
    opaque: false,
  };
}

test('compositing equals pixman 0.42.2 on every case of the reference fixture (all operators, formats, filters, repeats, transforms, component alpha)', () => {
  const { cases } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: FixtureCase[] };
  assert.ok(cases.length >= 300);
  let changed = 0;
  for (const [index, c] of cases.entries()) {
    const dest = new Surface(0, c.dest.width, c.dest.height, SURFACE_FORMATS[c.dest.format]);
    dest.pixels.set(stored(c.dest.format, c.dest.pixels));
    const before = hex(dest.pixels);
    const [sx, sy, mx, my, dx, dy, w, h] = c.args;
    const area: Rect = { left: Math.max(dx, 0), top: Math.max(dy, 0), right: Math.min(dx + w, dest.width), bottom: Math.min(dy + h, dest.height) };
    if (area.right > area.left && area.bottom > area.top) {
      const src = fixturePicture(c.src, c.src.repeat, c.src.filter, false, c.src.transform);
      const mask = c.mask ? fixturePicture(c.mask, c.mask.repeat, c.mask.filter, c.mask.componentAlpha, c.mask.transform) : null;
      const region = [{ top: area.top, bottom: area.bottom, spans: [area.left, area.right] }];
      compositeRegion(dest, FORMATS[c.dest.format], region, area, c.op, src, sx - dx, sy - dy, mask, mx - dx, my - dy);
      dest.normalize(r(0, 0, dest.width, dest.height));
    }
    const expected = hex(words(c.expected));
    if (expected.join() !== before.join()) changed++;
    assert.deepEqual(hex(dest.pixels), expected, `case ${index}: operator 0x${c.op.toString(16)}`);
  }
  // The fixture must exercise something: most cases change the destination.
  assert.ok(changed > cases.length / 3, `only ${changed} cases change the destination`);
});

// ----------------------------------------------------------------------------- hand-checked math

function picture(pixels: number[], width: number, format: PixelFormat = A8R8G8B8, extra: Partial<Picture> = {}): Picture {
  return {
    pixels: Uint32Array.from(pixels),
    width,
    height: pixels.length / width,
    format,
    transform: null,
    filter: 3,
    repeat: 0,
    componentAlpha: false,
    opaque: false,
    ...extra,
  };
}

function one(op: number, dest: number, src: Picture, mask: Picture | null = null, format: number = SurfaceFormat.ARGB32): string {
  const s = new Surface(0, 1, 1, format);
  s.pixels[0] = dest >>> 0;
  const whole = [{ top: 0, bottom: 1, spans: [0, 1] }];
  compositeRegion(s, format === SurfaceFormat.ARGB32 ? A8R8G8B8 : X8R8G8B8, whole, r(0, 0, 1, 1), op, src, 0, 0, mask, 0, 0);
  return hex(s.pixels)[0];
}

test('OVER rounds each channel as pixman: d·(255 − sa)/255 rounded, plus s', () => {
  // d = 0x80 in every channel, s = half-transparent grey 0x40 (premultiplied), sa = 0x80:
  // 0x80·0x7f/255 = 63.75 → 64 (0x40), + 0x40 = 0x80.
  assert.equal(one(Op.OVER, 0x80808080, picture([0x80404040], 1)), 'c0808080');
  // An a8 mask of 0x80 scales the source first: 0xff·0x80/255 → 0x80 alpha, 0x20 colour.
  assert.equal(one(Op.OVER, 0xff000000, picture([0xff404040], 1), picture([0x80000000], 1, A8)), 'ff202020');
});

test('SATURATE with an opaque source is OVER_REVERSE in the 8-bit pipeline, as pixman reduces it', () => {
  // Both give d + s·(1 − da); only the reduction makes this exact in 8 bits: the float path
  // would round 0x33 · (1 − 0x80/255) differently from pixman's reduced operator.
  const dest = 0x80102030;
  const opaqueRepeating = picture([0xff336699], 1, X8R8G8B8, { repeat: 1 });
  const reduced = one(Op.OVER_REVERSE, dest, opaqueRepeating);
  assert.equal(one(Op.SATURATE, dest, opaqueRepeating), reduced);
});

test('the disjoint and conjoint CLEAR/SRC/DST are plain CLEAR/SRC/DST', () => {
  const src = picture([0x80ff0000], 1);
  for (const [variant, plain] of [
    [0x10, Op.CLEAR],
    [0x11, Op.SRC],
    [0x12, Op.DST],
    [0x20, Op.CLEAR],
    [0x21, Op.SRC],
    [0x22, Op.DST],
  ]) {
    assert.equal(one(variant, 0xff00ff00, src), one(plain, 0xff00ff00, src), `operator 0x${variant.toString(16)}`);
  }
});

test('on an xRGB surface the result keeps alpha 0xFF (its alpha byte reads as opaque)', () => {
  // IN keeps src·da: with da read as 1 the source survives whole.
  assert.equal(one(Op.IN, 0xff000000, picture([0x80402010], 1), null, SurfaceFormat.XRGB32), 'ff402010');
});

// ------------------------------------------------------------------------------ DRAW_COMPOSITE

function composite(box: Rect, source: Image, flags: number, extra: Partial<DrawComposite> = {}, clip?: Rect[]): DrawComposite {
  return {
    base: base(box, clip),
    flags,
    source,
    mask: null,
    sourceTransform: null,
    maskTransform: null,
    sourceOrigin: { x: 0, y: 0 },
    maskOrigin: { x: 0, y: 0 },
    ...extra,
  };
}

test('DRAW_COMPOSITE maps the source origin to the box corner and honours the clip', () => {
  const images = new Images();
  const src = images.add('src', image(3, 1, [0xff000001, 0xff000002, 0xff000003]));
  const full = surface(4, 1, undefined, SurfaceFormat.ARGB32);
  drawComposite(full, composite(r(1, 0, 4, 1), src, Op.SRC, { sourceOrigin: { x: 1, y: 0 } }), images.resolve);
  // Source pixels 1, 2 land on 1, 2; column 3 samples outside the image: transparent.
  assert.deepEqual(hex(full.pixels), ['00000000', 'ff000002', 'ff000003', '00000000']);
  const clipped = surface(4, 1, [0x11111111, 0x11111111, 0x11111111, 0x11111111], SurfaceFormat.ARGB32);
  const damage = drawComposite(clipped, composite(r(1, 0, 4, 1), src, Op.SRC, { sourceOrigin: { x: 1, y: 0 } }, [r(2, 0, 3, 1)]), images.resolve);
  assert.deepEqual(damage, r(2, 0, 3, 1));
  assert.deepEqual(hex(clipped.pixels), ['11111111', '11111111', 'ff000003', '11111111']);
});

test('DRAW_COMPOSITE: a surface source keeps its own format; SOURCE_OPAQUE reads its alpha as 0xFF', () => {
  const argb = new Surface(5, 1, 1, SurfaceFormat.ARGB32);
  argb.pixels[0] = 0x40102030;
  const source: Image = { descriptor: { id: 0n, type: 104, flags: 0, width: 1, height: 1 }, payload: { kind: 'surface', surfaceId: 5 } };
  const resolve = (): ReturnType<Surface['asImage']> => argb.asImage();
  const surfaceOf = (img: Image): Surface | undefined => (img.payload.kind === 'surface' ? argb : undefined);
  const translucent = surface(1, 1, [0xff808080]);
  drawComposite(translucent, composite(r(0, 0, 1, 1), source, Op.OVER), resolve, surfaceOf);
  // 0x80·(255 − 0x40)/255 = 95.9 → 0x60 per channel, plus the source's 0x10, 0x20, 0x30.
  assert.deepEqual(hex(translucent.pixels), ['ff708090']);
  const opaque = surface(1, 1, [0xff808080]);
  drawComposite(opaque, composite(r(0, 0, 1, 1), source, Op.OVER | CompositeFlags.SOURCE_OPAQUE), resolve, surfaceOf);
  assert.deepEqual(hex(opaque.pixels), ['ff102030']);
});

test('DRAW_COMPOSITE reads a source that is the destination as it was before the draw', () => {
  const s = surface(3, 1, [0xff000001, 0xff000002, 0xff000003], SurfaceFormat.ARGB32);
  const images = new Images();
  const self = images.add('self', () => s.asImage());
  drawComposite(s, composite(r(1, 0, 3, 1), self, Op.SRC), images.resolve);
  assert.deepEqual(hex(s.pixels), ['ff000001', 'ff000001', 'ff000002']);
});

test('DRAW_COMPOSITE transforms and repeats: a 2x scale with NORMAL repeat', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [0xff0000aa, 0xff0000bb]));
  const s = surface(6, 1, undefined, SurfaceFormat.ARGB32);
  // Destination → source: x' = x / 2 (0.5 in 16.16); nearest; repeat NORMAL (1 << 14).
  drawComposite(
    s,
    composite(r(0, 0, 6, 1), src, Op.SRC | (1 << 14), { sourceTransform: [0x8000, 0, 0, 0, 0x10000, 0] }),
    images.resolve,
  );
  assert.deepEqual(hex(s.pixels), ['ff0000aa', 'ff0000aa', 'ff0000bb', 'ff0000bb', 'ff0000aa', 'ff0000aa']);
});

test('DRAW_COMPOSITE refuses unknown operators and parameterised filters', () => {
  const images = new Images();
  const src = images.add('src', image(1, 1, [0xffffffff]));
  const s = surface(1, 1);
  assert.throws(() => drawComposite(s, composite(r(0, 0, 1, 1), src, 0x0e), images.resolve), ProtocolError);
  assert.throws(() => drawComposite(s, composite(r(0, 0, 1, 1), src, Op.OVER | (5 << 8)), images.resolve), /filter 5/);
});

test('DRAW_COMPOSITE onto an A8 surface with an A8 mask surface (X Render glyph masks)', () => {
  const a8 = new Surface(1, 2, 1, SurfaceFormat.A8);
  const mask = new Surface(2, 2, 1, SurfaceFormat.A8);
  mask.pixels.set([0x80000000, 0xff000000]);
  const surfaces = new Map<number, Surface>([[2, mask]]);
  const images = new Images();
  const white = images.add('white', image(1, 1, [0xffffffff]));
  const maskImage: Image = { descriptor: { id: 0n, type: 104, flags: 0, width: 2, height: 1 }, payload: { kind: 'surface', surfaceId: 2 } };
  const resolve = (img: Image): ReturnType<Surface['asImage']> => (img.payload.kind === 'surface' ? mask.asImage() : images.resolve(img));
  // ADD (0x0c), source repeating (NORMAL), mask present.
  drawComposite(a8, composite(r(0, 0, 2, 1), white, Op.ADD | (1 << 14) | CompositeFlags.HAS_MASK, { mask: maskImage }), resolve, (img) =>
    img.payload.kind === 'surface' ? surfaces.get(img.payload.surfaceId) : undefined,
  );
  assert.deepEqual(hex(a8.pixels), ['80000000', 'ff000000']);
});
