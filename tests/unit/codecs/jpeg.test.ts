import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJpeg, readJpegSize, type JpegDecoder } from '../../../src/core/codecs/jpeg';
import { MjpegTables } from '../../../src/core/codecs/mjpeg-tables';
import { parseStreamData } from '../../../src/core/protocol/display-messages';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { Bytes, concatBytes } from '../../support/chunking';
import { requireJpegDecoder } from '../../support/jpeg';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'display-codecs', 'mjpeg-stream');
const frame = (n: number): Uint8Array => parseStreamData(new Uint8Array(readFileSync(join(FIXTURES, `00${n}-STREAM_DATA.bin`)))).data;

/** The marker segments of a JPEG up to its scan: [marker, first table byte of DHT/DQT]. */
function segments(jpeg: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = 2; at < jpeg.length; ) {
    const marker = jpeg[at + 1];
    if (marker === 0xda) {
      out.push('SOS');
      break;
    }
    const length = (jpeg[at + 2] << 8) | jpeg[at + 3];
    out.push(marker === 0xc4 ? 'DHT' : marker === 0xdb ? 'DQT' : marker.toString(16));
    at += 2 + length;
  }
  return out;
}

/** Offset of the first segment with this marker (walking the segments, not searching bytes). */
function markerAt(jpeg: Uint8Array, marker: number): number {
  for (let at = 2; at < jpeg.length; at += 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3])) {
    if (jpeg[at + 1] === marker) return at;
  }
  throw new Error(`no marker ${marker.toString(16)}`);
}

test('readJpegSize reads the frame header and refuses what is not a JPEG header', () => {
  assert.deepEqual(readJpegSize(frame(2)), { width: 160, height: 120 });
  const sof = (w: number, h: number): Bytes => new Bytes().u8(0xff).u8(0xc0).u8(0).u8(11).u8(8).u8(h >> 8).u8(h & 255).u8(w >> 8).u8(w & 255).u8(1).u8(1).u8(0x11).u8(0);
  const soi = Uint8Array.of(0xff, 0xd8);
  // Fill bytes and an APP segment before the frame header, then a progressive SOF2.
  const app = Uint8Array.of(0xff, 0xff, 0xff, 0xe0, 0x00, 0x04, 1, 2);
  assert.deepEqual(readJpegSize(concatBytes(soi, app, sof(640, 480).build())), { width: 640, height: 480 });
  const sof2 = sof(33, 44).build();
  sof2[1] = 0xc2;
  assert.deepEqual(readJpegSize(concatBytes(soi, sof2)), { width: 33, height: 44 });
  assert.throws(() => readJpegSize(Uint8Array.of(0x89, 0x50, 0x4e, 0x47)), /not a JPEG/);
  assert.throws(() => readJpegSize(concatBytes(soi, Uint8Array.of(0xff, 0xda, 0, 2))), /scan data before/);
  assert.throws(() => readJpegSize(concatBytes(soi, sof(0, 10).build())), /frame of 0x10/);
  assert.throws(() => readJpegSize(concatBytes(soi, Uint8Array.of(0xff, 0xe0, 0x00, 0x01))), /segment length 1/);
  assert.throws(() => readJpegSize(concatBytes(soi, Uint8Array.of(1, 2, 3))), /garbage/);
  const good = concatBytes(soi, app, sof(640, 480).build());
  for (let cut = 0; cut < good.length - 4; cut++) assert.throws(() => readJpegSize(good.subarray(0, cut)), ProtocolError, `cut ${cut}`);
});

test('decodeJpeg checks sizes before decoding and turns decoder failures into ProtocolErrors', () => {
  let calls = 0;
  const failing: JpegDecoder = {
    decode: () => {
      calls++;
      throw new TypeError('Cannot read properties of undefined');
    },
  };
  assert.throws(() => decodeJpeg(frame(2), failing), (e: unknown) => e instanceof ProtocolError && /Cannot read properties/.test(e.message));
  assert.equal(calls, 1);
  assert.throws(() => decodeJpeg(frame(2), failing, { width: 161, height: 120 }), /the JPEG is 160x120/);
  assert.equal(calls, 1, 'a size mismatch is caught before the decoder runs');
  const lying: JpegDecoder = { decode: () => ({ width: 160, height: 119, pixels: new Uint32Array(160 * 119), hasAlpha: false }) };
  assert.throws(() => decodeJpeg(frame(2), lying), /decoded to 160x119/);
  const huge = concatBytes(Uint8Array.of(0xff, 0xd8), Uint8Array.of(0xff, 0xc0, 0, 11, 8, 0xff, 0xff, 0xff, 0xff, 1, 1, 0x11, 0));
  assert.throws(() => decodeJpeg(huge, failing), /beyond the limit/);
  // 4000x4000 within the limits, but from 15 bytes: refused before the decoder allocates.
  const lyingSize = Uint8Array.from(huge);
  lyingSize.set([0x0f, 0xa0, 0x0f, 0xa0], 7);
  assert.throws(() => decodeJpeg(lyingSize, failing), /cannot hold a 4000x4000 picture/);
  assert.equal(calls, 1);
});

test('MjpegTables puts the Huffman tables the server left out back into later frames', () => {
  assert.deepEqual(segments(frame(2)), ['e0', 'DQT', 'DQT', 'c0', 'DHT', 'DHT', 'DHT', 'DHT', 'SOS']);
  assert.deepEqual(segments(frame(3)), ['e0', 'DQT', 'DQT', 'c0', 'SOS']);
  const tables = new MjpegTables();
  const first = frame(2);
  assert.equal(tables.complete(first), first, 'a frame that lacks nothing passes through as it is');
  const second = tables.complete(frame(3));
  // One DHT segment holding the four remembered tables, inserted just before the scan.
  assert.deepEqual(segments(second), ['e0', 'DQT', 'DQT', 'c0', 'DHT', 'SOS']);
  const scan = markerAt(frame(3), 0xda);
  assert.deepEqual(second.subarray(second.length - (frame(3).length - scan)), frame(3).subarray(scan));
  const decoder = requireJpegDecoder();
  assert.equal(decodeJpeg(second, decoder).width, 160);
  // A stream that never had tables gets nothing inserted (and the decoder's error is a ProtocolError).
  assert.deepEqual(new MjpegTables().complete(frame(3)), frame(3));
  assert.throws(() => decodeJpeg(frame(3), decoder), ProtocolError);
});

test('MjpegTables refuses corrupt headers with ProtocolErrors', () => {
  const tables = new MjpegTables();
  const good = frame(2);
  for (let cut = 0; cut < markerAt(good, 0xda); cut++) assert.throws(() => tables.complete(good.subarray(0, cut)), ProtocolError, `cut ${cut}`);
  const badClass = Uint8Array.from(good);
  badClass[markerAt(good, 0xc4) + 4] = 0x27; // a DHT table of class 2
  assert.throws(() => new MjpegTables().complete(badClass), /Huffman table class/);
  const badCounts = Uint8Array.from(good);
  badCounts[markerAt(good, 0xc4) + 5] = 200; // counts beyond the segment
  assert.throws(() => new MjpegTables().complete(badCounts), /truncated Huffman table/);
});
