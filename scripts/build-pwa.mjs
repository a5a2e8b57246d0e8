#!/usr/bin/env node
// `make pwa`: the app's bundle for a phone's first load (issue 15), written to pwa/build/ and
// committed beside the sources.
//
// The sources in pwa/ stay the app: they run as they are, with no build step, and the server sends
// them whenever the bundle was not made from them (backend/swe_swe/app_bundle.py). The bundle is the
// same modules joined and minified by esbuild, split where pwa/js/lazy.js loads a feature later, so
// a first load on Slow 3G moves ~10 files instead of ~60, each without its comments. It holds:
//   app-HASH.js, chunk-HASH.js, <feature>-HASH.js  esbuild's output; names change with content
//   index.html     pwa/index.html loading the entry, with every chunk it needs at start preloaded
//   sw.js          service-worker/sw.js precaching the bundle instead of the modules
//   manifest.json  the hash of the sources it was made from, and which output holds which module
//
//   node scripts/build-pwa.mjs   stamp sw.js's VERSION, then remake pwa/build/ (pwa/tests/build.test.mjs
//                                fails while pwa/build/ was made from other sources)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHELL_LIST, SW_PATH, shellUrls, stampWorker, versionFor, withVersion } from '../pwa/tests/stamp-version.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const PWA = join(REPO, 'pwa');
export const BUILD = join(PWA, 'build');
export const MANIFEST = join(BUILD, 'manifest.json');
const BUILD_URL = '/build/';

// What the source hash covers: the same rule as SOURCE_SUFFIXES / SKIPPED_DIRS in app_bundle.py
// (pwa/tests/build.test.mjs checks the committed bundle against it, test_app_bundle.py the server).
const SOURCE_SUFFIXES = new Set(['.html', '.webmanifest', '.css', '.js', '.mjs', '.png', '.svg', '.ico', '.webp']);
const SKIPPED_DIRS = new Set(['build', 'tests']);

/**
 * Every source file the bundle depends on, by the name the server also uses ("pwa/js/app.js").
 * @returns {{name: string, path: string}[]}
 */
export function sourceFiles() {
  /** @type {{name: string, path: string}[]} */
  const found = [{ name: 'service-worker/sw.js', path: SW_PATH }];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (!SKIPPED_DIRS.has(entry)) walk(path);
      } else if (SOURCE_SUFFIXES.has(entry.slice(entry.lastIndexOf('.')))) {
        found.push({ name: 'pwa/' + relative(PWA, path).split('\\').join('/'), path });
      }
    }
  };
  walk(PWA);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** sha256 over each file's name and bytes, in name order (app_bundle.source_hash is the same). */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const { name, path } of sourceFiles()) {
    hash.update(name + '\0');
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** @returns {{source_hash: string, modules: Record<string, string>}|null} */
export function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The outputs a page needs at start: the entry and every chunk it imports statically, entry first.
 * @param {Record<string, any>} outputs  esbuild's metafile outputs
 * @param {string} entry
 */
function startClosure(outputs, entry) {
  const seen = [entry];
  for (let i = 0; i < seen.length; i++) {
    for (const imp of outputs[seen[i]].imports) {
      if (imp.kind === 'import-statement' && !seen.includes(imp.path)) seen.push(imp.path);
    }
  }
  return seen;
}

/** @param {string} out  an output's path as esbuild names it ("pwa/build/app-X.js") */
const urlOf = (out) => BUILD_URL + basename(out);

/**
 * index.html with the entry in place of /js/app.js, and a modulepreload per chunk it needs at start
 * (one round trip for them all instead of one per level of imports: 2 s each on Slow 3G).
 * @param {string} html
 * @param {string[]} startUrls  entry first
 */
export function bundleIndex(html, startUrls) {
  const preload = '<link rel="modulepreload" href="/js/app.js">';
  const script = '<script type="module" src="/js/app.js"></script>';
  if (!html.includes(preload) || !html.includes(script)) throw new Error('pwa/index.html no longer loads /js/app.js as expected');
  const links = startUrls.map((url) => `<link rel="modulepreload" href="${url}">`).join('\n  ');
  return html.replace(preload, links).replace(script, `<script type="module" src="${startUrls[0]}"></script>`);
}

/**
 * sw.js precaching the bundle: the shell less the modules the bundle holds (but what the worker
 * itself imports), plus the bundle's scripts, under a VERSION hashed from those files.
 * @param {string} sw  the source service worker
 * @param {Set<string>} bundled  URLs of the modules the bundle holds
 * @param {string[]} bundleUrls
 */
export function bundleWorker(sw, bundled, bundleUrls) {
  const workerImports = new Set([...sw.matchAll(/importScripts\('([^']+)'\)/g)].map((m) => m[1]));
  const kept = shellUrls(sw).filter((url) => !bundled.has(url) || workerImports.has(url));
  const shell = [...kept, ...bundleUrls];
  const body = shell.map((url) => `  '${url}',`).join('\n');
  const made = sw.replace(SHELL_LIST, `const SHELL = [\n${body}\n];`);
  return '// Made by scripts/build-pwa.mjs from service-worker/sw.js (`make pwa`): edit that file, not this one.\n'
    + withVersion(made, versionFor(sw, shell, builtFileOf));
}

/** The file behind a URL of the bundle's shell ("/" is the bundle's page). @param {string} url */
export function builtFileOf(url) {
  return url === '/' ? join(BUILD, 'index.html') : join(PWA, url.slice(1));
}

async function build() {
  stampWorker();
  const { build: esbuild } = await import('esbuild');
  rmSync(BUILD, { recursive: true, force: true });
  mkdirSync(BUILD);
  const result = await esbuild({
    absWorkingDir: REPO,
    entryPoints: ['pwa/js/app.js'],
    outdir: 'pwa/build',
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    charset: 'utf8', // as the sources: \u escapes would only add bytes
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = result.metafile.outputs;
  const scripts = Object.keys(outputs).filter((out) => out.endsWith('.js'));
  const entry = scripts.find((out) => outputs[out].entryPoint === 'pwa/js/app.js');
  if (!entry) throw new Error('esbuild made no entry for pwa/js/app.js');
  /** @type {Record<string, string>} */
  const modules = {};
  for (const out of scripts) {
    for (const input of Object.keys(outputs[out].inputs)) modules['/' + relative('pwa', input)] = urlOf(out);
  }
  const startUrls = startClosure(outputs, entry).map(urlOf);
  const bundleUrls = [...startUrls, ...scripts.map(urlOf).filter((url) => !startUrls.includes(url)).sort()];
  writeFileSync(join(BUILD, 'index.html'), bundleIndex(readFileSync(join(PWA, 'index.html'), 'utf8'), startUrls));
  writeFileSync(join(BUILD, 'sw.js'), bundleWorker(readFileSync(SW_PATH, 'utf8'), new Set(Object.keys(modules)), bundleUrls));
  const manifest = { source_hash: sourceHash(), start: startUrls, modules: Object.fromEntries(Object.entries(modules).sort()) };
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 1) + '\n');
  console.log(`pwa/build: ${scripts.length} scripts from ${Object.keys(modules).length} modules, ${startUrls.length} at start`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
