import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeLz4Block } from '../../../src/core/codecs/lz4';
import { decodeLz4Image } from '../../../src/core/codecs/lz4-image';
import { BitmapFormat } from '../../../src/core/protocol/constants';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { encodeLz4Block, encodeLz4Image, writeSequence } from '../../support/lz4-encoder';
import { desktopImage, rng } from '../../support/lz-encoder';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'lz4');

/** Decodes one block into a fresh buffer of `capacity` bytes; returns the bytes produced. */
function block(bytes: ArrayLike<number>, capacity = 1024): Uint8Array {
  const src = Uint8Array.from(bytes);
  const out = new Uint8Array(capacity);
  const end = decodeLz4Block(src, 0, src.length, out, 0, 0, 'test');
  return out.subarray(0, end);
}

function seq(literals: number[], offset?: number, matchLength?: number): number[] {
  const out: number[] = [];
  writeSequence(out, literals, offset, matchLength);
  return out;
}

test('LZ4 block: literals only, and literal lengths at the extension boundaries', () => {
  assert.deepEqual([...block(seq([1, 2, 3]))], [1, 2, 3]);
  for (const n of [0, 14, 15, 16, 269, 270, 271, 1000]) {
    const literals = Array.from({ length: n }, (_, i) => (i * 7) & 255);
    assert.deepEqual([...block(seq(literals), 2000)], literals, `${n} literals`);
  }
});

test('LZ4 block: overlapping matches repeat their source (offset 1 is a run)', () => {
  // "ab" then a 10-byte match at offset 2, then a 6-byte run of the last byte at offset 1.
  const bytes = [...seq([0x61, 0x62], 2, 10), ...seq([0x63], 1, 6), ...seq([0x64])];
  assert.equal(Buffer.from(block(bytes)).toString('latin1'), 'abababababab' + 'cccccccd'.slice(0, 7) + 'd');
  // Match lengths at the extension boundaries: 18 (nibble 14), 19 (15 + 0), 274 (15 + 255 + 0).
  for (const m of [18, 19, 20, 273, 274, 275, 5000]) {
    const out = block([...seq([9], 1, m), ...seq([])], 6000);
    assert.equal(out.length, 1 + m, `match of ${m}`);
    assert.ok(out.every((b) => b === 9));
  }
});

test('LZ4 block: random data round-trips through the test encoder', () => {
  const next = rng(5);
  const random = (): number => next() / 2 ** 32;
  for (let round = 0; round < 50; round++) {
    const n = 1 + Math.floor(random() * 3000);
    // Mostly repetitive bytes from a small alphabet, so there are many matches of every length.
    const input = Uint8Array.from({ length: n }, () => (random() < 0.9 ? Math.floor(random() * 4) : Math.floor(random() * 256)));
    const encoded = encodeLz4Block(input, 0, n);
    assert.deepEqual(block(encoded, n), input, `round ${round}`);
  }
});

test('LZ4 block: every truncation is a ProtocolError, never a wrong answer or a crash', () => {
  const bytes = new Uint8Array(desktopImage(120, 60, 3).buffer);
  const encoded = encodeLz4Block(bytes, 0, bytes.length);
  assert.ok(encoded.length > 100 && encoded.length < bytes.length / 2);
  assert.deepEqual(block(encoded, bytes.length), bytes);
  let errors = 0;
  for (let cut = 0; cut < encoded.length; cut++) {
    const out = new Uint8Array(bytes.length);
    try {
      const end = decodeLz4Block(encoded, 0, cut, out, 0, 0, 'test');
      // A cut right after a sequence's literals is a valid, shorter block: its output must be a prefix.
      assert.deepEqual(out.subarray(0, end), bytes.subarray(0, end), `cut at ${cut}`);
    } catch (error) {
      assert.ok(error instanceof ProtocolError, `cut at ${cut}: ${(error as Error).message}`);
      errors++;
    }
  }
  assert.ok(errors > encoded.length / 2);
});

test('LZ4 block: bad offsets and overflowing output are refused', () => {
  assert.throws(() => block([...seq([1, 2, 3, 4], 0, 4), ...seq([])]), /offset 0/);
  assert.throws(() => block([...seq([1, 2, 3, 4], 5, 4), ...seq([])]), /before the start/);
  assert.throws(() => block([...seq([1], 1, 100), ...seq([])], 50), /beyond the image/);
  assert.throws(() => block(seq(Array.from({ length: 60 }, () => 1)), 50), /beyond the image/);
  assert.throws(() => block([]), /empty/);
  assert.throws(() => block(seq([1, 2, 3, 4], 4, 4)), /ends with a match/);
  // A match may reach into what earlier blocks wrote, but not below the floor the caller sets.
  const out = new Uint8Array(16);
  out.set([7, 7, 7, 7], 0);
  const bytes = Uint8Array.from([...seq([], 4, 4), ...seq([])]);
  assert.equal(decodeLz4Block(bytes, 0, bytes.length, out, 4, 0, 'test'), 8);
  assert.deepEqual([...out.subarray(4, 8)], [7, 7, 7, 7]);
  assert.throws(() => decodeLz4Block(bytes, 0, bytes.length, new Uint8Array(16), 4, 4, 'test'), /before the start/);
});

test('LZ4 image: every bitmap format, both row orders, blocks continuing one stream', () => {
  const width = 37;
  const height = 29;
  const pixels = desktopImage(width, height, 9);
  const cases: { format: number; bpp: number; pack: (p: number, out: Uint8Array, at: number) => void; expect: (p: number) => number }[] = [
    { format: BitmapFormat.BIT32, bpp: 4, pack: (p, o, a) => new DataView(o.buffer).setUint32(a, (p & 0xffffff) | 0x5a000000, true), expect: (p) => (p | 0xff000000) >>> 0 },
    { format: BitmapFormat.RGBA, bpp: 4, pack: (p, o, a) => new DataView(o.buffer).setUint32(a, (p & 0xffffff) | ((p & 0xff) << 24), true), expect: (p) => ((p & 0xffffff) | ((p & 0xff) << 24)) >>> 0 },
    { format: BitmapFormat.BIT24, bpp: 3, pack: (p, o, a) => o.set([p & 255, (p >>> 8) & 255, (p >>> 16) & 255], a), expect: (p) => (p | 0xff000000) >>> 0 },
    {
      format: BitmapFormat.BIT16,
      bpp: 2,
      pack: (p, o, a) => {
        const v = (((p >>> 19) & 31) << 10) | (((p >>> 11) & 31) << 5) | ((p >>> 3) & 31);
        o[a] = v & 255;
        o[a + 1] = v >>> 8;
      },
      expect: (p) => {
        const c = (x: number): number => ((x >>> 3) << 3) | (x >>> 5);
        return (0xff000000 | (c((p >>> 16) & 255) << 16) | (c((p >>> 8) & 255) << 8) | c(p & 255)) >>> 0;
      },
    },
  ];
  for (const { format, bpp, pack, expect } of cases) {
    for (const topDown of [true, false]) {
      const rowBytes = width * bpp;
      const rows = new Uint8Array(rowBytes * height);
      for (let y = 0; y < height; y++) {
        const sourceRow = topDown ? y : height - 1 - y;
        for (let x = 0; x < width; x++) pack(pixels[sourceRow * width + x], rows, y * rowBytes + x * bpp);
      }
      const payload = encodeLz4Image(rows, rowBytes, topDown, format, 4);
      const image = decodeLz4Image(payload, width, height);
      assert.equal(image.hasAlpha, format === BitmapFormat.RGBA);
      assert.deepEqual(image.pixels, Uint32Array.from(pixels, expect), `format ${format}, top-down ${topDown}`);
    }
  }
});

test('LZ4 image: liblz4 reference streams with dependent blocks decode exactly', () => {
  const cases = [
    { name: 'bgrx-480x360-top-down', width: 480, height: 360, bpp: 4 },
    { name: 'bgr-200x150-bottom-up', width: 200, height: 150, bpp: 3 },
  ];
  for (const { name, width, height, bpp } of cases) {
    const payload = new Uint8Array(readFileSync(join(FIXTURES, `${name}.lz4img`)));
    const raw = gunzipSync(readFileSync(join(FIXTURES, `${name}.raw.gz`)));
    const image = decodeLz4Image(payload, width, height);
    const topDown = payload[0] === 1;
    for (let y = 0; y < height; y++) {
      const row = (topDown ? y : height - 1 - y) * width * bpp;
      for (let x = 0; x < width; x++) {
        const at = row + x * bpp;
        const want = (0xff000000 | (raw[at + 2] << 16) | (raw[at + 1] << 8) | raw[at]) >>> 0;
        if (image.pixels[y * width + x] !== want) assert.fail(`${name}: pixel ${x},${y} is ${image.pixels[y * width + x].toString(16)}, want ${want.toString(16)}`);
      }
    }
    // The blocks really do copy from earlier blocks: decoded alone, one of them must fail.
    let dependent = false;
    const out = new Uint8Array(raw.length);
    let op = 0;
    for (let ip = 2; ip < payload.length; ) {
      const size = new DataView(payload.buffer, payload.byteOffset).getUint32(ip);
      try {
        decodeLz4Block(payload, ip + 4, ip + 4 + size, out, op, op, 'alone');
      } catch {
        dependent = true;
      }
      op = decodeLz4Block(payload, ip + 4, ip + 4 + size, out, op, 0, 'test');
      ip += 4 + size;
    }
    if (name.startsWith('bgrx')) assert.ok(dependent, `${name}: no block refers to an earlier one`);
  }
});

test('LZ4 image: lying sizes and broken framing are ProtocolErrors, absurd sizes refused before allocating', () => {
  const rows = new Uint8Array(8 * 4 * 4).fill(0x33);
  const good = encodeLz4Image(rows, 16, true, BitmapFormat.BIT32, 2);
  assert.equal(decodeLz4Image(good, 4, 8).pixels.length, 32);
  assert.throws(() => decodeLz4Image(good, 4, 9), /needs/); // fewer bytes than the descriptor's size
  assert.throws(() => decodeLz4Image(good, 4, 7), /beyond the image/); // more
  assert.throws(() => decodeLz4Image(Uint8Array.from([1]), 4, 8), /truncated header/);
  assert.throws(() => decodeLz4Image(Uint8Array.from([1, 5, 0, 0, 0, 1, 0]), 4, 8), /unsupported bitmap format 5/);
  assert.throws(() => decodeLz4Image(good.subarray(0, 4), 4, 8), ProtocolError);
  const lying = Uint8Array.from(good);
  lying[5] = 0xff; // first block size now beyond the payload
  assert.throws(() => decodeLz4Image(lying, 4, 8), /beyond the payload/);
  // 8192 x 8192 (within the image limits) from 30 bytes: refused by the ratio check, before a
  // 256 MB buffer exists.
  assert.throws(() => decodeLz4Image(good, 8192, 8192), /cannot hold/);
  assert.throws(() => decodeLz4Image(good, 20000, 1), /beyond the limit/);
  for (let cut = 0; cut < good.length; cut++) assert.throws(() => decodeLz4Image(good.subarray(0, cut), 4, 8), ProtocolError);
});
