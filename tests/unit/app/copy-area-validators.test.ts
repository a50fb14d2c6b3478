import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateHostEvent } from '../../../src/shared/ipc-validators';

const good = { type: 'copyArea', displayId: 0, surfaceId: 0, source: { x: 0, y: 16, width: 1920, height: 1064 }, destX: 0, destY: 0, clip: null };

test('copyArea: a scroll passes; clip rectangles inside the destination pass', () => {
  assert.deepEqual(validateHostEvent(good), { ok: true, value: good });
  const clipped = { ...good, clip: [{ x: 0, y: 0, width: 10, height: 10 }, { x: 100, y: 1000, width: 20, height: 64 }] };
  assert.deepEqual(validateHostEvent(clipped), { ok: true, value: clipped });
});

test('copyArea: extra fields, bad rectangles, a destination off every surface and clips outside it are refused, naming the field', () => {
  const refused = (event: object, words: RegExp) => {
    const checked = validateHostEvent(event);
    assert.equal(checked.ok, false);
    if (!checked.ok) assert.match(checked.error, words);
  };
  refused({ ...good, rgba: new ArrayBuffer(4) }, /unexpected field "rgba"/);
  refused({ ...good, source: { x: -1, y: 0, width: 4, height: 4 } }, /source x and y/);
  refused({ ...good, source: { x: 0, y: 0, width: 0, height: 4 } }, /source size/);
  refused({ ...good, source: { x: 0, y: 0, width: 4, height: 4, z: 1 } }, /source has unexpected fields/);
  refused({ ...good, destX: 16_384 - 1919 }, /destX and destY/);
  refused({ ...good, destY: 0.5 }, /destX and destY/);
  refused({ ...good, clip: [] }, /clip must be null or a list/);
  refused({ ...good, clip: [{ x: 0, y: 1060, width: 10, height: 10 }] }, /outside the destination/);
  refused({ ...good, displayId: 256 }, /displayId/);
});
