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
/** The SHELL list of a service worker's text: group 1 holds its quoted URLs. */
export const SHELL_LIST = /const SHELL = \[([\s\S]*?)\];/;

/**
 * The URLs a service worker precaches (its SHELL list).
 * @param {string} sw the text of a service worker
 * @returns {string[]}
 */
export function shellUrls(sw) {
  const list = SHELL_LIST.exec(sw);
  if (!list) throw new Error('no SHELL list in the service worker');
  return [...list[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

/** The source file behind a URL of the source shell. @param {string} url */
const sourceFileOf = (url) => join(PWA, url === '/' ? 'index.html' : url.slice(1));

/** @param {string} sw the text of sw.js */
export function shellHash(sw) {
  return hashFiles(shellUrls(sw), sourceFileOf);
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

/**
 * The VERSION a worker should carry: its release, then a hash of the files it precaches.
 * @param {string} sw
 * @param {string[]} urls  what it precaches
 * @param {(url: string) => string} fileOf
 */
export function versionFor(sw, urls, fileOf) {
  const release = currentVersion(sw)?.split('+')[0] || '0.1.0';
  return `${release}+${hashFiles(urls, fileOf)}`;
}

/** @param {string} sw */
export function expectedVersion(sw) {
  return versionFor(sw, shellUrls(sw), sourceFileOf);
}

/** @param {string} sw */
export function currentVersion(sw) {
  return VERSION_RE.exec(sw)?.[1] ?? null;
}

/** @param {string} sw @param {string} version */
export function withVersion(sw, version) {
  return sw.replace(VERSION_RE, `const VERSION = '${version}';`);
}

/**
 * Stamp service-worker/sw.js with the VERSION its shell says (`make pwa` does this first).
 * @returns {{version: string, changed: boolean}}
 */
export function stampWorker() {
  const sw = readFileSync(SW_PATH, 'utf8');
  const version = expectedVersion(sw);
  const changed = currentVersion(sw) !== version;
  if (changed) writeFileSync(SW_PATH, withVersion(sw, version));
  return { version, changed };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sw = readFileSync(SW_PATH, 'utf8');
  if (process.argv.includes('--check')) {
    const want = expectedVersion(sw);
    if (currentVersion(sw) !== want) {
      console.error(`sw.js VERSION is ${currentVersion(sw)}, the shell says ${want}: run make pwa`);
      process.exit(1);
    }
  } else {
    const { version, changed } = stampWorker();
    console.log(changed ? `sw.js VERSION → ${version}` : `sw.js VERSION is current (${version})`);
  }
}
