import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines, patchDiffs, toolDiffs, MAX_DIFF_LINES } from '../js/diff-model.js';
import { relativePath } from '../js/format.js';
import { toolView } from '../js/approvals.js';
import { jsdiff } from '../js/lazy.js';

await jsdiff.load(); // the app loads it on demand (lazy.js); these tests check the fine diffs

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

test('paths under the project folder are shown relative to it', () => {
  assert.equal(relativePath('/home/me/app/src/a.js', '/home/me/app'), 'src/a.js');
  assert.equal(relativePath('/home/me/app/src/a.js', '/home/me/app/'), 'src/a.js', 'a trailing slash');
  assert.equal(relativePath('/home/me/apps/a.js', '/home/me/app'), '/home/me/apps/a.js', 'a sibling folder that shares a prefix');
  assert.equal(relativePath('/etc/hosts', '/home/me/app'), '/etc/hosts', 'outside: as given');
  assert.equal(relativePath('/home/me/app', '/home/me/app'), '/home/me/app');
  assert.equal(relativePath('a.js', null), 'a.js');
  // claude's file tools and codex's patches alike
  assert.equal(toolDiffs('Edit', { file_path: '/w/p/x.js', old_string: 'a', new_string: 'b' }, '/w/p')?.[0].path, 'x.js');
  const changes = [{ path: '/w/p/docs/n.md', kind: 'add', diff: 'hi\n' }, { path: '/w/p/a.txt', kind: { type: 'update', move_path: '/w/p/b.txt' }, diff: '' }];
  const [added, moved] = patchDiffs(changes, '/w/p');
  assert.equal(added.path, 'docs/n.md');
  assert.equal(moved.path, 'a.txt');
  assert.equal(moved.note, 'moved to b.txt');
  // an ApplyPatch approval carries its own cwd (the thread's folder) when the project is not known
  const view = toolView('ApplyPatch', { changes, cwd: '/w/p' });
  assert.equal(view.kind === 'diff' && view.files[0].path, 'docs/n.md');
  const given = toolView('ApplyPatch', { changes, cwd: '/w/p' }, '/w');
  assert.equal(given.kind === 'diff' && given.files[0].path, 'p/docs/n.md', 'the project folder wins');
});
