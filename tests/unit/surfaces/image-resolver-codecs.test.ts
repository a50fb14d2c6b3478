import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BitmapFlags, BitmapFormat, ImageFlags, ImageType, Ropd, SurfaceFormat } from '../../../src/core/protocol/constants';
import { parseDrawCopy } from '../../../src/core/protocol/display-messages';
import type { DrawCopy, Image } from '../../../src/core/protocol/display-types';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { nodeInflate } from '../../../src/main/codecs/node-inflate';
import { SessionError } from '../../../src/main/session/session-error';
import { DisplayResources } from '../../../src/main/surfaces/display-resources';
import { ImageResolver } from '../../../src/main/surfaces/image-resolver';
import { drawCopy } from '../../../src/main/surfaces/canvas';
import { Surface } from '../../../src/main/surfaces/surface';
import { concat, glzHeader, LZ, writeGlzTokens } from '../../support/lz-encoder';
import { base, NO_MASK } from './helpers';
import { requireJpegDecoder } from '../../support/jpeg';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'display-codecs');
const sourceOf = (name: string): Image => parseDrawCopy(new Uint8Array(readFileSync(join(FIXTURES, name)))).source!;

const ID = 0x1234n;

/** The real JPEG_ALPHA image from Xspice, with the given cache id and flags. */
function jpegImage(flags: number): Image {
  const image = sourceOf('jpeg-alpha-drawcopy-120x90.bin');
  return { ...image, descriptor: { ...image.descriptor, id: ID, flags } };
}

/** A lossless 120x90 32-bit bitmap of one colour, with the given cache id and flags. */
function bitmapImage(flags: number, colour = 0x00336699): Image {
  const data = new Uint8Array(120 * 90 * 4);
  new DataView(data.buffer).setUint32(0, colour, true);
  for (let i = 4; i < data.length; i += 4) data.copyWithin(i, 0, 4);
  return {
    descriptor: { id: ID, type: ImageType.BITMAP, flags, width: 120, height: 90 },
    payload: {
      kind: 'bitmap',
      bitmap: { format: BitmapFormat.BIT32, flags: BitmapFlags.TOP_DOWN, width: 120, height: 90, stride: 480, palette: { kind: 'none' }, data },
    },
  };
}

const fromCache = (lossless: boolean): Image => ({
  descriptor: { id: ID, type: lossless ? ImageType.FROM_CACHE_LOSSLESS : ImageType.FROM_CACHE, flags: 0, width: 120, height: 90 },
  payload: { kind: lossless ? 'from_cache_lossless' : 'from_cache' },
});

function resolver(): { resources: DisplayResources; resolve: ImageResolver['resolve'] } {
  const resources = new DisplayResources(1 << 20);
  const r = new ImageResolver(resources, new Map(), { inflate: nodeInflate, jpeg: requireJpegDecoder() });
  return { resources, resolve: r.resolve };
}

test('JPEG images are cached as lossy; FROM_CACHE_LOSSLESS refuses it until CACHE_REPLACE_ME brings the lossless one', () => {
  const { resources, resolve } = resolver();
  const lossy = resolve(jpegImage(ImageFlags.CACHE_ME));
  assert.equal(resources.images.get(ID)?.lossy, true);
  assert.equal(resolve(fromCache(false)), lossy, 'FROM_CACHE may use the lossy image');
  assert.throws(() => resolve(fromCache(true)), (e: unknown) => e instanceof ProtocolError && /only in a lossy version/.test(e.message));
  // The server sends the lossless version with CACHE_REPLACE_ME (spice-server's fill_bits).
  const lossless = resolve(bitmapImage(ImageFlags.CACHE_REPLACE_ME));
  assert.equal(resources.images.get(ID)?.lossy, false);
  assert.equal(resolve(fromCache(true)), lossless);
  assert.equal(lossless.pixels[0], 0xff336699);
  // A lossy image never replaces a cached one.
  assert.throws(() => resolve(jpegImage(ImageFlags.CACHE_REPLACE_ME)), /lossy image cannot replace/);
});

test('LZ4 and ZLIB_GLZ images are cached as lossless', () => {
  const { resources, resolve } = resolver();
  const lz4 = sourceOf('lz4-drawcopy-200x150.bin');
  resolve({ ...lz4, descriptor: { ...lz4.descriptor, id: 7n, flags: ImageFlags.CACHE_ME } });
  assert.equal(resources.images.get(7n)?.lossy, false);
  const zlib = sourceOf('zlib-glz-sequence/001-zlib_glz_rgb-201x151.bin');
  resolve({ ...zlib, descriptor: { ...zlib.descriptor, id: 8n, flags: ImageFlags.CACHE_ME } });
  assert.equal(resources.images.get(8n)?.lossy, false);
  assert.equal(resources.glz.imageCount, 1, 'the inflated GLZ image joined the shared dictionary');
});

test('without a JPEG decoder a JPEG image is "not supported", not a protocol error', () => {
  const r = new ImageResolver(new DisplayResources(1 << 20), new Map(), { inflate: nodeInflate, jpeg: null });
  assert.throws(() => r.resolve(jpegImage(0)), (e: unknown) => e instanceof SessionError && e.kind === 'unsupported' && /jpeg-js/.test(e.message));
});

/** A 2x1 GLZ RGBA image (alpha 0x80, 0x00) as the source of a DRAW_COPY, with the given image id and flags. */
function glzRgbaImage(id: number, flags: number): Image {
  const data = concat(
    glzHeader({ type: LZ.RGBA, width: 2, height: 1, topDown: true, id, headDist: 0 }),
    writeGlzTokens('rgb', [{ kind: 'literal', units: [0x102030, 0x405060] }]),
    writeGlzTokens('byte', [{ kind: 'literal', units: [0x80, 0x00] }]),
  );
  return { descriptor: { id: BigInt(100 + id), type: ImageType.GLZ_RGB, flags, width: 2, height: 1 }, payload: { kind: 'glz_rgb', data } };
}

const copyOf = (source: Image): DrawCopy => ({
  base: base({ left: 0, top: 0, right: 2, bottom: 1 }),
  source,
  sourceArea: { left: 0, top: 0, right: 2, bottom: 1 },
  ropDescriptor: Ropd.OP_PUT,
  scaleMode: 0,
  mask: NO_MASK,
});

test('GLZ RGBA onto a surface without alpha is its opaque colour; onto ARGB, and in the cache, its alpha stays', () => {
  const { resources, resolve } = resolver();
  const xrgb = new Surface(0, 2, 1, SurfaceFormat.XRGB32);
  const argb = new Surface(0, 2, 1, SurfaceFormat.ARGB32);
  drawCopy(xrgb, copyOf(glzRgbaImage(0, 0)), resolve);
  assert.deepEqual(Array.from(xrgb.pixels, (p) => p.toString(16)), ['ff102030', 'ff405060']);
  drawCopy(argb, copyOf(glzRgbaImage(1, 0)), resolve);
  assert.deepEqual(Array.from(argb.pixels, (p) => p.toString(16)), ['80102030', '405060']);
  // Drawn onto the opaque surface, but cached: a later use may need the alpha.
  drawCopy(xrgb, copyOf(glzRgbaImage(2, ImageFlags.CACHE_ME)), resolve);
  const cached = resources.images.get(102n)!.image;
  assert.deepEqual([cached.hasAlpha, ...Array.from(cached.pixels, (p) => p.toString(16))], [true, '80102030', '405060']);
  assert.deepEqual(Array.from(xrgb.pixels, (p) => p.toString(16)), ['ff102030', 'ff405060']);
});
