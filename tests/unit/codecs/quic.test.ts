import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeQuic, decodeQuicOnto, decodesOnto } from '../../../src/core/codecs/quic';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { encodeQuic, expectedPixels, type QuicTestType } from '../../support/quic-encoder';
import { decodeWithSpiceHtml5, spiceHtml5Available } from '../../support/spice-html5-quic';

// Payloads made by spice-common's own quic.c and the pixels its decoder returns for them
// (tests/fixtures/quic/README.md). They are the source of truth; the test encoder is
// checked against them, and then provides fresh payloads of any size and content.
const FIXTURES = join(__dirname, '../../fixtures/quic');

interface Fixture {
  name: string;
  type: QuicTestType;
  width: number;
  height: number;
  pattern: string;
  payload: Uint8Array;
  expected: Uint32Array;
}

const fixtures: Fixture[] = (
  JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Omit<Fixture, 'payload' | 'expected'>[]
).map((f) => {
  const expected = gunzipSync(readFileSync(join(FIXTURES, `${f.name}.expected.gz`)));
  return {
    ...f,
    payload: new Uint8Array(readFileSync(join(FIXTURES, `${f.name}.quic`))),
    expected: new Uint32Array(expected.buffer, expected.byteOffset, expected.length / 4),
  };
});

const TYPES: QuicTestType[] = ['rgb32', 'rgb24', 'rgb16', 'rgba', 'gray'];

function assertPixels(actual: Uint32Array, expected: Uint32Array, width: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: pixel count`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      assert.fail(
        `${label}: pixel (${i % width}, ${Math.floor(i / width)}) is ${actual[i]!.toString(16)}, ` +
          `expected ${expected[i]!.toString(16)}`,
      );
    }
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pattern = 'photo' | 'text' | 'noise' | 'flat' | 'bands';

/** Test images as 0xAARRGGBB words, with varying alpha so RGBA has something to code. */
function makeImage(pattern: Pattern, width: number, height: number, seed = 1): Uint32Array {
  const rand = rng(seed);
  const px = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r: number, g: number, b: number, a: number;
      switch (pattern) {
        case 'noise':
          r = rand() * 256;
          g = rand() * 256;
          b = rand() * 256;
          a = rand() * 256;
          break;
        case 'flat':
          [r, g, b, a] = [0x33, 0x99, 0xcc, 0xff];
          break;
        case 'bands': {
          // Long horizontal runs, broken at row-dependent columns.
          const band = Math.floor(y / 3) * 7 + Math.floor(x / (5 + (y % 11) * 37));
          [r, g, b, a] = [band * 40, band * 110, band * 180, band & 1 ? 0xff : 0x80];
          break;
        }
        case 'text': {
          const ink = (x % 9 < 2 || y % 13 === 4) && y % 13 < 10 && (x >> 4) % 3 !== 2;
          [r, g, b] = ink ? [0x20, 0x20, 0x30] : [0xff, 0xff, 0xff];
          a = ink ? 0xff : 0;
          break;
        }
        default: {
          const wave = 40 * Math.sin(x / 7) * Math.cos(y / 11);
          r = (x * 255) / Math.max(1, width - 1) + wave + rand() * 6;
          g = (y * 255) / Math.max(1, height - 1) - wave + rand() * 6;
          b = 128 + wave + rand() * 6;
          a = (x + 2 * y) & 0xff;
        }
      }
      const c = (v: number) => Math.max(0, Math.min(255, Math.floor(v)));
      px[y * width + x] = ((c(a) << 24) | (c(r) << 16) | (c(g) << 8) | c(b)) >>> 0;
    }
  }
  return px;
}

function roundTrip(type: QuicTestType, pattern: Pattern, width: number, height: number, seed = 1): Uint8Array {
  const source = makeImage(pattern, width, height, seed);
  const payload = encodeQuic(type, width, height, source);
  const image = decodeQuic(payload);
  assert.equal(image.width, width);
  assert.equal(image.height, height);
  assert.equal(image.hasAlpha, type === 'rgba');
  assertPixels(image.pixels, expectedPixels(type, source), width, `${type} ${pattern} ${width}x${height}`);
  return payload;
}

/** A header (five little-endian words) followed by `extraWords` zero words. */
interface HeaderFields {
  magic?: number;
  version?: number;
  type?: number;
  width: number;
  height: number;
}

function header(fields: HeaderFields, extraWords = 8): Uint8Array {
  const out = new Uint8Array((5 + extraWords) * 4);
  const view = new DataView(out.buffer);
  [fields.magic ?? 0x43495551, fields.version ?? 0, fields.type ?? 4, fields.width, fields.height].forEach((v, i) =>
    view.setUint32(i * 4, v, true),
  );
  return out;
}

describe('decodeQuic', () => {
  describe('against spice-common', () => {
    for (const f of fixtures) {
      it(`decodes ${f.name} exactly as spice-common does`, () => {
        const image = decodeQuic(f.payload);
        assert.equal(image.width, f.width);
        assert.equal(image.height, f.height);
        assert.equal(image.hasAlpha, f.type === 'rgba');
        assertPixels(image.pixels, f.expected, f.width, f.name);
      });
    }

    it('has a test encoder that writes the same bytes as spice-common', () => {
      for (const f of fixtures) {
        const payload = encodeQuic(f.type, f.width, f.height, f.expected);
        assert.deepEqual(payload, f.payload, f.name);
      }
    });

    it('returns alpha 0xFF for RGB32 even though the source pad bytes were random', () => {
      const f = fixtures.find((x) => x.type === 'rgb32' && x.pattern === 'photo' && x.width > 1)!;
      const image = decodeQuic(f.payload);
      assert.ok(image.pixels.every((p) => p >>> 24 === 0xff));
    });
  });

  describe('round trips through the test encoder', () => {
    const sizes: [number, number][] = [
      [1, 1],
      [2, 1],
      [1, 2],
      [3, 3],
      [4, 4],
      [5, 7],
      [17, 5],
      [100, 37],
      [1, 40],
    ];
    for (const type of TYPES) {
      it(`${type}: small and odd sizes, every pattern`, () => {
        for (const [w, h] of sizes) {
          for (const pattern of ['photo', 'text', 'noise', 'flat', 'bands'] as const) roundTrip(type, pattern, w, h);
        }
      });

      it(`${type}: rows that straddle the 2048-pixel wait-mask segments`, () => {
        // Segments end every 2048 pixels counted across rows, until 6 * 2048 pixels are done.
        for (const [w, h] of [[2047, 3], [2048, 2], [2049, 3], [4100, 4], [683, 20]] as const) {
          roundTrip(type, 'bands', w, h, w);
          roundTrip(type, 'photo', w, h, h);
        }
      });
    }

    it('codes long runs of equal pixels compactly (run-length mode)', () => {
      for (const type of TYPES) {
        const payload = roundTrip(type, 'flat', 3000, 20);
        // 60000 pixels: one coded run per row after the first.
        assert.ok(payload.length < 2000, `${type}: ${payload.length} bytes`);
        roundTrip(type, 'bands', 1500, 30);
      }
    });

    it('handles noise, where run-length mode never triggers', () => {
      for (const type of TYPES) roundTrip(type, 'noise', 211, 67, 9);
    });

    it('outputs rows top-down, in stream order', () => {
      const width = 7;
      const height = 9;
      const source = new Uint32Array(width * height).map((_, i) => (0xff000000 | (Math.floor(i / width) * 0x1f)) >>> 0);
      const image = decodeQuic(encodeQuic('rgb32', width, height, source));
      for (let y = 0; y < height; y++) assert.equal(image.pixels[y * width]! & 0xff, y * 0x1f);
    });
  });

  describe('against spice-html5 quic.js', () => {
    // Not a skip: the test command installs spice-html5; without it this must fail, not pass silently.
    it('spice-html5 is installed', () => assert.ok(spiceHtml5Available(), 'install the Debian package spice-html5'));
    it('agrees pixel for pixel on RGB32, RGB24 and RGBA', () => {
      for (const type of ['rgb32', 'rgb24', 'rgba'] as const) {
        const cases = [['photo', 123, 45], ['text', 300, 33], ['bands', 2100, 7], ['noise', 31, 9]] as const;
        for (const [pattern, w, h] of cases) {
          const payload = encodeQuic(type, w, h, makeImage(pattern, w, h, 3));
          const reference = decodeWithSpiceHtml5(payload);
          assert.ok(reference, `${type} ${pattern}: spice-html5 decoded nothing`);
          assertPixels(decodeQuic(payload).pixels, reference, w, `${type} ${pattern} ${w}x${h}`);
        }
      }
    });
  });

  describe('malformed input', () => {
    it('throws ProtocolError for every truncated prefix, never hanging', () => {
      const payloads = [
        ...TYPES.map((type) => encodeQuic(type, 23, 6, makeImage('text', 23, 6))),
        encodeQuic('rgb32', 40, 5, makeImage('bands', 40, 5)),
        encodeQuic('rgba', 9, 4, makeImage('noise', 9, 4)),
      ];
      for (const payload of payloads) {
        decodeQuic(payload);
        for (let len = 0; len < payload.length; len++) {
          assert.throws(() => decodeQuic(payload.subarray(0, len)), ProtocolError, `prefix of ${len} bytes`);
        }
      }
    });

    it('ignores trailing bytes that do not make a whole word, as spice-common does', () => {
      const source = makeImage('photo', 20, 10);
      const payload = encodeQuic('rgb32', 20, 10, source);
      for (const extra of [1, 2, 3, 4, 9]) {
        const padded = new Uint8Array(payload.length + extra).fill(0xa5);
        padded.set(payload);
        assertPixels(decodeQuic(padded).pixels, expectedPixels('rgb32', source), 20, `${extra} extra bytes`);
      }
    });

    it('refuses a bad magic, version or type', () => {
      assert.throws(() => decodeQuic(header({ magic: 0x43495552, width: 1, height: 1 })), /bad magic/);
      assert.throws(() => decodeQuic(header({ version: 1, width: 1, height: 1 })), /version/);
      assert.throws(() => decodeQuic(header({ type: 0, width: 1, height: 1 })), /image type/);
      assert.throws(() => decodeQuic(header({ type: 6, width: 1, height: 1 })), /image type/);
      assert.throws(() => decodeQuic(header({ type: 0xffffffff, width: 1, height: 1 })), ProtocolError);
      assert.throws(() => decodeQuic(new Uint8Array(0)), ProtocolError);
      assert.throws(() => decodeQuic(new TextEncoder().encode('QUIC')), ProtocolError);
    });

    it('refuses empty and absurd sizes before allocating', () => {
      assert.throws(() => decodeQuic(header({ width: 0, height: 5 })), /invalid size/);
      assert.throws(() => decodeQuic(header({ width: 5, height: 0 })), /invalid size/);
      assert.throws(() => decodeQuic(header({ width: 0xffffffff, height: 0xffffffff })), /beyond the limit/);
      assert.throws(() => decodeQuic(header({ width: 100000, height: 2 })), /beyond the limit/);
      // Within the limits but far more pixels than the payload could code: refused up front
      // (a 16384 x 16384 image would be a 1 GiB allocation).
      const started = performance.now();
      assert.throws(() => decodeQuic(header({ width: 16384, height: 4096 }, 100)), /truncated/);
      assert.ok(performance.now() - started < 100);
    });

    it('ends corrupted streams with an image or a ProtocolError, nothing else', () => {
      const rand = rng(42);
      const sources = fixtures.filter((f) => f.width * f.height >= 200).map((f) => f.payload);
      for (let round = 0; round < 400; round++) {
        const data = new Uint8Array(sources[round % sources.length]!);
        const flips = 1 + Math.floor(rand() * 8);
        for (let k = 0; k < flips; k++) {
          // Leave the header alone so the decoder gets past it.
          const bit = 160 + Math.floor(rand() * (data.length * 8 - 160));
          data[bit >> 3]! ^= 1 << (bit & 7);
        }
        try {
          const image = decodeQuic(data);
          assert.equal(image.pixels.length, image.width * image.height);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, `round ${round}: ${String(e)}`);
        }
      }
    });

    it('ends random garbage after a valid header with an image or a ProtocolError', () => {
      const rand = rng(7);
      for (let round = 0; round < 200; round++) {
        const type = 1 + (round % 5);
        const data = header({ type, width: 1 + Math.floor(rand() * 300), height: 1 + Math.floor(rand() * 20) }, 0);
        // Odd rounds: uniform noise; even rounds: mostly 1 bits, which drive long runs.
        const byte = () => (round & 1 ? rand() * 256 : rand() < 0.9 ? 0xff : 0);
        const body = new Uint8Array(Math.floor(rand() * 4000)).map(byte);
        const all = new Uint8Array(data.length + body.length);
        all.set(data);
        all.set(body, data.length);
        try {
          decodeQuic(all);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, `round ${round}: ${String(e)}`);
        }
      }
    });
  });
});

describe('QUIC output storage', () => {
  it('decodes into the storage it is given (shared memory for the decode worker), with the same pixels', () => {
    const data = new Uint8Array(readFileSync(join(__dirname, '../../fixtures/display/quic-200x150.bin')));
    const plain = decodeQuic(data);
    let asked = 0;
    const shared = decodeQuic(data, (words) => {
      asked = words;
      return new Uint32Array(new SharedArrayBuffer(words * 4));
    });
    assert.equal(asked, 200 * 150);
    assert.ok(shared.pixels.buffer instanceof SharedArrayBuffer);
    assert.equal(shared.pixels.length, plain.pixels.length);
    assert.ok(shared.pixels.every((pixel, i) => pixel === plain.pixels[i]), 'the same pixels');
  });
});

describe('QUIC decoded onto a surface', () => {
  const SURFACE_WIDTH = 50;
  const SURFACE_HEIGHT = 40;
  const BACKGROUND = 0xff123456;

  it('writes exactly the pixels a decode and a copy would, at the place given, and nothing around them', () => {
    for (const type of ['rgb32', 'rgb24', 'rgba'] as const) {
      for (const opaque of [false, true]) {
        for (const [pattern, width, height, x, y] of [['photo', 17, 9, 5, 7], ['bands', 50, 40, 0, 0], ['text', 1, 1, 49, 39], ['flat', 30, 12, 20, 28], ['noise', 9, 13, 40, 2]] as const) {
          const payload = encodeQuic(type, width, height, makeImage(pattern, width, height, 3));
          assert.ok(decodesOnto(payload));
          const image = decodeQuic(payload);
          const surface = new Uint32Array(new SharedArrayBuffer(SURFACE_WIDTH * SURFACE_HEIGHT * 4)).fill(BACKGROUND);
          decodeQuicOnto(payload, { pixels: surface, surfaceWidth: SURFACE_WIDTH, x, y, width, height, opaque });
          for (let row = 0; row < SURFACE_HEIGHT; row++) {
            for (let col = 0; col < SURFACE_WIDTH; col++) {
              const inside = col >= x && col < x + width && row >= y && row < y + height;
              const decoded = image.pixels[(row - y) * width + (col - x)];
              const expected = inside ? (opaque ? (decoded | 0xff000000) >>> 0 : decoded) : BACKGROUND;
              if (surface[row * SURFACE_WIDTH + col] !== expected) assert.fail(`${type} ${pattern} ${width}x${height} at (${x},${y}), opaque ${opaque}: pixel (${col},${row})`);
            }
          }
        }
      }
    }
  });

  it('refuses, before writing, other types (told by decodesOnto), another size than announced, and a place outside the surface', () => {
    const gray = encodeQuic('gray', 4, 4, makeImage('photo', 4, 4, 1));
    const rgb = encodeQuic('rgb32', 4, 4, makeImage('photo', 4, 4, 1));
    const surface = new Uint32Array(SURFACE_WIDTH * SURFACE_HEIGHT).fill(BACKGROUND);
    const onto = { pixels: surface, surfaceWidth: SURFACE_WIDTH, width: 4, height: 4, opaque: true };
    assert.equal(decodesOnto(gray), false);
    assert.equal(decodesOnto(encodeQuic('rgb16', 4, 4, makeImage('photo', 4, 4, 1))), false);
    assert.equal(decodesOnto(new Uint8Array(8)), false);
    assert.throws(() => decodeQuicOnto(gray, { ...onto, x: 0, y: 0 }), /type 1 cannot be decoded onto a surface/);
    assert.throws(() => decodeQuicOnto(rgb, { ...onto, x: 0, y: 0, width: 5 }), /4x4, not the 5x4 announced/);
    for (const [x, y] of [[47, 0], [0, 37], [-1, 0], [0.5, 0]]) {
      assert.throws(() => decodeQuicOnto(rgb, { ...onto, x, y }), (error: unknown) => error instanceof ProtocolError && /not inside the surface/.test(error.message));
    }
    assert.ok(surface.every((pixel) => pixel === BACKGROUND), 'nothing written');
  });
});

