import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsdiff, lazy, loadedFeatures, onFeatureLoaded } from '../js/lazy.js';
import { diffLines } from '../js/diff-model.js';

test('a feature is fetched on the first load() only, and get() has it once it arrived', async () => {
  let imports = 0;
  const f = lazy('f', async () => { imports++; return { x: 1 }; });
  assert.equal(f.get(), null);
  assert.equal(imports, 0, 'nothing is fetched before it is asked for');
  const [a, b] = await Promise.all([f.load(), f.load()]);
  assert.equal(a, b);
  assert.equal(imports, 1);
  assert.deepEqual(f.get(), { x: 1 });
  await f.load();
  assert.equal(imports, 1);
});

test('a failed load is tried again on the next need (offline before the worker cached it)', async () => {
  let tries = 0;
  const f = lazy('g', async () => { if (++tries === 1) throw new Error('offline'); return 'ok'; });
  await assert.rejects(f.load(), /offline/);
  assert.equal(f.get(), null);
  assert.equal(await f.load(), 'ok');
  assert.equal(tries, 2);
});

test('listeners hear each feature once, when it arrives; a throwing listener does not stop the others', async () => {
  const heard = [];
  const stopBad = onFeatureLoaded(() => { throw new Error('bad'); });
  const stop = onFeatureLoaded((name) => heard.push(name));
  const f = lazy('h', async () => 1);
  const error = console.error;
  console.error = () => {};
  try {
    await f.load();
    await f.load();
  } finally {
    console.error = error;
  }
  stop();
  stopBad();
  await lazy('i', async () => 2).load();
  assert.deepEqual(heard, ['h']);
});

test('a feature that draws nothing already on screen (a dialog, the picker) redraws nothing when it arrives', async () => {
  const heard = [];
  const stop = onFeatureLoaded((name) => heard.push(name));
  const before = loadedFeatures();
  const dialog = lazy('dialog', async () => 'dialog', { drawing: false });
  assert.equal(await dialog.load(), 'dialog');
  assert.equal(dialog.get(), 'dialog');
  assert.deepEqual(heard, []);
  assert.equal(loadedFeatures(), before, 'what was drawn keeps its key');
  await lazy('drawn', async () => 1).load();
  stop();
  assert.deepEqual(heard, ['drawn']);
  assert.equal(loadedFeatures(), before + 1);
});

test('before jsdiff arrives an edit is drawn as all removed then all added; a new file exactly as after', async () => {
  const before = diffLines('one\ntwo\nthree\n', 'one\n2\nthree\n');
  assert.deepEqual(before.lines.map((l) => l.type), ['del', 'del', 'del', 'add', 'add', 'add']);
  assert.deepEqual([before.added, before.removed], [3, 3]);
  const added = diffLines('', 'a\nb');
  const deleted = diffLines('a\nb\n', '');
  await jsdiff.load();
  assert.deepEqual(diffLines('', 'a\nb'), added, 'a new file needs no diffing');
  assert.deepEqual(diffLines('a\nb\n', ''), deleted, 'nor a deleted one');
  const after = diffLines('one\ntwo\nthree\n', 'one\n2\nthree\n');
  assert.deepEqual(after.lines.map((l) => l.type), ['ctx', 'del', 'add', 'ctx']);
});
