import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShownPixels } from '../../../src/main/host/shown-pixels';
import type { DamageArea } from '../../../src/main/host/engine-session';
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

test('shown pixels: forgotten spans in a row grow to one; damage over an end of it shrinks it, damage inside it leaves it', () => {
  const s = surface();
  const shown = new ShownPixels(WIDTH, HEIGHT);
  shown.refresh(s, all);
  shown.forget({ left: 5, top: 2, right: 8, bottom: 3 });
  shown.forget({ left: 20, top: 2, right: 22, bottom: 3 });
  assert.deepEqual(shown.refresh(s, { left: 0, top: 2, right: 10, bottom: 3 }), [{ left: 5, top: 2, right: 10, bottom: 3 }], 'the span 5..22 cut to the damage');
  assert.deepEqual(shown.refresh(s, { left: 0, top: 2, right: 10, bottom: 3 }), [], 'columns 5..10 are known again');
  assert.deepEqual(shown.refresh(s, { left: 12, top: 2, right: 14, bottom: 3 }), [{ left: 12, top: 2, right: 14, bottom: 3 }]);
  assert.deepEqual(shown.refresh(s, { left: 12, top: 2, right: 14, bottom: 3 }), [{ left: 12, top: 2, right: 14, bottom: 3 }], 'inside the span: still unknown, sent again');
  assert.deepEqual(shown.refresh(s, all), [{ left: 10, top: 2, right: 22, bottom: 3 }]);
  assert.deepEqual(shown.refresh(s, all), []);
});

/**
 * Draws, forgets and damages at random on a `width` x `height` surface, applying every part the
 * copy returns to a model of the front end, and checks after each damage that the model shows
 * what the surface has there.
 */
function randomRuns(width: number, height: number, runs: number, seed: number): void {
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const randomRect = (): DamageArea => {
    const left = random(width);
    const top = random(height);
    return { left, top, right: left + 1 + random(width - left), bottom: top + 1 + random(height - top) };
  };
  const whole = { left: 0, top: 0, right: width, bottom: height };
  for (let run = 0; run < runs; run++) {
    const s = { width, height, pixels: new Uint32Array(width * height).fill(0xff202020) };
    const shown = new ShownPixels(width, height);
    // What the front end shows: RGBA bytes, made of the parts it was sent and its own changes.
    const page = new Uint8Array(width * height * 4);
    const apply = (rect: DamageArea): void => {
      for (const part of shown.refresh(s, rect)) {
        const bytes = new Uint8Array(shown.rgba(part));
        const partWidth = part.right - part.left;
        for (let y = part.top; y < part.bottom; y++) page.set(bytes.subarray((y - part.top) * partWidth * 4, (y - part.top + 1) * partWidth * 4), (y * width + part.left) * 4);
      }
    };
    apply(whole);
    for (let step = 0; step < 60; step++) {
      const action = random(4);
      const rect = randomRect();
      if (action === 0) {
        // The front end changes pixels itself (a move, a video frame) and the host forgets them.
        for (let y = rect.top; y < rect.bottom; y++) page.fill(random(256), (y * width + rect.left) * 4, (y * width + rect.right) * 4);
        shown.forget(rect);
      } else {
        // A draw, dense or a few pixels here and there, often the same colours again (only the
        // alpha byte differs), then its damage.
        const colour = random(2) === 0 ? 0xff202020 : (random(4) << 30) | (random(3) * 0x404040);
        const sparse = action === 1;
        for (let y = rect.top; y < rect.bottom; y++) {
          for (let x = rect.left; x < rect.right; x++) if (sparse ? random(300) === 0 : random(3) > 0) s.pixels[y * width + x] = colour >>> 0;
        }
        apply(rect);
        const damaged = new Uint8Array(surfaceRectToRgba(s, rect));
        const rowBytes = (rect.right - rect.left) * 4;
        for (let y = rect.top; y < rect.bottom; y++) {
          const want = damaged.subarray((y - rect.top) * rowBytes, (y - rect.top + 1) * rowBytes);
          const have = page.subarray((y * width + rect.left) * 4, (y * width + rect.right) * 4);
          assert.deepEqual(have, want, `${width}x${height}, run ${run}, step ${step}: row ${y} of the damage as the surface has it`);
        }
      }
    }
  }
}

test('shown pixels: a front end that applies every part shows the surface, whatever is drawn, forgotten and damaged (random runs)', () => {
  randomRuns(WIDTH, HEIGHT, 50, 7);
  // Rows wide enough for the block-wise scans, with sparse changes between long equal stretches.
  randomRuns(1500, 12, 20, 11);
});

test('shown pixels: in a wide row, a change anywhere is found exactly, alone or as the two ends of a span', () => {
  const width = 1100;
  const row = { left: 0, top: 0, right: width, bottom: 1 };
  const s = { width, height: 1, pixels: new Uint32Array(width).fill(0xff000000) };
  const shown = new ShownPixels(width, 1);
  shown.refresh(s, row);
  for (let x = 0; x < width; x++) {
    s.pixels[x] = 0xff00ff00;
    assert.deepEqual(shown.refresh(s, row), [{ left: x, top: 0, right: x + 1, bottom: 1 }], `the change at ${x}`);
    s.pixels[x] = 0xff000000;
    shown.refresh(s, row);
  }
  for (const [a, b] of [[0, width - 1], [255, 256], [3, 700], [511, 1024], [600, 1099]]) {
    s.pixels[a] = 0xff0000ff;
    s.pixels[b] = 0xff0000ff;
    assert.deepEqual(shown.refresh(s, { left: 0, top: 0, right: width, bottom: 1 }), [{ left: a, top: 0, right: b + 1, bottom: 1 }], `changes at ${a} and ${b}`);
    s.pixels[a] = 0xff000000;
    s.pixels[b] = 0xff000000;
    shown.refresh(s, row);
  }
});
