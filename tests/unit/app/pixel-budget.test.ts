import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PixelBudget } from '../../../src/main/host/pixel-budget';

test('a burst goes at once; past it, bytes wait for the rate', () => {
  const budget = new PixelBudget(1000, 500, 0); // 1000 bytes/s, bursts of 500
  assert.equal(budget.waitMs(500, 0), 0);
  budget.spend(500, 0);
  assert.equal(budget.waitMs(100, 0), 100);
  assert.equal(budget.waitMs(100, 100), 0);
  budget.spend(100, 100);
  assert.equal(budget.waitMs(1, 100), 1);
});

test('more than a burst waits for a full bucket, then goes; the debt delays what follows', () => {
  const budget = new PixelBudget(1000, 500, 0);
  budget.spend(500, 0);
  assert.equal(budget.waitMs(2000, 0), 500);
  assert.equal(budget.waitMs(2000, 500), 0);
  budget.spend(2000, 500); // 1500 bytes in debt
  assert.equal(budget.waitMs(10, 500), 1510);
});

test('an idle budget refills to the burst size and no further', () => {
  const budget = new PixelBudget(1000, 500, 0);
  budget.spend(500, 0);
  assert.equal(budget.waitMs(500, 60_000), 0);
  budget.spend(500, 60_000);
  assert.equal(budget.waitMs(1, 60_000), 1);
});
