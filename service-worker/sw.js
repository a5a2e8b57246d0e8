// swe-swe service worker: precaches the versioned app shell so the app opens with no network, and
// posts queued messages and answers to approvals (the outbox in IndexedDB) over HTTP when no page is
// there to send them.
//
// VERSION carries a hash of the shell files: after changing any of them run `make pwa`, which stamps
// it and remakes the bundle (pwa/tests/shell.test.mjs fails until you do). The browser then
// sees a new sw.js, installs it next to the old one, and the page offers "Update available — Reload"
// instead of silently switching.
/* eslint-env serviceworker */

const VERSION = '0.1.0+7c89482538';
const CACHE_PREFIX = 'swe-swe-shell-';
const CACHE = CACHE_PREFIX + VERSION;
const SYNC_TAG = 'swe-swe-outbox';
const DEFAULT_EXPIRY_MS = 60 * 60 * 1000; // as pwa/js/outbox.js

// The shell: everything the page needs to start offline. pwa/tests/shell.test.mjs keeps this list
// in step with the files in pwa/.
const SHELL = [
  '/',
  '/manifest.webmanifest',
  '/css/app.css',
  '/js/agent-choice.js',
  '/js/api.js',
  '/js/app.js',
  '/js/approvals.js',
  '/js/backoff.js',
  '/js/connection-machine.js',
  '/js/connection.js',
  '/js/codex-events.js',
  '/js/conversation-list.js',
  '/js/db-schema.js',
  '/js/db.js',
  '/js/diff-model.js',
  '/js/event-batcher.js',
  '/js/format.js',
  '/js/history-window.js',
  '/js/ids.js',
  '/js/lazy.js',
  '/js/markdown.js',
  '/js/outbox.js',
  '/js/attachments.js',
  '/js/ui/thumbs.js',
  '/js/projects.js',
  '/js/push.js',
  '/js/routes.js',
  '/js/screen-text.js',
  '/js/sessions.js',
  '/js/slash-commands.js',
  '/js/suggestions.js',
  '/js/sw-client.js',
  '/js/tabs.js',
  '/js/unload-copy.js',
  '/js/view-model.js',
  '/js/controller/actions.js',
  '/js/controller/agent-picker.js',
  '/js/controller/approval-actions.js',
  '/js/controller/approval-dock.js',
  '/js/controller/attach-tray.js',
  '/js/controller/draft-mark.js',
  '/js/controller/composer.js',
  '/js/controller/connection-controls.js',
  '/js/controller/details-dialog.js',
  '/js/controller/elements.js',
  '/js/controller/event-writes.js',
  '/js/controller/frames.js',
  '/js/controller/history.js',
  '/js/controller/navigation.js',
  '/js/controller/notices.js',
  '/js/controller/on-demand.js',
  '/js/controller/other-tabs.js',
  '/js/controller/notify.js',
  '/js/controller/outbox-sync.js',
  '/js/controller/page-lifecycle.js',
  '/js/controller/project-picker.js',
  '/js/controller/records.js',
  '/js/controller/render.js',
  '/js/controller/scroll-memory.js',
  '/js/controller/session-list.js',
  '/js/controller/settings.js',
  '/js/controller/sign-in.js',
  '/js/controller/sidebar-drawer.js',
  '/js/controller/slash-commands.js',
  '/js/controller/socket.js',
  '/js/controller/startup.js',
  '/js/controller/state.js',
  '/js/controller/suggestions.js',
  '/js/ui/agent-picker.js',
  '/js/ui/approval-card.js',
  '/js/ui/conversation-view.js',
  '/js/ui/suggestion-list.js',
  '/js/ui/details.js',
  '/js/ui/dom.js',
  '/js/ui/items.js',
  '/js/ui/markdown-dom.js',
  '/js/ui/notify-switch.js',
  '/js/ui/on-demand.js',
  '/js/ui/sidebar.js',
  '/js/ui/tool-views.js',
  '/vendor/diff.js',
  '/vendor/markdown-it.js',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
  '/icons/favicon-32.png',
];

importScripts('/js/db-schema.js');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // bypass the HTTP cache: the shell must be exactly this version's files
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload', credentials: 'same-origin' })));
  })());
  // No skipWaiting here: a new version waits until the user chooses "Reload" (the page asks us).
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const msg = event.data || {};
  if (msg.type === 'skip_waiting') {
    self.skipWaiting();
  } else if (msg.type === 'version') {
    if (event.ports && event.ports[0]) event.ports[0].postMessage({ version: VERSION });
  } else if (msg.type === 'flush') {
    event.waitUntil(flushWithRetries(Array.isArray(msg.exclude) ? msg.exclude : []));
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // the API, the socket and the worker itself always go to the network
  if (url.pathname.startsWith('/api/') || url.pathname === '/ws' || url.pathname === '/sw.js') return;
  // a sign-in link (?token=…) must reach the server, which sets the cookie and redirects
  if (url.searchParams.has('token')) return;
  if (request.mode === 'navigate') {
    // the app is one page (conversations live in the #hash); other paths are files, not pages
    if (url.pathname === '/' || url.pathname === '/index.html') event.respondWith(shellFirst('/', request));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(shellFirst(url.pathname, request));
  }
});

/**
 * The cached shell file, else the network (and nothing cached: a shell changes only with VERSION).
 * @param {string} key
 * @param {Request} request
 */
async function shellFirst(key, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key, { ignoreSearch: true });
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (err) {
    if (request.mode === 'navigate') {
      return new Response('<!doctype html><meta charset="utf-8"><title>swe-swe</title><p>swe-swe is offline and not installed yet. Open it once while online.</p>', {
        status: 503,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      });
    }
    throw err;
  }
}

// ---- Web Push (docs/protocol.md "push notifications"): shown even with no page open; one tag per
// conversation, so a newer push replaces the older notification; a tap opens that conversation.

self.addEventListener('push', (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch { /* not JSON: show the plain default */ }
  const id = typeof data.conversation_id === 'string' ? data.conversation_id : '';
  event.waitUntil(self.registration.showNotification(data.title || 'swe-swe', {
    body: data.body || 'The agent needs you.',
    tag: id ? `conversation-${id}` : 'swe-swe',
    renotify: true,
    requireInteraction: data.kind === 'approval',
    icon: '/icons/icon-192.png',
    badge: '/icons/favicon-32.png',
    data: { conversation_id: id, kind: data.kind || '', seq: data.seq || 0 },
  }));
});

/** Where a tap leads; the same rule as notificationUrl in pwa/js/push.js. @param {any} data */
function notificationUrl(data) {
  const id = data && typeof data.conversation_id === 'string' ? data.conversation_id : '';
  return /^[0-9a-f-]{36}$/i.test(id) ? `/#/c/${id}` : '/';
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(notificationUrl(event.notification.data), self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (open) {
      // the hash route opens the conversation in the running app; its approval dock shows the card
      if ('navigate' in open && open.url !== url) await open.navigate(url).catch(() => null);
      return open.focus();
    }
    return self.clients.openWindow(url);
  })());
});

// The browser renewed (or lost) the subscription: subscribe again with the same key and tell the server.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription;
    let key = old && old.options ? old.options.applicationServerKey : null;
    if (!key) {
      const res = await fetch('/api/push/key', { credentials: 'same-origin' });
      const body = await res.json();
      if (!body.enabled) return;
      const b64 = body.public_key.replace(/-/g, '+').replace(/_/g, '/');
      key = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    }
    const sub = event.newSubscription || await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (old) await fetch('/api/push/subscriptions', { method: 'DELETE', credentials: 'same-origin', headers, body: JSON.stringify({ endpoint: old.endpoint }) }).catch(() => null);
    await fetch('/api/push/subscriptions', { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(sub.toJSON()) });
  })());
});

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(backgroundSync());
});

async function backgroundSync() {
  // a visible page sends over its own socket; this is for when nobody is looking
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((c) => c.visibilityState === 'visible')) return;
  const result = await flushOutbox({ exclude: [] });
  if (result.retry) throw new Error('the server could not be reached; the browser retries the sync later');
}

/**
 * A page asked (it came back online): the network may lag behind the `online` event, so try a few
 * times, 1 s, 2 s, 4 s apart. Background Sync covers the longer haul.
 * @param {string[]} exclude
 */
async function flushWithRetries(exclude) {
  for (let attempt = 0; attempt < 4; attempt++) {
    const result = await flushOutbox({ exclude }).catch(() => ({ retry: true }));
    if (!result.retry) return;
    await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
  }
}

// ---- the outbox, over HTTP (POST /api/conversations/{id}/messages and …/approvals/{approval_id}:
// the same idempotency as `send` and `approve`)

/**
 * Whether an entry should go out now (the rules of pwa/js/outbox.js: not acked, not refused, a
 * message not expired; answers never expire).
 * @param {any} entry
 * @param {number} now
 * @param {number} expiryMs
 */
function shouldSend(entry, now, expiryMs) {
  if (!entry || entry.acked_seq != null || entry.refused) return false;
  if (self.SweSweDb.isPendingId(entry.conversation_id)) return false; // the server has not named it yet
  const message = entry.type !== 'approve' && entry.type !== 'set_mode';
  if (message && !entry.send_anyway && expiryMs > 0 && now - entry.created_at > expiryMs) return false;
  return true;
}

/**
 * The request that delivers an entry, or null (a mode change has no HTTP route: it waits for a
 * page). The same rule as httpRequestFor in pwa/js/outbox.js (pwa/tests/shell.test.mjs compares).
 * @param {any} entry
 * @returns {{path: string, body: any}|null}
 */
function requestFor(entry) {
  const conv = `/api/conversations/${encodeURIComponent(entry.conversation_id)}`;
  if (entry.type === 'set_mode') return null;
  if (entry.type === 'approve') {
    const body = { client_msg_id: entry.client_msg_id, decision: entry.decision };
    if (entry.message) body.message = entry.message;
    if (entry.answers) body.answers = entry.answers;
    return { path: `${conv}/approvals/${encodeURIComponent(entry.approval_id)}`, body };
  }
  const body = { client_msg_id: entry.client_msg_id, text: entry.text };
  if (entry.attachments && entry.attachments.length) {
    body.attachments = entry.attachments.map((a) => ({ sha256: a.sha256, name: a.name, media_type: a.media_type }));
  }
  return { path: `${conv}/messages`, body };
}

/**
 * Upload a message's files not yet on the server (PUT /api/blobs/{sha256}, idempotent), marking each
 * in the outbox as it goes. The rules of uploadOutcome in pwa/js/attachments.js.
 * @param {IDBDatabase} db
 * @param {any} entry
 * @returns {Promise<'done'|'retry'|'signed_out'|{refused: string}>}
 */
async function uploadAttachments(db, entry) {
  for (const a of (entry.attachments || []).filter((x) => !x.uploaded)) {
    let response;
    try {
      response = await fetch(`/api/blobs/${a.sha256}`, { method: 'PUT', credentials: 'same-origin', body: a.data });
    } catch {
      return 'retry';
    }
    if (response.status === 401) return 'signed_out';
    if (response.status === 400 || response.status === 413 || response.status === 415) {
      let body = null;
      try { body = await response.json(); } catch { /* not JSON */ }
      return { refused: (body && body.error && body.error.message) || `The server refused an attachment (${response.status}).` };
    }
    if (!response.ok) return 'retry';
    await updateEntry(db, entry.client_msg_id, (e) => ({
      ...e,
      attachments: (e.attachments || []).map((x) => (x.sha256 === a.sha256 ? { ...x, uploaded: true } : x)),
    }));
  }
  return 'done';
}

function idbRequest(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * @param {IDBDatabase} db
 * @param {string} id
 * @param {(e: any) => any} fn
 */
function updateEntry(db, id, fn) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('outbox', 'readwrite');
    const store = tx.objectStore('outbox');
    const get = store.get(id);
    get.onsuccess = () => {
      if (get.result) store.put(fn(get.result));
    };
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * Post every due entry, oldest first. Returns whether the browser should retry later.
 * @param {{exclude: string[]}} options conversation ids a page is flushing over its socket
 */
async function flushOutbox({ exclude }) {
  const db = await self.SweSweDb.open();
  try {
    const tx = db.transaction(['outbox', 'meta'], 'readonly');
    const [entries, settings] = await Promise.all([
      idbRequest(tx.objectStore('outbox').getAll()),
      idbRequest(tx.objectStore('meta').get('settings')),
    ]);
    const expiryMs = settings && Number.isFinite(settings.value && settings.value.expiry_ms) ? settings.value.expiry_ms : DEFAULT_EXPIRY_MS;
    const now = Date.now();
    const skip = new Set(exclude);
    const due = entries
      .filter((e) => !skip.has(e.conversation_id) && shouldSend(e, now, expiryMs) && requestFor(e))
      .sort((a, b) => a.created_at - b.created_at);
    let changed = false;
    let retry = false;
    for (const entry of due) {
      const { path, body: payload } = requestFor(entry);
      if (entry.attachments && entry.attachments.some((a) => !a.uploaded)) {
        const uploaded = await uploadAttachments(db, entry);
        if (uploaded === 'signed_out') break;
        if (uploaded === 'retry') {
          retry = true;
          break;
        }
        if (uploaded !== 'done') {
          await updateEntry(db, entry.client_msg_id, (e) => ({ ...e, refused: uploaded.refused }));
          changed = true;
          continue;
        }
      }
      let response;
      try {
        response = await fetch(path, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(payload),
        });
      } catch {
        retry = true; // offline
        break;
      }
      let body = null;
      try { body = await response.json(); } catch { /* not JSON */ }
      if (response.ok && body && Number.isInteger(body.seq)) {
        await updateEntry(db, entry.client_msg_id, (e) => ({ ...e, acked_seq: body.seq, sent_count: (e.sent_count || 0) + 1, last_sent_at: now }));
        changed = true;
      } else if (response.status === 401) {
        break; // signed out: nothing to do until the user opens the link again
      } else if (response.status === 429 || response.status >= 500) {
        retry = true;
        break;
      } else {
        const message = (body && body.error && body.error.message) || `The server answered ${response.status}.`;
        await updateEntry(db, entry.client_msg_id, (e) => ({ ...e, refused: message }));
        changed = true;
      }
    }
    if (changed) {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const w of windows) w.postMessage({ type: 'outbox_changed' });
    }
    return { retry, changed };
  } finally {
    db.close();
  }
}
