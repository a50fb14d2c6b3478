import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScratchPixels } from '../../../src/core/codecs/scratch-pixels';

test('scratch pixels: slots in turn, each image valid until as many more were taken; big images get their own', () => {
  const scratch = new ScratchPixels(3, 1000);
  const images = [scratch.take(10), scratch.take(20), scratch.take(30)];
  images.forEach((image, i) => image.fill(i + 1));
  assert.deepEqual(images.map((image) => image.length), [10, 20, 30]);
  assert.deepEqual(images.map((image) => image[0]), [1, 2, 3], 'three alive at once do not share storage');
  const fourth = scratch.take(5);
  assert.equal(fourth.buffer, images[0].buffer, 'the fourth reuses the first slot');
  const big = scratch.take(1001);
  assert.equal(big.length, 1001);
  assert.notEqual(big.buffer, images[1].buffer, 'over the limit: storage of its own, no slot used');
  assert.equal(scratch.take(25).buffer === images[1].buffer, false, 'a slot too small grows');
});
