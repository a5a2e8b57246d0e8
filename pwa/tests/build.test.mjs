// The bundle in pwa/build/ (scripts/build-pwa.mjs, `make pwa`): made from the sources as they are,
// complete (its page and worker name only files it has), and precached whole by its worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD, builtFileOf, bundleIndex, bundleWorker, readManifest, sourceHash } from '../../scripts/build-pwa.mjs';
import { currentVersion, shellUrls, versionFor } from './stamp-version.mjs';

const PWA = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = join(PWA, '..');
const manifest = readManifest();
const builtIndex = readFileSync(join(BUILD, 'index.html'), 'utf8');
const builtWorker = readFileSync(join(BUILD, 'sw.js'), 'utf8');

test('the bundle was made from the sources as they are (else: make pwa)', () => {
  assert.ok(manifest, 'pwa/build/manifest.json');
  assert.equal(manifest.source_hash, sourceHash(), 'pwa/build was made from other sources: run make pwa');
});

test('the page loads the bundle, and every script it names is precached and exists', () => {
  const shell = shellUrls(builtWorker);
  const scripts = [...builtIndex.matchAll(/(?:src|href)="(\/build\/[^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(scripts.slice(0, -1), manifest.start, 'a modulepreload per script needed at start');
  assert.equal(scripts.at(-1), manifest.start[0], 'the entry is the page script');
  for (const url of new Set(scripts)) assert.ok(shell.includes(url), `${url} is not precached`);
  assert.ok(!builtIndex.includes('/js/app.js'), 'no source module is loaded beside the bundle');
  assert.equal(builtIndex, bundleIndex(readFileSync(join(PWA, 'index.html'), 'utf8'), manifest.start));
});

test("the worker precaches every bundle script, nothing it lacks, and names its files' hash", () => {
  const shell = shellUrls(builtWorker);
  for (const url of shell) assert.ok(existsSync(builtFileOf(url)), `${url} is precached but missing`);
  for (const url of new Set(Object.values(manifest.modules))) assert.ok(shell.includes(url), `${url} is not precached`);
  const sourceShell = shellUrls(readFileSync(join(REPO, 'service-worker', 'sw.js'), 'utf8'));
  for (const url of sourceShell) {
    assert.ok(shell.includes(url) || manifest.modules[url], `${url}: neither precached nor in the bundle`);
  }
  assert.ok(shell.includes('/js/db-schema.js'), 'the worker imports it itself');
  assert.equal(currentVersion(builtWorker), versionFor(builtWorker, shell, builtFileOf), 'a new bundle is a new worker version');
  const r = spawnSync(process.execPath, ['--check', join(BUILD, 'sw.js')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('every module of the app is in the bundle', () => {
  const sourceShell = shellUrls(readFileSync(join(REPO, 'service-worker', 'sw.js'), 'utf8'));
  const modules = sourceShell.filter((url) => url.endsWith('.js'));
  for (const url of modules) assert.ok(manifest.modules[url], `${url} is not in the bundle`);
});

test('bundleIndex refuses a page that no longer loads /js/app.js as it expects', () => {
  assert.throws(() => bundleIndex('<script src="/js/main.js"></script>', ['/build/app-X.js']), /no longer loads/);
});

test('bundleWorker keeps what the worker imports and swaps bundled modules for the bundle', () => {
  const sw = "const VERSION = '1.2.3+old';\nconst SHELL = [\n  '/',\n  '/js/a.js',\n  '/js/db-schema.js',\n  '/css/app.css',\n];\nimportScripts('/js/db-schema.js');\n";
  const made = bundleWorker(sw, new Set(['/js/a.js', '/js/db-schema.js']), []);
  assert.deepEqual(shellUrls(made), ['/', '/js/db-schema.js', '/css/app.css']);
  assert.match(made, /const VERSION = '1\.2\.3\+[0-9a-f]{10}';/);
  assert.match(made, /^\/\/ Made by scripts\/build-pwa\.mjs/);
});
