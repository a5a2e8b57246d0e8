// What this tab knows of all conversations (app.records, app.queued, app.drafts): read from
// IndexedDB, merged with the server's list (GET /api/conversations), and the local copies of
// conversations deleted on the server forgotten. Which of them the sidebar lists is
// conversation-list.js's rule.

import * as db from '../db.js';
import * as api from '../api.js';
import { countUnacked, missingOnServer } from '../conversation-list.js';
import { app, current } from './state.js';
import { renderHeader, renderList } from './render.js';
import { markGone, showAuth } from './notices.js';
import { updateBadge } from './notify.js';

/** Changes come in bursts: the list is fetched this long after the first. */
const LIST_REFRESH_DELAY_MS = 800;

/** Read every local record, the unacked counts and the drafts from IndexedDB. */
export async function loadRecords() {
  const [records, entries, drafts] = await Promise.all([
    db.listConversations().catch(() => []),
    db.allEntries().catch(() => []),
    db.allDrafts().catch(() => []),
  ]);
  app.records = new Map(records.map((r) => [r.id, r]));
  const c = current();
  if (c && !app.records.has(c.id) && !c.pendingNew) app.records.set(c.id, c.record);
  app.queued = countUnacked(entries);
  app.drafts = new Set(drafts.filter((d) => d.text).map((d) => d.conversation_id));
}

/** Recount the unacked messages of every conversation (the outbox changed). */
export async function refreshCounts() {
  app.queued = countUnacked(await db.allEntries().catch(() => []));
  renderList();
}

// A 401 to a list asked before the server last gave us one is stale: asked before a sign-in that has
// since succeeded (a pairing code), it must not bring the sign-in screen back.
let listsAsked = 0;
let signedInThrough = 0;

/**
 * Merge GET /api/conversations into IndexedDB; forget conversations deleted on the server.
 * @param {api.ConversationSummary[]} list
 */
export async function applyServerList(list) {
  const fetchedAt = Date.now();
  signedInThrough = listsAsked;
  app.authorized = true;
  showAuth(false);
  updateBadge(list);
  const merged = await db.mergeServerList(list);
  const onServer = new Set(list.map((c) => c.id));
  const entries = await db.allEntries().catch(() => []);
  const withEntries = new Set(entries.map((e) => e.conversation_id));
  for (const r of missingOnServer(merged, onServer, fetchedAt)) {
    const c = current();
    if (r.id === c?.id) {
      if (!c.gone && c.model.lastSeq > 0) markGone(c);
      continue;
    }
    if (withEntries.has(r.id)) continue; // its queued messages must be seen before it goes
    await db.deleteLocal(r.id).catch(() => {});
  }
  await loadRecords();
  takeServerFields();
  renderList();
  renderHeader();
}

/** The open conversation's record takes what the server's list says of it. */
function takeServerFields() {
  const c = current();
  if (!c || c.pendingNew || !app.records.has(c.id)) return;
  const r = /** @type {db.ConversationRecord} */ (app.records.get(c.id));
  c.record = { ...c.record, title: r.title, head_seq: r.head_seq, last_active_at: r.last_active_at, created_at: r.created_at };
}

/**
 * Fetch the server's list and take it in; signed out, show the sign-in screen.
 * @returns {Promise<api.ApiResult>}
 */
export async function syncServerList() {
  const ask = ++listsAsked;
  const res = await api.listConversations();
  if (res.ok) await applyServerList(res.value?.conversations ?? []);
  else if (res.reason === 'unauthorized' && ask > signedInThrough) showAuth(true);
  return res;
}

/**
 * The socket never opened: is it the sign-in? (asked by connection.js through socket.js)
 * @returns {Promise<'ok'|'unauthorized'|'unknown'>}
 */
export async function checkAuth() {
  const res = await syncServerList();
  if (res.ok) return 'ok';
  return res.reason === 'unauthorized' && app.authorized === false ? 'unauthorized' : 'unknown';
}

let listTimer = /** @type {any} */ (null);
let listAgain = false;

/** Fetch the list a moment from now (changes come in bursts); asked again meanwhile, fetch once more. */
export function refreshListSoon() {
  if (listTimer) {
    listAgain = true;
    return;
  }
  listTimer = setTimeout(async () => {
    await syncServerList();
    listTimer = null;
    if (listAgain) {
      listAgain = false;
      refreshListSoon();
    }
  }, LIST_REFRESH_DELAY_MS);
}
