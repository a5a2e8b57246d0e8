#!/usr/bin/env node
// Stamp the service worker's VERSION with a hash of the app shell, so that any change to a shell
// file makes a new sw.js (and the page then offers "Update available — Reload").
//   node pwa/tests/stamp-version.mjs          rewrite VERSION in service-worker/sw.js
//   node pwa/tests/stamp-version.mjs --check  exit 1 when it is stale (shell.test.mjs does this too)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PWA = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SW_PATH = join(PWA, '..', 'service-worker', 'sw.js');
const VERSION_RE = /const VERSION = '([^']*)';/;

/** @param {string} sw the text of sw.js */
export function shellHash(sw) {
  const list = /const SHELL = \[([\s\S]*?)\];/.exec(sw);
  if (!list) throw new Error('no SHELL list in sw.js');
  const paths = [...list[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
  return hashFiles(paths, (p) => join(PWA, p === '/' ? 'index.html' : p.slice(1)));
}

/**
 * A short hash of the files at `urls` (each URL and its file's bytes, in URL order).
 * @param {string[]} urls
 * @param {(url: string) => string} fileOf  the file behind a URL
 */
export function hashFiles(urls, fileOf) {
  const hash = createHash('sha256');
  for (const url of [...urls].sort()) {
    hash.update(url + '\0');
    hash.update(readFileSync(fileOf(url)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 10);
}

/** @param {string} sw */
export function expectedVersion(sw) {
  const current = VERSION_RE.exec(sw)?.[1] ?? '';
  const release = current.split('+')[0] || '0.1.0';
  return `${release}+${shellHash(sw)}`;
}

/** @param {string} sw */
export function currentVersion(sw) {
  return VERSION_RE.exec(sw)?.[1] ?? null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sw = readFileSync(SW_PATH, 'utf8');
  const want = expectedVersion(sw);
  if (process.argv.includes('--check')) {
    if (currentVersion(sw) !== want) {
      console.error(`sw.js VERSION is ${currentVersion(sw)}, the shell says ${want}: run node pwa/tests/stamp-version.mjs`);
      process.exit(1);
    }
  } else if (currentVersion(sw) !== want) {
    writeFileSync(SW_PATH, sw.replace(VERSION_RE, `const VERSION = '${want}';`));
    console.log(`sw.js VERSION → ${want}`);
  } else {
    console.log(`sw.js VERSION is current (${want})`);
  }
}
