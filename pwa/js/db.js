// IndexedDB access for the page: conversations, events by seq, the outbox, drafts, scroll positions.
// The schema lives in db-schema.js (shared with the service worker).

import './db-schema.js';
import { WINDOW_EVENTS, readBackwards } from './history-window.js';

/** @type {{NAME:string, VERSION:number, open: () => Promise<IDBDatabase>, isPendingId: (id: string) => boolean}} */
// @ts-ignore: set by db-schema.js
const schema = globalThis.SweSweDb;

export const isPendingId = schema.isPendingId;

/** @type {Promise<IDBDatabase>|null} */
let dbPromise = null;

/** @returns {Promise<IDBDatabase>} */
export function db() {
  if (!dbPromise) {
    dbPromise = schema.open().then((d) => {
      d.addEventListener('close', () => { dbPromise = null; });
      const onversion = d.onversionchange;
      d.onversionchange = (e) => { dbPromise = null; onversion?.call(d, e); };
      return d;
    }, (err) => { dbPromise = null; throw err; });
  }
  return dbPromise;
}

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Run `fn` in one transaction; resolves with its result once the transaction has committed.
 * Inside `fn` only IndexedDB requests may be awaited (anything else would let the transaction close).
 * @template T
 * @param {string|string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => Promise<T>|T} fn
 * @returns {Promise<T>}
 */
export async function tx(stores, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(stores, mode);
    /** @type {T} */
    let result;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error('transaction aborted'));
    Promise.resolve()
      .then(() => fn(t))
      .then((r) => { result = r; }, (err) => { try { t.abort(); } catch { /* done */ } reject(err); });
  });
}

/** @param {string} conversationId */
const eventRange = (conversationId) => IDBKeyRange.bound([conversationId, 0], [conversationId, Number.MAX_SAFE_INTEGER]);

// ---- meta

/** @param {string} key */
export async function getMeta(key) {
  const row = await tx('meta', 'readonly', (t) => req(t.objectStore('meta').get(key)));
  return row ? row.value : undefined;
}

/** @param {string} key @param {any} value */
export function setMeta(key, value) {
  return tx('meta', 'readwrite', (t) => { t.objectStore('meta').put({ key, value }); });
}

// ---- conversations

/**
 * @typedef {object} ConversationRecord
 * @property {string} id
 * @property {string} title
 * @property {string} status
 * @property {number} head_seq
 * @property {number} created_at
 * @property {number} last_active_at
 * @property {number} last_seq       events stored locally: 1 … last_seq
 * @property {string|null} agent
 * @property {boolean} pending_new   created on this device, not yet on the server
 * @property {string|null} adopt_session_id
 * @property {number} local_updated_at
 * @property {string|null} [permission_mode]     as last known (welcome, mode_changed)
 * @property {string[]|null} [permission_modes]  the modes the server allows
 * @property {string|null} [project_id]          the project it works in (the server's id; null: the default)
 * @property {number} [pending_approvals]        approvals waiting for an answer (the server's list)
 */

/**
 * @param {Partial<ConversationRecord> & {id: string}} fields
 * @returns {ConversationRecord}
 */
export function newRecord(fields) {
  const now = Date.now();
  return {
    title: '', status: 'idle', head_seq: 0, created_at: now, last_active_at: now, last_seq: 0,
    agent: null, pending_new: false, adopt_session_id: null, project_id: null, local_updated_at: now, ...fields,
  };
}

/** @param {string} id @returns {Promise<ConversationRecord|undefined>} */
export function getConversation(id) {
  return tx('conversations', 'readonly', (t) => req(t.objectStore('conversations').get(id)));
}

/** @returns {Promise<ConversationRecord[]>} */
export function listConversations() {
  return tx('conversations', 'readonly', (t) => req(t.objectStore('conversations').getAll()));
}

/**
 * Read-modify-write one record (created when missing).
 * @param {string} id
 * @param {Partial<ConversationRecord>} patch
 * @returns {Promise<ConversationRecord>}
 */
export function patchConversation(id, patch) {
  return tx('conversations', 'readwrite', async (t) => {
    const store = t.objectStore('conversations');
    const current = (await req(store.get(id))) ?? newRecord({ id });
    const next = { ...current, ...patch, id, local_updated_at: Date.now() };
    store.put(next);
    return next;
  });
}

/**
 * Merge the server's list (GET /api/conversations) into the local records, keeping local fields.
 * @param {{id:string, title:string, status:string, head_seq:number, created_at:number, last_active_at:number, pending_approvals?:number, agent?:string, project_id?:string}[]} list
 * @returns {Promise<ConversationRecord[]>} all local records afterwards
 */
export function mergeServerList(list) {
  return tx('conversations', 'readwrite', async (t) => {
    const store = t.objectStore('conversations');
    for (const c of list) {
      const current = (await req(store.get(c.id))) ?? newRecord({ id: c.id });
      store.put({
        ...current,
        title: c.title ?? current.title,
        status: c.status ?? current.status,
        head_seq: c.head_seq ?? current.head_seq,
        created_at: c.created_at ?? current.created_at,
        last_active_at: c.last_active_at ?? current.last_active_at,
        pending_approvals: Number.isInteger(c.pending_approvals) ? c.pending_approvals : (current.pending_approvals ?? 0),
        agent: typeof c.agent === 'string' ? c.agent : (current.agent ?? null),
        project_id: c.project_id ?? current.project_id ?? null,
        pending_new: false,
      });
    }
    return req(store.getAll());
  });
}

/**
 * Remove a conversation and everything kept for it on this device.
 * @param {string} id
 */
export function deleteLocal(id) {
  return tx(['conversations', 'events', 'outbox', 'drafts', 'views'], 'readwrite', async (t) => {
    t.objectStore('conversations').delete(id);
    t.objectStore('events').delete(eventRange(id));
    t.objectStore('drafts').delete(id);
    t.objectStore('views').delete(id);
    const keys = await req(t.objectStore('outbox').index('conversation_id').getAllKeys(id));
    for (const k of keys) t.objectStore('outbox').delete(k);
  });
}

/**
 * A conversation created on this device got its server id: move its record, outbox, draft and view.
 * @param {string} from  the local "new-…" id
 * @param {string} to    the server's id
 * @param {Partial<ConversationRecord>} patch
 */
export function renameConversation(from, to, patch) {
  return tx(['conversations', 'outbox', 'drafts', 'views'], 'readwrite', async (t) => {
    const convs = t.objectStore('conversations');
    const old = await req(convs.get(from));
    const existing = await req(convs.get(to));
    convs.put({ ...(old ?? newRecord({ id: to })), ...(existing ?? {}), ...patch, id: to, pending_new: false, adopt_session_id: null });
    convs.delete(from);
    const outbox = t.objectStore('outbox');
    const entries = await req(outbox.index('conversation_id').getAll(from));
    for (const e of entries) outbox.put({ ...e, conversation_id: to });
    for (const name of ['drafts', 'views']) {
      const store = t.objectStore(name);
      const row = await req(store.get(from));
      if (row) {
        store.put({ ...row, conversation_id: to });
        store.delete(from);
      }
    }
  });
}

// ---- events

/**
 * A window of a conversation's stored events (history-window.js): the newest that ends before
 * `beforeSeq` (null: the newest of all), from a turn boundary. Read backwards by bounded key ranges
 * of the store's own key [conversation_id, seq], a chunk at a time until a boundary is found, so the
 * cost follows the window's size and not the log's.
 * @param {string} conversationId
 * @param {number|null} beforeSeq
 * @param {number} [minCount]
 * @returns {Promise<import('./view-model.js').LoggedEvent[]>}  in seq order; empty when none is stored
 */
export async function readWindow(conversationId, beforeSeq, minCount = WINDOW_EVENTS) {
  const rows = await tx('events', 'readonly', async (t) => {
    const store = t.objectStore('events');
    let top = beforeSeq === null ? 0 : beforeSeq - 1;
    if (beforeSeq === null) {
      const newest = await req(store.openKeyCursor(eventRange(conversationId), 'prev'));
      top = newest ? /** @type {[string, number]} */ (newest.key)[1] : 0;
    }
    const range = (/** @type {number} */ from, /** @type {number} */ to) => req(store.getAll(IDBKeyRange.bound([conversationId, from], [conversationId, to])));
    return readBackwards(range, top, minCount);
  });
  return rows.map((r) => ({ seq: r.seq, kind: r.kind, ts: r.ts, data: r.data }));
}

/**
 * All stored events of a conversation before `beforeSeq`, for what needs the whole history only on
 * demand (the details' total cost), never to open it.
 * @param {string} conversationId
 * @param {number} beforeSeq
 * @returns {Promise<import('./view-model.js').LoggedEvent[]>}
 */
export async function eventsBefore(conversationId, beforeSeq) {
  if (beforeSeq <= 1) return [];
  const range = IDBKeyRange.bound([conversationId, 1], [conversationId, beforeSeq - 1]);
  const rows = await tx('events', 'readonly', (t) => req(t.objectStore('events').getAll(range)));
  return rows.map((r) => ({ seq: r.seq, kind: r.kind, ts: r.ts, data: r.data }));
}

/**
 * Store applied events and move last_seq forward (never backward: another tab may be ahead).
 * @param {string} conversationId
 * @param {import('./view-model.js').LoggedEvent[]} events  contiguous, in seq order
 * @param {Partial<ConversationRecord>} [patch]
 */
export function storeEvents(conversationId, events, patch = {}) {
  return tx(['events', 'conversations'], 'readwrite', async (t) => {
    const store = t.objectStore('events');
    for (const e of events) store.put({ conversation_id: conversationId, seq: e.seq, kind: e.kind, ts: e.ts, data: e.data });
    const convs = t.objectStore('conversations');
    const current = (await req(convs.get(conversationId))) ?? newRecord({ id: conversationId });
    const top = events.length ? events[events.length - 1].seq : 0;
    convs.put({
      ...current,
      ...patch,
      last_seq: Math.max(current.last_seq ?? 0, top),
      head_seq: Math.max(current.head_seq ?? 0, top, patch.head_seq ?? 0),
      local_updated_at: Date.now(),
    });
  });
}

/**
 * The server's log was replaced (welcome.reset): forget the local copy.
 * @param {string} conversationId
 */
export function resetEvents(conversationId) {
  return tx(['events', 'conversations'], 'readwrite', async (t) => {
    t.objectStore('events').delete(eventRange(conversationId));
    const convs = t.objectStore('conversations');
    const current = await req(convs.get(conversationId));
    if (current) convs.put({ ...current, last_seq: 0 });
  });
}

/**
 * Keep cached events for the most recently used conversations only (I5: nothing grows without bound).
 * The others keep their record and are fetched again by replay when opened.
 * @param {number} keep
 * @param {string[]} protect ids never evicted (open ones)
 */
export async function evictEvents(keep, protect) {
  const all = await listConversations();
  const withEvents = all.filter((c) => (c.last_seq ?? 0) > 0 && !protect.includes(c.id));
  withEvents.sort((a, b) => Math.max(b.last_active_at, b.local_updated_at) - Math.max(a.last_active_at, a.local_updated_at));
  for (const c of withEvents.slice(Math.max(0, keep - protect.length))) {
    await resetEvents(c.id);
  }
}

// ---- outbox

/** @param {import('./outbox.js').OutboxEntry} entry */
export function putEntry(entry) {
  return tx('outbox', 'readwrite', (t) => { t.objectStore('outbox').put(entry); });
}

/** @param {string} id */
export function deleteEntry(id) {
  return tx('outbox', 'readwrite', (t) => { t.objectStore('outbox').delete(id); });
}

/**
 * Update an entry if it still exists (it may have been delivered and removed meanwhile).
 * @param {string} id
 * @param {(e: import('./outbox.js').OutboxEntry) => import('./outbox.js').OutboxEntry|null} fn  null deletes
 */
export function updateEntry(id, fn) {
  return tx('outbox', 'readwrite', async (t) => {
    const store = t.objectStore('outbox');
    const current = await req(store.get(id));
    if (!current) return null;
    const next = fn(current);
    if (next) store.put(next);
    else store.delete(id);
    return next;
  });
}

/**
 * @param {string} conversationId
 * @returns {Promise<import('./outbox.js').OutboxEntry[]>}
 */
export function entriesFor(conversationId) {
  return tx('outbox', 'readonly', (t) => req(t.objectStore('outbox').index('conversation_id').getAll(conversationId)));
}

/** @returns {Promise<import('./outbox.js').OutboxEntry[]>} */
export function allEntries() {
  return tx('outbox', 'readonly', (t) => req(t.objectStore('outbox').getAll()));
}

// ---- drafts and views

/** @typedef {{data: Blob, name: string, media_type: string, size: number}} DraftFile  a file in the attach tray */
/** @typedef {{conversation_id: string, text: string, updated_at: number, files?: DraftFile[]}} Draft */

/**
 * @param {string} conversationId
 * @returns {Promise<Draft|undefined>}
 */
export function getDraft(conversationId) {
  return tx('drafts', 'readonly', (t) => req(t.objectStore('drafts').get(conversationId)));
}

/**
 * An emptied box is kept as an empty draft with its time, so that an older copy cannot bring back
 * text that was sent or deleted meanwhile (unload-copy.js). The files in the tray stay as they are.
 * @param {string} conversationId
 * @param {string} text
 * @param {number} [updatedAt]
 */
export function setDraft(conversationId, text, updatedAt = Date.now()) {
  return patchDraft(conversationId, { text, updated_at: updatedAt });
}

/**
 * The files waiting in the composer's tray (attach-tray.js), kept beside the draft's text.
 * @param {string} conversationId
 * @param {DraftFile[]} files
 */
export function setDraftFiles(conversationId, files) {
  return patchDraft(conversationId, { files });
}

/**
 * @param {string} conversationId
 * @param {Partial<Draft>} patch
 */
function patchDraft(conversationId, patch) {
  return tx('drafts', 'readwrite', async (t) => {
    const store = t.objectStore('drafts');
    const old = await req(store.get(conversationId));
    store.put({ text: '', updated_at: 0, ...old, ...patch, conversation_id: conversationId });
  });
}

/** @returns {Promise<{conversation_id:string, text:string}[]>} */
export function allDrafts() {
  return tx('drafts', 'readonly', (t) => req(t.objectStore('drafts').getAll()));
}

/**
 * @typedef {{conversation_id:string, at_bottom:boolean, anchor_key:string|null, anchor_offset:number, scroll_top:number, updated_at?:number}} ViewState
 */

/** @param {string} conversationId @returns {Promise<ViewState|undefined>} */
export function getView(conversationId) {
  return tx('views', 'readonly', (t) => req(t.objectStore('views').get(conversationId)));
}

/** @param {ViewState} view */
export function setView(view) {
  return tx('views', 'readwrite', (t) => { t.objectStore('views').put(view); });
}
