// The shape of the module graph: no import cycles (load order never matters), and the controller is
// a layer on top: only the entry point (app.js) imports it, so the rules and drawing modules stay
// usable (and testable) without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const JS = join(dirname(fileURLToPath(import.meta.url)), '..', 'js');

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.js') ? [p] : [];
  });
}

/** module (path relative to pwa/js) → the modules it imports */
function importGraph() {
  const graph = new Map();
  for (const file of walk(JS)) {
    const src = readFileSync(file, 'utf8');
    const deps = [...src.matchAll(/^\s*(?:import|export)[^'"\n]*?(?:from\s+)?'(\.[^']+)'/gm)]
      .map((m) => relative(JS, join(dirname(file), m[1])));
    graph.set(relative(JS, file), deps);
  }
  return graph;
}

test('no module imports itself back through others', () => {
  const graph = importGraph();
  /** @type {Map<string, 'open'|'done'>} */
  const seen = new Map();
  const cycles = [];
  const visit = (/** @type {string} */ mod, /** @type {string[]} */ path) => {
    seen.set(mod, 'open');
    for (const dep of graph.get(mod) ?? []) {
      if (seen.get(dep) === 'open') cycles.push([...path.slice(path.indexOf(dep)), dep].join(' → '));
      else if (!seen.has(dep)) visit(dep, [...path, dep]);
    }
    seen.set(mod, 'done');
  };
  for (const mod of graph.keys()) if (!seen.has(mod)) visit(mod, [mod]);
  assert.deepEqual(cycles, []);
});

test('only the entry point imports the controller', () => {
  for (const [mod, deps] of importGraph()) {
    if (mod === 'app.js' || mod.startsWith('controller/')) continue;
    const up = deps.filter((d) => d.startsWith('controller/'));
    assert.deepEqual(up, [], `${mod} imports the controller`);
  }
});
