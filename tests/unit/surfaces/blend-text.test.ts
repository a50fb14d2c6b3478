import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlphaFlags, Ropd, StringFlags, SurfaceFormat } from '../../../src/core/protocol/constants';
import type { Brush, DrawAlphaBlend, DrawText, DrawTransparent, GlyphString, Image, RasterGlyph, Rect } from '../../../src/core/protocol/display-types';
import { drawAlphaBlend } from '../../../src/main/surfaces/alpha-blend';
import { renderGlyphs } from '../../../src/main/surfaces/glyphs';
import { Surface } from '../../../src/main/surfaces/surface';
import { drawText } from '../../../src/main/surfaces/text';
import { drawTransparent } from '../../../src/main/surfaces/transparent';
import { base, expectRows, hex, image, Images, r, rows, surface } from './helpers';

const B = 0xff000000;

// --------------------------------------------------------------------------- DRAW_TRANSPARENT

function transparent(box: Rect, source: Image, sourceArea: Rect, trueColor: number, clip?: Rect[]): DrawTransparent {
  return { base: base(box, clip), source, sourceArea, sourceColor: 0, trueColor };
}

test('DRAW_TRANSPARENT copies every source pixel but the colour key (compared on RGB only)', () => {
  const images = new Images();
  // The key is 0x00ff00ff; a pixel with that colour and any alpha byte is skipped.
  const src = images.add('src', image(4, 1, [0xffff00ff, 0x12345678, 0x00ff00ff, 0xff00ff00], true));
  const s = surface(4, 1, [B | 1, B | 2, B | 3, B | 4]);
  const damage = drawTransparent(s, transparent(r(0, 0, 4, 1), src, r(0, 0, 4, 1), 0xaaff00ff), images.resolve);
  assert.deepEqual(damage, r(0, 0, 4, 1));
  assert.deepEqual(hex(s.pixels), hex([B | 1, 0xff345678, B | 3, 0xff00ff00]));
});

test('DRAW_TRANSPARENT on 16-bit surfaces compares truncated 5-bit channels', () => {
  const images = new Images();
  // 0xff0307 and 0xff0000 are the same x1r5g5b5 colour (low bits dropped): both skipped.
  const src = images.add('src', image(3, 1, [B | 0xff0307, B | 0xff0000, B | 0x00ff00]));
  const s = new Surface(0, 3, 1, SurfaceFormat.RGB16_555);
  drawTransparent(s, transparent(r(0, 0, 3, 1), src, r(0, 0, 3, 1), 0xff0000), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B, B, B | 0x00ff00]));
});

test('DRAW_TRANSPARENT scales with nearest sampling; samples outside the image are black', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [B | 0x0a, B | 0x0b]));
  const s = surface(4, 1, [B | 1, B | 1, B | 1, B | 1]);
  drawTransparent(s, transparent(r(0, 0, 4, 1), src, r(0, 0, 2, 1), 0x0b), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B | 0x0a, B | 0x0a, B | 1, B | 1]));
});

test('DRAW_TRANSPARENT with nothing to draw still resolves the image (caches stay in step)', () => {
  const images = new Images();
  const src = images.add('src', image(1, 1, [B]));
  const s = surface(2, 1);
  assert.equal(drawTransparent(s, transparent(r(0, 0, 1, 1), src, r(0, 0, 1, 1), 0, []), images.resolve), null);
  assert.deepEqual(images.calls, ['src']);
});

// ------------------------------------------------------------------------- DRAW_ALPHA_BLEND

function blend(box: Rect, source: Image, sourceArea: Rect, alpha: number, alphaFlags = 0): DrawAlphaBlend {
  return { base: base(box), alphaFlags, alpha, source, sourceArea };
}

test('DRAW_ALPHA_BLEND is source OVER destination, per-pixel alpha and a constant alpha', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [0x80800000, 0xff00ff00], true));
  const s = surface(2, 1, [B | 0x0000ff, B | 0x0000ff]);
  drawAlphaBlend(s, blend(r(0, 0, 2, 1), src, r(0, 0, 2, 1), 0xff), images.resolve);
  // Pixel 0: 0x80 red over blue: blue 0xff·0x7f/255 → 0x7f, red 0x80.
  assert.deepEqual(hex(s.pixels), hex([B | 0x80007f, B | 0x00ff00]));
  const half = surface(1, 1, [B]);
  const white = images.add('white', image(1, 1, [0xffffffff]));
  drawAlphaBlend(half, blend(r(0, 0, 1, 1), white, r(0, 0, 1, 1), 0x80), images.resolve);
  // The constant alpha masks the source: 0xff·0x80/255 → 0x80 per channel, over black.
  assert.deepEqual(hex(half.pixels), hex([B | 0x808080]));
});

test('DRAW_ALPHA_BLEND with alpha 0 draws nothing but resolves the source', () => {
  const images = new Images();
  const src = images.add('src', image(1, 1, [0xffffffff]));
  const s = surface(1, 1);
  assert.equal(drawAlphaBlend(s, blend(r(0, 0, 1, 1), src, r(0, 0, 1, 1), 0), images.resolve), null);
  assert.deepEqual(images.calls, ['src']);
  assert.deepEqual(hex(s.pixels), hex([B]));
});

test('DRAW_ALPHA_BLEND scales with nearest sampling like a scaled copy', () => {
  const images = new Images();
  const src = images.add('src', image(2, 1, [B | 0x10, B | 0x20]));
  const s = surface(4, 1);
  drawAlphaBlend(s, blend(r(0, 0, 4, 1), src, r(0, 0, 2, 1), 0xff), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B | 0x10, B | 0x10, B | 0x20, B | 0x20]));
});

test('DRAW_ALPHA_BLEND from an ARGB surface uses its alpha; an xRGB surface is opaque', () => {
  const argb = new Surface(3, 1, 1, SurfaceFormat.ARGB32);
  argb.pixels[0] = 0x00000000; // fully transparent
  const xrgb = new Surface(4, 1, 1, SurfaceFormat.XRGB32);
  xrgb.pixels[0] = 0xff123456;
  const bySurface = new Map([
    [3, argb],
    [4, xrgb],
  ]);
  const ref = (id: number): Image => ({ descriptor: { id: 0n, type: 104, flags: 0, width: 1, height: 1 }, payload: { kind: 'surface', surfaceId: id } });
  const resolve = (img: Image): ReturnType<Surface['asImage']> => (img.payload.kind === 'surface' ? (bySurface.get(img.payload.surfaceId) as Surface).asImage() : image(0, 0, []));
  const surfaceOf = (img: Image): Surface | undefined => (img.payload.kind === 'surface' ? bySurface.get(img.payload.surfaceId) : undefined);
  const s = surface(1, 1, [B | 0xabcdef]);
  drawAlphaBlend(s, blend(r(0, 0, 1, 1), ref(3), r(0, 0, 1, 1), 0xff), resolve, surfaceOf);
  assert.deepEqual(hex(s.pixels), hex([B | 0xabcdef]));
  drawAlphaBlend(s, blend(r(0, 0, 1, 1), ref(4), r(0, 0, 1, 1), 0xff, AlphaFlags.SRC_SURFACE_HAS_ALPHA), resolve, surfaceOf);
  assert.deepEqual(hex(s.pixels), hex([B | 0x123456]));
});

// -------------------------------------------------------------------------------- DRAW_TEXT

function glyph(x: number, y: number, width: number, height: number, data: number[], origin = { x: 0, y: 0 }): RasterGlyph {
  return { renderPos: { x, y }, origin, width, height, data: Uint8Array.from(data) };
}

function text(box: Rect, str: GlyphString, fore: Brush, back: Brush = { type: 'none' }, backArea: Rect = r(0, 0, 0, 0), foreMode: number = Ropd.OP_PUT): DrawText {
  return { base: base(box), text: str, backArea, foreBrush: fore, backBrush: back, foreMode, backMode: Ropd.OP_PUT };
}

test('glyph rasters: A1 is MSB-first, A4 nibble v becomes alpha v·16, rows bottom-up; boxes union', () => {
  const a1 = renderGlyphs({ flags: StringFlags.RASTER_A1, bitsPerPixel: 1, glyphs: [glyph(0, 0, 3, 2, [0b10100000, 0b01000000])] });
  assert.ok(a1);
  // Data row 0 is the bottom row.
  assert.deepEqual(hex(a1.pixels), hex([0, 0xff000000, 0, 0xff000000, 0, 0xff000000]));
  const a4 = renderGlyphs({ flags: StringFlags.RASTER_A4, bitsPerPixel: 4, glyphs: [glyph(5, 7, 3, 1, [0x1f, 0x80], { x: -1, y: 1 })] });
  assert.ok(a4);
  assert.deepEqual([a4.left, a4.top, a4.width, a4.height], [4, 8, 3, 1]);
  assert.deepEqual(hex(a4.pixels), hex([0x10000000, 0xf0000000, 0x80000000]));
  const topDown = renderGlyphs({ flags: StringFlags.RASTER_A8 | StringFlags.RASTER_TOP_DOWN, bitsPerPixel: 8, glyphs: [glyph(0, 0, 1, 2, [1, 2])] });
  assert.deepEqual(hex(topDown?.pixels ?? []), hex([0x01000000, 0x02000000]));
  // Overlapping glyphs merge with max (A8).
  const merged = renderGlyphs({ flags: StringFlags.RASTER_A8, bitsPerPixel: 8, glyphs: [glyph(0, 0, 2, 1, [0x10, 0x90]), glyph(1, 0, 2, 1, [0x40, 0x20])] });
  assert.deepEqual(hex(merged?.pixels ?? []), hex([0x10000000, 0x90000000, 0x20000000]));
});

test('DRAW_TEXT: the fore colour OVER the surface through the glyph alpha; opaque whatever its top byte', () => {
  const s = surface(3, 1, [B, B, B]);
  const str: GlyphString = { flags: StringFlags.RASTER_A8, bitsPerPixel: 8, glyphs: [glyph(0, 0, 3, 1, [0xff, 0x80, 0x00])] };
  const damage = drawText(s, text(r(0, 0, 3, 1), str, { type: 'solid', color: 0x00ffffff }), new Images().resolve);
  assert.deepEqual(damage, r(0, 0, 3, 1));
  assert.deepEqual(hex(s.pixels), hex([B | 0xffffff, B | 0x808080, B]));
});

test('DRAW_TEXT paints the background first (back_area ∩ box ∩ clip), then the glyphs', () => {
  const s = surface(4, 2);
  const str: GlyphString = { flags: StringFlags.RASTER_A1, bitsPerPixel: 1, glyphs: [glyph(1, 0, 1, 1, [0x80])] };
  drawText(s, text(r(0, 0, 4, 2), str, { type: 'solid', color: 0xff0000 }, { type: 'solid', color: 0x0000ff }, r(0, 0, 3, 1)), new Images().resolve);
  assert.deepEqual(rows(s), expectRows([[B | 0xff, B | 0xff0000, B | 0xff, B], [B, B, B, B]]));
});

test('DRAW_TEXT with a back area and a fore mode other than OP_PUT draws nothing (as spice-common)', () => {
  const s = surface(2, 1);
  const str: GlyphString = { flags: StringFlags.RASTER_A1, bitsPerPixel: 1, glyphs: [glyph(0, 0, 1, 1, [0x80])] };
  assert.equal(drawText(s, text(r(0, 0, 2, 1), str, { type: 'solid', color: 0xffffff }, { type: 'solid', color: 0xff }, r(0, 0, 2, 1), Ropd.OP_OR), new Images().resolve), null);
  assert.deepEqual(hex(s.pixels), hex([B, B]));
});

test('DRAW_TEXT pattern fore brush repeats from its position relative to the glyph mask corner', () => {
  const images = new Images();
  const tile = images.add('tile', image(2, 1, [B | 0xaa, B | 0xbb]));
  const s = surface(5, 1);
  // Mask at x = 2..5, pattern pos 1: mask column i takes tile ((i − 1) mod 2): bb, aa, bb.
  const str: GlyphString = { flags: StringFlags.RASTER_A8, bitsPerPixel: 8, glyphs: [glyph(2, 0, 3, 1, [0xff, 0xff, 0xff])] };
  drawText(s, text(r(0, 0, 5, 1), str, { type: 'pattern', image: tile, pos: { x: 1, y: 0 } }), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([B, B, B | 0xbb, B | 0xaa, B | 0xbb]));
});

test('DRAW_TEXT on a 16-bit surface reads the fore colour as x1r5g5b5 (even on 16_565)', () => {
  const s = new Surface(0, 1, 1, SurfaceFormat.RGB16_565);
  const str: GlyphString = { flags: StringFlags.RASTER_A1, bitsPerPixel: 1, glyphs: [glyph(0, 0, 1, 1, [0x80])] };
  // 0x7c00 is red in x1r5g5b5; in r5g6b5 it would be a dark red-green.
  drawText(s, text(r(0, 0, 1, 1), str, { type: 'solid', color: 0x7c00 }), new Images().resolve);
  assert.deepEqual(hex(s.pixels), ['ffff0000']);
});
