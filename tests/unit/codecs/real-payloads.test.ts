import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeQuic } from '../../../src/core/codecs/quic';
import { decodeLzRgb } from '../../../src/core/codecs/lz';
import { GlzDictionary } from '../../../src/core/codecs/glz';
import { decodeBitmap } from '../../../src/core/codecs/bitmap';
import type { DecodedImage } from '../../../src/core/codecs/types';
import { parseDrawCopy } from '../../../src/core/protocol/display-messages';
import { readPng, type RgbImage } from '../../support/images';

/**
 * Payloads captured from a real Xspice (tests/fixtures/display/README.md), decoded and compared
 * with crops of the X server's own framebuffer: 0 differing pixels.
 */
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'display');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const shapes = readPng(join(FIXTURES, 'expected-shapes-200x150.png'));
const photo = readPng(join(FIXTURES, 'expected-photo-120x90.png'));

function differing(image: DecodedImage, truth: RgbImage): number {
  assert.equal(image.width, truth.width);
  assert.equal(image.height, truth.height);
  let count = 0;
  for (let i = 0; i < truth.width * truth.height; i++) {
    const p = image.pixels[i];
    if (((p >>> 16) & 255) !== truth.data[i * 3] || ((p >>> 8) & 255) !== truth.data[i * 3 + 1] || (p & 255) !== truth.data[i * 3 + 2]) count++;
  }
  return count;
}

test('QUIC payloads from Xspice decode to the framebuffer exactly', () => {
  assert.equal(differing(decodeQuic(fixture('quic-200x150.bin')), shapes), 0);
  assert.equal(differing(decodeQuic(fixture('quic-120x90.bin')), photo), 0);
});

test('an LZ_RGB payload from Xspice decodes to the framebuffer exactly', () => {
  assert.equal(differing(decodeLzRgb(fixture('lz_rgb-200x150.bin')), shapes), 0);
});

test('a real GLZ session decodes in order through the shared dictionary', () => {
  const glz = new GlzDictionary((12 * 1024 * 1024) / 4);
  const files = readdirSync(join(FIXTURES, 'glz-sequence')).sort();
  assert.equal(files.length, 31);
  for (const file of files) {
    const image = glz.decode(fixture(join('glz-sequence', file)));
    const [w, h] = file.replace(/^\d+-|\.bin$/g, '').split('x').map(Number);
    assert.deepEqual([image.width, image.height], [w, h], file);
    if (file.includes('200x150')) assert.equal(differing(image, shapes), 0, file);
  }
});

test('an uncompressed bitmap DRAW_COPY from Xspice decodes to the framebuffer exactly', () => {
  const op = parseDrawCopy(fixture('drawcopy-bitmap-200x150.bin'));
  assert.ok(op.source && op.source.payload.kind === 'bitmap');
  const bitmap = op.source.payload.bitmap;
  assert.equal(differing(decodeBitmap(bitmap, null), shapes), 0);
});
