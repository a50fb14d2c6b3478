import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GlzDictionary } from '../../../src/core/codecs/glz';
import { decodeJpeg } from '../../../src/core/codecs/jpeg';
import { decodeJpegAlpha } from '../../../src/core/codecs/jpeg-alpha';
import { decodeLz4Image } from '../../../src/core/codecs/lz4-image';
import { MjpegTables } from '../../../src/core/codecs/mjpeg-tables';
import { decodeZlibGlz } from '../../../src/core/codecs/zlib-glz';
import { parseDrawCopy, parseStreamData } from '../../../src/core/protocol/display-messages';
import type { Image } from '../../../src/core/protocol/display-types';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { nodeInflate } from '../../../src/main/codecs/node-inflate';
import { compareImages, psnr, readPng } from '../../support/images';
import { requireJpegDecoder, toRgb } from '../../support/jpeg';

/**
 * LZ4, ZLIB_GLZ, JPEG_ALPHA and MJPEG payloads captured from a real Xspice
 * (tests/fixtures/display-codecs/README.md), against the X server's own framebuffer: exact for
 * the lossless codecs, PSNR ≥ 30 dB for the lossy ones.
 */
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'display-codecs');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const shapes = readPng(join(FIXTURES, 'expected-shapes-200x150.png'));
const photo = readPng(join(FIXTURES, 'expected-photo-120x90.png'));

function sourceOf(body: Uint8Array): Image {
  const op = parseDrawCopy(body);
  assert.ok(op.source);
  return op.source;
}

test('an LZ4 DRAW_COPY from Xspice decodes to the framebuffer exactly', () => {
  const { descriptor, payload } = sourceOf(fixture('lz4-drawcopy-200x150.bin'));
  assert.equal(payload.kind, 'lz4');
  if (payload.kind !== 'lz4') return;
  const image = decodeLz4Image(payload.data, descriptor.width, descriptor.height);
  assert.equal(compareImages(toRgb(image), shapes).differing, 0);
});

test('a real ZLIB_GLZ session decodes in order through the shared dictionary, exactly', () => {
  const glz = new GlzDictionary((12 * 1024 * 1024) / 4);
  const files = readdirSync(join(FIXTURES, 'zlib-glz-sequence')).sort();
  assert.equal(files.length, 6);
  for (const file of files) {
    const { descriptor, payload } = sourceOf(fixture(join('zlib-glz-sequence', file)));
    assert.equal(payload.kind, 'zlib_glz_rgb', file);
    if (payload.kind !== 'zlib_glz_rgb') return;
    const image = decodeZlibGlz(payload.glzDataSize, payload.data, nodeInflate, glz);
    assert.deepEqual([image.width, image.height], [descriptor.width, descriptor.height], file);
    if (file.startsWith('002')) assert.equal(compareImages(toRgb(image), shapes).differing, 0, file);
    if (file.startsWith('005')) assert.equal(compareImages(toRgb(image), photo).differing, 0, file);
  }
});

test('ZLIB_GLZ: corrupt, truncated and lying payloads are ProtocolErrors; absurd sizes refused before inflating', () => {
  const { payload } = sourceOf(fixture('zlib-glz-sequence/001-zlib_glz_rgb-201x151.bin'));
  assert.ok(payload.kind === 'zlib_glz_rgb');
  const glz = (): GlzDictionary => new GlzDictionary(1 << 20);
  assert.equal(decodeZlibGlz(payload.glzDataSize, payload.data, nodeInflate, glz()).width, 201);
  for (let cut = 0; cut < payload.data.length; cut++) {
    assert.throws(() => decodeZlibGlz(payload.glzDataSize, payload.data.subarray(0, cut), nodeInflate, glz()), ProtocolError, `cut ${cut}`);
  }
  assert.throws(() => decodeZlibGlz(payload.glzDataSize + 1, payload.data, nodeInflate, glz()), /inflated to|inflate failed/);
  assert.throws(() => decodeZlibGlz(payload.glzDataSize - 1, payload.data, nodeInflate, glz()), ProtocolError);
  const flipped = Uint8Array.from(payload.data);
  flipped[1] ^= 0xff; // zlib header check bits
  assert.throws(() => decodeZlibGlz(payload.glzDataSize, flipped, nodeInflate, glz()), /inflate failed/);
  let inflated = false;
  const spy = (): Uint8Array => {
    inflated = true;
    return new Uint8Array(0);
  };
  assert.throws(() => decodeZlibGlz(200_000_000, payload.data, spy, glz()), /cannot inflate/);
  assert.equal(inflated, false);
});

test('a JPEG_ALPHA DRAW_COPY from Xspice: colour as libjpeg-turbo decodes it, alpha exact', () => {
  const decoder = requireJpegDecoder();
  const { descriptor, payload } = sourceOf(fixture('jpeg-alpha-drawcopy-120x90.bin'));
  assert.equal(payload.kind, 'jpeg_alpha');
  if (payload.kind !== 'jpeg_alpha') return;
  const image = decodeJpegAlpha(payload, decoder, descriptor.width, descriptor.height);
  assert.ok(image.hasAlpha);
  // The server's JPEG (quality 85, 4:2:0) of this noisy picture is itself 30.0 dB from the
  // framebuffer as libjpeg-turbo decodes it; ours must agree with libjpeg-turbo's decoding
  // (jpeg-js upsamples chroma more simply: 41 dB apart) and stay close to the framebuffer.
  const reference = readPng(join(FIXTURES, 'jpeg-alpha-photo-libjpeg-turbo.png'));
  const agreement = psnr(toRgb(image), reference);
  assert.ok(agreement >= 38, `PSNR to libjpeg-turbo's decoding ${agreement.toFixed(1)} dB`);
  const quality = psnr(toRgb(image), photo);
  assert.ok(quality >= 29, `PSNR to the framebuffer ${quality.toFixed(1)} dB`);
  // Xspice flags its 32-bit pixmaps RGBA although depth-24 windows leave the alpha byte 0: the
  // LZ-coded alpha plane is 0 everywhere (drawing on an xRGB surface ignores it, as pixman does).
  assert.ok(image.pixels.every((p) => p >>> 24 === 0));
  // The JPEG alone decodes to the same colours.
  const colour = decodeJpeg(payload.data.subarray(0, payload.jpegSize), decoder, descriptor);
  assert.deepEqual(colour.pixels.map((p) => p & 0xffffff), image.pixels.map((p) => p & 0xffffff));
});

test('JPEG_ALPHA: inconsistent flags, sizes and truncations are ProtocolErrors', () => {
  const decoder = requireJpegDecoder();
  const { payload } = sourceOf(fixture('jpeg-alpha-drawcopy-120x90.bin'));
  assert.ok(payload.kind === 'jpeg_alpha');
  assert.throws(() => decodeJpegAlpha({ ...payload, flags: 0 }, decoder, 120, 90), /row order/);
  assert.throws(() => decodeJpegAlpha(payload, decoder, 121, 90), /the JPEG is 120x90/);
  assert.throws(() => decodeJpegAlpha({ ...payload, jpegSize: payload.data.length + 1 }, decoder, 120, 90), /beyond/);
  assert.throws(() => decodeJpegAlpha({ ...payload, jpegSize: payload.jpegSize - 7 }, decoder, 120, 90), ProtocolError);
  for (let cut = payload.jpegSize; cut < payload.data.length; cut += 3) {
    assert.throws(() => decodeJpegAlpha({ ...payload, data: payload.data.subarray(0, cut) }, decoder, 120, 90), ProtocolError, `cut ${cut}`);
  }
});

test('MJPEG frames from Xspice: later frames lack the Huffman tables; with them restored each frame is the next animation frame', () => {
  const decoder = requireJpegDecoder();
  const frames = [0, 1, 2, 3, 4, 5].map((i) => readPng(join(FIXTURES, 'mjpeg-frames', `frame${i}.png`)));
  const files = readdirSync(join(FIXTURES, 'mjpeg-stream')).filter((f) => f.endsWith('STREAM_DATA.bin')).sort();
  assert.equal(files.length, 6);
  const tables = new MjpegTables();
  let previous = -1;
  for (const [index, file] of files.entries()) {
    const data = parseStreamData(fixture(join('mjpeg-stream', file))).data;
    if (index > 0) assert.throws(() => decodeJpeg(data, decoder), ProtocolError, `${file} decodes without the first frame's tables`);
    const image = decodeJpeg(tables.complete(data), decoder);
    const scores = frames.map((frame) => psnr(toRgb(image), frame));
    const best = Math.max(...scores);
    const match = scores.indexOf(best);
    // The server's rate control starts the stream at a middling quality and raises it (27.6 dB
    // for the first frame here, 37.7 dB by the fifth); any other animation frame scores ≤ 12 dB,
    // and an upside-down one ≤ 15 dB.
    assert.ok(best >= 25, `${file}: best PSNR ${best.toFixed(1)} dB`);
    assert.ok(scores.every((score, i) => i === match || score < 15), `${file}: PSNR ${scores.map((x) => x.toFixed(1)).join(' ')}`);
    if (previous >= 0) assert.equal(match, (previous + 1) % frames.length, `${file} shows frame ${match} after frame ${previous}`);
    previous = match;
  }
});
