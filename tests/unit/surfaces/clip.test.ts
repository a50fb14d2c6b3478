import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipRegion, regionExtents, unionOfRects } from '../../../src/main/surfaces/clip';
import { r } from './helpers';

test('no clip: the bounds are one band', () => {
  assert.deepEqual(clipRegion(r(1, 2, 5, 6), { type: 'none' }), [{ top: 2, bottom: 6, spans: [1, 5] }]);
  assert.deepEqual(clipRegion(null, { type: 'none' }), []);
});

test('clip rectangles are intersected with the bounds, empty ones dropped', () => {
  const region = clipRegion(r(0, 0, 10, 10), { type: 'rects', rects: [r(-5, -5, 2, 3), r(4, 4, 4, 9), r(12, 0, 14, 2)] });
  assert.deepEqual(region, [{ top: 0, bottom: 3, spans: [0, 2] }]);
});

test('overlapping rectangles become disjoint y-x bands, coalesced vertically', () => {
  const region = unionOfRects([r(0, 0, 3, 2), r(1, 1, 4, 3), r(6, 0, 8, 3), r(3, 0, 5, 1)]);
  assert.deepEqual(region, [
    { top: 0, bottom: 1, spans: [0, 5, 6, 8] },
    { top: 1, bottom: 2, spans: [0, 4, 6, 8] },
    { top: 2, bottom: 3, spans: [1, 4, 6, 8] },
  ]);
  assert.deepEqual(regionExtents(region), r(0, 0, 8, 3));
  // Touching rectangles merge into one span; identical rows into one band.
  assert.deepEqual(unionOfRects([r(0, 0, 2, 1), r(2, 0, 4, 1), r(0, 1, 4, 2)]), [{ top: 0, bottom: 2, spans: [0, 4] }]);
  // A gap between rectangles leaves a gap between bands.
  assert.deepEqual(unionOfRects([r(0, 0, 1, 1), r(0, 2, 1, 3)]), [
    { top: 0, bottom: 1, spans: [0, 1] },
    { top: 2, bottom: 3, spans: [0, 1] },
  ]);
  assert.equal(regionExtents([]), null);
});
