import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { DEFAULT_IMAGE_CACHE_MAX_BYTES, ImageCache } from '../../../src/main/surfaces/image-cache';
import { PaletteCache } from '../../../src/main/surfaces/palette-cache';
import { image } from './helpers';

test('image cache: put, get with the lossy flag, remove, clear', () => {
  const cache = new ImageCache();
  assert.equal(cache.maxBytes, DEFAULT_IMAGE_CACHE_MAX_BYTES);
  const a = image(2, 2, [1, 2, 3, 4]);
  const b = image(1, 1, [5]);
  cache.put(1n, a);
  cache.put(0xffffffffffffffffn, b, true);
  assert.deepEqual(cache.get(1n), { image: a, lossy: false });
  assert.deepEqual(cache.get(0xffffffffffffffffn), { image: b, lossy: true });
  assert.equal(cache.get(2n), undefined);
  assert.equal(cache.size, 2);
  assert.equal(cache.bytes, 20);
  assert.equal(cache.remove(1n), true);
  assert.equal(cache.remove(1n), false);
  assert.equal(cache.has(1n), false);
  assert.equal(cache.bytes, 4);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
});

test('image cache: replacing an id (lossy → lossless) keeps the byte count right', () => {
  const cache = new ImageCache(64);
  cache.put(7n, image(4, 4, new Array(16).fill(0)), true);
  assert.equal(cache.bytes, 64);
  cache.put(7n, image(4, 4, new Array(16).fill(1)), false); // fits: it replaces the old one
  assert.equal(cache.bytes, 64);
  assert.equal(cache.get(7n)?.lossy, false);
});

test('image cache: refuses to hold more than its byte limit', () => {
  const cache = new ImageCache(40);
  cache.put(1n, image(3, 3, new Array(9).fill(0)));
  cache.put(2n, image(1, 1, [0])); // exactly 40 bytes
  assert.throws(() => cache.put(3n, image(1, 1, [0])), ProtocolError);
  assert.equal(cache.has(3n), false);
  assert.equal(cache.bytes, 40);
  cache.remove(1n); // the server's INVAL_LIST makes room
  cache.put(3n, image(1, 1, [0]));
  assert.equal(cache.bytes, 8);
});

test('palette cache: stores copies, obeys removal, bounded in count', () => {
  const cache = new PaletteCache(2);
  const entries = Uint32Array.from([0x112233, 0x445566]);
  cache.put(10n, entries);
  entries[0] = 0;
  assert.deepEqual([...(cache.get(10n) ?? [])], [0x112233, 0x445566]);
  cache.put(11n, Uint32Array.from(new Array(300).fill(1)));
  assert.equal(cache.get(11n)?.length, 256);
  cache.put(10n, Uint32Array.from([1])); // replacing does not count against the limit
  assert.throws(() => cache.put(12n, Uint32Array.from([1])), ProtocolError);
  assert.equal(cache.remove(11n), true);
  assert.equal(cache.remove(11n), false);
  cache.put(12n, Uint32Array.from([2]));
  assert.equal(cache.size, 2);
  cache.clear();
  assert.equal(cache.get(12n), undefined);
  assert.equal(cache.has(10n), false);
});
