// The app shell: the service worker's precache list matches the files, every module parses, the
// manifest says what installing needs, and the worker's outbox rules agree with outbox.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import * as outbox from '../js/outbox.js';
import { currentVersion, expectedVersion, shellUrls } from './stamp-version.mjs';

const PWA = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = join(PWA, '..');
const SW = readFileSync(join(REPO, 'service-worker', 'sw.js'), 'utf8');

/** @param {string} dir */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const shellList = () => shellUrls(SW);

test('every file of the shell is precached, and every precached path exists', () => {
  const shell = shellList();
  const files = walk(PWA)
    .map((p) => '/' + relative(PWA, p).split('\\').join('/'))
    .filter((p) => !p.startsWith('/tests/') && !p.startsWith('/build/') && !p.endsWith('.py') && p !== '/package.json' && p !== '/index.html')
    .filter((p) => !p.startsWith('/vendor/') || p.endsWith('.js')); // vendored licences and notes are not shell
  for (const f of files) assert.ok(shell.includes(f), `${f} is missing from SHELL in sw.js`);
  for (const p of shell) {
    if (p === '/') continue;
    assert.ok(files.includes(p), `${p} is in SHELL but not in pwa/`);
  }
  assert.ok(shell.includes('/'), 'the page itself');
});

test('every module parses, and relative imports point at real files', () => {
  const js = walk(join(PWA, 'js')).filter((p) => p.endsWith('.js'));
  for (const file of js) {
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s+'(\.[^']+)'|(?:^|\n)\s*import\s+'(\.[^']+)'/g)) {
      const target = join(dirname(file), m[1] ?? m[2]);
      assert.ok(statSync(target, { throwIfNoEntry: false })?.isFile(), `${relative(REPO, file)} imports missing ${m[1] ?? m[2]}`);
    }
  }
  const r = spawnSync(process.execPath, ['--check', join(REPO, 'service-worker', 'sw.js')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the page loads its module, manifest and icons by absolute paths the shell holds', () => {
  const html = readFileSync(join(PWA, 'index.html'), 'utf8');
  const shell = shellList();
  const refs = [...html.matchAll(/(?:src|href)="(\/[^"#?]*)"/g)].map((m) => m[1]);
  assert.ok(refs.includes('/js/app.js'));
  assert.ok(refs.includes('/manifest.webmanifest'));
  for (const ref of refs) assert.ok(shell.includes(ref), `${ref} (index.html) is not precached`);
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline scripts');
  assert.match(html, /viewport-fit=cover/);
});

test('the manifest has what installing needs', () => {
  const m = JSON.parse(readFileSync(join(PWA, 'manifest.webmanifest'), 'utf8'));
  assert.equal(m.display, 'standalone');
  assert.equal(m.start_url, '/');
  assert.equal(m.scope, '/');
  assert.ok(m.name && m.short_name && m.theme_color && m.background_color);
  const sizes = m.icons.map((/** @type {any} */ i) => `${i.sizes}:${i.purpose ?? 'any'}`);
  assert.ok(sizes.includes('192x192:any') && sizes.includes('512x512:any') && sizes.includes('512x512:maskable'));
  for (const icon of m.icons) {
    const png = readFileSync(join(PWA, icon.src));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.equal(`${w}x${h}`, icon.sizes);
  }
});

/** Load sw.js in a sandbox with just enough of a worker's globals to reach its functions. */
function loadWorker() {
  const listeners = {};
  const context = {
    self: { addEventListener: (type, fn) => { listeners[type] = fn; }, location: { origin: 'http://x' } },
    importScripts: () => {
      vm.runInContext(readFileSync(join(PWA, 'js', 'db-schema.js'), 'utf8'), context);
    },
    URL, Request: class {}, Response: class {}, console,
    caches: { open: async () => ({ match: async () => ({ cached: true }) }), keys: async () => [] },
    fetch: async () => { throw new Error('no network in tests'); },
  };
  context.globalThis = context;
  vm.createContext(context);
  vm.runInContext(SW, context);
  return { context, listeners };
}

test('the worker and outbox.js agree on what to send', () => {
  const { context, listeners } = loadWorker();
  for (const type of ['install', 'activate', 'fetch', 'message', 'sync']) assert.ok(listeners[type], type);
  const shouldSend = context.shouldSend;
  const now = 10 * 3600_000;
  const expiry = outbox.DEFAULT_EXPIRY_MS;
  const base = outbox.createEntry({ conversation_id: '6f1c2a4e-8d3b-4c59-9e21-0a7b5c3d2e10', text: 'x', now: now - 1000, id: 'a' });
  const cases = [
    base,
    outbox.markAcked(base, 3),
    outbox.markRefused(base, 'no'),
    { ...base, created_at: now - 2 * expiry },
    outbox.sendAnyway({ ...base, created_at: now - 2 * expiry }),
  ];
  for (const e of cases) {
    const page = outbox.entryState(e, { now, expiryMs: expiry }) === 'queued';
    assert.equal(shouldSend(e, now, expiry), page, JSON.stringify(e));
  }
  assert.equal(shouldSend({ ...base, conversation_id: 'new-123' }, now, expiry), false, 'not before the server names it');
  assert.match(SW, new RegExp(`DEFAULT_EXPIRY_MS = 60 \\* 60 \\* 1000`));
  assert.equal(outbox.DEFAULT_EXPIRY_MS, 60 * 60 * 1000);
});

test('the worker and outbox.js agree on how an entry goes over HTTP, for every type', () => {
  const { context } = loadWorker();
  const now = 10 * 3600_000;
  const expiry = outbox.DEFAULT_EXPIRY_MS;
  const conv = '6f1c2a4e-8d3b-4c59-9e21-0a7b5c3d2e10';
  const entries = [
    outbox.createEntry({ conversation_id: conv, text: 'hi', now, id: 'm' }),
    outbox.createAnswer({ conversation_id: conv, approval_id: 'ap/1', decision: 'deny', message: 'not now', now, id: 'a' }),
    outbox.createAnswer({ conversation_id: conv, approval_id: 'ap2', decision: 'allow', answers: { 'Q?': ['A', 'B'] }, now, id: 'q' }),
    outbox.createModeChange({ conversation_id: conv, mode: 'plan', now, id: 's' }),
    outbox.createEntry({ conversation_id: conv, text: '', now, id: 'f', attachments: [{ sha256: 'ab', name: 'a.png', media_type: 'image/png', size: 1, data: null }] }),
  ];
  for (const e of entries) {
    assert.deepEqual(JSON.parse(JSON.stringify(context.requestFor(e))), outbox.httpRequestFor(e), e.type);
  }
  const old = { ...entries[0] };
  delete old.type;
  assert.deepEqual(JSON.parse(JSON.stringify(context.requestFor(old))), outbox.httpRequestFor(old), 'an entry from before types');
  const stale = { ...entries[1], created_at: now - 2 * expiry };
  assert.equal(context.shouldSend(stale, now, expiry), outbox.entryState(stale, { now, expiryMs: expiry }) === 'queued', 'answers never expire');
});

test('the worker leaves the API, the socket and sign-in links to the network', async () => {
  const { listeners } = loadWorker();
  for (const url of ['http://x/api/conversations', 'http://x/ws', 'http://x/sw.js', 'http://x/?token=abc', 'http://y/js/app.js']) {
    let responded = false;
    listeners.fetch({ request: { url, method: 'GET', mode: 'navigate' }, respondWith: () => { responded = true; } });
    assert.equal(responded, false, url);
  }
  let responded = null;
  listeners.fetch({ request: { url: 'http://x/js/app.js', method: 'GET', mode: 'cors' }, respondWith: (p) => { responded = p; } });
  assert.deepEqual(await responded, { cached: true }, 'shell files come from the cache');
  responded = null;
  listeners.fetch({ request: { url: 'http://x/?c=1', method: 'GET', mode: 'navigate' }, respondWith: (p) => { responded = p; } });
  assert.deepEqual(await responded, { cached: true }, 'navigations get the cached shell');
  responded = null;
  listeners.fetch({ request: { url: 'http://x/', method: 'POST', mode: 'navigate' }, respondWith: (p) => { responded = p; } });
  assert.equal(responded, null, 'POST passes through');
});

test('the worker version is stamped with the shell it caches (any change offers an update)', () => {
  assert.equal(currentVersion(SW), expectedVersion(SW),
    'a shell file changed but sw.js VERSION did not: run `make pwa`');
});
