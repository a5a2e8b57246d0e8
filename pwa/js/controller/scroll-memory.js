// Each conversation reopens where the reader left it: the scroll position (an anchor item and its
// offset, ui/conversation-view.js) is kept in IndexedDB, written a moment after scrolling stops and
// at once when leaving; when the page is hidden or unloading also in localStorage, for a reload that
// IndexedDB misses (unload-copy.js).

import * as db from '../db.js';
import { keepCopy, pageStorage } from '../unload-copy.js';
import { current } from './state.js';
import { els } from './elements.js';
import { view } from './render.js';

let scrollTimer = /** @type {any} */ (null);

function saveScrollSoon() {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(saveScrollNow, 250);
}

/** @param {{unloading?: boolean}} [options] */
export function saveScrollNow({ unloading = false } = {}) {
  clearTimeout(scrollTimer);
  const c = current();
  if (!c || !c.model.items.length) return;
  const place = { conversation_id: c.id, ...view.captureScroll(), updated_at: Date.now() };
  if (unloading) keepCopy(pageStorage(), 'view', c.id, place);
  db.setView(place).catch(() => {});
}

export function bindScrollMemory() {
  els.scroller.addEventListener('scroll', saveScrollSoon, { passive: true });
}
