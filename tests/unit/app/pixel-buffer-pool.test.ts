import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PixelBufferPool } from '../../../src/shared/pixel-buffer-pool';
import { StreamRecordReader, encodeStreamRecord } from '../../../src/shared/ipc-stream';

test('a buffer given back is handed out again for the same size only', () => {
  const pool = new PixelBufferPool();
  const first = pool.take(64);
  pool.give(first);
  assert.notEqual(pool.take(128), first);
  assert.equal(pool.take(64), first);
  assert.notEqual(pool.take(64), first, 'a buffer is handed out once per return');
  assert.deepEqual([pool.reused, pool.allocated], [1, 3]);
});

test('the pool keeps at most its bound and drops detached buffers', () => {
  const pool = new PixelBufferPool(100);
  const a = new ArrayBuffer(60);
  const b = new ArrayBuffer(60);
  pool.give(a);
  pool.give(b); // over the bound: left to the collector
  assert.equal(pool.take(60), a);
  assert.notEqual(pool.take(60), b);
  const moved = new ArrayBuffer(8);
  structuredClone(moved, { transfer: [moved] });
  pool.give(moved);
  assert.equal(pool.take(0).byteLength, 0);
});

test('the stream reader stores each buffer in what its allocator gives, at its exact size', () => {
  const pool = new PixelBufferPool();
  const storage = new ArrayBuffer(12);
  pool.give(storage);
  const reader = new StreamRecordReader((bytes) => pool.take(bytes));
  const pixels = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const parts = encodeStreamRecord({ type: 'damage', rgba: pixels.buffer });
  const [message] = reader.push(Uint8Array.from(parts.flatMap((part) => [...part]))) as { rgba: ArrayBuffer }[];
  assert.equal(message.rgba, storage);
  assert.deepEqual(new Uint8Array(message.rgba), pixels);
});
