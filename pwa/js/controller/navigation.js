// Which conversation is open: following the #hash route (routes.js), opening one (its events,
// outbox, draft and scroll place from IndexedDB), leaving it (saving what must survive), starting a
// new one, and removing one from this device. Only one is open per tab; its socket follows it.

import * as db from '../db.js';
import * as ob from '../outbox.js';
import { uuid } from '../ids.js';
import { oneLine } from '../format.js';
import { buildModel } from '../view-model.js';
import { hashFor, parseRoute } from '../routes.js';
import { newer, pageStorage, takeCopy } from '../unload-copy.js';
import { app, current, listedConversations, setCurrent, tabs } from './state.js';
import { $, els } from './elements.js';
import { conn } from './socket.js';
import { render, renderList, scheduleRender, view } from './render.js';
import { refreshCounts } from './records.js';
import { eventWrites } from './event-writes.js';
import { holdFlushLock, sendOrConnect, settleOutbox } from './outbox-sync.js';
import { autosize, saveDraftNow } from './composer.js';
import { showTrayOf } from './attach-tray.js';
import { saveScrollNow } from './scroll-memory.js';
import { closeSidebar } from './sidebar-drawer.js';

/** @typedef {import('./state.js').Current} Current */

/**
 * Show the open conversation's id in the address bar (replacing, not adding, a history entry).
 * @param {string} id
 */
export function setRoute(id) {
  const hash = hashFor(id, db.isPendingId(id));
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

/** Open what the #hash asks for. */
export async function followRoute() {
  const route = parseRoute(location.hash);
  if (route.adopt) return openNew({ adopt: route.adopt });
  if (route.fresh) return openNew();
  if (route.id) return openConversation(route.id);
  return openDefault();
}

let opening = 0;

/**
 * @param {string} id
 * @param {{adopt?: string|null, project?: string|null}} [options]  adopt: the claude session a new
 *   conversation continues (in `project`, else the one a new conversation would get)
 */
export async function openConversation(id, options = {}) {
  if (current()?.id === id) return;
  const ticket = ++opening;
  leaveCurrent();
  const loaded = await loadConversation(id, options.adopt ?? null, options.project ?? null);
  if (ticket !== opening) return; // another conversation was asked for meanwhile
  showConversation(loaded);
}

/**
 * Everything this device keeps of a conversation.
 * @param {string} id
 * @param {string|null} adopt
 * @param {string|null} project
 */
async function loadConversation(id, adopt, project) {
  let record = app.records.get(id) ?? (await db.getConversation(id).catch(() => undefined));
  const pendingNew = db.isPendingId(id);
  if (!record) record = db.newRecord({ id, pending_new: pendingNew, adopt_session_id: adopt, ...(project ? { project_id: project } : {}) });
  const [events, entries, stored, saved] = await Promise.all([
    db.loadEvents(id).catch(() => []),
    db.entriesFor(id).catch(() => []),
    db.getDraft(id).catch(() => undefined),
    db.getView(id).catch(() => undefined),
  ]);
  /** @type {Current} */
  const c = {
    id,
    pendingNew,
    record,
    model: buildModel(events, /** @type {any} */ (record.status)),
    entries: new Map(entries.map((e) => [e.client_msg_id, e])),
    inFlight: new Set(),
    awaiting: [],
    leader: false,
    release: () => {},
    replayed: false,
    welcome: null,
    gone: false,
    stopping: false,
  };
  return { c, ...withUnloadCopies(id, stored, saved), files: stored?.files };
}

/**
 * The draft and the reading place IndexedDB kept, or the copies saved as the page last unloaded
 * where those are newer (unload-copy.js); a newer copy is written back to IndexedDB.
 * @param {string} id
 * @param {{text: string, updated_at?: number}|undefined} storedDraft
 * @param {import('../db.js').ViewState|undefined} storedView
 * @returns {{draft: string, saved: import('../db.js').ViewState|undefined}}
 */
function withUnloadCopies(id, storedDraft, storedView) {
  const storage = pageStorage();
  const draftCopy = /** @type {any} */ (takeCopy(storage, 'draft', id));
  const viewCopy = /** @type {any} */ (takeCopy(storage, 'view', id));
  const draft = newer(storedDraft, draftCopy);
  const saved = newer(storedView, viewCopy);
  const text = typeof draft?.text === 'string' ? draft.text : '';
  if (draftCopy && draft === draftCopy) db.setDraft(id, text, draftCopy.updated_at).catch(() => {});
  if (viewCopy && saved === viewCopy) db.setView({ ...viewCopy, conversation_id: id }).catch(() => {});
  return { draft: text, saved };
}

/**
 * Make a loaded conversation the open one: draw it, put back the draft and the reader's place, and
 * connect (a new one connects only once it has something to send).
 * @param {Awaited<ReturnType<typeof loadConversation>>} loaded
 */
function showConversation({ c, draft, saved, files }) {
  setCurrent(c);
  els.goneBanner.hidden = true;
  els.input.value = draft;
  autosize();
  showTrayOf(c, files);
  view.reset(c.model);
  settleOutbox(c);
  render();
  view.restoreScroll(saved);
  setRoute(c.id);
  if (!c.pendingNew || app.records.has(c.id)) db.setMeta('last_open', c.id).catch(() => {});
  holdFlushLock(c);
  // a new one continuing a session connects at once: its history is what the user came to see
  if (!c.pendingNew || c.record.adopt_session_id) conn.start();
  renderList();
  closeSidebar();
}

/** Save what must survive of the open conversation, and let go of its lock and socket. */
function leaveCurrent() {
  const c = current();
  if (!c) return;
  saveScrollNow();
  saveDraftNow();
  eventWrites.flush(true);
  c.release();
  conn.stop();
  setCurrent(null);
}

/** @param {{adopt?: string|null, project?: string|null}} [options] */
export function openNew(options = {}) {
  return openConversation(`new-${uuid()}`, options).then(() => { if (!options.adopt) els.input.focus({ preventScroll: true }); });
}

/** The conversation to show when none is asked for: the last one open, else the newest, else a new one. */
async function openDefault() {
  const last = await db.getMeta('last_open').catch(() => undefined);
  if (last && app.records.has(last)) return openConversation(last);
  const newest = listedConversations()[0];
  if (newest) return openConversation(newest.id);
  return openNew();
}

/**
 * Forget a conversation on this device; if it was open, open the next one.
 * @param {string} id
 */
export async function removeLocal(id) {
  await db.deleteLocal(id).catch(() => {});
  app.records.delete(id);
  tabs.post({ type: 'conversations' });
  if (current()?.id === id) {
    leaveCurrent();
    const next = listedConversations().find((r) => r.id !== id);
    if (next) await openConversation(next.id);
    else await openNew();
  }
  renderList();
}

/** The conversation is gone on the server: keep unsent messages by moving them to a new one. */
async function moveToNew() {
  const c = current();
  if (!c) return;
  const unsent = ob.unacked(c.entries.values());
  const oldId = c.id;
  await openNew();
  const fresh = current();
  if (!fresh) return;
  for (const e of unsent) {
    const moved = { ...e, conversation_id: fresh.id, refused: null };
    await db.putEntry(moved).catch(() => {});
    fresh.entries.set(moved.client_msg_id, moved);
  }
  if (unsent.length) {
    fresh.record = await db.patchConversation(fresh.id, { ...fresh.record, title: oneLine(unsent[0].text, 80) });
    app.records.set(fresh.id, fresh.record);
    sendOrConnect(fresh);
  }
  await db.deleteLocal(oldId).catch(() => {});
  app.records.delete(oldId);
  await refreshCounts();
  scheduleRender();
}

export function bindNavigation() {
  window.addEventListener('hashchange', () => followRoute());
  $('new-conversation').addEventListener('click', () => openNew());
  $('gone-new').addEventListener('click', moveToNew);
  $('gone-remove').addEventListener('click', () => {
    const c = current();
    if (c) removeLocal(c.id);
  });
}
