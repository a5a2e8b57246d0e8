import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBatcher } from '../js/event-batcher.js';

/** A write that finishes when the test says so. */
function fakeStore() {
  /** @type {{owner: string, batch: number[], finish: () => void}[]} */
  const writes = [];
  const write = (/** @type {string} */ owner, /** @type {number[]} */ batch) => new Promise((resolve) => {
    writes.push({ owner, batch, finish: () => resolve(undefined) });
  });
  return { writes, write };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('the first event is written at once; the next ones gather while it runs', async () => {
  const { writes, write } = fakeStore();
  const b = new EventBatcher(write);
  b.add('c1', 1);
  assert.deepEqual(writes.map((w) => w.batch), [[1]]);
  b.add('c1', 2);
  b.add('c1', 3);
  assert.equal(writes.length, 1, 'nothing more while the first write runs');
  writes[0].finish();
  await tick();
  assert.deepEqual(writes.map((w) => w.batch), [[1], [2, 3]]);
  writes[1].finish();
  await tick();
  assert.equal(writes.length, 2);
  assert.equal(b.writing, false);
});

test('flush(true) writes what waits at once, beside a running write (the page is going away)', async () => {
  const { writes, write } = fakeStore();
  const b = new EventBatcher(write);
  b.add('c1', 1);
  b.add('c1', 2);
  b.flush(false);
  assert.equal(writes.length, 1, 'flush(false) waits for the running write');
  b.flush(true);
  assert.deepEqual(writes.map((w) => w.batch), [[1], [2]]);
  b.flush(true);
  assert.equal(writes.length, 2, 'nothing waits: nothing written');
});

test('another conversation’s event first writes what the previous one left waiting', async () => {
  const { writes, write } = fakeStore();
  const b = new EventBatcher(write);
  b.add('c1', 1);
  b.add('c1', 2);
  b.add('c2', 7);
  assert.deepEqual(writes.map((w) => [w.owner, w.batch]), [['c1', [1]], ['c1', [2]]]);
  writes[0].finish();
  await tick();
  assert.deepEqual(writes.map((w) => [w.owner, w.batch]), [['c1', [1]], ['c1', [2]], ['c2', [7]]]);
});

test('a failed write is reported and does not stop the next batches', async () => {
  const errors = [];
  let calls = 0;
  const b = new EventBatcher(async () => {
    calls++;
    if (calls === 1) throw new Error('quota');
  }, (err) => errors.push(err));
  b.add('c1', 1);
  b.add('c1', 2);
  await tick();
  assert.equal(calls, 2);
  assert.equal(errors.length, 1);
  assert.equal(b.writing, false);
});
