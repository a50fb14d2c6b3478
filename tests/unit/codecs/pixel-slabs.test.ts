import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PixelSlabs } from '../../../src/core/codecs/pixel-slabs';

/** A piece as the dictionary keeps it: the array take() returned and where in it. */
interface Piece {
  readonly store: Uint32Array;
  readonly at: number;
  readonly words: number;
}

function take(slabs: PixelSlabs, words: number): Piece {
  const store = slabs.take(words);
  return { store, at: slabs.takenAt, words };
}

function fill(piece: Piece, value: number): void {
  piece.store.fill(value, piece.at, piece.at + piece.words);
}

function last(piece: Piece): number {
  return piece.store[piece.at + piece.words - 1];
}

test('pixel slabs: live pieces never share words; a slab is reused only once all its pieces are freed', () => {
  const slabs = new PixelSlabs(100, 1);
  const first = [take(slabs, 25), take(slabs, 25), take(slabs, 25), take(slabs, 25)];
  first.forEach((piece, i) => fill(piece, i + 1));
  assert.ok(first.every((piece) => piece.store === first[0].store), 'four quarters cut from one slab');
  assert.deepEqual(first.map((piece) => piece.at), [0, 25, 50, 75]);
  assert.deepEqual(first.map(last), [1, 2, 3, 4], 'each piece has words of its own');
  const second = take(slabs, 10); // the first slab is full
  assert.notEqual(second.store, first[0].store);
  fill(second, 5);
  first.slice(0, 3).forEach((piece) => slabs.free(piece.store));
  [take(slabs, 25), take(slabs, 25), take(slabs, 25)].forEach((piece) => assert.equal(piece.store, second.store));
  const third = take(slabs, 25); // the second slab is full too
  assert.ok(third.store !== first[0].store && third.store !== second.store, 'a piece of the first slab lives: it is not reused');
  slabs.free(first[3].store);
  assert.equal(slabs.slabWordsHeld, 300, 'the emptied slab is kept as a spare');
  [take(slabs, 25), take(slabs, 25), take(slabs, 25)].forEach((piece) => assert.equal(piece.store, third.store));
  const reused = take(slabs, 20);
  assert.equal(reused.store, first[0].store, 'the spare comes back when the current slab is full');
  assert.equal(reused.at, 0);
  fill(reused, 9);
  assert.equal(second.store[second.at], 5, 'the piece still alive was not touched');
});

test('pixel slabs: a slab\'s bytes are one view of the same memory; an own array gets a view of its own', () => {
  const slabs = new PixelSlabs(100, 1);
  const piece = take(slabs, 10);
  const bytes = slabs.bytesOf(piece.store);
  assert.equal(slabs.bytesOf(piece.store), bytes, 'the same view each time');
  bytes[4 * piece.at] = 0xab;
  assert.equal(piece.store[piece.at] & 0xff, 0xab);
  const big = take(slabs, 26);
  const bigBytes = slabs.bytesOf(big.store);
  assert.equal(bigBytes.byteLength, 26 * 4);
  bigBytes[0] = 7;
  assert.equal(big.store[0] & 0xff, 7);
});

test('pixel slabs: large images get arrays of their own; foreign frees are ignored', () => {
  const slabs = new PixelSlabs(100, 1);
  const big = take(slabs, 26);
  assert.equal(big.store.byteLength, 26 * 4, 'over a quarter of a slab');
  assert.equal(big.at, 0);
  const small = take(slabs, 10);
  slabs.free(big.store);
  slabs.free(new Uint32Array(5));
  const next = take(slabs, 10);
  assert.equal(next.store, small.store);
  assert.notEqual(next.at, small.at, 'a foreign free did not hand the same words out twice');
});

test('pixel slabs: clear forgets every slab, and pieces from before are never handed out again', () => {
  const slabs = new PixelSlabs(100, 2);
  const old = take(slabs, 10);
  fill(old, 7);
  slabs.clear();
  assert.equal(slabs.slabWordsHeld, 0);
  slabs.free(old.store);
  const fresh = take(slabs, 10);
  assert.notEqual(fresh.store, old.store);
  assert.equal(old.store[old.at], 7);
});
