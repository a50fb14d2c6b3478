import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandedUpdates } from '../../../src/main/host/handed-updates';

test('handed updates: an update is handed when the bands sent since it was drawn cover all of it', () => {
  const updates = new HandedUpdates(100, 80);
  const handed: string[] = [];
  const report = (latencyMs: number, addedMs: number): void => void handed.push(`${latencyMs}/${addedMs}`);
  updates.drawn({ left: 10, top: 10, right: 50, bottom: 40 }, 100, 105);
  updates.sent([{ left: 0, top: 0, right: 100, bottom: 20 }], 110, report);
  assert.deepEqual(handed, [], 'its rows 20-40 are still to go');
  updates.drawn({ left: 0, top: 60, right: 200, bottom: 90 }, 112, 113); // cut to the surface
  updates.sent([{ left: 0, top: 20, right: 30, bottom: 40 }, { left: 30, top: 20, right: 100, bottom: 40 }], 120, report);
  assert.deepEqual(handed, ['20/15'], 'covered by two rectangles together');
  updates.sent([{ left: 0, top: 60, right: 100, bottom: 80 }], 130, report);
  assert.deepEqual(handed, ['20/15', '18/17'], 'the part inside the surface is all that counts');
});

test('handed updates: other damage still pending does not hold back an update whose area went', () => {
  const updates = new HandedUpdates(100, 80);
  const handed: number[] = [];
  updates.drawn({ left: 0, top: 0, right: 100, bottom: 10 }, 0, 0);
  updates.drawn({ left: 0, top: 70, right: 100, bottom: 80 }, 0, 2);
  updates.sent([{ left: 0, top: 0, right: 100, bottom: 40 }], 5, (latency) => handed.push(latency));
  assert.deepEqual(handed, [5]);
  updates.sent([{ left: 0, top: 40, right: 100, bottom: 80 }], 9, (latency) => handed.push(latency));
  assert.deepEqual(handed, [5, 9]);
});

test('handed updates: bands through the middle of an update leave just the rows they did not cover', () => {
  const updates = new HandedUpdates(100, 80);
  const handed: number[] = [];
  updates.drawn({ left: 0, top: 10, right: 100, bottom: 40 }, 0, 0);
  updates.sent([{ left: 0, top: 20, right: 100, bottom: 30 }], 5, (latency) => handed.push(latency));
  updates.sent([{ left: 0, top: 30, right: 100, bottom: 40 }, { left: 50, top: 10, right: 100, bottom: 20 }], 7, (latency) => handed.push(latency));
  assert.equal(handed.length, 0, 'rows 10-20 of columns 0-50 are still to go');
  updates.sent([{ left: 0, top: 0, right: 50, bottom: 20 }], 9, (latency) => handed.push(latency));
  assert.deepEqual(handed, [9]);
});

test('handed updates: of updates drawn less than 2 ms apart, only the first is timed', () => {
  const updates = new HandedUpdates(100, 80);
  const handed: number[] = [];
  for (let ms = 0; ms < 10; ms++) updates.drawn({ left: 0, top: 0, right: 10, bottom: 10 }, ms, ms);
  updates.sent([{ left: 0, top: 0, right: 100, bottom: 80 }], 20, (latency) => handed.push(latency));
  assert.deepEqual(handed, [20, 18, 16, 14, 12], 'drawn at 0, 2, 4, 6 and 8 ms');
});
