import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepCopy, newer, takeCopy } from '../js/unload-copy.js';

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

test('a kept copy is taken once, per kind and conversation', () => {
  const s = fakeStorage();
  keepCopy(s, 'draft', 'c1', { text: 'half a thought', updated_at: 5 });
  keepCopy(s, 'view', 'c1', { at_bottom: false, anchor_key: 'e12', anchor_offset: 4, scroll_top: 300, updated_at: 6 });
  assert.deepEqual(takeCopy(s, 'draft', 'c1'), { text: 'half a thought', updated_at: 5 });
  assert.equal(takeCopy(s, 'draft', 'c1'), null);
  assert.equal(takeCopy(s, 'draft', 'c2'), null);
  assert.equal(takeCopy(s, 'view', 'c1').anchor_key, 'e12');
  assert.equal(s.map.size, 0);
});

test('a copy that is not ours is ignored, and removed', () => {
  const s = fakeStorage();
  s.setItem('swe-swe:draft:c1', '{not json');
  assert.equal(takeCopy(s, 'draft', 'c1'), null);
  s.setItem('swe-swe:draft:c1', JSON.stringify({ text: 'no time' }));
  assert.equal(takeCopy(s, 'draft', 'c1'), null);
  s.setItem('swe-swe:view:c1', 'null');
  assert.equal(takeCopy(s, 'view', 'c1'), null);
  assert.equal(s.map.size, 0);
});

test('a full, disabled or missing storage does not throw', () => {
  const full = { setItem: () => { throw new Error('QuotaExceededError'); } };
  assert.doesNotThrow(() => keepCopy(full, 'draft', 'c1', { text: 'x', updated_at: 1 }));
  const broken = { getItem: () => { throw new Error('SecurityError'); }, removeItem: () => {} };
  assert.equal(takeCopy(broken, 'draft', 'c1'), null);
  assert.doesNotThrow(() => keepCopy(null, 'view', 'c1', { updated_at: 1 }));
  assert.equal(takeCopy(null, 'view', 'c1'), null);
});

test('the newer of the two copies wins, an emptied box included', () => {
  const text = (stored, copy) => newer(stored, copy)?.text ?? '';
  assert.equal(text(undefined, null), '');
  assert.equal(text({ text: 'saved', updated_at: 10 }, null), 'saved');
  assert.equal(text(undefined, { text: 'typed just before the reload', updated_at: 3 }), 'typed just before the reload');
  assert.equal(text({ text: 'saved', updated_at: 10 }, { text: 'saved and more', updated_at: 11 }), 'saved and more');
  assert.equal(text({ text: 'another tab typed later', updated_at: 12 }, { text: 'old', updated_at: 11 }), 'another tab typed later');
  assert.equal(text({ text: '', updated_at: 20 }, { text: 'sent meanwhile', updated_at: 11 }), '');
  assert.equal(text({ text: 'draft', updated_at: 20 }, { text: '', updated_at: 21 }), '');
  assert.equal(text({ text: 'from an older app, no time' }, { text: 'copy', updated_at: 1 }), 'copy');
});
