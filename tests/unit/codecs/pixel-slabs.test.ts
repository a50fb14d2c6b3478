import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PixelSlabs } from '../../../src/core/codecs/pixel-slabs';

test('pixel slabs: live views never share words; a slab is reused only once all its views are freed', () => {
  const slabs = new PixelSlabs(100, 1);
  const first = [slabs.take(25), slabs.take(25), slabs.take(25), slabs.take(25)];
  first.forEach((view, i) => view.fill(i + 1));
  assert.ok(first.every((view) => view.buffer === first[0].buffer), 'four quarters cut from one slab');
  assert.deepEqual(first.map((view) => view[24]), [1, 2, 3, 4], 'each view has words of its own');
  const second = slabs.take(10); // the first slab is full
  assert.notEqual(second.buffer, first[0].buffer);
  second.fill(5);
  first.slice(0, 3).forEach((view) => slabs.free(view));
  [slabs.take(25), slabs.take(25), slabs.take(25)].forEach((view) => assert.equal(view.buffer, second.buffer));
  const third = slabs.take(25); // the second slab is full too
  assert.ok(third.buffer !== first[0].buffer && third.buffer !== second.buffer, 'a view of the first slab lives: it is not reused');
  slabs.free(first[3]);
  assert.equal(slabs.slabWordsHeld, 300, 'the emptied slab is kept as a spare');
  [slabs.take(25), slabs.take(25), slabs.take(25)].forEach((view) => assert.equal(view.buffer, third.buffer));
  const reused = slabs.take(20);
  assert.equal(reused.buffer, first[0].buffer, 'the spare comes back when the current slab is full');
  reused.fill(9);
  assert.equal(second[0], 5, 'the view still alive was not touched');
});

test('pixel slabs: large images get arrays of their own; double and foreign frees are ignored', () => {
  const slabs = new PixelSlabs(100, 1);
  const big = slabs.take(26);
  assert.equal(big.buffer.byteLength, 26 * 4, 'over a quarter of a slab');
  const small = slabs.take(10);
  slabs.free(big);
  slabs.free(new Uint32Array(5));
  slabs.free(small);
  slabs.free(small);
  const next = slabs.take(10);
  const other = slabs.take(10);
  assert.notEqual(next.byteOffset, other.byteOffset, 'a double free did not hand the same words out twice');
});

test('pixel slabs: clear forgets every slab, and views from before are never handed out again', () => {
  const slabs = new PixelSlabs(100, 2);
  const old = slabs.take(10);
  old.fill(7);
  slabs.clear();
  assert.equal(slabs.slabWordsHeld, 0);
  slabs.free(old);
  const fresh = slabs.take(10);
  assert.notEqual(fresh.buffer, old.buffer);
  assert.equal(old[0], 7);
});
