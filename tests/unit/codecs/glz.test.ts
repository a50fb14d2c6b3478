// GLZ (GLZ_RGB) decoder and dictionary tests. Two independent sources of truth:
//  - sequences encoded by spice-server's own GLZ encoder (tests/fixtures/lz/glz-*.bin.gz), whose
//    expected pixels are the source bitmaps,
//  - the test encoder of tests/support/lz-encoder.ts, for every type, every reference form and
//    the window and id edge cases a short fixture cannot reach.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GlzDictionary } from '../../../src/core/codecs/glz';
import { ProtocolError } from '../../../src/core/protocol/errors';
import {
  concat,
  desktopImage,
  expectedPixels,
  glzHeader,
  GlzTestEncoder,
  LZ,
  rng,
  sourceValues,
  writeGlzTokens,
  type SourceImage,
  type Token,
  type UnitKind,
} from '../../support/lz-encoder';

const FIXTURES = join(__dirname, '../../fixtures/lz');

interface Recorded {
  payload: Uint8Array;
  width: number;
  height: number;
  pixels: Uint32Array;
}

/** A sequence from spice-server's GLZ encoder (tests/fixtures/lz/README.md): window, then (payload, width, height, pixels) records. */
function readSequence(name: string): { window: number; images: Recorded[] } {
  const raw = gunzipSync(readFileSync(join(FIXTURES, name)));
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let at = 0;
  const u32 = (): number => {
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const window = u32();
  const images: Recorded[] = [];
  while (at < bytes.length) {
    const size = u32();
    const payload = bytes.slice(at, at + size);
    at += size;
    const width = u32();
    const height = u32();
    const pixels = new Uint32Array(width * height);
    for (let i = 0; i < pixels.length; i++) pixels[i] = u32();
    images.push({ payload, width, height, pixels });
  }
  return { window, images };
}

function assertPixels(got: Uint32Array, want: Uint32Array, width: number, label = ''): void {
  assert.equal(got.length, want.length, `${label} pixel count`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      assert.fail(`${label} pixel ${i % width},${Math.floor(i / width)}: got 0x${got[i].toString(16)}, want 0x${want[i].toString(16)}`);
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

const KIND: Record<number, UnitKind> = { [LZ.RGB16]: 'rgb16', [LZ.RGB24]: 'rgb', [LZ.RGB32]: 'rgb', [LZ.RGBA]: 'rgb' };

/** A GLZ payload from a header and explicit tokens per pass. */
function handMade(
  h: { type: number; width: number; height: number; topDown?: boolean; id: number; headDist?: number },
  ...passes: Token[][]
): Uint8Array {
  const kinds: UnitKind[] = h.type === LZ.RGBA ? ['rgb', 'byte'] : [KIND[h.type]];
  return concat(
    glzHeader({ topDown: true, headDist: 0, ...h }),
    ...passes.map((tokens, i) => writeGlzTokens(kinds[i], tokens)),
  );
}

/** A solid-ish RGB32 image whose pixel i is base + i (distinct values, easy to follow). */
function counting(width: number, height: number, base: number): number[] {
  return Array.from({ length: width * height }, (_, i) => (base + i) & 0xffffff);
}

/** The payload with another image id (low word, header offset 25); win_head_dist is kept. */
function withId(payload: Uint8Array, id: number): Uint8Array {
  const copy = payload.slice();
  new DataView(copy.buffer).setUint32(25, id);
  return copy;
}

const opaque = (values: number[]): Uint32Array => Uint32Array.from(values, (v) => (0xff000000 | v) >>> 0);

describe('GLZ decoder', () => {
  describe('sequences from spice-server’s GLZ encoder', () => {
    it('mixed types, scrolled and edited copies, bottom-up images', () => {
      const { window, images } = readSequence('glz-mixed.bin.gz');
      assert.ok(images.length >= 19);
      const dict = new GlzDictionary(window);
      images.forEach((img, i) => {
        const got = dict.decode(img.payload);
        assert.equal(got.width, img.width);
        assert.equal(got.height, img.height);
        assertPixels(got.pixels, img.pixels, img.width, `image ${i}`);
        assert.equal(got.hasAlpha, img.payload[8] % 16 === LZ.RGBA);
        assert.ok(dict.pixelCount <= 2 * window);
      });
      // The server's window (20000 pixels of 1200..6144-pixel images) is what we keep.
      assert.ok(dict.pixelCount <= window, `${dict.pixelCount} pixels kept`);
    });

    it('reusing evicted images\' storage decodes the same pixels, and does reuse it', () => {
      const { window, images } = readSequence('glz-mixed.bin.gz');
      const dict = new GlzDictionary(window, { reuseEvicted: true });
      const seen = new Set<ArrayBufferLike>();
      let reused = 0;
      // Twice through: the second pass's ids continue the first's, so old images leave the window.
      for (let pass = 0; pass < 2; pass++) {
        images.forEach((img, i) => {
          const got = dict.decode(pass === 0 ? img.payload : withId(img.payload, images.length + i));
          assertPixels(got.pixels, img.pixels, img.width, `pass ${pass} image ${i}`);
          if (seen.has(got.pixels.buffer)) reused++;
          seen.add(got.pixels.buffer);
        });
      }
      assert.ok(reused > 0, 'no storage was reused');
    });

    it('the edited copies really reference the earlier images', () => {
      const { window, images } = readSequence('glz-mixed.bin.gz');
      const alone = new GlzDictionary(window);
      assertProtocolError(() => alone.decode(images[1].payload), /not in the window/);
      assert.equal(alone.imageCount, 0, 'a failed image is not added');
      alone.decode(images[0].payload);
      assertPixels(alone.decode(images[1].payload).pixels, images[1].pixels, images[1].width);
    });

    it('large images: 17- and 25-bit pixel offsets into the previous image', () => {
      const { window, images } = readSequence('glz-large.bin.gz');
      const dict = new GlzDictionary(window);
      for (const img of images) assertPixels(dict.decode(img.payload).pixels, img.pixels, img.width);
      assert.ok(images[1].payload.length < images[0].payload.length / 20, 'the copy is mostly references');
    });
  });

  describe('round trip through the test encoder', () => {
    for (const type of [LZ.RGB32, LZ.RGB24, LZ.RGB16, LZ.RGBA]) {
      it(`type ${type}: single images, every size, both row orders`, () => {
        let seed = type * 100;
        for (const [width, height] of [
          [1, 1],
          [2, 3],
          [7, 5],
          [33, 17],
          [64, 9],
        ]) {
          for (const topDown of [true, false]) {
            const img: SourceImage = { type, width, height, topDown, values: sourceValues(type, width * height, ++seed) };
            const got = new GlzDictionary(10000).decode(new GlzTestEncoder(10000).encode(img));
            assertPixels(got.pixels, expectedPixels(img), width, `${width}x${height} ${topDown}`);
            assert.equal(got.hasAlpha, type === LZ.RGBA);
          }
        }
      });

      it(`type ${type}: a chain of similar frames referencing each other`, () => {
        const width = 97;
        const height = 61;
        const window = width * height * 4;
        const enc = new GlzTestEncoder(window);
        const dict = new GlzDictionary(window);
        const base = desktopImage(width, height, 5);
        let refs = 0;
        for (let k = 0; k < 12; k++) {
          const values = Array.from(base, (_, i) => {
            const shifted = base[(i + k * width * 2) % base.length]; // scroll by 2 rows a frame
            const c = type === LZ.RGB16 ? ((shifted >>> 9) & 0x7c00) | ((shifted >>> 6) & 0x3e0) | ((shifted >>> 3) & 31) : shifted;
            return type === LZ.RGBA ? ((c & 0xffffff) | ((i * 7 + k) & 0xff) << 24) >>> 0 : c & 0xffffff;
          });
          const img: SourceImage = { type, width, height, topDown: k % 3 !== 1, values };
          const payload = enc.encode(img);
          refs += enc.lastTokens.flat().filter((t) => t.kind === 'ref').length;
          assertPixels(dict.decode(payload).pixels, expectedPixels(img), width, `frame ${k}`);
          assert.ok(dict.pixelCount <= window);
        }
        assert.ok(refs > 50, `only ${refs} cross-image references`);
      });
    }
  });

  describe('reference forms', () => {
    it('image distance in 0..3 extra bytes, short and long pixel-offset forms', () => {
      // Tiny images with ids far apart reach every image-distance width without 5 million decodes.
      for (const dist of [1, 2, 63, 64, 255, 256, 16383, 16384, 65535, 65536, 4194303, 4194304, 5000000]) {
        for (const longForm of [false, true]) {
          const dict = new GlzDictionary(1000);
          dict.decode(handMade({ type: LZ.RGB32, width: 4, height: 1, id: 100 }, [{ kind: 'literal', units: [1, 2, 3, 4] }]));
          const got = dict.decode(
            handMade(
              { type: LZ.RGB32, width: 6, height: 1, id: 100 + dist, headDist: dist },
              [
                { kind: 'literal', units: [9] },
                { kind: 'ref', imageDist: dist, offset: 1, length: 3, longForm },
                { kind: 'match', length: 2, distance: 2, longForm },
              ],
            ),
          );
          assert.deepEqual(Array.from(got.pixels), Array.from(opaque([9, 2, 3, 4, 3, 4])), `dist ${dist} long ${longForm}`);
        }
      }
    });

    it('pixel offsets of 12, 17 and 25 bits, across images and within one', () => {
      const width = 512;
      const height = 300; // 153600 pixels: offsets beyond 2^17
      const dict = new GlzDictionary(400000);
      const first = counting(width, height, 0x100000);
      dict.decode(handMade({ type: LZ.RGB32, width, height, id: 7 }, [{ kind: 'literal', units: first }]));
      for (const offset of [0, 4095, 4096, 131071, 131072, 153600 - 40]) {
        const n = 40 + 5000;
        const tokens: Token[] = [
          { kind: 'ref', imageDist: 1, offset, length: 40 },
          // Same image, a far distance: the long form with a 17-bit offset.
          { kind: 'literal', units: counting(4990, 1, 0x200000) },
          { kind: 'match', length: 10, distance: 5030 },
        ];
        const got = dict.decode(handMade({ type: LZ.RGB32, width: n, height: 1, id: 8, headDist: 1 }, tokens));
        const want = [...first.slice(offset, offset + 40), ...counting(4990, 1, 0x200000)];
        want.push(...want.slice(want.length - 5030, want.length - 5020));
        assertPixels(got.pixels, opaque(want), n, `offset ${offset}`);
        dict.clear();
        dict.decode(handMade({ type: LZ.RGB32, width, height, id: 7 }, [{ kind: 'literal', units: first }]));
      }
    });

    it('same-image overlapping matches and runs', () => {
      for (const distance of [1, 2, 3, 7, 31, 32, 33]) {
        for (const length of [1, 5, 31, 32, 33, 300, 4000]) {
          const lit = counting(distance, 1, 0x10);
          const want = [...lit];
          for (let i = 0; i < length; i++) want.push(want[want.length - distance]);
          const dict = new GlzDictionary(10000);
          const got = dict.decode(
            handMade({ type: LZ.RGB32, width: want.length, height: 1, id: 0 }, [
              { kind: 'literal', units: lit },
              { kind: 'match', length, distance },
            ]),
          );
          assertPixels(got.pixels, opaque(want), want.length, `distance ${distance} length ${length}`);
        }
      }
    });

    it('references index the earlier image in stream order (bottom-up rows reversed)', () => {
      const dict = new GlzDictionary(1000);
      // 3x2 bottom-up: the stream carries the bottom row (10, 11, 12) first.
      const a = dict.decode(
        handMade({ type: LZ.RGB32, width: 3, height: 2, topDown: false, id: 0 }, [{ kind: 'literal', units: [10, 11, 12, 20, 21, 22] }]),
      );
      assert.deepEqual(Array.from(a.pixels, (p) => p & 0xff), [20, 21, 22, 10, 11, 12]);
      const b = dict.decode(
        handMade({ type: LZ.RGB32, width: 3, height: 1, id: 1, headDist: 1 }, [{ kind: 'ref', imageDist: 1, offset: 0, length: 3 }]),
      );
      assert.deepEqual(Array.from(b.pixels, (p) => p & 0xff), [10, 11, 12]);
    });

    it('RGBA: the alpha pass references alpha only; RGB16 references widened pixels', () => {
      const dict = new GlzDictionary(1000);
      dict.decode(
        handMade(
          { type: LZ.RGBA, width: 4, height: 1, id: 0 },
          [{ kind: 'literal', units: [0x010203, 0x040506, 0x070809, 0x0a0b0c] }],
          [{ kind: 'literal', units: [0x10, 0x20, 0x30, 0x40] }],
        ),
      );
      const got = dict.decode(
        handMade(
          { type: LZ.RGBA, width: 4, height: 1, id: 1, headDist: 1 },
          [{ kind: 'literal', units: [0xaaaaaa, 0xbbbbbb, 0xcccccc, 0xdddddd] }],
          [
            { kind: 'literal', units: [0x99] },
            { kind: 'ref', imageDist: 1, offset: 1, length: 3 },
          ],
        ),
      );
      assert.deepEqual(Array.from(got.pixels, (p) => p.toString(16)), ['99aaaaaa', '20bbbbbb', '30cccccc', '40dddddd']);

      dict.decode(handMade({ type: LZ.RGB16, width: 3, height: 1, id: 2 }, [{ kind: 'literal', units: [0x7fff, 0x801f, 0x03e0] }]));
      const rgb16 = dict.decode(
        handMade({ type: LZ.RGB16, width: 4, height: 1, id: 3, headDist: 1 }, [
          { kind: 'ref', imageDist: 1, offset: 0, length: 3 },
          { kind: 'literal', units: [0x7c00] },
        ]),
      );
      assert.deepEqual(Array.from(rgb16.pixels), [0xffffffff, 0xff0000ff, 0xff00ff00, 0xffff0000]);
    });

    it('alpha unused: an RGBA image comes back as its opaque colour, and later images still reference its alpha', () => {
      for (const reuseEvicted of [false, true]) {
        const dict = new GlzDictionary(1000, { reuseEvicted });
        const first = dict.decode(
          handMade(
            { type: LZ.RGBA, width: 4, height: 1, id: 0 },
            [{ kind: 'literal', units: [0x010203, 0x040506, 0x070809, 0x0a0b0c] }],
            [{ kind: 'literal', units: [0x10, 0x20, 0x30, 0x40] }],
          ),
          false,
        );
        assert.equal(first.hasAlpha, false);
        assert.deepEqual(Array.from(first.pixels, (p) => p.toString(16)), ['ff010203', 'ff040506', 'ff070809', 'ff0a0b0c']);
        const second = dict.decode(
          handMade(
            { type: LZ.RGBA, width: 4, height: 1, id: 1, headDist: 1 },
            [{ kind: 'ref', imageDist: 1, offset: 0, length: 4 }],
            [
              { kind: 'literal', units: [0x99] },
              { kind: 'ref', imageDist: 1, offset: 1, length: 3 },
            ],
          ),
        );
        assert.equal(second.hasAlpha, true);
        assert.deepEqual(Array.from(second.pixels, (p) => p.toString(16)), ['99010203', '20040506', '30070809', '400a0b0c'], `reuseEvicted ${reuseEvicted}`);
        // A colour image is opaque whichever way it is asked for.
        const rgb = dict.decode(handMade({ type: LZ.RGB32, width: 2, height: 1, id: 2, headDist: 2 }, [{ kind: 'literal', units: [1, 2] }]), false);
        assert.deepEqual([rgb.hasAlpha, ...rgb.pixels], [false, 0xff000001, 0xff000002]);
      }
    });

    it('alpha unused or not, a chain of RGBA frames decodes to the same colour, and to the same alpha when asked', () => {
      const width = 41;
      const height = 23;
      const window = width * height * 4;
      const enc = new GlzTestEncoder(window);
      const always = new GlzDictionary(window);
      const sometimes = new GlzDictionary(window, { reuseEvicted: true });
      const base = desktopImage(width, height, 9);
      for (let k = 0; k < 10; k++) {
        const values = Array.from(base, (_, i) => (((base[(i + k * width) % base.length] & 0xffffff) | (((i * 5 + k) & 0xff) << 24)) >>> 0));
        const payload = enc.encode({ type: LZ.RGBA, width, height, topDown: k % 3 !== 1, values });
        const want = always.decode(payload).pixels;
        const alphaUsed = k % 2 === 0;
        const got = sometimes.decode(payload, alphaUsed);
        assert.equal(got.hasAlpha, alphaUsed);
        assertPixels(got.pixels, alphaUsed ? want : want.map((p) => (p | 0xff000000) >>> 0), width, `frame ${k}`);
      }
    });

    it('a colour image borrowing from an RGBA one stays opaque', () => {
      const dict = new GlzDictionary(1000);
      dict.decode(
        handMade({ type: LZ.RGBA, width: 2, height: 1, id: 0 }, [{ kind: 'literal', units: [0x123456, 0x654321] }], [{ kind: 'literal', units: [0, 0x80] }]),
      );
      const got = dict.decode(handMade({ type: LZ.RGB32, width: 2, height: 1, id: 1, headDist: 1 }, [{ kind: 'ref', imageDist: 1, offset: 0, length: 2 }]));
      assert.deepEqual(Array.from(got.pixels), [0xff123456, 0xff654321]);
    });
  });

  describe('window', () => {
    it('keeps what the server’s window holds and drops the rest', () => {
      const enc = new GlzTestEncoder(1000);
      const dict = new GlzDictionary(1000);
      const payloads: Uint8Array[] = [];
      for (let k = 0; k < 10; k++) {
        const img: SourceImage = { type: LZ.RGB32, width: 30, height: 10, topDown: true, values: desktopImage(30, 10, k) };
        payloads.push(enc.encode(img));
        assertPixels(dict.decode(payloads[k]).pixels, expectedPixels(img), 30);
        // 300-pixel images in a 1000-pixel window: the current one and at most two before it.
        assert.ok(dict.imageCount <= 3, `${dict.imageCount} images kept`);
        assert.ok(dict.pixelCount <= 1000);
      }
      // Image 9 may reference 7 and 8, not 6.
      const tokens: Token[] = [{ kind: 'ref', imageDist: 4, offset: 0, length: 5 }];
      assertProtocolError(
        () => dict.decode(handMade({ type: LZ.RGB32, width: 5, height: 1, id: 10, headDist: 4 }, tokens)),
        /not in the window/,
      );
      assert.doesNotThrow(() =>
        dict.decode(handMade({ type: LZ.RGB32, width: 5, height: 1, id: 10, headDist: 2 }, [{ kind: 'ref', imageDist: 2, offset: 0, length: 5 }])),
      );
    });

    it('bounds memory to twice the window even if the server never lets go', () => {
      const dict = new GlzDictionary(1000);
      for (let id = 0; id < 50; id++) {
        const tokens: Token[] = [
          { kind: 'literal', units: [id] },
          { kind: 'match', length: 99, distance: 1 },
        ];
        dict.decode(handMade({ type: LZ.RGB32, width: 100, height: 1, id, headDist: id }, tokens));
        assert.ok(dict.pixelCount <= 2000, `${dict.pixelCount} pixels kept`);
      }
      assert.equal(dict.imageCount, 20);
      // The newest twenty are the ones kept.
      assert.doesNotThrow(() =>
        dict.decode(handMade({ type: LZ.RGB32, width: 1, height: 1, id: 50, headDist: 50 }, [{ kind: 'ref', imageDist: 20, offset: 0, length: 1 }])),
      );
      assertProtocolError(() =>
        dict.decode(handMade({ type: LZ.RGB32, width: 1, height: 1, id: 51, headDist: 51 }, [{ kind: 'ref', imageDist: 51, offset: 0, length: 1 }])),
      );
    });

    it('an image arriving after a later one (another display channel) can still reference old images', () => {
      const dict = new GlzDictionary(100000);
      const img = (id: number, headDist: number, tokens: Token[]): Uint8Array =>
        handMade({ type: LZ.RGB32, width: 4, height: 1, id, headDist }, tokens);
      const lit = (v: number): Token[] => [{ kind: 'literal', units: [v, v + 1, v + 2, v + 3] }];
      dict.decode(img(0, 0, lit(0)));
      dict.decode(img(1, 1, lit(10)));
      dict.decode(img(2, 2, lit(20)));
      // Image 4 says the window now starts at 3, but image 3 (encoded earlier, arriving later)
      // references image 1.
      dict.decode(img(4, 1, lit(40)));
      const three = dict.decode(img(3, 2, [{ kind: 'ref', imageDist: 2, offset: 0, length: 4 }]));
      assert.deepEqual(Array.from(three.pixels, (p) => p & 0xff), [10, 11, 12, 13]);
      // Now the gap is closed and image 4's statement applies: 0..2 are gone.
      assert.equal(dict.imageCount, 2);
      assertProtocolError(() => dict.decode(img(5, 1, [{ kind: 'ref', imageDist: 3, offset: 0, length: 4 }])), /not in the window/);
    });

    it('references find their image across gaps in the kept ids, before and after the gap closes', () => {
      const dict = new GlzDictionary(100000, { reuseEvicted: true });
      const img = (id: number, tokens: Token[]): Uint8Array => handMade({ type: LZ.RGB32, width: 4, height: 1, id, headDist: id }, tokens);
      const lit = (v: number): Token[] => [{ kind: 'literal', units: [v, v + 1, v + 2, v + 3] }];
      const ref = (id: number, back: number): Uint8Array => img(id, [{ kind: 'ref', imageDist: back, offset: 0, length: 4 }]);
      const firstUnits = (id: number, back: number): number[] => Array.from(dict.decode(ref(id, back)).pixels, (p) => p & 0xff);
      // Ids 0, 1, 3, 4 kept (2 comes later, from another channel): an id's place in the window
      // no longer follows from the first id kept.
      for (const id of [0, 1, 3, 4]) dict.decode(img(id, lit(10 * id)));
      assert.deepEqual(firstUnits(5, 1), [40, 41, 42, 43]);
      assert.deepEqual(firstUnits(6, 3), [30, 31, 32, 33]);
      assert.deepEqual(firstUnits(7, 6), [10, 11, 12, 13]);
      assertProtocolError(() => dict.decode(ref(8, 6)), /not in the window/); // id 2, not there yet
      dict.decode(img(2, lit(20)));
      assert.deepEqual(firstUnits(9, 7), [20, 21, 22, 23]);
      assert.deepEqual(firstUnits(10, 6), [40, 41, 42, 43]);
    });

    it('an id sent again replaces the image kept under it, newest or not, and is counted once', () => {
      const dict = new GlzDictionary(100000);
      const img = (id: number, tokens: Token[]): Uint8Array => handMade({ type: LZ.RGB32, width: 4, height: 1, id, headDist: id }, tokens);
      const lit = (v: number): Token[] => [{ kind: 'literal', units: [v, v + 1, v + 2, v + 3] }];
      const ref = (id: number, back: number): Uint8Array => img(id, [{ kind: 'ref', imageDist: back, offset: 0, length: 4 }]);
      for (let id = 0; id < 4; id++) dict.decode(img(id, lit(10 * id)));
      dict.decode(img(3, lit(70))); // the newest again
      dict.decode(img(1, lit(90))); // an older one again
      assert.equal(dict.imageCount, 4);
      assert.equal(dict.pixelCount, 16);
      assert.deepEqual(Array.from(dict.decode(ref(4, 1)).pixels, (p) => p & 0xff), [70, 71, 72, 73]);
      assert.deepEqual(Array.from(dict.decode(ref(5, 4)).pixels, (p) => p & 0xff), [90, 91, 92, 93]);
      assert.deepEqual(Array.from(dict.decode(ref(6, 6)).pixels, (p) => p & 0xff), [0, 1, 2, 3]);
    });

    it('stops waiting for an id that never arrives', () => {
      const dict = new GlzDictionary(100000);
      dict.decode(handMade({ type: LZ.RGB32, width: 4, height: 1, id: 0 }, [{ kind: 'literal', units: [1, 2, 3, 4] }]));
      // Id 1 is never sent; the next 400 images each keep only themselves in the window.
      for (let id = 2; id < 402; id++) {
        dict.decode(handMade({ type: LZ.RGB32, width: 4, height: 1, id, headDist: 0 }, [{ kind: 'literal', units: [id, 0, 0, 0] }]));
      }
      assert.ok(dict.imageCount < 300, `${dict.imageCount} images kept`);
    });

    it('ids that wrap at 2^24 (spice-server < 0.14.1 sends only 24 bits of the low word)', () => {
      const enc = new GlzTestEncoder(5000);
      const dict = new GlzDictionary(5000);
      const start = 2 ** 24 - 3;
      for (let k = 0; k < 8; k++) {
        const img: SourceImage = { type: LZ.RGB32, width: 20, height: 20, topDown: true, values: desktopImage(20, 20, 3 + (k >> 2)) };
        const payload = enc.encode(img, { id: start + k, maskId: true });
        if (k % 4 !== 0) assert.ok(enc.lastTokens[0].some((t) => t.kind === 'ref'), `image ${k} references earlier ones`);
        assertPixels(dict.decode(payload).pixels, expectedPixels(img), 20, `image ${k}`);
      }
    });

    it('full 32-bit ids (spice-server >= 0.14.1) across 2^24', () => {
      const enc = new GlzTestEncoder(5000);
      const dict = new GlzDictionary(5000);
      for (let k = 0; k < 6; k++) {
        const img: SourceImage = { type: LZ.RGB32, width: 20, height: 20, topDown: true, values: desktopImage(20, 20, 3) };
        assertPixels(dict.decode(enc.encode(img, { id: 2 ** 24 - 2 + k })).pixels, expectedPixels(img), 20);
      }
    });

    it('clear() forgets every image', () => {
      const dict = new GlzDictionary(1000);
      dict.decode(handMade({ type: LZ.RGB32, width: 2, height: 1, id: 0 }, [{ kind: 'literal', units: [1, 2] }]));
      dict.clear();
      assert.equal(dict.imageCount, 0);
      assert.equal(dict.pixelCount, 0);
      assertProtocolError(() =>
        dict.decode(handMade({ type: LZ.RGB32, width: 2, height: 1, id: 1, headDist: 1 }, [{ kind: 'ref', imageDist: 1, offset: 0, length: 2 }])),
      );
      // A server that reset its dictionary starts again at id 0.
      dict.decode(handMade({ type: LZ.RGB32, width: 2, height: 1, id: 0 }, [{ kind: 'literal', units: [5, 6] }]));
      const got = dict.decode(handMade({ type: LZ.RGB32, width: 2, height: 1, id: 1, headDist: 1 }, [{ kind: 'ref', imageDist: 1, offset: 0, length: 2 }]));
      assert.deepEqual(Array.from(got.pixels, (p) => p & 0xff), [5, 6]);
    });

    it('refuses a window size that is not a positive number of pixels', () => {
      for (const bad of [0, -1, 1.5, NaN, Infinity]) assert.throws(() => new GlzDictionary(bad), RangeError);
    });
  });

  describe('output', () => {
    it('bottom-up images are returned flipped, top-down ones as decoded', () => {
      const dict = new GlzDictionary(1000);
      const up = dict.decode(handMade({ type: LZ.RGB32, width: 1, height: 3, topDown: false, id: 0 }, [{ kind: 'literal', units: [1, 2, 3] }]));
      assert.deepEqual(Array.from(up.pixels, (p) => p & 0xff), [3, 2, 1]);
      const down = dict.decode(handMade({ type: LZ.RGB32, width: 1, height: 3, topDown: true, id: 1 }, [{ kind: 'literal', units: [1, 2, 3] }]));
      assert.deepEqual(Array.from(down.pixels, (p) => p & 0xff), [1, 2, 3]);
    });
  });

  describe('malformed input', () => {
    const ok = (): Uint8Array => handMade({ type: LZ.RGB32, width: 3, height: 1, id: 0 }, [{ kind: 'literal', units: [1, 2, 3] }]);

    it('every prefix of the server’s payloads is refused, and the dictionary is unchanged', () => {
      const { window, images } = readSequence('glz-mixed.bin.gz');
      const dict = new GlzDictionary(window);
      for (const [i, img] of images.slice(0, 8).entries()) {
        const step = img.payload.length > 3000 ? 7 : 1;
        for (let len = 0; len < img.payload.length; len += step) {
          assertProtocolError(() => dict.decode(img.payload.subarray(0, len)));
        }
        assertPixels(dict.decode(img.payload).pixels, img.pixels, img.width, `image ${i} after its prefixes`);
      }
    });

    it('bad magic, version, type, stride', () => {
      const h = { type: LZ.RGB32, width: 3, height: 1, topDown: true, id: 0, headDist: 0 };
      const body = writeGlzTokens('rgb', [{ kind: 'literal', units: [1, 2, 3] }]);
      const dict = new GlzDictionary(1000);
      assertProtocolError(() => dict.decode(concat(glzHeader({ ...h, magic: 0x4c5a2020 }), body)), /magic/);
      assertProtocolError(() => dict.decode(concat(glzHeader({ ...h, version: 0x00010002 }), body)), /version/);
      for (const type of [0, LZ.PLT1_LE, LZ.PLT8, LZ.XXXA, LZ.A8, 12, 15]) {
        assertProtocolError(() => dict.decode(concat(glzHeader({ ...h, type, stride: 12 }), body)), /type/);
      }
      assertProtocolError(() => dict.decode(concat(glzHeader({ ...h, stride: 9 }), body)), /stride/);
      assert.equal(dict.imageCount, 0);
      dict.decode(ok());
    });

    it('sizes: beyond checkImageSize, larger than the window, more than the payload can hold', () => {
      const dict = new GlzDictionary(1 << 20);
      const body = writeGlzTokens('rgb', [{ kind: 'literal', units: [1, 2, 3] }]);
      const h = { type: LZ.RGB32, topDown: true, id: 0, headDist: 0 };
      assertProtocolError(() => dict.decode(concat(glzHeader({ ...h, width: 20000, height: 1 }), body)), /size/);
      assertProtocolError(() => dict.decode(concat(glzHeader({ ...h, width: 2000, height: 1000 }), body)), /window/);
      assertProtocolError(() => dict.decode(concat(glzHeader({ ...h, width: 1000, height: 1000 }), body)), /cannot hold/);
    });

    it('references: unknown image, beyond an earlier image, before the start, beyond the end', () => {
      const dict = new GlzDictionary(1000);
      dict.decode(ok());
      const h = { type: LZ.RGB32, width: 4, height: 1, id: 1, headDist: 1 };
      assertProtocolError(() => dict.decode(handMade(h, [{ kind: 'ref', imageDist: 2, offset: 0, length: 4 }])), /not in the window/);
      assertProtocolError(() => dict.decode(handMade(h, [{ kind: 'ref', imageDist: 1, offset: 1, length: 3 }, { kind: 'literal', units: [0] }])), /beyond the end of an earlier image/);
      assertProtocolError(() => dict.decode(handMade(h, [{ kind: 'literal', units: [1] }, { kind: 'match', length: 3, distance: 2 }])), /before the start/);
      assertProtocolError(() => dict.decode(handMade(h, [{ kind: 'literal', units: [1, 2] }, { kind: 'match', length: 3, distance: 1 }])), /beyond the image/);
      assertProtocolError(() => dict.decode(handMade(h, [{ kind: 'literal', units: [1, 2, 3, 4, 5] }])), /beyond the image/);
      assertProtocolError(() => dict.decode(concat(handMade(h, [{ kind: 'literal', units: [1, 2, 3, 4] }]), new Uint8Array(1))), /trailing/);
      assert.equal(dict.imageCount, 1);
    });

    it('random corruption ends in a ProtocolError or a decoded image, never anything else', () => {
      const { window, images } = readSequence('glz-mixed.bin.gz');
      const rand = rng(99);
      const dict = new GlzDictionary(window);
      for (let iter = 0; iter < 2000; iter++) {
        const { payload } = images[iter % images.length];
        const bad = payload.slice();
        const edits = 1 + (rand() % 4);
        for (let e = 0; e < edits; e++) bad[rand() % bad.length] = rand() & 0xff;
        try {
          const img = dict.decode(bad);
          assert.equal(img.pixels.length, img.width * img.height);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, `iteration ${iter}: ${String(e)}`);
        }
        assert.ok(dict.pixelCount <= 2 * window);
      }
    });
  });
});
