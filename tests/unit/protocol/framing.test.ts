import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageFramer, encodeMessage } from '../../../src/core/protocol/framing';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { ByteQueue } from '../../../src/core/protocol/byte-queue';
import { Bytes, chunkings, concatBytes } from '../../support/chunking';

const body1 = Uint8Array.from([1, 2, 3, 4, 5]);
const body2 = new Uint8Array(0);
const body3 = Uint8Array.from({ length: 40 }, (_, i) => i);

test('mini-header messages survive every chunking', () => {
  const stream = concatBytes(encodeMessage(7, body1, true, 0n), encodeMessage(3, body2, true, 0n), encodeMessage(302, body3, true, 0n));
  for (const pieces of chunkings(stream)) {
    const framer = new MessageFramer(true);
    const messages = pieces.flatMap((piece) => framer.feed(piece));
    assert.deepEqual(messages.map((m) => m.type), [7, 3, 302]);
    assert.deepEqual(messages.map((m) => [...m.body]), [[...body1], [], [...body3]]);
    assert.deepEqual(messages.map((m) => m.serial), [1n, 2n, 3n]);
    assert.equal(framer.buffered, 0);
  }
});

test('full-header messages carry their serials across every chunking', () => {
  const stream = concatBytes(encodeMessage(101, body1, false, 41n), encodeMessage(102, body3, false, 42n));
  for (const pieces of chunkings(stream)) {
    const framer = new MessageFramer(false);
    const messages = pieces.flatMap((piece) => framer.feed(piece));
    assert.deepEqual(messages.map((m) => [m.type, m.serial, m.body.byteLength]), [[101, 41n, 5], [102, 42n, 40]]);
  }
});

test('a partial message waits for the rest', () => {
  const framer = new MessageFramer(true);
  const encoded = encodeMessage(9, body3, true, 0n);
  assert.deepEqual(framer.feed(encoded.subarray(0, 10)), []);
  assert.equal(framer.feed(encoded.subarray(10)).length, 1);
});

test('a size beyond the limit is refused before any allocation', () => {
  const framer = new MessageFramer(true, 1000);
  const header = new Bytes().u16(302).u32(1001).build();
  assert.throws(() => framer.feed(header), (e: unknown) => e instanceof ProtocolError && /1001 bytes, beyond/.test(e.message));
});

test('full header sub-message lists are split out before the main message', () => {
  // body: [main part 4 bytes][list: u16 count=1, u32 offset=10][sub: u16 type=4, u32 size=2, 2 bytes]
  const body = new Bytes().raw([9, 9, 9, 9]).u16(1).u32(10).u16(4).u32(2).raw([7, 8]).build();
  const message = new Bytes().u64(5).u16(103).u32(body.byteLength).u32(4).raw(body).build();
  for (const pieces of chunkings(message)) {
    const framer = new MessageFramer(false);
    const out = pieces.flatMap((piece) => framer.feed(piece));
    assert.deepEqual(out.map((m) => [m.type, [...m.body]]), [[4, [7, 8]], [103, [9, 9, 9, 9]]]);
  }
});

test('a sub-message list offset outside the body is an error', () => {
  const message = new Bytes().u64(1).u16(103).u32(4).u32(4).raw([0, 0, 0, 0]).build();
  assert.throws(() => new MessageFramer(false).feed(message), ProtocolError);
});

test('ByteQueue returns views within one chunk and copies across chunks', () => {
  const queue = new ByteQueue();
  const a = Uint8Array.from([1, 2, 3]);
  queue.push(a);
  queue.push(Uint8Array.from([4, 5]));
  const first = queue.take(2)!;
  assert.equal(first.buffer, a.buffer, 'a view, not a copy');
  assert.equal(queue.take(4), null);
  assert.deepEqual([...queue.peek(3)!], [3, 4, 5]);
  assert.deepEqual([...queue.take(3)!], [3, 4, 5]);
  assert.equal(queue.length, 0);
});

test('large bodies still arriving are gathered into storage of their own, under every chunking', () => {
  const big = Uint8Array.from({ length: 50 }, (_, i) => (i * 7) & 0xff);
  const stream = concatBytes(encodeMessage(7, body1, true, 0n), encodeMessage(302, big, true, 0n), encodeMessage(303, body3, true, 0n));
  let gatheredAny = false;
  for (const pieces of chunkings(stream)) {
    const given: Uint8Array[] = [];
    const framer = new MessageFramer(true, undefined, {
      minBytes: 45,
      allocate: (size) => {
        const storage = new Uint8Array(new SharedArrayBuffer(size));
        given.push(storage);
        return storage;
      },
    });
    let buffered = 0;
    const messages = pieces.flatMap((piece) => {
      buffered += piece.byteLength;
      const out = framer.feed(piece);
      for (const m of out) buffered -= m.body.byteLength + 6;
      // What waits includes what is gathered; a pending message's header is already read.
      assert.ok(framer.buffered <= buffered && framer.buffered >= buffered - 6, `${framer.buffered} of ${buffered} bytes waiting`);
      return out;
    });
    assert.deepEqual(messages.map((m) => [m.type, [...m.body]]), [[7, [...body1]], [302, [...big]], [303, [...body3]]]);
    // Gathered only when the big body straddles chunks, and then it is the storage given.
    const bigBody = messages[1].body;
    if (given.length > 0) {
      gatheredAny = true;
      assert.equal(given.length, 1, 'one storage for the one large body');
      assert.equal(bigBody, given[0]);
    } else {
      assert.ok(pieces.some((piece) => piece.byteLength >= big.byteLength), 'not gathered only when a chunk held it whole');
    }
    assert.ok(!(messages[2].body.buffer instanceof SharedArrayBuffer), 'small bodies as before');
  }
  assert.ok(gatheredAny);
});

test('storage for a large body must be exactly its size', () => {
  const stream = encodeMessage(302, new Uint8Array(50), true, 0n);
  const framer = new MessageFramer(true, undefined, { minBytes: 10, allocate: (size) => new Uint8Array(size + 1) });
  assert.throws(() => framer.feed(stream.subarray(0, 20)), RangeError);
});

test('ByteQueue.takeInto copies across chunks and consumes', () => {
  const queue = new ByteQueue();
  queue.push(Uint8Array.from([1, 2, 3]));
  queue.push(Uint8Array.from([4, 5]));
  queue.push(Uint8Array.from([6]));
  queue.take(1);
  const dst = new Uint8Array(6);
  queue.takeInto(dst, 1, 4);
  assert.deepEqual([...dst], [0, 2, 3, 4, 5, 0]);
  assert.equal(queue.length, 1);
  assert.deepEqual([...queue.take(1)!], [6]);
  assert.throws(() => queue.takeInto(dst, 0, 1), RangeError);
});
