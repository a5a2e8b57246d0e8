// Features loaded when first needed, once (issue 15: the first load on a phone must be small).
//
// The first screen (the list, the composer, the header, the connection) is what index.html's module
// graph loads; everything below is fetched by dynamic import() the first time something asks for it.
// A feature's user either awaits `load()` (a dialog being opened) or draws a stand-in meanwhile
// (`get()` is null: agent text as plain text, an edit as whole lines removed and added, a tool's
// body as "Loading…") and is redrawn when `onFeatureLoaded` fires. The service worker still precaches every file, so offline the import is
// served from its cache like any other module. No DOM here: node-tested in pwa/tests/lazy.test.mjs.

/**
 * @template T
 * @typedef {object} Lazy
 * @property {string} name
 * @property {() => T|null} get        the module if it has arrived, else null (never starts a load)
 * @property {() => Promise<T>} load   starts the load once; a failed load may be tried again
 */

/** @type {Set<(name: string) => void>} */
const listeners = new Set();
let arrived = 0;

/**
 * A feature behind `importer`, fetched on the first `load()` and kept.
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} importer
 * @param {{drawing?: boolean}} [options]  drawing: what was drawn before it arrived must be drawn again
 *   (the listeners hear it); false for a feature that draws nothing already on screen (a dialog, the picker)
 * @returns {Lazy<T>}
 */
export function lazy(name, importer, { drawing = true } = {}) {
  /** @type {T|null} */
  let value = null;
  /** @type {Promise<T>|null} */
  let loading = null;
  return {
    name,
    get: () => value,
    load() {
      loading ??= importer().then((mod) => {
        value = mod;
        if (drawing) announce(name);
        return mod;
      }, (err) => {
        loading = null; // offline before the worker had it: the next need tries again
        throw err;
      });
      return loading;
    },
  };
}

/** @param {string} name */
function announce(name) {
  arrived++;
  for (const fn of [...listeners]) {
    try { fn(name); } catch (err) { console.error('swe-swe: after loading', name, err); }
  }
}

/**
 * Called with the feature's name each time a drawing feature arrives (to redraw what was drawn without it).
 * @param {(name: string) => void} fn
 * @returns {() => void} to stop listening
 */
export function onFeatureLoaded(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * How many drawing features have arrived so far: part of a drawing's key, so that what was drawn with a
 * stand-in is drawn again.
 * @returns {number}
 */
export function loadedFeatures() {
  return arrived;
}

// The features. Paths are relative to this file; each must be in the service worker's SHELL.

/** Markdown parsing (markdown-it, ~125 KB): only once there is agent text to draw. */
export const markdown = lazy('markdown', () => import('./markdown.js'));

/** jsdiff (~72 KB): only once a file edit is drawn as a diff. */
export const jsdiff = lazy('jsdiff', () => import('../vendor/diff.js'));

/** How a tool call is drawn (ui/tool-views.js): only once the log or a card shows one. */
export const toolViews = lazy('tool-views', () => import('./ui/tool-views.js'));

/** The approval card and an approval's line in the log (ui/approval-card.js): only once there is one. */
export const approvalCard = lazy('approval-card', () => import('./ui/approval-card.js'));
