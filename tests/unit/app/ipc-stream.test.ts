import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeStreamRecord, StreamRecordReader } from '../../../src/shared/ipc-stream';
import { WireFormatError } from '../../../src/shared/ipc-wire';
import { chunkings, concatBytes } from '../../support/chunking';

const concat = (parts: readonly Uint8Array[]): Uint8Array => concatBytes(...parts);

const pixels = new Uint8Array(48).map((_, i) => i * 5);
const damage = {
  type: 'damage',
  displayId: 0,
  surfaceId: 0,
  patches: [
    { x: 1, y: 2, width: 2, height: 2, rgba: pixels.slice(0, 16).buffer },
    { x: 5, y: 0, width: 4, height: 2, rgba: pixels.slice(16).buffer },
  ],
};
const status = { type: 'status', state: 'connected', guestName: 'ünïcode guest' };

test('records carry JSON and buffers; the buffers are written as they are (no copy)', () => {
  const parts = encodeStreamRecord(damage);
  assert.equal(parts.length, 3);
  assert.equal(parts[1].buffer, damage.patches[0].rgba);
  assert.equal(parts[2].buffer, damage.patches[1].rgba);
  assert.deepEqual(new StreamRecordReader().push(concat(parts)), [damage]);
});

test('a stream of records is read back whatever the chunking', () => {
  const stream = concat([...encodeStreamRecord(status), ...encodeStreamRecord(damage), ...encodeStreamRecord(status)]);
  for (const chunks of chunkings(stream)) {
    const reader = new StreamRecordReader();
    const messages = chunks.flatMap((chunk) => reader.push(chunk));
    assert.deepEqual(messages, [status, damage, status]);
  }
});

test('malformed or oversized records are refused with WireFormatError', () => {
  const header = (jsonLength: number, count: number, ...lengths: number[]): Uint8Array => {
    const bytes = new Uint8Array(8 + 4 * lengths.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, jsonLength, true);
    view.setUint32(4, count, true);
    lengths.forEach((length, i) => view.setUint32(8 + 4 * i, length, true));
    return bytes;
  };
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const bad: Uint8Array[] = [
    header(0xffff_ffff, 0),
    header(2, 100_000),
    concat([header(2, 1, 0xffff_ffff)]),
    concat([header(3, 0), text('{x}')]),
    concat([header(2, 0), new Uint8Array([0xc3, 0x28])]),
    // A buffer nobody refers to, and a reference to a buffer that is not there.
    concat([header(2, 1, 1), text('{}'), new Uint8Array([7])]),
    concat([header(15, 0), text('{"$buffer": 0 }')]),
  ];
  for (const bytes of bad) assert.throws(() => new StreamRecordReader().push(bytes), WireFormatError);
});
