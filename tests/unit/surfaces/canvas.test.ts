import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageScaleMode, MaskFlags, Ropd, SurfaceFormat } from '../../../src/core/protocol/constants';
import type { Brush, DrawCopy, DrawFill, DrawOpaque, Image, QMask, Rect } from '../../../src/core/protocol/display-types';
import { ProtocolError } from '../../../src/core/protocol/errors';
import {
  copyBits,
  drawBlackness,
  drawBlend,
  drawCopy,
  drawFill,
  drawInvers,
  drawOpaque,
  drawWhiteness,
} from '../../../src/main/surfaces/canvas';
import { base, expectRows, hex, image, Images, maskImage, NO_MASK, r, rows, surface } from './helpers';

const B = 0xff000000; // opaque black: a new xRGB surface
const W = 0xffffffff;
const NEAREST = ImageScaleMode.NEAREST;
const INTERPOLATE = ImageScaleMode.INTERPOLATE;

function solid(color: number): Brush {
  return { type: 'solid', color };
}

function fill(box: Rect, brush: Brush, ropDescriptor: number, clip?: Rect[], mask: QMask = NO_MASK): DrawFill {
  return { base: base(box, clip), brush, ropDescriptor, mask };
}

function copy(box: Rect, source: Image | null, sourceArea: Rect, opts: Partial<DrawCopy> & { clip?: Rect[] } = {}): DrawCopy {
  return {
    base: base(box, opts.clip),
    source,
    sourceArea,
    ropDescriptor: opts.ropDescriptor ?? Ropd.OP_PUT,
    scaleMode: opts.scaleMode ?? NEAREST,
    mask: opts.mask ?? NO_MASK,
  };
}

function noResolve(): never {
  throw new Error('nothing to resolve');
}

// ----------------------------------------------------------------------------------- draw_fill

test('fill OP_PUT: solid colour over the box clipped to the surface; xRGB keeps alpha 0xFF', () => {
  const s = surface(4, 3);
  const damage = drawFill(s, fill(r(2, 1, 6, 5), solid(0x00123456), Ropd.OP_PUT), noResolve);
  assert.deepEqual(damage, r(2, 1, 4, 3));
  const C = 0xff123456;
  assert.deepEqual(rows(s), expectRows([[B, B, B, B], [B, B, C, C], [B, B, C, C]]));
});

test('fill on an ARGB surface writes the colour raw, alpha included', () => {
  const s = surface(2, 1, undefined, SurfaceFormat.ARGB32);
  assert.deepEqual(hex(s.pixels), ['00000000', '00000000']);
  drawFill(s, fill(r(0, 0, 1, 1), solid(0x00123456), Ropd.OP_PUT), noResolve);
  drawFill(s, fill(r(1, 0, 2, 1), solid(0x80123456), Ropd.OP_PUT), noResolve);
  assert.deepEqual(hex(s.pixels), ['00123456', '80123456']);
});

test('fill with XOR over overlapping clip rectangles touches each pixel once', () => {
  const s = surface(4, 3);
  const damage = drawFill(s, fill(r(0, 0, 4, 3), solid(0x00ffffff), Ropd.OP_XOR, [r(0, 0, 3, 2), r(1, 1, 4, 3)]), noResolve);
  assert.deepEqual(damage, r(0, 0, 4, 3));
  assert.deepEqual(rows(s), expectRows([[W, W, W, B], [W, W, W, W], [B, W, W, W]]));
});

test('fill: clip rectangles outside the box or empty draw nothing', () => {
  const s = surface(4, 3);
  assert.equal(drawFill(s, fill(r(0, 0, 2, 2), solid(0xffffff), Ropd.OP_PUT, [r(2, 0, 4, 3), r(1, 1, 1, 3)]), noResolve), null);
  assert.equal(drawFill(s, fill(r(0, 0, 2, 2), solid(0xffffff), Ropd.OP_PUT, []), noResolve), null);
  assert.equal(drawFill(s, fill(r(3, 0, 1, 2), solid(0xffffff), Ropd.OP_PUT), noResolve), null); // inverted box
  assert.equal(drawFill(s, fill(r(4, 0, 8, 2), solid(0xffffff), Ropd.OP_PUT), noResolve), null); // off the surface
  assert.ok(s.pixels.every((p) => p === B));
});

test('fill: every ROP descriptor form on raw 32-bit pixels (ARGB) and with forced alpha (xRGB)', () => {
  const d = 0x0f0f00ff;
  const b = 0x00ff0f33;
  const cases: [number, number][] = [
    [Ropd.OP_PUT, b],
    [0, b], // no OP bit: copy
    [Ropd.OP_PUT | Ropd.INVERS_BRUSH, ~b],
    [Ropd.OP_PUT | Ropd.INVERS_DEST, b], // spice-common ignores INVERS_DEST for OP_PUT
    [Ropd.OP_PUT | Ropd.INVERS_BRUSH | Ropd.INVERS_RES, b],
    [Ropd.OP_PUT | Ropd.INVERS_SRC, b], // for a fill, INVERS_SRC is not the brush's bit
    [Ropd.OP_OR, b | d],
    [Ropd.OP_OR | Ropd.INVERS_BRUSH, ~b | d],
    [Ropd.OP_OR | Ropd.INVERS_DEST, b | ~d],
    [Ropd.OP_OR | Ropd.INVERS_RES, ~(b | d)],
    [Ropd.OP_AND, b & d],
    [Ropd.OP_AND | Ropd.INVERS_BRUSH | Ropd.INVERS_DEST, ~b & ~d],
    [Ropd.OP_AND | Ropd.INVERS_RES | Ropd.INVERS_DEST, ~(b & ~d)],
    [Ropd.OP_XOR, b ^ d],
    [Ropd.OP_XOR | Ropd.INVERS_BRUSH, ~b ^ d],
    [Ropd.OP_XOR | Ropd.INVERS_RES | Ropd.INVERS_BRUSH | Ropd.INVERS_DEST, ~(~b ^ ~d)],
    [Ropd.OP_BLACKNESS, 0],
    [Ropd.OP_WHITENESS, 0xffffffff],
    [Ropd.OP_INVERS, ~d],
    [Ropd.OP_INVERS | Ropd.INVERS_RES, ~d], // INVERS_RES does not apply to the fixed ops
    [Ropd.OP_OR | Ropd.OP_AND, b | d], // OR is tested before AND
  ];
  for (const [descriptor, expected] of cases) {
    const argb = surface(1, 1, [d], SurfaceFormat.ARGB32);
    drawFill(argb, fill(r(0, 0, 1, 1), solid(b), descriptor), noResolve);
    assert.equal(hex(argb.pixels)[0], hex([expected])[0], `ARGB descriptor 0x${descriptor.toString(16)}`);
    const xrgb = surface(1, 1, [d | B]);
    drawFill(xrgb, fill(r(0, 0, 1, 1), solid(b), descriptor), noResolve);
    const expectedX = descriptor & Ropd.OP_INVERS ? ~(d | B) | B : expected | B;
    assert.equal(hex(xrgb.pixels)[0], hex([expectedX])[0], `xRGB descriptor 0x${descriptor.toString(16)}`);
  }
});

test('fill with no brush uses colour 0 (the ROP still applies)', () => {
  const s = surface(2, 1, [0xff123456, 0xff123456]);
  drawFill(s, fill(r(0, 0, 1, 1), { type: 'none' }, Ropd.OP_PUT), noResolve);
  drawFill(s, fill(r(1, 0, 2, 1), { type: 'none' }, Ropd.OP_XOR | Ropd.INVERS_RES), noResolve);
  assert.deepEqual(hex(s.pixels), ['ff000000', 'ffedcba9']);
});

test('pattern brush: tiled over the surface from pos, box elsewhere', () => {
  const [a, b, c, d] = [0xff00000a, 0xff00000b, 0xff00000c, 0xff00000d];
  const images = new Images();
  const tile = images.add('tile', image(2, 2, [a, b, c, d]));
  const s = surface(4, 2);
  drawFill(s, fill(r(0, 0, 4, 2), { type: 'pattern', image: tile, pos: { x: 1, y: 0 } }, Ropd.OP_PUT), images.resolve);
  assert.deepEqual(rows(s), expectRows([[b, a, b, a], [d, c, d, c]]));

  const t = surface(5, 3);
  drawFill(t, fill(r(1, 1, 5, 3), { type: 'pattern', image: tile, pos: { x: -1, y: 3 } }, Ropd.OP_PUT), images.resolve);
  // Tile pixel ((x + 1) mod 2, (y − 3) mod 2): row 1 → tile row 0, column 1 → tile column 0.
  assert.deepEqual(rows(t), expectRows([[B, B, B, B, B], [B, a, b, a, b], [B, c, d, c, d]]));
  assert.deepEqual(images.calls, ['tile', 'tile']);
});

test('pattern brush with a ROP and a wider tile than the run', () => {
  const images = new Images();
  const tile = images.add('tile', image(3, 1, [0x00000001, 0x00000002, 0x00000004]));
  const s = surface(4, 1, [B | 0x10, B | 0x10, B | 0x10, B | 0x10]);
  drawFill(s, fill(r(1, 0, 3, 1), { type: 'pattern', image: tile, pos: { x: 0, y: 0 } }, Ropd.OP_OR), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B | 0x10, B | 0x12, B | 0x14, B | 0x10]));
  // A tile with alpha copied onto xRGB gets opaque alpha.
  const alphaTile = images.add('alpha', image(1, 1, [0x11223344], true));
  drawFill(s, fill(r(0, 0, 1, 1), { type: 'pattern', image: alphaTile, pos: { x: 0, y: 0 } }, Ropd.OP_PUT), images.resolve);
  assert.equal(s.pixels[0], 0xff223344);
});

test('pattern brush agrees with a per-pixel reference for many tile sizes, phases and ROPs', () => {
  let seed = 99;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const width = 23;
  const height = 5;
  for (let iteration = 0; iteration < 300; iteration++) {
    const tw = 1 + rand(9);
    const th = 1 + rand(3);
    const hasAlpha = rand(2) === 1;
    // Opaque images carry alpha 0xFF (DecodedImage's contract); others any alpha.
    const tilePixels = Array.from({ length: tw * th }, () => (rand(0x1000000) | (hasAlpha ? rand(256) << 24 : B)) >>> 0);
    const images = new Images();
    const tile = images.add('tile', image(tw, th, tilePixels, hasAlpha));
    const pos = { x: rand(40) - 20, y: rand(10) - 5 };
    const box = r(rand(width), rand(height), rand(width + 1), rand(height + 1));
    const xor = rand(2) === 1;
    const start = Array.from({ length: width * height }, () => (B | rand(0x1000000)) >>> 0);
    const s = surface(width, height, start);
    drawFill(s, fill(box, { type: 'pattern', image: tile, pos }, xor ? Ropd.OP_XOR : Ropd.OP_PUT), images.resolve);
    const expected = start.map((v, i) => {
      const x = i % width;
      const y = (i / width) | 0;
      if (x < box.left || x >= box.right || y < box.top || y >= box.bottom) return v;
      const t = tilePixels[(((y - pos.y) % th) + th) % th * tw + ((((x - pos.x) % tw) + tw) % tw)];
      return ((xor ? t ^ v : t) | B) >>> 0;
    });
    assert.deepEqual(hex(s.pixels), hex(expected), `iteration ${iteration}`);
  }
});

// ---------------------------------------------------------------------------------------- masks

test('mask: only pixels whose mask bit is set are drawn; pos offsets the mask', () => {
  const images = new Images();
  const bits = images.add('mask', maskImage(['1010', '0110', '1111']));
  const s = surface(4, 3);
  const mask = { flags: 0, pos: { x: 1, y: 0 }, bitmap: bits };
  const damage = drawWhiteness(s, { base: base(r(1, 0, 4, 3)), mask }, images.resolve);
  assert.deepEqual(rows(s), expectRows([[B, B, W, B], [B, W, W, B], [B, W, W, W]]));
  assert.deepEqual(damage, r(1, 0, 4, 3));
});

test('mask with INVERS draws where the bit is clear, damage is the drawn bounds', () => {
  const images = new Images();
  const bits = images.add('mask', maskImage(['1010', '0110', '1111']));
  const s = surface(4, 3);
  const mask = { flags: MaskFlags.INVERS, pos: { x: 1, y: 0 }, bitmap: bits };
  const damage = drawWhiteness(s, { base: base(r(1, 0, 4, 3)), mask }, images.resolve);
  assert.deepEqual(rows(s), expectRows([[B, W, B, W], [B, B, B, W], [B, B, B, B]]));
  assert.deepEqual(damage, r(1, 0, 4, 2));
});

test('mask: pixels beyond the mask image are never drawn, even with INVERS', () => {
  const images = new Images();
  const bits = images.add('mask', maskImage(['00', '00']));
  const s = surface(4, 3);
  const damage = drawWhiteness(s, { base: base(r(0, 0, 4, 3)), mask: { flags: MaskFlags.INVERS, pos: { x: 0, y: 0 }, bitmap: bits } }, images.resolve);
  assert.deepEqual(rows(s), expectRows([[W, W, B, B], [W, W, B, B], [B, B, B, B]]));
  assert.deepEqual(damage, r(0, 0, 2, 2));
  // pos inside the mask: destination (x, y) reads mask (x + 1, y + 1); only (0, 0) has one.
  const t = surface(4, 3);
  const bits2 = images.add('mask2', maskImage(['01', '11']));
  drawWhiteness(t, { base: base(r(0, 0, 4, 3)), mask: { flags: 0, pos: { x: 1, y: 1 }, bitmap: bits2 } }, images.resolve);
  assert.deepEqual(rows(t), expectRows([[W, B, B, B], [B, B, B, B], [B, B, B, B]]));
});

test('mask: a mask that excludes everything draws nothing', () => {
  const images = new Images();
  const bits = images.add('mask', maskImage(['000']));
  const s = surface(3, 1);
  assert.equal(drawInvers(s, { base: base(r(0, 0, 3, 1)), mask: { flags: 0, pos: { x: 0, y: 0 }, bitmap: bits } }, images.resolve), null);
  assert.ok(s.pixels.every((p) => p === B));
});

test('mask: an opaque (palette-coloured) mask is set where the colour is not black', () => {
  const images = new Images();
  const bits = images.add('mask', image(3, 1, [0xff000000, 0xffffffff, 0xff000000]));
  const s = surface(3, 1);
  drawFill(s, fill(r(0, 0, 3, 1), solid(0x0000ff), Ropd.OP_PUT, undefined, { flags: 0, pos: { x: 0, y: 0 }, bitmap: bits }), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B, 0xff0000ff, B]));
});

test('mask combined with clip rectangles and a copy', () => {
  const images = new Images();
  const src = images.add('src', image(4, 2, [1, 2, 3, 4, 5, 6, 7, 8].map((v) => B | v)));
  const bits = images.add('mask', maskImage(['1101', '1011']));
  const s = surface(4, 2);
  drawCopy(s, copy(r(0, 0, 4, 2), src, r(0, 0, 4, 2), { clip: [r(1, 0, 4, 2)], mask: { flags: 0, pos: { x: 0, y: 0 }, bitmap: bits } }), images.resolve);
  assert.deepEqual(rows(s), expectRows([[B, B | 2, B, B | 4], [B, B, B | 7, B | 8]]));
});

// ------------------------------------------------------------------------------------ draw_copy

test('copy OP_PUT: source area to box, clipped', () => {
  const images = new Images();
  const src = images.add('src', image(3, 2, [1, 2, 3, 4, 5, 6].map((v) => B | v)));
  const s = surface(4, 3);
  const damage = drawCopy(s, copy(r(0, 1, 2, 3), src, r(1, 0, 3, 2)), images.resolve);
  assert.deepEqual(damage, r(0, 1, 2, 3));
  assert.deepEqual(rows(s), expectRows([[B, B, B, B], [B | 2, B | 3, B, B], [B | 5, B | 6, B, B]]));
  // Clipped to one pixel, and partly off the surface.
  const t = surface(2, 2);
  drawCopy(t, copy(r(1, 1, 3, 3), src, r(0, 0, 2, 2), { clip: [r(0, 0, 2, 2)] }), images.resolve);
  assert.deepEqual(rows(t), expectRows([[B, B], [B, B | 1]]));
});

test('copy of an image with alpha: forced opaque on xRGB, raw on ARGB', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [0x80102030, 0x00405060], true));
  const x = surface(2, 1);
  drawCopy(x, copy(r(0, 0, 2, 1), src, r(0, 0, 2, 1)), images.resolve);
  assert.deepEqual(hex(x.pixels), ['ff102030', 'ff405060']);
  const a = surface(2, 1, undefined, SurfaceFormat.ARGB32);
  drawCopy(a, copy(r(0, 0, 2, 1), src, r(0, 0, 2, 1)), images.resolve);
  assert.deepEqual(hex(a.pixels), ['80102030', '00405060']);
});

test('copy with ROPs: the source is "src", the surface "dst"', () => {
  const images = new Images();
  const sv = 0xff00ff0f;
  const dv = 0xff0f0ff0;
  const src = images.add('src', image(1, 1, [sv]));
  const cases: [number, number][] = [
    [Ropd.OP_XOR, sv ^ dv],
    [Ropd.OP_XOR | Ropd.INVERS_SRC, ~sv ^ dv],
    [Ropd.OP_AND | Ropd.INVERS_DEST, sv & ~dv],
    [Ropd.OP_OR | Ropd.INVERS_BRUSH, sv | dv], // the brush bit means nothing for a copy
    [Ropd.OP_PUT | Ropd.INVERS_SRC, ~sv],
    [Ropd.OP_INVERS, ~dv],
    [Ropd.OP_BLACKNESS, 0],
  ];
  for (const [descriptor, expected] of cases) {
    const s = surface(1, 1, [dv]);
    drawCopy(s, copy(r(0, 0, 1, 1), src, r(0, 0, 1, 1), { ropDescriptor: descriptor }), images.resolve);
    assert.equal(hex(s.pixels)[0], hex([expected | B])[0], `descriptor 0x${descriptor.toString(16)}`);
  }
});

test('draw_blend is draw_copy', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [B | 1, B | 2]));
  const a = surface(2, 1, [B | 4, B | 4]);
  const b = surface(2, 1, [B | 4, B | 4]);
  const op = copy(r(0, 0, 2, 1), src, r(0, 0, 2, 1), { ropDescriptor: Ropd.OP_OR });
  assert.deepEqual(drawBlend(a, op, images.resolve), drawCopy(b, op, images.resolve));
  assert.deepEqual(hex(a.pixels), hex(b.pixels));
  assert.deepEqual(hex(a.pixels), hex([B | 5, B | 6]));
});

test('copy from the destination surface itself reads the pixels as they were before', () => {
  const s = surface(4, 1, [B | 1, B | 2, B | 3, B | 4]);
  const images = new Images();
  const self = images.add('self', () => s.asImage());
  drawCopy(s, copy(r(1, 0, 4, 1), self, r(0, 0, 3, 1), { ropDescriptor: Ropd.OP_XOR }), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B | 1, B | (1 ^ 2), B | (2 ^ 3), B | (3 ^ 4)]));
  drawCopy(s, copy(r(0, 0, 3, 1), self, r(1, 0, 4, 1)), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B | 3, B | 1, B | 7, B | 7]));
});

// -------------------------------------------------------------------------------------- scaling

test('nearest scaling follows pixman: centre sample, edge points go to the left pixel', () => {
  const images = new Images();
  const [p0, p1, p2, p3] = [B | 0x10, B | 0x11, B | 0x12, B | 0x13];
  const src = images.add('src', image(4, 1, [p0, p1, p2, p3]));
  // 2 → 4: each pixel twice.
  let s = surface(4, 2);
  drawCopy(s, copy(r(0, 0, 4, 2), src, r(1, 0, 3, 1)), images.resolve);
  assert.deepEqual(rows(s), expectRows([[p1, p1, p2, p2], [p1, p1, p2, p2]]));
  // 4 → 2: the centre of destination pixel 0 maps exactly on the edge between 0 and 1 → 0.
  s = surface(2, 1);
  drawCopy(s, copy(r(0, 0, 2, 1), src, r(0, 0, 4, 1)), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([p0, p2]));
  // 3 → 2: samples at 0.75 and 2.25.
  s = surface(2, 1);
  drawCopy(s, copy(r(0, 0, 2, 1), src, r(1, 0, 4, 1)), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([p1, p3]));
  // 3 → 5: fsx = floor(3·65536/5) = 39321, samples at 0.3, 0.9, 1.5, 2.1, 2.7 (slightly less).
  s = surface(5, 1);
  drawCopy(s, copy(r(0, 0, 5, 1), src, r(0, 0, 3, 1)), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([p0, p0, p1, p2, p2]));
});

test('nearest scaling samples relative to the box, not the clip; with a ROP', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [B | 0x0a, B | 0x0b]));
  const s = surface(4, 1, [B | 0x100, B | 0x100, B | 0x100, B | 0x100]);
  drawCopy(s, copy(r(0, 0, 4, 1), src, r(0, 0, 2, 1), { clip: [r(1, 0, 3, 1)], ropDescriptor: Ropd.OP_XOR }), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B | 0x100, B | 0x10a, B | 0x10b, B | 0x100]));
});

test('interpolated scaling is pixman bilinear with 7-bit weights; outside the image reads 0', () => {
  const images = new Images();
  // A: r 0x40 g 0x80 b 0xc0; B: r 0xc0 g 0x00 b 0x40.
  const src = images.add('src', image(2, 1, [0xff4080c0, 0xffc00040]));
  const argb = surface(4, 1, undefined, SurfaceFormat.ARGB32);
  drawCopy(argb, copy(r(0, 0, 4, 1), src, r(0, 0, 2, 1), { scaleMode: INTERPOLATE }), images.resolve);
  // Sample points −0.25, 0.25, 0.75, 1.25 around pixel centres: weights ¾·A (¼ of a
  // transparent outside pixel), ¾A+¼B, ¼A+¾B, ¾B. Each channel truncated.
  assert.deepEqual(hex(argb.pixels), ['bf306090', 'ff6060a0', 'ffa02060', 'bf900030']);
  const xrgb = surface(4, 1);
  drawCopy(xrgb, copy(r(0, 0, 4, 1), src, r(0, 0, 2, 1), { scaleMode: INTERPOLATE }), images.resolve);
  assert.deepEqual(hex(xrgb.pixels), ['ff306090', 'ff6060a0', 'ffa02060', 'ff900030']);
});

test('interpolated scaling reads neighbours beyond the source area when the image has them', () => {
  const images = new Images();
  // 3x1 image; area is the middle pixel only, scaled to 2 pixels wide.
  const src = images.add('src', image(3, 1, [0xff000000, 0xff808080, 0xfffefefe]));
  const s = surface(2, 1, undefined, SurfaceFormat.ARGB32);
  drawCopy(s, copy(r(0, 0, 2, 1), src, r(1, 0, 2, 1), { scaleMode: INTERPOLATE }), images.resolve);
  // Points 1.25 and 1.75 in image space: ¾·0x80 + ¼·0x00 = 0x60; ¾·0x80 + ¼·0xfe = 0x9f (0x9f.8).
  assert.deepEqual(hex(s.pixels), ['ff606060', 'ff9f9f9f']);
});

test('integer downscale by an odd factor with INTERPOLATE gives the centre pixel', () => {
  const images = new Images();
  const src = images.add('src', image(6, 3, Array.from({ length: 18 }, (_, i) => B | i)));
  const s = surface(2, 1);
  drawCopy(s, copy(r(0, 0, 2, 1), src, r(0, 0, 6, 3), { scaleMode: INTERPOLATE }), images.resolve);
  // Centres at (1, 1) and (4, 1): pixels 7 and 10.
  assert.deepEqual(hex(s.pixels), hex([B | 7, B | 10]));
});

test('scaled copies: a clipped draw gives the unclipped pixels inside the clip', () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let iteration = 0; iteration < 100; iteration++) {
    const sw = 1 + rand(6);
    const sh = 1 + rand(6);
    const images = new Images();
    const src = images.add('src', image(sw, sh, Array.from({ length: sw * sh }, () => (B | rand(0x1000000)) >>> 0)));
    const area = r(0, 0, sw, sh);
    const box = r(rand(6) - 3, rand(6) - 3, 4 + rand(10), 4 + rand(8));
    const clip = [r(rand(12), rand(8), rand(12) + 1, rand(8) + 1)];
    const scaleMode = rand(2);
    const full = surface(12, 8);
    drawCopy(full, copy(box, src, area, { scaleMode }), images.resolve);
    const clipped = surface(12, 8);
    drawCopy(clipped, copy(box, src, area, { scaleMode, clip }), images.resolve);
    const expected = [...full.pixels].map((v, i) => {
      const x = i % 12;
      const y = (i / 12) | 0;
      const c = clip[0];
      return x >= c.left && x < c.right && y >= c.top && y < c.bottom ? v : B;
    });
    assert.deepEqual(hex(clipped.pixels), hex(expected), `iteration ${iteration}`);
  }
});

test('a scaled copy with a box far larger than the surface only works on the surface', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [B | 1, B | 2]));
  const s = surface(4, 2);
  const damage = drawCopy(s, copy(r(-(2 ** 31), 0, 2 ** 31 - 1, 2), src, r(0, 0, 2, 1), { scaleMode: INTERPOLATE }), images.resolve);
  assert.deepEqual(damage, r(0, 0, 4, 2));
  // fsx = floor(2·65536 / (2³² − 1)) = 0: every column samples x = 0, half from the transparent
  // pixel left of the image, and the rows a quarter from the one above: 3/8 of 0x000001 is 0.
  assert.ok(s.pixels.every((p) => p === B));
});

// ---------------------------------------------------------------------------------- draw_opaque

function opaque(box: Rect, source: Image, sourceArea: Rect, brush: Brush, ropDescriptor: number, mask: QMask = NO_MASK): DrawOpaque {
  return { base: base(box), source, sourceArea, brush, ropDescriptor, scaleMode: NEAREST, mask };
}

test('opaque: the source is copied, then the brush applied over it with the ROP', () => {
  const images = new Images();
  const sv = 0xff123456;
  const src = images.add('src', image(1, 1, [sv]));
  const bv = 0x00ff00ff;
  const cases: [number, number][] = [
    [Ropd.OP_AND, sv & bv],
    [Ropd.OP_AND | Ropd.INVERS_BRUSH, ~bv & sv],
    [Ropd.OP_AND | Ropd.INVERS_SRC, bv & ~sv], // INVERS_SRC inverts the copied source ("dst")
    [Ropd.OP_XOR | Ropd.INVERS_DEST, bv ^ sv], // INVERS_DEST means nothing here
    [Ropd.OP_PUT, bv],
  ];
  for (const [descriptor, expected] of cases) {
    const s = surface(2, 1, [0xff999999, 0xff999999]);
    const damage = drawOpaque(s, opaque(r(0, 0, 1, 1), src, r(0, 0, 1, 1), solid(bv), descriptor), images.resolve);
    assert.deepEqual(damage, r(0, 0, 1, 1));
    assert.deepEqual(hex(s.pixels), hex([expected | B, 0xff999999]), `descriptor 0x${descriptor.toString(16)}`);
  }
});

test('opaque with no brush and OP_PUT paints colour 0 over the source, as spice-common', () => {
  const images = new Images();
  const src = images.add('src', image(1, 1, [0xff123456]));
  const s = surface(1, 1);
  drawOpaque(s, opaque(r(0, 0, 1, 1), src, r(0, 0, 1, 1), { type: 'none' }, Ropd.OP_OR), images.resolve);
  assert.equal(s.pixels[0], 0xff123456);
  drawOpaque(s, opaque(r(0, 0, 1, 1), src, r(0, 0, 1, 1), { type: 'none' }, Ropd.OP_PUT), images.resolve);
  assert.equal(s.pixels[0], B);
});

test('opaque with a pattern brush and a mask', () => {
  const images = new Images();
  const src = images.add('src', image(3, 1, [B | 0x100, B | 0x200, B | 0x300]));
  const tile = images.add('tile', image(2, 1, [0x1, 0x2]));
  const bits = images.add('mask', maskImage(['101']));
  const s = surface(3, 1, [B | 0xf000, B | 0xf000, B | 0xf000]);
  drawOpaque(
    s,
    opaque(r(0, 0, 3, 1), src, r(0, 0, 3, 1), { type: 'pattern', image: tile, pos: { x: 0, y: 0 } }, Ropd.OP_OR, {
      flags: 0,
      pos: { x: 0, y: 0 },
      bitmap: bits,
    }),
    images.resolve,
  );
  assert.deepEqual(hex(s.pixels), hex([B | 0x101, B | 0xf000, B | 0x301]));
  assert.deepEqual(images.calls, ['mask', 'src', 'tile']);
});

test('images are resolved (mask, source, brush) even when nothing is drawn', () => {
  const images = new Images();
  const src = images.add('src', image(1, 1, [B]));
  const tile = images.add('tile', image(1, 1, [B]));
  const bits = images.add('mask', maskImage(['1']));
  const s = surface(2, 2);
  const op: DrawOpaque = {
    ...opaque(r(0, 0, 1, 1), src, r(0, 0, 1, 1), { type: 'pattern', image: tile, pos: { x: 0, y: 0 } }, Ropd.OP_PUT, {
      flags: 0,
      pos: { x: 0, y: 0 },
      bitmap: bits,
    }),
    base: base(r(0, 0, 1, 1), [r(1, 1, 2, 2)]),
  };
  assert.equal(drawOpaque(s, op, images.resolve), null);
  assert.equal(drawCopy(s, copy(r(5, 5, 6, 6), src, r(0, 0, 1, 1)), images.resolve), null);
  assert.equal(drawFill(s, fill(r(0, 0, 0, 0), { type: 'pattern', image: tile, pos: { x: 0, y: 0 } }, Ropd.OP_PUT), images.resolve), null);
  assert.deepEqual(images.calls, ['mask', 'src', 'tile', 'src', 'tile']);
  assert.ok(s.pixels.every((p) => p === B));
});

// ------------------------------------------------------------------------ blackness/whiteness/invers

test('blackness, whiteness and invers on xRGB and ARGB', () => {
  const x = surface(3, 1, [0xff123456, 0xff123456, 0xff123456]);
  drawBlackness(x, { base: base(r(0, 0, 1, 1)), mask: NO_MASK }, noResolve);
  drawWhiteness(x, { base: base(r(1, 0, 2, 1)), mask: NO_MASK }, noResolve);
  drawInvers(x, { base: base(r(2, 0, 3, 1)), mask: NO_MASK }, noResolve);
  assert.deepEqual(hex(x.pixels), ['ff000000', 'ffffffff', 'ffedcba9']);
  const a = surface(3, 1, [0x80123456, 0x80123456, 0x80123456], SurfaceFormat.ARGB32);
  drawBlackness(a, { base: base(r(0, 0, 1, 1)), mask: NO_MASK }, noResolve);
  drawWhiteness(a, { base: base(r(1, 0, 2, 1)), mask: NO_MASK }, noResolve);
  const damage = drawInvers(a, { base: base(r(2, 0, 3, 1), [r(0, 0, 5, 5)]), mask: NO_MASK }, noResolve);
  assert.deepEqual(hex(a.pixels), ['00000000', 'ffffffff', '7fedcba9']);
  assert.deepEqual(damage, r(2, 0, 3, 1));
});

// ------------------------------------------------------------------------------------ copy_bits

/** Read-before-write reference for copy_bits: every destination pixel takes the old source. */
function referenceCopyBits(pixels: number[], width: number, height: number, box: Rect, src: { x: number; y: number }, clip?: Rect[]): number[] {
  const out = [...pixels];
  const dx = box.left - src.x;
  const dy = box.top - src.y;
  for (let y = Math.max(0, box.top); y < Math.min(height, box.bottom); y++) {
    for (let x = Math.max(0, box.left); x < Math.min(width, box.right); x++) {
      if (clip && !clip.some((c) => x >= c.left && x < c.right && y >= c.top && y < c.bottom)) continue;
      const sx = x - dx;
      const sy = y - dy;
      if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
      out[y * width + x] = pixels[sy * width + sx];
    }
  }
  return out;
}

function grid(width: number, height: number): number[] {
  return Array.from({ length: width * height }, (_, i) => B | (((i / width) | 0) * 16 + (i % width) + 1));
}

test('copy_bits with overlap in all four diagonal directions and along both axes', () => {
  const moves: [Rect, { x: number; y: number }][] = [
    [r(1, 1, 4, 4), { x: 0, y: 0 }], // south-east
    [r(0, 0, 3, 3), { x: 1, y: 1 }], // north-west
    [r(1, 0, 4, 3), { x: 0, y: 1 }], // north-east
    [r(0, 1, 3, 4), { x: 1, y: 0 }], // south-west
    [r(1, 0, 4, 4), { x: 0, y: 0 }], // east
    [r(0, 0, 3, 4), { x: 1, y: 0 }], // west
    [r(0, 1, 4, 4), { x: 0, y: 0 }], // south
    [r(0, 0, 4, 3), { x: 0, y: 1 }], // north
  ];
  for (const [box, pos] of moves) {
    const s = surface(4, 4, grid(4, 4));
    const damage = copyBits(s, { base: base(box), sourcePos: pos });
    assert.deepEqual(hex(s.pixels), hex(referenceCopyBits(grid(4, 4), 4, 4, box, pos)), `box ${JSON.stringify(box)} from ${JSON.stringify(pos)}`);
    assert.deepEqual(damage, box);
  }
});

test('copy_bits orders spans of one row against each other (same-row move right and left)', () => {
  const start = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => B | v);
  const s = surface(8, 1, start);
  copyBits(s, { base: base(r(2, 0, 8, 1), [r(2, 0, 4, 1), r(5, 0, 8, 1)]), sourcePos: { x: 0, y: 0 } });
  assert.deepEqual(hex(s.pixels), hex([1, 2, 1, 2, 5, 4, 5, 6].map((v) => B | v)));
  const t = surface(8, 1, start);
  copyBits(t, { base: base(r(0, 0, 6, 1), [r(0, 0, 3, 1), r(4, 0, 6, 1)]), sourcePos: { x: 2, y: 0 } });
  assert.deepEqual(hex(t.pixels), hex([3, 4, 5, 4, 7, 8, 7, 8].map((v) => B | v)));
});

test('copy_bits only writes pixels whose source is on the surface; no move is no damage', () => {
  const s = surface(4, 2, grid(4, 2));
  const damage = copyBits(s, { base: base(r(0, 0, 4, 1)), sourcePos: { x: -2, y: 0 } });
  assert.deepEqual(damage, r(2, 0, 4, 1));
  assert.deepEqual(hex(s.pixels), hex(referenceCopyBits(grid(4, 2), 4, 2, r(0, 0, 4, 1), { x: -2, y: 0 })));
  assert.equal(copyBits(s, { base: base(r(0, 0, 4, 2)), sourcePos: { x: 0, y: 0 } }), null);
  assert.equal(copyBits(s, { base: base(r(0, 0, 4, 2)), sourcePos: { x: 0, y: 5 } }), null);
});

test('copy_bits and XOR fills agree with per-pixel references on random clips', () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const W_ = 9;
  const H_ = 7;
  for (let iteration = 0; iteration < 400; iteration++) {
    const box = r(rand(W_ + 2) - 1, rand(H_ + 2) - 1, rand(W_ + 2), rand(H_ + 2));
    const clip = rand(3) === 0 ? undefined : Array.from({ length: 1 + rand(5) }, () => {
      const left = rand(W_);
      const top = rand(H_);
      return r(left, top, left + 1 + rand(W_), top + 1 + rand(H_));
    });
    const pos = { x: rand(W_ + 4) - 2, y: rand(H_ + 4) - 2 };
    const s = surface(W_, H_, grid(W_, H_));
    copyBits(s, { base: base(box, clip), sourcePos: pos });
    assert.deepEqual(hex(s.pixels), hex(referenceCopyBits(grid(W_, H_), W_, H_, box, pos, clip)), `iteration ${iteration}`);

    const f = surface(W_, H_, grid(W_, H_));
    drawFill(f, fill(box, solid(0x5a5a5a), Ropd.OP_XOR, clip), noResolve);
    const expected = grid(W_, H_).map((v, i) => {
      const x = i % W_;
      const y = (i / W_) | 0;
      const inBox = x >= box.left && x < box.right && y >= box.top && y < box.bottom;
      const inClip = !clip || clip.some((c) => x >= c.left && x < c.right && y >= c.top && y < c.bottom);
      return inBox && inClip ? (v ^ 0x5a5a5a) | B : v;
    });
    assert.deepEqual(hex(f.pixels), hex(expected), `fill iteration ${iteration}`);
  }
});

// --------------------------------------------------------------------------------- narrow formats

test('16-bit surfaces: colours are x1r5g5b5 / r5g6b5, copies are quantised', () => {
  const s = surface(3, 1, undefined, SurfaceFormat.RGB16_555);
  drawFill(s, fill(r(0, 0, 1, 1), solid(0x7c00), Ropd.OP_PUT), noResolve);
  const images = new Images();
  const src = images.add('src', image(1, 1, [0xff123456]));
  drawCopy(s, copy(r(1, 0, 2, 1), src, r(0, 0, 1, 1)), images.resolve);
  drawInvers(s, { base: base(r(2, 0, 3, 1)), mask: NO_MASK }, noResolve);
  assert.deepEqual(hex(s.pixels), ['ffff0000', 'ff103152', 'ffffffff']);
  const t = surface(1, 1, undefined, SurfaceFormat.RGB16_565);
  drawFill(t, fill(r(0, 0, 1, 1), solid(0x07e0), Ropd.OP_PUT), noResolve);
  assert.deepEqual(hex(t.pixels), ['ff00ff00']);
});

test('A8 surfaces keep alpha only', () => {
  const s = surface(2, 1, undefined, SurfaceFormat.A8);
  drawFill(s, fill(r(0, 0, 1, 1), solid(0x7f), Ropd.OP_PUT), noResolve);
  const images = new Images();
  drawCopy(s, copy(r(1, 0, 2, 1), images.add('src', image(1, 1, [0x40123456], true)), r(0, 0, 1, 1)), images.resolve);
  assert.deepEqual(hex(s.pixels), ['7f000000', '40000000']);
});

// ------------------------------------------------------------------------------------ bad input

test('invalid drawing commands are ProtocolErrors', () => {
  const images = new Images();
  const src = images.add('src', image(2, 2, [B, B, B, B]));
  const s = surface(4, 4);
  const bad = (op: DrawCopy) => assert.throws(() => drawCopy(s, op, images.resolve), ProtocolError);
  bad(copy(r(0, 0, 2, 2), src, r(1, 0, 3, 2))); // beyond the right edge
  bad(copy(r(0, 0, 2, 2), src, r(-1, 0, 1, 2))); // negative
  bad(copy(r(0, 0, 2, 2), src, r(2, 0, 1, 2))); // inverted
  bad(copy(r(0, 0, 2, 2), src, r(0, 0, 0, 2))); // empty source, non-empty box
  bad(copy(r(0, 0, 2, 2), null, r(0, 0, 2, 2))); // no source
  bad(copy(r(0, 0, 2, 2), src, r(0, 0, 2, 3), { clip: [] })); // checked even when nothing is drawn
  const empty = images.add('empty', image(0, 0, []));
  assert.throws(
    () => drawFill(s, fill(r(0, 0, 2, 2), { type: 'pattern', image: empty, pos: { x: 0, y: 0 } }, Ropd.OP_PUT), images.resolve),
    ProtocolError,
  );
  const short = images.add('short', { width: 2, height: 2, pixels: new Uint32Array(3), hasAlpha: false });
  bad(copy(r(0, 0, 2, 2), short, r(0, 0, 2, 2)));
  assert.ok(s.pixels.every((p) => p === B));
  // An empty box with an empty source area is fine (and draws nothing).
  assert.equal(drawCopy(s, copy(r(1, 1, 1, 1), src, r(0, 0, 0, 0)), images.resolve), null);
});
