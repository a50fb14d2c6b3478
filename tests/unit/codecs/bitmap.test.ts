import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBitmap } from '../../../src/core/codecs/bitmap';
import { BitmapFlags, BitmapFormat } from '../../../src/core/protocol/constants';
import type { BitmapData } from '../../../src/core/protocol/display-types';
import { ProtocolError } from '../../../src/core/protocol/errors';

const TOP_DOWN = BitmapFlags.TOP_DOWN;

function bitmap(format: number, width: number, height: number, stride: number, bytes: number[], flags = 0): BitmapData {
  return { format, flags, width, height, stride, palette: { kind: 'none' }, data: Uint8Array.from(bytes) };
}

/** Same bytes, but starting at an odd offset of a larger buffer (not 4-byte aligned). */
function unaligned(b: BitmapData): BitmapData {
  const buffer = new Uint8Array(b.data.length + 1);
  buffer.set(b.data, 1);
  return { ...b, data: buffer.subarray(1) };
}

function hex(pixels: Uint32Array): string[] {
  return [...pixels].map((p) => p.toString(16).padStart(8, '0'));
}

test('32BIT: B,G,R,X bytes, bottom-up by default, filler byte replaced by opaque alpha', () => {
  // 2x2, stride 8: first row in the data is the bottom row.
  const bytes = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x05, 0x06, 0x7f, // bottom row
    0x11, 0x12, 0x13, 0xaa, 0x14, 0x15, 0x16, 0x00, // top row
  ];
  const out = decodeBitmap(bitmap(BitmapFormat.BIT32, 2, 2, 8, bytes), null);
  assert.equal(out.width, 2);
  assert.equal(out.height, 2);
  assert.equal(out.hasAlpha, false);
  assert.deepEqual(hex(out.pixels), ['ff131211', 'ff161514', 'ff030201', 'ff060504']);
  // The byte-by-byte path (unaligned data) gives the same result.
  assert.deepEqual(decodeBitmap(unaligned(bitmap(BitmapFormat.BIT32, 2, 2, 8, bytes)), null).pixels, out.pixels);
});

test('32BIT top-down with a padded stride ignores the padding', () => {
  const bytes = [
    0x01, 0x02, 0x03, 0x00, 0xee, 0xee, 0xee, 0xee, // row 0 + 4 bytes padding
    0x04, 0x05, 0x06, 0x00, 0xee, 0xee, 0xee, 0xee,
  ];
  const out = decodeBitmap(bitmap(BitmapFormat.BIT32, 1, 2, 8, bytes, TOP_DOWN), null);
  assert.deepEqual(hex(out.pixels), ['ff030201', 'ff060504']);
  const odd = decodeBitmap(bitmap(BitmapFormat.BIT32, 1, 2, 5, bytes.slice(0, 10), TOP_DOWN), null);
  // stride 5 (not a multiple of 4): row 1 starts at byte 5.
  assert.deepEqual(hex(odd.pixels), ['ff030201', 'ffeeeeee']);
});

test('RGBA keeps its alpha byte and reports hasAlpha', () => {
  const bytes = [0x10, 0x20, 0x30, 0x40, 0x00, 0x00, 0x00, 0x00];
  const out = decodeBitmap(bitmap(BitmapFormat.RGBA, 2, 1, 8, bytes), null);
  assert.equal(out.hasAlpha, true);
  assert.deepEqual(hex(out.pixels), ['40302010', '00000000']);
  assert.deepEqual(decodeBitmap(unaligned(bitmap(BitmapFormat.RGBA, 2, 1, 8, bytes)), null).pixels, out.pixels);
});

test('24BIT: bytes B,G,R, bottom-up, padded stride', () => {
  const bytes = [
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x00, // bottom row (2 px) + 2 bytes padding
    0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x00, 0x00, // top row
  ];
  const out = decodeBitmap(bitmap(BitmapFormat.BIT24, 2, 2, 8, bytes), null);
  assert.equal(out.hasAlpha, false);
  assert.deepEqual(hex(out.pixels), ['ff0c0b0a', 'ff0f0e0d', 'ff030201', 'ff060504']);
});

test('16BIT: x1r5g5b5 little-endian words, channels widened by bit replication', () => {
  const words = [0x7fff, 0x7c00, 0x03e0, 0x001f, 0x4210, 0x8000];
  const bytes = words.flatMap((w) => [w & 0xff, w >> 8]);
  const out = decodeBitmap(bitmap(BitmapFormat.BIT16, 6, 1, 12, bytes, TOP_DOWN), null);
  assert.deepEqual(hex(out.pixels), ['ffffffff', 'ffff0000', 'ff00ff00', 'ff0000ff', 'ff848484', 'ff000000']);
});

test('8BIT: palette indices, palette 0x00RRGGBB becomes opaque', () => {
  const palette = Uint32Array.from([0x000000, 0x123456, 0xabcdef]);
  const bytes = [2, 1, 0, 0xee, /* row 1 */ 0, 0, 1, 0xee]; // stride 4, width 3
  const out = decodeBitmap(bitmap(BitmapFormat.BIT8, 3, 2, 4, bytes), palette);
  // Bottom-up: the second data row is the top.
  assert.deepEqual(hex(out.pixels), ['ff000000', 'ff000000', 'ff123456', 'ffabcdef', 'ff123456', 'ff000000']);
  assert.equal(out.hasAlpha, false);
});

test('8BIT: index past the palette, missing palette and empty palette are errors', () => {
  const b = bitmap(BitmapFormat.BIT8, 2, 1, 2, [0, 3], TOP_DOWN);
  assert.throws(() => decodeBitmap(b, Uint32Array.from([1, 2, 3])), ProtocolError);
  assert.throws(() => decodeBitmap(b, null), ProtocolError);
  assert.throws(() => decodeBitmap(b, new Uint32Array(0)), ProtocolError);
  // The palette entry's high byte is ignored.
  assert.deepEqual(hex(decodeBitmap(b, Uint32Array.from([0x11000001, 2, 3, 0x22ffffff])).pixels), ['ff000001', 'ffffffff']);
});

test('4BIT_LE takes the low nibble first, 4BIT_BE the high nibble first; odd width pads', () => {
  const palette = Uint32Array.from(Array.from({ length: 16 }, (_, i) => i * 0x111111));
  const bytes = [0x21, 0x43, 0x05, 0xee]; // 5 pixels in 3 bytes, stride 4
  const le = decodeBitmap(bitmap(BitmapFormat.BIT4_LE, 5, 1, 4, bytes, TOP_DOWN), palette);
  assert.deepEqual([...le.pixels].map((p) => (p & 0xf)), [1, 2, 3, 4, 5]);
  const be = decodeBitmap(bitmap(BitmapFormat.BIT4_BE, 5, 1, 4, bytes, TOP_DOWN), palette);
  assert.deepEqual([...be.pixels].map((p) => (p & 0xf)), [2, 1, 4, 3, 0]);
  assert.equal(be.pixels[0], 0xff222222);
  // Index 5 with a 5-entry palette is out of range.
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.BIT4_LE, 5, 1, 4, bytes, TOP_DOWN), palette.subarray(0, 5)), ProtocolError);
});

test('1BIT_LE is least significant bit first, 1BIT_BE most significant first', () => {
  const palette = Uint32Array.from([0x000000, 0xffffff]);
  // width 10: two bytes per row, 6 padding bits; stride 4; bottom-up, 2 rows.
  const bytes = [0b00000101, 0b11111110, 0, 0, /* top */ 0b10100000, 0b00000001, 0, 0];
  const le = decodeBitmap(bitmap(BitmapFormat.BIT1_LE, 10, 2, 4, bytes), palette);
  const bits = (p: Uint32Array) => [...p].map((v) => ((v & 0xffffff) === 0xffffff ? 1 : 0));
  assert.deepEqual(bits(le.pixels), [0, 0, 0, 0, 0, 1, 0, 1, 1, 0, /* bottom */ 1, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
  const be = decodeBitmap(bitmap(BitmapFormat.BIT1_BE, 10, 2, 4, bytes), palette);
  assert.deepEqual(bits(be.pixels), [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, /* bottom */ 0, 0, 0, 0, 0, 1, 0, 1, 1, 1]);
  assert.equal(be.hasAlpha, false);
});

test('1BIT without a palette is a mask: alpha-only pixels', () => {
  const out = decodeBitmap(bitmap(BitmapFormat.BIT1_BE, 3, 1, 1, [0b10100000], TOP_DOWN), null);
  assert.equal(out.hasAlpha, true);
  assert.deepEqual(hex(out.pixels), ['ff000000', '00000000', 'ff000000']);
  // A one-entry palette cannot colour a set bit.
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.BIT1_BE, 3, 1, 1, [0b10100000], TOP_DOWN), Uint32Array.from([7])), ProtocolError);
  assert.deepEqual(hex(decodeBitmap(bitmap(BitmapFormat.BIT1_BE, 3, 1, 1, [0], TOP_DOWN), Uint32Array.from([7])).pixels), [
    'ff000007',
    'ff000007',
    'ff000007',
  ]);
});

test('8BIT_A: one alpha byte per pixel, colour 0', () => {
  const out = decodeBitmap(bitmap(BitmapFormat.BIT8_A, 3, 2, 4, [1, 2, 3, 0, 0x80, 0xff, 0, 0]), null);
  assert.equal(out.hasAlpha, true);
  assert.deepEqual(hex(out.pixels), ['80000000', 'ff000000', '00000000', '01000000', '02000000', '03000000']);
});

test('invalid bitmaps are ProtocolErrors', () => {
  // Unknown formats.
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.INVALID, 1, 1, 4, [0, 0, 0, 0]), null), /unknown format 0/);
  assert.throws(() => decodeBitmap(bitmap(11, 1, 1, 4, [0, 0, 0, 0]), null), ProtocolError);
  // Stride shorter than a row.
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.BIT24, 2, 1, 5, [0, 0, 0, 0, 0, 0]), null), /stride/);
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.BIT1_LE, 9, 1, 1, [0, 0]), null), /stride/);
  // Data shorter than stride × height.
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.BIT32, 1, 2, 4, [0, 0, 0, 0, 0, 0, 0]), null), /needs 8 bytes/);
  // Sizes we do not allocate.
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.BIT8_A, 100000, 1, 100000, []), null), ProtocolError);
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.BIT8_A, -1, 1, 0, []), null), ProtocolError);
  assert.throws(() => decodeBitmap(bitmap(BitmapFormat.BIT8_A, 1, 1, -4, [0]), null), ProtocolError);
});

test('an empty bitmap decodes to no pixels', () => {
  const out = decodeBitmap(bitmap(BitmapFormat.BIT32, 5, 0, 20, []), null);
  assert.equal(out.pixels.length, 0);
  assert.equal(decodeBitmap(bitmap(BitmapFormat.BIT32, 0, 3, 0, []), null).pixels.length, 0);
});
