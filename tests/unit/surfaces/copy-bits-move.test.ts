import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Rect } from '../../../src/core/protocol/display-types';
import { copyBits } from '../../../src/main/surfaces/canvas';
import { copyBitsMove } from '../../../src/main/surfaces/copy-bits-move';
import { copyAreaEvent } from '../../../src/main/host/copy-area';
import { applyCopyArea, moveArea } from '../../../src/renderer/paint/copy-area';
import { validateHostEvent } from '../../../src/shared/ipc-validators';
import { base, r, surface } from './helpers';

/**
 * The renderer redoes a COPY_BITS from the event the engine sends (copyBitsMove → copyAreaEvent →
 * applyCopyArea) and must end with the very pixels the engine's canvas.copyBits makes, overlap,
 * clip and surface edges included. Pixels are compared as the 4 bytes of each word: the copy
 * moves whole pixels whatever their byte order.
 */

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

function numbered(width: number, height: number) {
  return surface(width, height, Array.from({ length: width * height }, (_, i) => 0xff000000 + i + 1));
}

/** Engine and renderer side by side; returns the engine's pixels after the copy. */
function both(width: number, height: number, box: Rect, sourcePos: { x: number; y: number }, clip?: Rect[]): Uint32Array {
  const engine = numbered(width, height);
  const renderer = new Uint8ClampedArray(engine.pixels.slice().buffer);
  const inPlace = new Uint8ClampedArray(engine.pixels.slice().buffer);
  const op = { base: base(box, clip), sourcePos };
  const move = copyBitsMove(width, height, op);
  const damage = copyBits(engine, op);
  assert.equal(move === null, damage === null, 'a move exactly when the engine reports damage');
  if (move) {
    const event = copyAreaEvent(0, 0, move);
    const checked = validateHostEvent(event);
    assert.ok(checked.ok, checked.ok ? '' : checked.error);
    assert.ok(applyCopyArea(renderer, width, height, event, null), 'the copy fits the surface');
    if (event.clip === null) assert.ok(moveArea(inPlace, width, height, event), 'the plain move fits the surface');
    else inPlace.set(renderer);
  }
  assert.deepEqual(new Uint32Array(inPlace.buffer), engine.pixels, `in place: box ${JSON.stringify(box)} from ${JSON.stringify(sourcePos)}`);
  assert.deepEqual(new Uint32Array(renderer.buffer), engine.pixels, `box ${JSON.stringify(box)} from ${JSON.stringify(sourcePos)} clip ${JSON.stringify(clip)}`);
  return engine.pixels;
}

test('copy area: a scroll up by one row (overlapping) moves every row like memmove', () => {
  const pixels = both(3, 4, r(0, 0, 3, 3), { x: 0, y: 1 });
  assert.deepEqual([...pixels].map((p) => p & 0xff), [4, 5, 6, 7, 8, 9, 10, 11, 12, 10, 11, 12]);
});

test('copy area: a scroll down and a move right (overlapping) read every source pixel before writing', () => {
  const down = both(2, 4, r(0, 1, 2, 4), { x: 0, y: 0 });
  assert.deepEqual([...down].map((p) => p & 0xff), [1, 2, 1, 2, 3, 4, 5, 6]);
  const right = both(5, 1, r(1, 0, 5, 1), { x: 0, y: 0 });
  assert.deepEqual([...right].map((p) => p & 0xff), [1, 1, 2, 3, 4]);
});

test('copy area: with a clip only the clipped part of the destination changes, its source read before any write', () => {
  const pixels = both(8, 1, r(2, 0, 8, 1), { x: 0, y: 0 }, [r(2, 0, 4, 1), r(5, 0, 8, 1)]);
  assert.deepEqual([...pixels].map((p) => p & 0xff), [1, 2, 1, 2, 5, 4, 5, 6]);
});

test('copy area: a copy onto itself, or entirely off the surface, is no move', () => {
  assert.equal(copyBitsMove(4, 4, { base: base(r(0, 0, 4, 4)), sourcePos: { x: 0, y: 0 } }), null);
  assert.equal(copyBitsMove(4, 4, { base: base(r(0, 0, 4, 4)), sourcePos: { x: 10, y: 0 } }), null);
  assert.equal(copyBitsMove(4, 4, { base: base(r(0, 0, 4, 4), [r(8, 8, 9, 9)]), sourcePos: { x: 1, y: 0 } }), null);
});

test('copy area: random moves, overlaps, clips and surface edges end with the engine\'s pixels (2000 cases)', () => {
  const next = random(0x5eed);
  for (let i = 0; i < 2000; i++) {
    const width = 1 + next(12);
    const height = 1 + next(12);
    const left = next(width + 4) - 2;
    const top = next(height + 4) - 2;
    const box = r(left, top, left + 1 + next(width + 2), top + 1 + next(height + 2));
    const sourcePos = { x: next(width + 4) - 2, y: next(height + 4) - 2 };
    let clip: Rect[] | undefined;
    if (next(2) === 1) {
      clip = [];
      for (let k = next(5); k > 0; k--) {
        const x = next(width + 2) - 1;
        const y = next(height + 2) - 1;
        clip.push(r(x, y, x + next(width), y + next(height)));
      }
    }
    both(width, height, box, sourcePos, clip);
  }
});

test('copy area: an event that does not fit the renderer\'s surface changes nothing', () => {
  const rgba = new Uint8ClampedArray(4 * 4 * 4).fill(7);
  const event = copyAreaEvent(0, 0, { source: r(0, 1, 4, 5), destX: 0, destY: 0, clip: null });
  assert.equal(applyCopyArea(rgba, 4, 4, event, null), null);
  assert.equal(moveArea(rgba, 4, 4, event), false);
  assert.ok(rgba.every((b) => b === 7));
});
