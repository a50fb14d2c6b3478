import assert from 'node:assert/strict';
import { test } from 'node:test';
import { takeBand } from '../../../src/main/host/damage-bands';
import { DamageCoalescer } from '../../../src/main/host/damage-coalescer';

const WIDTH = 100;
const HEIGHT = 80;
const ROW_BYTES = WIDTH * 4;
const whole = { left: 0, top: 0, right: WIDTH, bottom: HEIGHT };

test('damage bands: under damage that keeps covering the whole surface, every row is sent as often', () => {
  const pending = new DamageCoalescer(WIDTH, HEIGHT);
  const sent = new Array<number>(HEIGHT).fill(0);
  let row = 0;
  for (let turn = 0; turn < 8; turn++) {
    pending.add(whole); // the guest redraws everything between two bands
    const band = takeBand(pending, 20 * ROW_BYTES, row, HEIGHT);
    for (const rect of band.rects) for (let y = rect.top; y < rect.bottom; y++) sent[y]++;
    row = band.nextRow;
  }
  assert.deepEqual(new Set(sent), new Set([2]), 'each row twice in eight bands of a quarter each');
});

test('damage bands: a band starts at its row, wraps past the bottom, and puts back what does not fit', () => {
  const pending = new DamageCoalescer(WIDTH, HEIGHT);
  pending.add(whole);
  const first = takeBand(pending, 30 * ROW_BYTES, 60, HEIGHT);
  assert.deepEqual(first.rects, [
    { left: 0, top: 60, right: WIDTH, bottom: 80 },
    { left: 0, top: 0, right: WIDTH, bottom: 10 },
  ]);
  assert.equal(first.nextRow, 10);
  assert.deepEqual(pending.take(), [{ left: 0, top: 10, right: WIDTH, bottom: 60 }]);

  // Everything fits: all goes, rows below the start first; the next band starts after the last.
  // (Far enough apart that the coalescer keeps them apart.)
  pending.add({ left: 0, top: 0, right: 40, bottom: 20 });
  pending.add({ left: 60, top: 50, right: 100, bottom: 70 });
  const second = takeBand(pending, 1 << 20, 30, HEIGHT);
  assert.deepEqual(second.rects, [
    { left: 60, top: 50, right: 100, bottom: 70 },
    { left: 0, top: 0, right: 40, bottom: 20 },
  ]);
  assert.equal(second.nextRow, 20);
  assert.ok(pending.isEmpty);

  pending.add({ left: 0, top: 70, right: WIDTH, bottom: 80 });
  assert.equal(takeBand(pending, 1 << 20, 0, HEIGHT).nextRow, 0, 'past the bottom: from the top again');
  pending.add(whole);
  assert.deepEqual(takeBand(pending, 0, 40, HEIGHT), { rects: [], nextRow: 40 }, 'no room: nothing taken');
  assert.deepEqual(pending.take(), [whole]);
});
