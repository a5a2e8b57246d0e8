// The user's settings, kept in IndexedDB (meta "settings") and shared with the other tabs and the
// service worker: for now only how long a queued message may wait before it asks "send anyway?".

import * as db from '../db.js';
import { app, tabs } from './state.js';
import { scheduleRender } from './render.js';

/** Read the settings from IndexedDB (at start, and when another tab changed them). */
export async function loadSettings() {
  const settings = await db.getMeta('settings').catch(() => null);
  if (settings && Number.isFinite(settings.expiry_ms)) app.expiryMs = settings.expiry_ms;
}

/** @param {number} ms  0: queued messages never expire */
export function setExpiry(ms) {
  app.expiryMs = ms;
  db.setMeta('settings', { expiry_ms: ms }).catch(() => {});
  tabs.post({ type: 'settings' });
  scheduleRender();
}
