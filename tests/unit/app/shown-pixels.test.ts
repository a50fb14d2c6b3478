import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShownPixels } from '../../../src/main/host/shown-pixels';
import { surfaceRectToRgba } from '../../support/surface-rgba';

const WIDTH = 40;
const HEIGHT = 60;
const all = { left: 0, top: 0, right: WIDTH, bottom: HEIGHT };
const surface = (): { width: number; height: number; pixels: Uint32Array } => ({ width: WIDTH, height: HEIGHT, pixels: new Uint32Array(WIDTH * HEIGHT).fill(0xff202020) });
const draw = (s: { pixels: Uint32Array }, x: number, y: number, colour = 0xffffffff): void => {
  s.pixels[y * WIDTH + x] = colour;
};

test('shown pixels: nothing is known at first; taken in, nothing has changed; a change is cut to its rows and columns', () => {
  const s = surface();
  const shown = new ShownPixels(WIDTH, HEIGHT);
  assert.deepEqual(shown.refresh(s, all), [all], 'unknown pixels all count as changed');
  assert.deepEqual(shown.refresh(s, all), []);
  draw(s, 5, 10);
  draw(s, 12, 11);
  assert.deepEqual(shown.refresh(s, { left: 6, top: 0, right: 40, bottom: 60 }), [{ left: 12, top: 11, right: 13, bottom: 12 }], 'only inside the rectangle asked about');
  assert.deepEqual(shown.refresh(s, all), [{ left: 5, top: 10, right: 6, bottom: 11 }], 'the other one was taken in already');
  assert.deepEqual(shown.refresh(s, all), []);
});

test('shown pixels: the bytes of a part are the RGBA the front end shows, alpha 255', () => {
  const s = surface();
  for (let i = 0; i < s.pixels.length; i++) s.pixels[i] = (0x40000000 | (i * 0x010305)) >>> 0; // any alpha
  const shown = new ShownPixels(WIDTH, HEIGHT);
  const part = { left: 3, top: 7, right: 19, bottom: 12 };
  shown.refresh(s, all);
  const bytes = new Uint8Array(shown.rgba(part));
  assert.deepEqual(bytes, new Uint8Array(surfaceRectToRgba(s, part)));
  const p = s.pixels[7 * WIDTH + 3];
  assert.deepEqual([...bytes.subarray(0, 4)], [(p >>> 16) & 0xff, (p >>> 8) & 0xff, p & 0xff, 255]);
  const pooled = new ArrayBuffer(16 * 5 * 4);
  assert.equal(shown.rgba(part, (n) => (n === pooled.byteLength ? pooled : new ArrayBuffer(0))), pooled, 'into the buffer the pool gives');
});

test('shown pixels: rows apart by more than 16 unchanged rows are parts of their own; more than 8 parts become one box', () => {
  const s = surface();
  const shown = new ShownPixels(WIDTH, HEIGHT);
  shown.refresh(s, all);
  draw(s, 1, 0);
  draw(s, 30, 16); // 15 unchanged rows between: the same part
  draw(s, 2, 40); // 23 rows further: a part of its own
  assert.deepEqual(shown.refresh(s, all), [
    { left: 1, top: 0, right: 31, bottom: 17 },
    { left: 2, top: 40, right: 3, bottom: 41 },
  ]);
  const tallArea = { left: 0, top: 0, right: WIDTH, bottom: 400 };
  const lines = new ShownPixels(WIDTH, 400);
  const tall = { width: WIDTH, height: 400, pixels: new Uint32Array(WIDTH * 400).fill(0xff000000) };
  lines.refresh(tall, tallArea);
  for (let k = 0; k < 10; k++) tall.pixels[k * 40 * WIDTH + k] = 0xff0000ff; // rows 0, 40, ... 360
  assert.deepEqual(lines.refresh(tall, tallArea), [{ left: 0, top: 0, right: 10, bottom: 361 }]);
});

test('shown pixels: the alpha byte is not shown (the front end gets alpha 255); forgotten pixels are changed again', () => {
  const s = surface();
  const shown = new ShownPixels(WIDTH, HEIGHT);
  shown.refresh(s, all);
  s.pixels[3] = 0x00202020; // the same colour, another alpha
  assert.deepEqual(shown.refresh(s, all), []);
  shown.forget({ left: 38, top: 58, right: 100, bottom: 100 }); // cut to the surface
  assert.deepEqual(shown.refresh(s, all), [{ left: 38, top: 58, right: 40, bottom: 60 }]);
  s.pixels.fill(0); // black, alpha 0: still not the word of an unknown pixel
  assert.deepEqual(shown.refresh(s, all), [all]);
  shown.forget({ left: -5, top: -5, right: 2, bottom: 1 });
  assert.deepEqual(shown.refresh(s, all), [{ left: 0, top: 0, right: 2, bottom: 1 }], 'black pixels forgotten are sent again');
});
