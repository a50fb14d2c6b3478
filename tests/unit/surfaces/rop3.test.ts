import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageScaleMode, MaskFlags, SurfaceFormat } from '../../../src/core/protocol/constants';
import type { Brush, DrawRop3, Image, QMask, Rect } from '../../../src/core/protocol/display-types';
import { drawRop3, rop3 } from '../../../src/main/surfaces/rop3';
import { base, expectRows, hex, image, Images, maskImage, NO_MASK, r, rows, surface } from './helpers';

const B = 0xff000000;

// A few of spice-common's spelled-out ternary formulas (rop3.c), by code: the generic
// evaluation must agree with each on all bits.
const FORMULAS: [number, (p: number, s: number, d: number) => number][] = [
  [0x01, (p, s, d) => ~(p | s | d)],
  [0x1e, (p, s, d) => (d | s) ^ p],
  [0x2d, (p, s, d) => (~d | s) ^ p],
  [0x5a, (p, _s, d) => p ^ d],
  [0x66, (_p, s, d) => s ^ d],
  [0x69, (p, s, d) => ~(s ^ d ^ p)],
  [0x96, (p, s, d) => s ^ p ^ d],
  [0xb8, (p, s, d) => ((d ^ p) & s) ^ p],
  [0xe2, (p, s, d) => ((d ^ p) & s) ^ d],
  [0xca, (p, s, d) => ((d ^ s) & p) ^ d],
  [0xcc, (_p, s) => s],
  [0xf0, (p) => p],
  [0xaa, (_p, _s, d) => d],
  [0x00, () => 0],
  [0xff, () => ~0],
];

test('rop3 codes: bit (p << 2 | s << 1 | d) is the result; matches spice-common formulas', () => {
  const p = 0xf0f0f0f0;
  const s = 0xcccccccc;
  const d = 0xaaaaaaaa;
  for (let code = 0; code < 256; code++) {
    // With the classic operand bytes 0xF0, 0xCC, 0xAA the result is the code itself.
    assert.equal(rop3(code, p, s, d) & 0xff, code, `code 0x${code.toString(16)}`);
  }
  const values = [0, 0xffffffff, 0x12345678, 0x87654321, 0xdeadbeef, 0x0f0f00ff];
  for (const [code, formula] of FORMULAS) {
    for (const a of values) {
      for (const b of values) {
        for (const c of values) assert.equal(rop3(code, a, b, c), formula(a, b, c) >>> 0, `code 0x${code.toString(16)}`);
      }
    }
  }
});

function op(box: Rect, source: Image, sourceArea: Rect, brush: Brush, code: number, extra: Partial<DrawRop3> & { clip?: Rect[] } = {}): DrawRop3 {
  return {
    base: base(box, extra.clip),
    source,
    sourceArea,
    brush,
    rop3: code,
    scaleMode: extra.scaleMode ?? ImageScaleMode.NEAREST,
    mask: extra.mask ?? NO_MASK,
  };
}

test('DRAW_ROP3 with a solid brush combines brush, source and destination per pixel (xRGB keeps alpha)', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [B | 0x00ff00, B | 0x0000ff]));
  const s = surface(3, 1, [B | 0x111111, B | 0x222222, B | 0x333333]);
  // 0xB8 = ((d ^ p) & s) ^ p: where s is set take d, else p.
  const damage = drawRop3(s, op(r(1, 0, 3, 1), src, r(0, 0, 2, 1), { type: 'solid', color: 0xabcdef }, 0xb8), images.resolve);
  assert.deepEqual(damage, r(1, 0, 3, 1));
  const expected = [B | 0x111111, B | ((0x222222 & 0x00ff00) | (0xabcdef & ~0x00ff00 & 0xffffff)), B | ((0x333333 & 0x0000ff) | (0xabcdef & ~0x0000ff & 0xffffff))];
  assert.deepEqual(hex(s.pixels), hex(expected));
});

test('DRAW_ROP3 with a pattern: the tile repeats from brush.pos, also when pos is right of the box', () => {
  const images = new Images();
  const src = images.add('src', image(4, 1, [0, 0, 0, 0]));
  const tile = images.add('tile', image(3, 1, [B | 1, B | 2, B | 3]));
  for (const posX of [0, 1, 5]) {
    const s = surface(4, 1);
    drawRop3(s, op(r(0, 0, 4, 1), src, r(0, 0, 4, 1), { type: 'pattern', image: tile, pos: { x: posX, y: 0 } }, 0xf0), images.resolve);
    const expected = [0, 1, 2, 3].map((x) => B | (((((x - posX) % 3) + 3) % 3) + 1));
    assert.deepEqual(hex(s.pixels), hex(expected), `pos.x ${posX}`);
  }
});

test('DRAW_ROP3 resolves mask, source, then pattern; honours clip and mask', () => {
  const images = new Images();
  const src = images.add('source', image(2, 2, [B | 1, B | 2, B | 3, B | 4]));
  const tile = images.add('pattern', image(1, 1, [B]));
  const bits = images.add('mask', maskImage(['10', '01']));
  const mask: QMask = { flags: 0, pos: { x: 0, y: 0 }, bitmap: bits };
  const s = surface(2, 2);
  drawRop3(s, op(r(0, 0, 2, 2), src, r(0, 0, 2, 2), { type: 'pattern', image: tile, pos: { x: 0, y: 0 } }, 0xcc, { mask }), images.resolve);
  assert.deepEqual(images.calls, ['mask', 'source', 'pattern']);
  assert.deepEqual(rows(s), expectRows([[B | 1, B], [B, B | 4]]));
  const inverted = surface(2, 2);
  drawRop3(inverted, op(r(0, 0, 2, 2), src, r(0, 0, 2, 2), { type: 'solid', color: 0 }, 0xcc, { mask: { ...mask, flags: MaskFlags.INVERS }, clip: [r(1, 0, 2, 2)] }), images.resolve);
  assert.deepEqual(rows(inverted), expectRows([[B, B | 2], [B, B]]));
});

test('DRAW_ROP3 scales another source size as canvas_scale_surface: sx = area/box, origin round(left/sx)', () => {
  const images = new Images();
  const src = images.add('src', image(4, 1, [B | 0x10, B | 0x20, B | 0x30, B | 0x40]));
  const s = surface(4, 1);
  // Area x 2..4 (2 pixels) onto 4: sx = 0.5, origin round(2 / 0.5) = 4; samples at
  // (4 + i + 0.5) · 0.5 = 2.25, 2.75, 3.25, 3.75 → pixels 2, 2, 3, 3.
  drawRop3(s, op(r(0, 0, 4, 1), src, r(2, 0, 4, 1), { type: 'solid', color: 0 }, 0xcc), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B | 0x30, B | 0x30, B | 0x40, B | 0x40]));
  // Downscale 4 → 3: sx = 4/3, fixed 87381 (truncated); origin 0; samples 0.67, 2.0, 3.33 → 0, 1, 3.
  const d = surface(3, 1);
  drawRop3(d, op(r(0, 0, 3, 1), src, r(0, 0, 4, 1), { type: 'solid', color: 0 }, 0xcc), images.resolve);
  assert.deepEqual(hex(d.pixels), hex([B | 0x10, B | 0x20, B | 0x40]));
});

test('DRAW_ROP3 on a 16-bit surface: results are re-quantised to 5 bits per channel', () => {
  const images = new Images();
  const src = images.add('src', image(1, 1, [B | 0xffffff]));
  const s = surface(1, 1, undefined, SurfaceFormat.RGB16_555);
  // 0x5A = p ^ d with p = the brush x1r5g5b5 0x7c00 (red): white XOR black → red.
  drawRop3(s, op(r(0, 0, 1, 1), src, r(0, 0, 1, 1), { type: 'solid', color: 0x7c00 }, 0x5a), images.resolve);
  assert.deepEqual(hex(s.pixels), ['ffff0000']);
});

test('DRAW_ROP3 with the source being the destination reads it as it was', () => {
  const s = surface(3, 1, [B | 1, B | 2, B | 4]);
  const images = new Images();
  const self = images.add('self', () => s.asImage());
  drawRop3(s, op(r(1, 0, 3, 1), self, r(0, 0, 2, 1), { type: 'solid', color: 0 }, 0x66), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B | 1, B | (1 ^ 2), B | (2 ^ 4)]));
});
