import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SurfaceFormat } from '../../../src/core/protocol/constants';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { Surface } from '../../../src/main/surfaces/surface';

test('a new surface is black: opaque for xRGB, transparent for ARGB (spice-gtk zero-fills)', () => {
  const x = new Surface(3, 4, 2, SurfaceFormat.XRGB32);
  assert.equal(x.id, 3);
  assert.equal(x.pixels.length, 8);
  assert.ok(x.pixels.every((p) => p === 0xff000000));
  assert.equal(x.hasAlpha, false);
  const a = new Surface(1, 2, 2, SurfaceFormat.ARGB32);
  assert.ok(a.pixels.every((p) => p === 0));
  assert.equal(a.hasAlpha, true);
  assert.deepEqual(a.asImage(), { width: 2, height: 2, pixels: a.pixels, hasAlpha: true });
});

test('surface sizes and formats are validated', () => {
  assert.throws(() => new Surface(0, 100000, 10, SurfaceFormat.XRGB32), ProtocolError);
  assert.throws(() => new Surface(0, -1, 10, SurfaceFormat.XRGB32), ProtocolError);
  assert.throws(() => new Surface(0, 10, 10, SurfaceFormat.INVALID), /unknown format/);
  assert.throws(() => new Surface(0, 10, 10, 33), ProtocolError);
  for (const format of [SurfaceFormat.A1, SurfaceFormat.A8, SurfaceFormat.RGB16_555, SurfaceFormat.RGB16_565]) {
    assert.equal(new Surface(0, 1, 1, format).format, format);
  }
});

test('brush colours are in the surface format', () => {
  assert.equal(new Surface(0, 1, 1, SurfaceFormat.XRGB32).pixelFromColor(0x00123456), 0xff123456);
  assert.equal(new Surface(0, 1, 1, SurfaceFormat.ARGB32).pixelFromColor(0x80123456), 0x80123456);
  assert.equal(new Surface(0, 1, 1, SurfaceFormat.RGB16_555).pixelFromColor(0x03e0), 0xff00ff00);
  assert.equal(new Surface(0, 1, 1, SurfaceFormat.RGB16_565).pixelFromColor(0xf800), 0xffff0000);
  assert.equal(new Surface(0, 1, 1, SurfaceFormat.A8).pixelFromColor(0x1234), 0x34000000);
  assert.equal(new Surface(0, 1, 1, SurfaceFormat.A1).pixelFromColor(1), 0xff000000);
});

test('normalize re-quantises narrow formats only inside the area', () => {
  const s = new Surface(0, 2, 1, SurfaceFormat.RGB16_555);
  s.pixels.set([0x00123456, 0x00123456]);
  s.normalize({ left: 0, top: 0, right: 1, bottom: 1 });
  assert.deepEqual([...s.pixels], [0xff103152, 0x00123456]);
  const a1 = new Surface(0, 2, 1, SurfaceFormat.A1);
  a1.pixels.set([0x80000000, 0x7fffffff]);
  a1.normalize({ left: 0, top: 0, right: 2, bottom: 1 });
  assert.deepEqual([...a1.pixels], [0xff000000, 0]);
  const x = new Surface(0, 1, 1, SurfaceFormat.XRGB32);
  x.pixels[0] = 5;
  x.normalize({ left: 0, top: 0, right: 1, bottom: 1 });
  assert.equal(x.pixels[0], 5); // 32-bit formats are written right in the first place
});
