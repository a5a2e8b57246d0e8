import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines, toolDiffs, MAX_DIFF_LINES } from '../js/diff-model.js';

test('a unified diff of two texts: removed, added and context lines, numbered', () => {
  const d = diffLines('one\ntwo\nthree\n', 'one\n2\nthree\n');
  assert.deepEqual(d.lines.map((l) => [l.type, l.text]), [['ctx', 'one'], ['del', 'two'], ['add', '2'], ['ctx', 'three']]);
  assert.deepEqual([d.added, d.removed], [1, 1]);
  assert.deepEqual(d.lines.map((l) => [l.oldNo, l.newNo]), [[1, 1], [2, null], [null, 2], [3, 3]]);
});

test('far-apart changes come as hunks with a gap between them; a missing final newline is no change', () => {
  const old = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
  const next = old.replace('line 2', 'LINE 2').replace('line 27', 'LINE 27');
  const d = diffLines(old, next);
  assert.equal(d.lines.filter((l) => l.type === 'gap').length, 1);
  assert.deepEqual([d.added, d.removed], [2, 2]);
  assert.equal(diffLines('a', 'a\n').lines.length, 0);
});

test('Write shows the new content as added lines; Edit its strings; MultiEdit every edit', () => {
  const [w] = toolDiffs('Write', { file_path: '/w/new.txt', content: 'a\nb' });
  assert.equal(w.path, '/w/new.txt');
  assert.deepEqual(w.lines.map((l) => l.type), ['add', 'add']);
  const [e] = toolDiffs('Edit', { file_path: 'x.js', old_string: 'let a = 1;', new_string: 'const a = 1;', replace_all: true });
  assert.deepEqual(e.lines.map((l) => l.type), ['del', 'add']);
  assert.equal(e.note, 'every occurrence');
  assert.equal(e.numbered, false);
  const [m] = toolDiffs('MultiEdit', { file_path: 'y.js', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: 'd' }] });
  assert.deepEqual(m.lines.map((l) => l.type), ['del', 'add', 'gap', 'del', 'add']);
  assert.deepEqual([m.added, m.removed], [2, 2]);
  assert.equal(toolDiffs('Bash', { command: 'x' }), null);
});

test('a huge file is cut to what a phone can draw, and the rest is counted', () => {
  const [w] = toolDiffs('Write', { file_path: 'big', content: 'x\n'.repeat(MAX_DIFF_LINES + 50) });
  assert.equal(w.lines.length, MAX_DIFF_LINES);
  assert.equal(w.hidden, 50);
  assert.equal(w.added, MAX_DIFF_LINES + 50);
});
