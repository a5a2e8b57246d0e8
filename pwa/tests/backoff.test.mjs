import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKOFF, backoffCeiling, backoffDelay, backoffSchedule } from '../js/backoff.js';

test('defaults: 1 s base, 30 s cap, 10 attempts', () => {
  assert.deepEqual({ ...BACKOFF }, { baseMs: 1000, capMs: 30000, maxAttempts: 10 });
});

test('the schedule doubles from 1 s and stops at 30 s', () => {
  assert.deepEqual(backoffSchedule(), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000]);
});

test('ceilings never exceed the cap, even for absurd attempt numbers', () => {
  for (const n of [1, 5, 6, 50, 1e6]) assert.ok(backoffCeiling(n) <= 30000);
  assert.equal(backoffCeiling(0), 1000);
  assert.equal(backoffCeiling(-3), 1000);
});

test('jitter keeps the delay in [ceiling/2, ceiling]', () => {
  for (let n = 1; n <= 10; n++) {
    const c = backoffCeiling(n);
    assert.equal(backoffDelay(n, BACKOFF, () => 0), c / 2);
    assert.equal(backoffDelay(n, BACKOFF, () => 0.999999), Math.round(c / 2 + (0.999999 * c) / 2));
    for (let k = 0; k < 50; k++) {
      const d = backoffDelay(n);
      assert.ok(d >= c / 2 && d <= c, `attempt ${n}: ${d}`);
    }
  }
});

test('a misbehaving random source is clamped', () => {
  assert.equal(backoffDelay(1, BACKOFF, () => 7), 1000);
  assert.equal(backoffDelay(1, BACKOFF, () => -1), 500);
});

test('custom options', () => {
  assert.deepEqual(backoffSchedule({ baseMs: 100, capMs: 250, maxAttempts: 4 }), [100, 200, 250, 250]);
});
