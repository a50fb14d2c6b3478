// LZ (LZ_RGB / LZ_PLT) decoder tests. Three independent sources of truth:
//  - fixtures made by spice-common's own lz.c encoder and decoder (tests/fixtures/lz),
//  - the test encoder of tests/support/lz-encoder.ts, for every type and forced constructs,
//  - spice-html5's lz.js decoding the same bytes (RGB32 / RGBA), pixel for pixel.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { decodeLzPlt, decodeLzRgb } from '../../../src/core/codecs/lz';
import { ProtocolError } from '../../../src/core/protocol/errors';
import type { DecodedImage } from '../../../src/core/codecs/types';
import {
  concat,
  desktopImage,
  encodeLz,
  expectedPixels as expected,
  LZ,
  lzHeader,
  paletteFor,
  rng,
  sourceValues,
  writeLzTokens,
  type SourceImage,
  type Token,
} from '../../support/lz-encoder';

const FIXTURES = join(__dirname, '../../fixtures/lz');
const HTML5_LZ = '/usr/share/spice-html5/lz.js';

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(LZ).map(([k, v]) => [v, k]));

function decode(img: SourceImage, payload: Uint8Array, palette?: Uint32Array): DecodedImage {
  return img.type <= LZ.PLT8 ? decodeLzPlt(payload, palette!) : decodeLzRgb(payload);
}

function assertPixels(got: Uint32Array, want: Uint32Array, width: number, label = ''): void {
  assert.equal(got.length, want.length, `${label} pixel count`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      assert.fail(
        `${label} pixel ${i % width},${Math.floor(i / width)}: got 0x${got[i].toString(16)}, want 0x${want[i].toString(16)}`,
      );
    }
  }
}

function assertProtocolError(fn: () => unknown, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ProtocolError, `expected ProtocolError, got ${String(e)}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

const ALL_TYPES = [
  LZ.PLT1_LE,
  LZ.PLT1_BE,
  LZ.PLT4_LE,
  LZ.PLT4_BE,
  LZ.PLT8,
  LZ.RGB16,
  LZ.RGB24,
  LZ.RGB32,
  LZ.RGBA,
  LZ.XXXA,
  LZ.A8,
];

// ---------------------------------------------------------------------------------------------
// spice-html5's lz.js, compiled with node:vm and given the globals it expects.

type Html5Convert = (
  context: { createImageData(w: number, h: number): { width: number; height: number; data: Uint8ClampedArray } },
  lzImage: { type: number; width: number; height: number; top_down: number; data: ArrayBuffer },
) => { data: Uint8ClampedArray } | undefined;

function loadHtml5Lz(): Html5Convert | undefined {
  if (!existsSync(HTML5_LZ)) return undefined;
  // An ES module importing Constants from enums.js: drop the import/export lines and compile
  // the rest as a function body taking the three constants it uses (values from enums.js, the
  // same as lz_common.h). A function rather than a vm context's global scope, because global
  // lookups through a context's global proxy would slow it down tenfold and skew the benchmark.
  const source = readFileSync(HTML5_LZ, 'utf8')
    .replace(/^import .*$/m, '')
    .replace(/^export \{[^}]*\};?/m, '');
  const factory = compileFunction(`${source}\nreturn convert_spice_lz_to_web;`, ['Constants'], { filename: HTML5_LZ });
  return factory({ LZ_IMAGE_TYPE_RGB32: 8, LZ_IMAGE_TYPE_RGBA: 9, LZ_IMAGE_TYPE_XXXA: 10 }) as Html5Convert;
}

const html5 = loadHtml5Lz();

/** spice-html5's decode of an LZ_RGB payload, as a function (header parsed and body copied once). */
function html5Decoder(payload: Uint8Array): () => Uint8ClampedArray {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const lzImage = {
    type: view.getUint32(8),
    width: view.getUint32(12),
    height: view.getUint32(16),
    top_down: view.getUint32(24),
    data: payload.slice(28).buffer,
  };
  const context = {
    createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
  };
  return () => {
    const result = html5!(context, lzImage);
    assert.ok(result, 'spice-html5 refused the image');
    return result.data;
  };
}

/** Decodes an LZ_RGB payload with spice-html5 and returns our pixel layout (0xAARRGGBB words). */
function html5Decode(payload: Uint8Array): Uint32Array {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const width = view.getUint32(12);
  const height = view.getUint32(16);
  const rgba = html5Decoder(payload)();
  const out = new Uint32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = ((rgba[4 * i + 3] << 24) | (rgba[4 * i] << 16) | (rgba[4 * i + 1] << 8) | rgba[4 * i + 2]) >>> 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('LZ decoder', () => {
  describe('fixtures from spice-common (lz_encode, lz_decode)', () => {
    const names = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.lz'))
      .map((f) => f.slice(0, -3));
    it('has fixtures for every type', () => {
      assert.ok(names.length >= 17, `only ${names.length} fixtures`);
    });
    for (const name of names) {
      it(name, () => {
        const payload = new Uint8Array(readFileSync(join(FIXTURES, `${name}.lz`)));
        const raw = gunzipSync(readFileSync(join(FIXTURES, `${name}.expected.gz`)));
        const want = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
        const palettePath = join(FIXTURES, `${name}.palette`);
        let img: DecodedImage;
        if (existsSync(palettePath)) {
          const p = readFileSync(palettePath);
          img = decodeLzPlt(payload, new Uint32Array(p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength)));
        } else {
          img = decodeLzRgb(payload);
          // Into reused storage holding an earlier image: every pixel is written, none left over.
          const dirty = decodeLzRgb(payload, (words) => new Uint32Array(words + 7).fill(0xdeadbeef).subarray(0, words));
          assertPixels(dirty.pixels, want, dirty.width, `${name} (dirty storage)`);
        }
        assert.equal(img.width * img.height, want.length);
        assertPixels(img.pixels, want, img.width, name);
        assert.equal(img.hasAlpha, /^(rgba|xxxa|a8)-/.test(name));
      });
    }
  });

  describe('round trip through the test encoder', () => {
    const sizes: [number, number][] = [
      [1, 1],
      [2, 3],
      [7, 5],
      [13, 11],
      [33, 17],
      [64, 9],
      [9, 64],
    ];
    for (const type of ALL_TYPES) {
      it(`${TYPE_NAMES[type]}: every size, top-down and bottom-up`, () => {
        let seed = type * 1000;
        for (const [width, height] of sizes) {
          for (const topDown of [true, false]) {
            seed++;
            const img: SourceImage = { type, width, height, topDown, values: sourceValues(type, width * height, seed) };
            const palette = type <= LZ.PLT8 ? paletteFor(type, seed) : undefined;
            const got = decode(img, encodeLz(img), palette);
            const label = `${TYPE_NAMES[type]} ${width}x${height} ${topDown ? 'top-down' : 'bottom-up'}`;
            assert.equal(got.width, width, label);
            assert.equal(got.height, height, label);
            assert.equal(got.hasAlpha, type === LZ.RGBA || type === LZ.XXXA || type === LZ.A8, label);
            assertPixels(got.pixels, expected(img, palette), width, label);
          }
        }
      });
    }

    it('PLT4 takes indices modulo a short palette, as spice-common does', () => {
      for (const type of [LZ.PLT4_LE, LZ.PLT4_BE]) {
        const img: SourceImage = { type, width: 9, height: 4, topDown: true, values: sourceValues(type, 36, 5) };
        const palette = paletteFor(type, 5, 5);
        assertPixels(decode(img, encodeLz(img), palette).pixels, expected(img, palette), 9);
      }
    });

    it('a desktop-like frame', () => {
      const width = 333;
      const height = 211;
      const values = desktopImage(width, height, 9);
      for (const topDown of [true, false]) {
        for (const type of [LZ.RGB32, LZ.RGB24, LZ.RGBA]) {
          const img: SourceImage = { type, width, height, topDown, values };
          assertPixels(decode(img, encodeLz(img)).pixels, expected(img), width);
        }
      }
    });

    it('zero-sized images decode to no pixels', () => {
      for (const [width, height] of [
        [0, 0],
        [0, 5],
        [5, 0],
      ]) {
        const img = decodeLzRgb(lzHeader({ type: LZ.RGB32, width, height, topDown: true }));
        assert.equal(img.pixels.length, 0);
        assert.equal(img.width, width);
      }
    });

    it('an RGB type inside LZ_PLT decodes normally (the palette is unused)', () => {
      const img: SourceImage = { type: LZ.RGB32, width: 5, height: 3, topDown: false, values: sourceValues(LZ.RGB32, 15, 3) };
      assertPixels(decodeLzPlt(encodeLz(img), new Uint32Array(0)).pixels, expected(img), 5);
    });
  });

  describe('forced constructs', () => {
    /**
     * Decodes `tokens` as an RGB32 image and compares with `model`, the same tokens played with
     * unit-by-unit semantics. Long streams are padded with a literal run to a 1000-wide rectangle.
     */
    function rgbCase(tokens: Token[]): void {
      const model = play(tokens);
      const width = Math.min(model.length, 1000);
      while (model.length % width) {
        tokens = [...tokens, { kind: 'literal', units: [model.length & 0xffffff] }];
        model.push(model.length & 0xffffff);
      }
      const payload = concat(lzHeader({ type: LZ.RGB32, width, height: model.length / width, topDown: true }), writeLzTokens('rgb', tokens));
      assertPixels(decodeLzRgb(payload).pixels, Uint32Array.from(model, (v) => (0xff000000 | v) >>> 0), width);
    }
    /** Plays tokens on a plain array with byte-by-byte LZ semantics: the model of what a match means. */
    function play(tokens: Token[]): number[] {
      const out: number[] = [];
      for (const t of tokens) {
        if (t.kind === 'literal') out.push(...Array.from(t.units));
        else if (t.kind === 'match') for (let i = 0; i < t.length; i++) out.push(out[out.length - t.distance]);
      }
      return out;
    }

    it('overlapping matches repeat with the period of their distance', () => {
      for (const distance of [1, 2, 3, 5, 7, 23, 24, 25, 100]) {
        for (const length of [1, 2, 6, 7, 8, 23, 24, 25, 64, 261, 262, 1000, 5000]) {
          const lit = Array.from({ length: distance }, (_, i) => (i * 0x10203 + 0x405060) & 0xffffff);
          rgbCase([{ kind: 'literal', units: lit }, { kind: 'match', length, distance }]);
        }
      }
    });

    it('non-overlapping and far matches (short, 13-bit limit, 16-bit extension, maximum)', () => {
      const rand = rng(77);
      for (const distance of [8190, 8191, 8192, 8193, 20000, 65535 + 8191, 65535 + 8192]) {
        const lit = Array.from({ length: distance }, () => rand() & 0xffffff);
        for (const length of [1, 3, 30, 300]) {
          rgbCase([{ kind: 'literal', units: lit }, { kind: 'match', length, distance }]);
        }
      }
    });

    it('length extension bytes at the 255 boundaries', () => {
      for (const length of [6, 7, 8, 260, 261, 262, 263, 516, 517, 518, 100000]) {
        rgbCase([{ kind: 'literal', units: [1, 2, 3] }, { kind: 'match', length, distance: 3 }]);
      }
    });

    it('literal runs of 1, 32 and 33 pixels', () => {
      for (const count of [1, 31, 32, 33, 64, 65]) {
        rgbCase([{ kind: 'literal', units: Array.from({ length: count }, (_, i) => i * 3) }]);
      }
    });

    it('byte-unit and RGB16 matches keep their own length bias', () => {
      // A8: minimum match 3; RGB16: minimum match 2.
      const a8 = concat(
        lzHeader({ type: LZ.A8, width: 8, height: 1, topDown: true }),
        writeLzTokens('byte', [
          { kind: 'literal', units: [9, 8] },
          { kind: 'match', length: 3, distance: 2 },
          { kind: 'match', length: 3, distance: 1 },
        ]),
      );
      assert.deepEqual(
        Array.from(decodeLzRgb(a8).pixels, (p) => p >>> 24),
        [9, 8, 9, 8, 9, 9, 9, 9],
      );
      const rgb16 = concat(
        lzHeader({ type: LZ.RGB16, width: 4, height: 1, topDown: true }),
        writeLzTokens('rgb16', [
          { kind: 'literal', units: [0x7fff, 0x001f] },
          { kind: 'match', length: 2, distance: 2 },
        ]),
      );
      assert.deepEqual(Array.from(decodeLzRgb(rgb16).pixels), [0xffffffff, 0xff0000ff, 0xffffffff, 0xff0000ff]);
    });

    it('RGBA: alpha pass after the colour pass', () => {
      const payload = concat(
        lzHeader({ type: LZ.RGBA, width: 4, height: 2, topDown: false }),
        writeLzTokens('rgb', [
          { kind: 'literal', units: [0x112233, 0x445566] },
          { kind: 'match', length: 6, distance: 2 },
        ]),
        writeLzTokens('byte', [
          { kind: 'literal', units: [0, 0x80, 0xff] },
          { kind: 'match', length: 5, distance: 3 },
        ]),
      );
      const img = decodeLzRgb(payload);
      assert.equal(img.hasAlpha, true);
      // Stream rows are bottom-up: stream pixels 4..7 are the top row.
      assert.deepEqual(
        Array.from(img.pixels, (p) => p.toString(16)),
        ['80112233', 'ff445566', '112233', '80445566', '112233', '80445566', 'ff112233', '445566'],
      );
    });
    it('RGBA with its alpha unused comes back as its opaque colour, the alpha pass still read', () => {
      const payload = concat(
        lzHeader({ type: LZ.RGBA, width: 2, height: 1, topDown: true }),
        writeLzTokens('rgb', [{ kind: 'literal', units: [0x112233, 0x445566] }]),
        writeLzTokens('byte', [{ kind: 'literal', units: [0x80, 0x00] }]),
      );
      const opaque = decodeLzRgb(payload, undefined, false);
      assert.equal(opaque.hasAlpha, false);
      assert.deepEqual(Array.from(opaque.pixels, (p) => p.toString(16)), ['ff112233', 'ff445566']);
      assert.deepEqual(Array.from(decodeLzRgb(payload).pixels, (p) => p.toString(16)), ['80112233', '445566']);
      assert.throws(() => decodeLzRgb(payload.subarray(0, payload.length - 1), undefined, false), /truncated/);
    });
  });

  describe('spice-html5 lz.js cross-check', () => {
    // Not a skip: the test command installs spice-html5; without it this must fail, not pass silently.
    it('spice-html5 is installed', () => assert.ok(html5, `${HTML5_LZ} is missing: install the Debian package spice-html5`));
    it('RGB32, top-down and bottom-up, odd widths', () => {
      for (const [width, height, seed] of [
        [1, 1, 1],
        [3, 7, 2],
        [17, 5, 3],
        [101, 37, 4],
        [640, 200, 5],
      ]) {
        for (const topDown of [true, false]) {
          for (const values of [desktopImage(width, height, seed), sourceValues(LZ.RGB32, width * height, seed)]) {
            const payload = encodeLz({ type: LZ.RGB32, width, height, topDown, values });
            assertPixels(decodeLzRgb(payload).pixels, html5Decode(payload), width, `${width}x${height}`);
          }
        }
      }
    });

    it('RGBA, top-down (spice-html5 applies alpha after its flip, so bottom-up RGBA is wrong there)', () => {
      for (const [width, height, seed] of [
        [5, 3, 6],
        [77, 31, 7],
      ]) {
        const payload = encodeLz({ type: LZ.RGBA, width, height, topDown: true, values: sourceValues(LZ.RGBA, width * height, seed) });
        assertPixels(decodeLzRgb(payload).pixels, html5Decode(payload), width);
      }
    });

    it('the spice-common RGB32 fixtures', () => {
      for (const name of ['rgb32-desktop', 'rgb32-bottom-up', 'rgb32-noise', 'rgb32-far', 'rgb32-1x1', 'rgba-desktop']) {
        const payload = new Uint8Array(readFileSync(join(FIXTURES, `${name}.lz`)));
        const img = decodeLzRgb(payload);
        assertPixels(img.pixels, html5Decode(payload), img.width, name);
      }
    });
  });

  describe('malformed input', () => {
    const good = encodeLz({ type: LZ.RGB32, width: 7, height: 5, topDown: true, values: sourceValues(LZ.RGB32, 35, 11) });
    const withHeader = (fields: Partial<Parameters<typeof lzHeader>[0]>, body = good.subarray(28)): Uint8Array =>
      concat(lzHeader({ type: LZ.RGB32, width: 7, height: 5, topDown: true, ...fields }), body);

    it('bad magic, bad version', () => {
      assertProtocolError(() => decodeLzRgb(withHeader({ magic: 0x4c5a2020 })), /magic/);
      assertProtocolError(() => decodeLzRgb(withHeader({ version: 0x00010000 })), /version/);
      assertProtocolError(() => decodeLzRgb(withHeader({ version: 0x00020001 })), /version/);
    });

    it('unknown types', () => {
      for (const type of [0, 12, 15, 0x100, 0xffffffff]) {
        assertProtocolError(() => decodeLzRgb(withHeader({ type, stride: 28 })), /type/);
      }
    });

    it('a stride that does not match the width', () => {
      assertProtocolError(() => decodeLzRgb(withHeader({ stride: 27 })), /stride/);
      assertProtocolError(() => decodeLzRgb(withHeader({ stride: 29 })), /stride/);
      const plt = paletteFor(LZ.PLT1_LE, 1);
      assertProtocolError(() => decodeLzPlt(withHeader({ type: LZ.PLT1_LE, width: 9, stride: 1 }), plt), /stride/);
      assertProtocolError(() => decodeLzPlt(withHeader({ type: LZ.PLT1_LE, width: 9, stride: 3 }), plt), /stride/);
      assertProtocolError(() => decodeLzPlt(withHeader({ type: LZ.PLT4_BE, width: 8, stride: 5 }), plt), /stride/);
    });

    it('every prefix of a payload is refused as truncated, without hanging', () => {
      const payloads = [
        good,
        encodeLz({ type: LZ.RGBA, width: 6, height: 4, topDown: false, values: sourceValues(LZ.RGBA, 24, 12) }),
        encodeLz({ type: LZ.RGB16, width: 6, height: 4, topDown: true, values: sourceValues(LZ.RGB16, 24, 13) }),
        encodeLz({ type: LZ.PLT4_LE, width: 9, height: 4, topDown: true, values: sourceValues(LZ.PLT4_LE, 36, 14) }),
        // Far matches and long length extensions.
        concat(
          lzHeader({ type: LZ.RGB32, width: 1000, height: 80, topDown: true }),
          writeLzTokens('rgb', [
            { kind: 'literal', units: Array.from({ length: 70000 }, (_, i) => i) },
            { kind: 'match', length: 10000, distance: 70000 },
          ]),
        ),
      ];
      for (const payload of payloads) {
        const palette = paletteFor(LZ.PLT4_LE, 14);
        assert.doesNotThrow(() => decodeLzPlt(payload, palette));
        for (let len = 0; len < payload.length; len++) {
          // Long payloads: every prefix near the header and the end, a sample between.
          if (payload.length > 4000 && len > 200 && len < payload.length - 200 && len % 997 !== 0) continue;
          assertProtocolError(() => decodeLzPlt(payload.subarray(0, len), palette));
        }
      }
    });

    it('trailing bytes', () => {
      assertProtocolError(() => decodeLzRgb(concat(good, new Uint8Array([0]))), /trailing/);
    });

    it('a reference before the start of the image', () => {
      const body = writeLzTokens('rgb', [{ kind: 'literal', units: [1, 2] }, { kind: 'match', length: 3, distance: 3 }]);
      assertProtocolError(() => decodeLzRgb(withHeader({ width: 5, height: 1 }, body)), /before the start/);
      const first = writeLzTokens('byte', [{ kind: 'match', length: 5, distance: 1 }]);
      assertProtocolError(() => decodeLzRgb(withHeader({ type: LZ.A8, width: 5, height: 1 }, first)), /before the start/);
    });

    it('a match or literal run beyond the end of the image', () => {
      const match = writeLzTokens('rgb', [{ kind: 'literal', units: [1, 2] }, { kind: 'match', length: 4, distance: 1 }]);
      assertProtocolError(() => decodeLzRgb(withHeader({ width: 5, height: 1 }, match)), /beyond the image/);
      const literal = writeLzTokens('rgb', [{ kind: 'literal', units: [1, 2, 3, 4, 5, 6] }]);
      assertProtocolError(() => decodeLzRgb(withHeader({ width: 5, height: 1 }, literal)), /beyond the image/);
    });

    it('absurd sizes are refused before allocating', () => {
      assertProtocolError(() => decodeLzRgb(withHeader({ width: 100000, height: 1 })), /size/);
      assertProtocolError(() => decodeLzRgb(withHeader({ width: 0x7fffffff, height: 0x7fffffff, stride: 0 })));
      assertProtocolError(() => decodeLzRgb(withHeader({ width: 16384, height: 16384 })), /size/);
      // Within checkImageSize's limits, but 8192x8192 cannot come out of a few hundred bytes.
      const started = process.hrtime.bigint();
      assertProtocolError(() => decodeLzRgb(withHeader({ width: 8192, height: 8192 })), /cannot hold/);
      assert.ok(process.hrtime.bigint() - started < 50_000_000n, 'refused without decoding');
    });

    it('palette problems', () => {
      const img: SourceImage = { type: LZ.PLT8, width: 4, height: 2, topDown: true, values: [0, 1, 2, 3, 4, 5, 6, 200] };
      const payload = encodeLz(img);
      assertProtocolError(() => decodeLzRgb(payload), /palette/);
      assertProtocolError(() => decodeLzPlt(payload, new Uint32Array(0)), /palette/);
      assertProtocolError(() => decodeLzPlt(payload, paletteFor(LZ.PLT8, 1, 100)), /palette index 200/);
      assert.doesNotThrow(() => decodeLzPlt(payload, paletteFor(LZ.PLT8, 1, 201)));
      const one = encodeLz({ type: LZ.PLT1_BE, width: 3, height: 1, topDown: true, values: [0, 1, 0] });
      assertProtocolError(() => decodeLzPlt(one, new Uint32Array([0x123456])), /palette/);
      const zeros = encodeLz({ type: LZ.PLT1_BE, width: 3, height: 1, topDown: true, values: [0, 0, 0] });
      assert.deepEqual(Array.from(decodeLzPlt(zeros, new Uint32Array([0x123456])).pixels), [0xff123456, 0xff123456, 0xff123456]);
    });

    it('random corruption ends in a ProtocolError or a decoded image, never anything else', () => {
      const rand = rng(4242);
      const samples = ALL_TYPES.map((type, k) => {
        const img: SourceImage = { type, width: 11, height: 6, topDown: k % 2 === 0, values: sourceValues(type, 66, 100 + k) };
        return { payload: encodeLz(img), palette: type <= LZ.PLT8 ? paletteFor(type, k) : new Uint32Array(256) };
      });
      for (let iter = 0; iter < 3000; iter++) {
        const { payload, palette } = samples[iter % samples.length];
        const bad = payload.slice();
        const edits = 1 + (rand() % 4);
        for (let e = 0; e < edits; e++) bad[28 + (rand() % (bad.length - 28))] = rand() & 0xff;
        try {
          const img = decodeLzPlt(bad, palette);
          assert.equal(img.pixels.length, img.width * img.height);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, `iteration ${iter}: ${String(e)}`);
        }
      }
      for (let iter = 0; iter < 500; iter++) {
        const type = ALL_TYPES[iter % ALL_TYPES.length];
        const body = Uint8Array.from({ length: rand() % 200 }, () => rand() & 0xff);
        const payload = concat(lzHeader({ type, width: 1 + (rand() % 40), height: 1 + (rand() % 40), topDown: true }), body);
        try {
          decodeLzPlt(payload, paletteFor(LZ.PLT8, 1));
        } catch (e) {
          assert.ok(e instanceof ProtocolError, `garbage ${iter}: ${String(e)}`);
        }
      }
    });
  });
});
