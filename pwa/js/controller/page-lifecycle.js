// The page's life: hidden (save everything now, ask for a background sync if messages wait), shown
// again or back from the back-forward cache or a freeze (check the socket at once, look for an
// update), unloaded; and the service worker's news (a new version waits, it sent queued messages).

import * as ob from '../outbox.js';
import { checkForUpdate, registerServiceWorker, requestBackgroundSync } from '../sw-client.js';
import { app, current } from './state.js';
import { $, els } from './elements.js';
import { conn } from './socket.js';
import { refreshCounts, refreshListSoon } from './records.js';
import { eventWrites } from './event-writes.js';
import { reloadEntries } from './outbox-sync.js';
import { saveDraftNow } from './composer.js';
import { saveScrollNow } from './scroll-memory.js';
import { sendPresence } from './notify.js';

/** "Reload" waits this long for the new worker to take over before reloading anyway. */
const UPDATE_FALLBACK_RELOAD_MS = 3000;

/** The page may be gone in a moment: write what must survive now. */
function saveEverythingNow() {
  saveDraftNow({ unloading: true });
  saveScrollNow({ unloading: true });
  eventWrites.flush(true);
}

function onVisibilityChange() {
  sendPresence();
  if (document.visibilityState === 'visible') {
    conn.wake();
    checkForUpdate();
    if (app.authorized) refreshListSoon();
    return;
  }
  saveEverythingNow();
  const c = current();
  if (c && ob.unacked(c.entries.values()).length && !conn.connected) requestBackgroundSync();
}

export function bindPageLifecycle() {
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) conn.wake();
  });
  document.addEventListener('resume', () => conn.wake());
  window.addEventListener('pagehide', saveEverythingNow);
}

export function watchServiceWorker() {
  registerServiceWorker({
    onUpdateReady: (apply) => {
      els.updateBanner.hidden = false;
      $('update-reload').onclick = () => {
        apply();
        setTimeout(() => location.reload(), UPDATE_FALLBACK_RELOAD_MS); // in case the new worker never takes over
      };
    },
    onMessage: (msg) => {
      if (msg?.type === 'outbox_changed') {
        reloadEntries();
        refreshCounts();
      }
    },
  });
}
