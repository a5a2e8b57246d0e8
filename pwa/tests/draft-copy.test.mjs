import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepCopy, newerDraft, takeCopy } from '../js/draft-copy.js';

/** A Storage of our own: a Map behind the three methods the module uses. */
function fakeStorage() {
  const map = new Map();
  return {
    map,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => { map.set(k, String(v)); },
    removeItem: (k) => { map.delete(k); },
  };
}

test('a kept copy is taken once', () => {
  const s = fakeStorage();
  keepCopy(s, 'c1', { text: 'half a thought', updated_at: 5 });
  assert.deepEqual(takeCopy(s, 'c1'), { text: 'half a thought', updated_at: 5 });
  assert.equal(takeCopy(s, 'c1'), null);
  assert.equal(takeCopy(s, 'c2'), null);
});

test('a copy that is not ours is ignored, and removed', () => {
  const s = fakeStorage();
  s.setItem('swe-swe:draft:c1', '{not json');
  assert.equal(takeCopy(s, 'c1'), null);
  s.setItem('swe-swe:draft:c1', JSON.stringify({ text: 3 }));
  assert.equal(takeCopy(s, 'c1'), null);
  assert.equal(s.map.size, 0);
});

test('a full or disabled storage does not throw', () => {
  const s = { setItem: () => { throw new Error('QuotaExceededError'); } };
  assert.doesNotThrow(() => keepCopy(s, 'c1', { text: 'x', updated_at: 1 }));
  const broken = { getItem: () => { throw new Error('SecurityError'); }, removeItem: () => {} };
  assert.equal(takeCopy(broken, 'c1'), null);
});

test('the newer of the two copies wins, an emptied box included', () => {
  assert.equal(newerDraft(undefined, null), '');
  assert.equal(newerDraft({ text: 'saved', updated_at: 10 }, null), 'saved');
  assert.equal(newerDraft(undefined, { text: 'typed just before the reload', updated_at: 3 }), 'typed just before the reload');
  assert.equal(newerDraft({ text: 'saved', updated_at: 10 }, { text: 'saved and more', updated_at: 11 }), 'saved and more');
  assert.equal(newerDraft({ text: 'another tab typed later', updated_at: 12 }, { text: 'old', updated_at: 11 }), 'another tab typed later');
  assert.equal(newerDraft({ text: '', updated_at: 20 }, { text: 'sent meanwhile', updated_at: 11 }), '');
  assert.equal(newerDraft({ text: 'draft', updated_at: 20 }, { text: '', updated_at: 21 }), '');
});
