// swe-swe PWA: the controller. It wires IndexedDB (db.js), the socket (connection.js), the outbox rules
// (outbox.js), the view model (view-model.js), other tabs (tabs.js) and the service worker (sw-client.js)
// to the page. The pure rules live in those modules; this file only decides when to call them.

import * as db from './db.js';
import * as api from './api.js';
import * as ob from './outbox.js';
import { Connection } from './connection.js';
import { describe as describeConnection } from './connection-machine.js';
import { ConversationModel, buildModel } from './view-model.js';
import { Tabs } from './tabs.js';
import { clientIdFor, uuid } from './ids.js';
import { conversationTitle, oneLine } from './format.js';
import { hashFor, parseRoute } from './routes.js';
import { abandonedNew, countUnacked, listedRecords, listRows, missingOnServer } from './conversation-list.js';
import { NOTICE, connectionText, emptyScreen, headerSubtitle, pageTitle, sidebarFoot, workingText } from './screen-text.js';
import { EventBatcher } from './event-batcher.js';
import { askWorkerToFlush, checkForUpdate, registerServiceWorker, requestBackgroundSync, workerVersion } from './sw-client.js';
import { ConversationView } from './ui/conversation-view.js';
import { renderConversationList } from './ui/sidebar.js';
import { renderDetails } from './ui/details.js';
import { hydrateIcons } from './ui/dom.js';

/** Conversations whose events stay cached on this device; older ones are fetched again by replay. */
const CACHED_CONVERSATIONS = 30;
/** At most this many queued messages go out in one burst (the server rate-limits frames). */
const FLUSH_BURST = 40;

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const els = {
  app: $('app'),
  sidebar: $('sidebar'),
  scrim: $('scrim'),
  convList: $('conv-list'),
  sidebarFoot: $('sidebar-foot'),
  title: $('conv-title'),
  sub: $('conv-sub'),
  conn: $('conn'),
  connLabel: $('conn-label'),
  updateBanner: $('update-banner'),
  connBanner: $('conn-banner'),
  connBannerText: $('conn-banner-text'),
  goneBanner: $('gone-banner'),
  scroller: $('scroller'),
  empty: $('empty'),
  log: $('log'),
  live: $('live'),
  pending: $('pending'),
  newBelow: $('new-below'),
  toast: $('toast'),
  working: $('working'),
  workingLabel: $('working-label'),
  stop: /** @type {HTMLButtonElement} */ ($('stop')),
  queueNote: $('queue-note'),
  form: /** @type {HTMLFormElement} */ ($('composer-form')),
  input: /** @type {HTMLTextAreaElement} */ ($('input')),
  send: /** @type {HTMLButtonElement} */ ($('send')),
  inputError: $('input-error'),
  details: /** @type {HTMLDialogElement} */ ($('details')),
  detailsBody: $('details-body'),
  auth: $('auth-screen'),
  authQueued: $('auth-queued'),
};

/**
 * @typedef {object} Current
 * @property {string} id                 server id, or "new-…" until the server names it
 * @property {boolean} pendingNew
 * @property {db.ConversationRecord} record
 * @property {ConversationModel} model
 * @property {Map<string, ob.OutboxEntry>} entries  this conversation's outbox (mirrors IndexedDB)
 * @property {Set<string>} inFlight      sent on this socket, not yet acked
 * @property {string[]} awaiting          the same, in send order (to pin refusals)
 * @property {boolean} leader            this tab holds the conversation's flush lock
 * @property {() => void} release
 * @property {boolean} replayed          replay_done seen on this socket
 * @property {{head_seq: number, status: string}|null} welcome
 * @property {boolean} gone
 * @property {boolean} stopping
 */

const tabId = uuid();
const tabs = new Tabs(tabId);

const app = {
  clientId: tabId,
  expiryMs: ob.DEFAULT_EXPIRY_MS,
  /** @type {Map<string, db.ConversationRecord>} */
  records: new Map(),
  /** @type {Map<string, number>} queued (unacked) messages per conversation */
  queued: new Map(),
  /** @type {Set<string>} */
  drafts: new Set(),
  /** @type {boolean|null} */
  authorized: null,
  /** @type {string|null} */
  agent: null,
  /** @type {string|null} */
  serverVersion: null,
  /** @type {number|null} */
  pingIntervalMs: null,
  lastTypedAt: 0,
  listFetchedAt: 0,
};

/** @type {Current|null} */
let cur = null;

const view = new ConversationView({
  scroller: els.scroller, log: els.log, live: els.live, pending: els.pending, newBelow: els.newBelow, empty: els.empty,
});

const conn = new Connection({
  url: () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`,
  clientId: app.clientId,
  online: navigator.onLine,
  hello: () => {
    const c = /** @type {Current} */ (cur);
    return {
      conversation_id: c.pendingNew ? null : c.id,
      last_seq: c.pendingNew ? 0 : c.model.lastSeq,
      agent_session_id: c.pendingNew ? c.record.adopt_session_id : null,
    };
  },
  onFrame: (frame) => enqueueFrame(frame),
  onState: () => onConnectionState(),
  onClose: (code) => {
    if (code === 4004 && cur) markGone(cur);
  },
  checkAuth: async () => {
    const res = await api.listConversations();
    if (res.ok) {
      await applyServerList(res.value?.conversations ?? []);
      return 'ok';
    }
    if (res.reason === 'unauthorized') {
      showAuth(true);
      return 'unauthorized';
    }
    return 'unknown';
  },
});

// ---------------------------------------------------------------- frames from the server

/** @type {Promise<void>} */
let frameChain = Promise.resolve();

/**
 * Frames are handled one after another (a welcome may need IndexedDB work before the replay).
 * @param {any} frame
 */
function enqueueFrame(frame) {
  const c = cur;
  frameChain = frameChain.then(() => (c === cur && c ? handleFrame(c, frame) : undefined)).catch((err) => {
    console.error('swe-swe: frame handling failed', err);
  });
}

/**
 * @param {Current} c
 * @param {any} frame
 */
async function handleFrame(c, frame) {
  switch (frame.type) {
    case 'welcome': return onWelcome(c, frame);
    case 'event': return onEvent(c, frame);
    case 'replay_done': return onReplayDone(c, frame);
    case 'ack': return onAck(c, frame);
    case 'partial':
      c.model.applyPartial(frame.data);
      scheduleRender();
      return;
    case 'error': return onError(c, frame);
    default: return; // unknown frame types are ignored
  }
}

/** @param {Current} c @param {any} frame */
async function onWelcome(c, frame) {
  app.agent = frame.agent ?? app.agent;
  app.pingIntervalMs = frame.ping_interval_ms ?? null;
  c.inFlight.clear();
  c.awaiting = [];
  c.replayed = false;
  c.gone = false;
  els.goneBanner.hidden = true;
  if (c.pendingNew) {
    await adoptServerId(c, frame.conversation_id);
  }
  if (frame.reset) {
    // the server's data was replaced: drop our copy; messages it never saw go out again
    await db.resetEvents(c.id);
    c.model = new ConversationModel();
    for (const [id, e] of c.entries) {
      if (e.acked_seq != null) {
        const next = ob.markUnacked(e);
        c.entries.set(id, next);
        await db.putEntry(next);
      }
    }
    view.reset(c.model);
    showToast(NOTICE.historyReplaced);
  }
  c.welcome = { head_seq: frame.head_seq, status: frame.status };
  c.model.setStatus(frame.status);
  c.record = { ...c.record, status: frame.status, head_seq: frame.head_seq, agent: frame.agent };
  app.records.set(c.id, c.record);
  db.patchConversation(c.id, { status: frame.status, head_seq: frame.head_seq, agent: frame.agent }).catch(() => {});
  scheduleRender();
}

/**
 * A conversation made on this device was created by the server: take its id everywhere.
 * @param {Current} c
 * @param {string} serverId
 */
async function adoptServerId(c, serverId) {
  const from = c.id;
  await db.renameConversation(from, serverId, { title: c.record.title });
  c.release();
  c.id = serverId;
  c.pendingNew = false;
  c.record = { ...c.record, id: serverId, pending_new: false, adopt_session_id: null };
  for (const [id, e] of c.entries) c.entries.set(id, { ...e, conversation_id: serverId });
  app.records.delete(from);
  app.records.set(serverId, c.record);
  if (app.drafts.delete(from)) app.drafts.add(serverId);
  c.leader = false;
  c.release = tabs.holdFlushLock(serverId, () => {
    if (cur !== c) return;
    c.leader = true;
    flush();
  });
  setRoute(serverId);
  db.setMeta('last_open', serverId).catch(() => {});
  tabs.post({ type: 'renamed', from, to: serverId });
  renderList();
}

/** Applied events, stored in batches (event-batcher.js) with the conversation's status and title. */
const eventWrites = new EventBatcher((/** @type {Current} */ c, /** @type {import('./view-model.js').LoggedEvent[]} */ batch) => {
  const patch = { status: c.model.status, title: c.model.title || c.record.title, last_active_at: batch[batch.length - 1].ts };
  return db.storeEvents(c.id, batch, patch);
});

/** @param {Current} c @param {any} frame */
function onEvent(c, frame) {
  const event = { seq: frame.seq, kind: frame.kind, ts: frame.ts, data: frame.data };
  if (!Number.isInteger(event.seq) || event.seq <= c.model.lastSeq) return; // seen already
  if (event.seq !== c.model.lastSeq + 1) {
    // a gap should never happen (I2); catch up by reconnecting with our last_seq
    console.warn('swe-swe: gap in events', c.model.lastSeq, event.seq);
    conn.dispatch({ type: 'dead', socket: conn.state.socket });
    return;
  }
  c.model.apply(event);
  eventWrites.add(c, event);
  if (event.kind === 'run_finished') c.stopping = false;
  if (event.kind === 'user_message' || event.kind === 'run_finished' || event.kind === 'run_started') refreshListSoon();
  settleOutbox(c);
  scheduleRender();
}

/** @param {Current} c @param {any} frame */
function onReplayDone(c, frame) {
  c.replayed = true;
  if (c.welcome && c.model.lastSeq === c.welcome.head_seq) c.model.setStatus(/** @type {any} */ (c.welcome.status));
  eventWrites.flush(false);
  settleOutbox(c);
  flush();
  scheduleRender();
  refreshListSoon();
  flushOtherConversations();
}

/** @param {Current} c @param {any} frame */
function onAck(c, frame) {
  const id = String(frame.client_msg_id ?? '');
  c.inFlight.delete(id);
  c.awaiting = c.awaiting.filter((x) => x !== id);
  const entry = c.entries.get(id);
  if (!entry) return;
  const seq = Number(frame.seq);
  if (seq <= c.model.lastSeq || c.model.loggedIds.has(id)) {
    dropEntry(c, id);
  } else {
    c.entries.set(id, ob.markAcked(entry, seq));
    db.updateEntry(id, (e) => ob.markAcked(e, seq)).catch(() => {});
  }
  tabs.post({ type: 'outbox', conversation_id: c.id });
  scheduleRender();
}

/** @param {Current} c @param {any} frame */
function onError(c, frame) {
  const code = String(frame.code ?? '');
  const message = String(frame.message ?? NOTICE.refusedRequest);
  if (code === 'not_found' && !c.welcome) {
    markGone(c);
    return;
  }
  const refused = ob.refusedBy(code, c.awaiting, frame.client_msg_id, c.entries);
  if (refused) {
    c.inFlight.delete(refused);
    c.awaiting = c.awaiting.filter((x) => x !== refused);
    const entry = c.entries.get(refused);
    if (entry) {
      c.entries.set(refused, ob.markRefused(entry, message));
      db.updateEntry(refused, (e) => ob.markRefused(e, message)).catch(() => {});
    }
    scheduleRender();
    return;
  }
  if (code === 'rate_limited') {
    // which frames were dropped is unknown: send again what is unacked, a little later (idempotent)
    c.inFlight.clear();
    c.awaiting = [];
    setTimeout(flush, 2000);
  }
  showToast(message);
}

/** @param {Current} c */
function markGone(c) {
  c.gone = true;
  conn.stop();
  els.goneBanner.hidden = false;
  scheduleRender();
}

// ---------------------------------------------------------------- the outbox

/**
 * Remove entries the log now holds.
 * @param {Current} c
 */
function settleOutbox(c) {
  for (const entry of [...c.entries.values()]) {
    if (ob.isDone(entry, c.model.lastSeq, c.model.loggedIds)) dropEntry(c, entry.client_msg_id);
  }
}

/** @param {Current} c @param {string} id */
function dropEntry(c, id) {
  if (!c.entries.delete(id)) return;
  c.inFlight.delete(id);
  db.deleteEntry(id).then(() => {
    tabs.post({ type: 'outbox', conversation_id: c.id });
    refreshCounts();
  }).catch(() => {});
}

let flushTimer = /** @type {any} */ (null);

/** Send what the outbox rules say to send now, on the live socket. */
function flush() {
  const c = cur;
  if (flushTimer) { clearTimeout(flushTimer); flushTimer = null; }
  if (!c || c.pendingNew || !c.replayed || !conn.connected) return;
  const now = Date.now();
  const due = ob.toSend([...c.entries.values()], { now, expiryMs: app.expiryMs, inFlight: c.inFlight, leader: c.leader });
  let sent = 0;
  for (const entry of due) {
    if (sent >= FLUSH_BURST) break;
    if (!conn.send({ type: 'send', client_msg_id: entry.client_msg_id, text: entry.text })) break;
    sent++;
    const id = entry.client_msg_id;
    c.inFlight.add(id);
    c.awaiting.push(id);
    c.entries.set(id, ob.markSent(entry, now));
    db.updateEntry(id, (e) => ob.markSent(e, now)).catch(() => {});
  }
  const waiting = [...c.entries.values()].some((e) => ob.entryState(e, { now, expiryMs: app.expiryMs, inFlight: c.inFlight }) === 'queued');
  if (waiting) {
    // more than one burst, or a follower tab waiting to see whether the leader sends
    flushTimer = setTimeout(() => { reloadEntries().then(flush); }, due.length > sent ? 1500 : ob.STALE_FOR_FOLLOWER_MS);
  }
  if (sent) scheduleRender();
}

/** Re-read the current conversation's outbox (another tab or the service worker changed it). */
async function reloadEntries() {
  const c = cur;
  if (!c) return;
  const fresh = await db.entriesFor(c.id);
  if (cur !== c) return;
  c.entries = new Map(fresh.map((e) => [e.client_msg_id, e]));
  for (const id of [...c.inFlight]) if (!c.entries.has(id)) c.inFlight.delete(id);
  settleOutbox(c);
  scheduleRender();
}

/**
 * Put a message in the outbox (IndexedDB first), then send it if we can.
 * @param {string} text
 * @returns {Promise<boolean>}
 */
async function enqueue(text) {
  const c = cur;
  if (!c) return false;
  const entry = ob.createEntry({ conversation_id: c.id, text, now: Date.now(), id: uuid() });
  try {
    if (c.pendingNew && !app.records.has(c.id)) {
      c.record = await db.patchConversation(c.id, { ...c.record, title: oneLine(text, 80) });
      app.records.set(c.id, c.record);
    }
    await db.putEntry(entry);
  } catch (err) {
    console.error('swe-swe: could not store the message', err);
    showToast(NOTICE.notStored);
    return false;
  }
  if (cur !== c) return true;
  c.entries.set(entry.client_msg_id, entry);
  if (c.pendingNew && !c.record.title) {
    c.record = { ...c.record, title: oneLine(text, 80) };
    db.patchConversation(c.id, { title: c.record.title }).catch(() => {});
  }
  tabs.post({ type: 'outbox', conversation_id: c.id });
  view.scrollToBottom(false);
  scheduleRender();
  refreshCounts();
  if (c.pendingNew) {
    if (c.leader && conn.state.phase === 'idle') conn.start();
  } else {
    flush();
  }
  if (!conn.connected) requestBackgroundSync();
  return true;
}

/** Other conversations' queued messages: the service worker posts them over HTTP. */
async function flushOtherConversations() {
  const entries = await db.allEntries().catch(() => []);
  const others = ob.unacked(entries).filter((e) => !db.isPendingId(e.conversation_id) && e.conversation_id !== cur?.id);
  if (!others.length) return;
  const held = await tabs.flushedElsewhere();
  askWorkerToFlush([...new Set([...held, ...(cur ? [cur.id] : [])])]);
}

// ---------------------------------------------------------------- conversations

/**
 * @param {string} id
 * @param {{adopt?: string|null}} [options]
 */
let opening = 0;
async function openConversation(id, options = {}) {
  if (cur && cur.id === id) return;
  const ticket = ++opening;
  leaveCurrent();
  let record = app.records.get(id) ?? (await db.getConversation(id).catch(() => undefined));
  const pendingNew = db.isPendingId(id);
  if (!record) record = db.newRecord({ id, pending_new: pendingNew, adopt_session_id: options.adopt ?? null });
  const [events, entries, draft, saved] = await Promise.all([
    db.loadEvents(id).catch(() => []),
    db.entriesFor(id).catch(() => []),
    db.getDraft(id).catch(() => ''),
    db.getView(id).catch(() => undefined),
  ]);
  if (ticket !== opening) return; // another conversation was asked for meanwhile
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
  cur = c;
  els.goneBanner.hidden = true;
  els.input.value = draft;
  autosize();
  view.reset(c.model);
  settleOutbox(c);
  render();
  view.restoreScroll(saved);
  setRoute(id);
  if (!pendingNew || app.records.has(id)) db.setMeta('last_open', id).catch(() => {});
  c.release = tabs.holdFlushLock(id, () => {
    if (cur !== c) return;
    c.leader = true;
    if (c.pendingNew) {
      if (c.entries.size && conn.state.phase === 'idle') conn.start();
    } else {
      flush();
    }
  });
  if (!pendingNew) conn.start();
  renderList();
  closeSidebar();
}

function leaveCurrent() {
  const c = cur;
  if (!c) return;
  saveScrollNow();
  saveDraftNow();
  eventWrites.flush(true);
  c.release();
  conn.stop();
  cur = null;
}

/** @param {{adopt?: string|null}} [options] */
function openNew(options = {}) {
  return openConversation(`new-${uuid()}`, options).then(() => els.input.focus({ preventScroll: true }));
}

/** The conversation to show when none is asked for: the last one open, else the newest, else a new one. */
async function openDefault() {
  const last = await db.getMeta('last_open').catch(() => undefined);
  if (last && app.records.has(last)) return openConversation(last);
  const newest = sortedRecords()[0];
  if (newest) return openConversation(newest.id);
  return openNew();
}

/** @returns {db.ConversationRecord[]} */
function sortedRecords() {
  return listedRecords(app.records.values(), { queued: app.queued, drafts: app.drafts, currentId: cur?.id ?? null });
}

/**
 * Merge GET /api/conversations into IndexedDB; forget conversations deleted on the server.
 * @param {api.ConversationSummary[]} list
 */
async function applyServerList(list) {
  const fetchedAt = Date.now();
  app.authorized = true;
  showAuth(false);
  const merged = await db.mergeServerList(list);
  const onServer = new Set(list.map((c) => c.id));
  const entries = await db.allEntries().catch(() => []);
  const withEntries = new Set(entries.map((e) => e.conversation_id));
  for (const r of missingOnServer(merged, onServer, fetchedAt)) {
    if (r.id === cur?.id) {
      if (!cur.gone && cur.model.lastSeq > 0) markGone(cur);
      continue;
    }
    if (withEntries.has(r.id)) continue; // its queued messages must be seen before it goes
    await db.deleteLocal(r.id).catch(() => {});
  }
  await loadRecords();
  if (cur && app.records.has(cur.id) && !cur.pendingNew) {
    const r = /** @type {db.ConversationRecord} */ (app.records.get(cur.id));
    cur.record = { ...cur.record, title: r.title, head_seq: r.head_seq, last_active_at: r.last_active_at, created_at: r.created_at };
  }
  app.listFetchedAt = Date.now();
  renderList();
  renderHeader();
}

async function loadRecords() {
  const [records, entries, drafts] = await Promise.all([
    db.listConversations().catch(() => []),
    db.allEntries().catch(() => []),
    db.allDrafts().catch(() => []),
  ]);
  app.records = new Map(records.map((r) => [r.id, r]));
  if (cur && !app.records.has(cur.id) && !cur.pendingNew) app.records.set(cur.id, cur.record);
  app.queued = countUnacked(entries);
  app.drafts = new Set(drafts.map((d) => d.conversation_id));
}

async function refreshCounts() {
  app.queued = countUnacked(await db.allEntries().catch(() => []));
  renderList();
}

let listTimer = /** @type {any} */ (null);
let listAgain = false;
/** Fetch the list a moment from now (changes come in bursts); asked again meanwhile, fetch once more. */
function refreshListSoon() {
  if (listTimer) {
    listAgain = true;
    return;
  }
  listTimer = setTimeout(async () => {
    const res = await api.listConversations();
    if (res.ok) await applyServerList(res.value?.conversations ?? []);
    else if (res.reason === 'unauthorized') showAuth(true);
    listTimer = null;
    if (listAgain) {
      listAgain = false;
      refreshListSoon();
    }
  }, 800);
}

// ---------------------------------------------------------------- rendering

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  // a hidden tab gets no animation frames; a timer keeps its state (and IndexedDB) current anyway
  const run = () => {
    if (!renderQueued) return;
    renderQueued = false;
    render();
  };
  requestAnimationFrame(run);
  setTimeout(run, 250);
}

let lastListKey = '';
function render() {
  const c = cur;
  if (!c) return;
  const changes = c.model.takeChanges();
  view.setConnected(c.model, conn.connected);
  view.update(c.model, changes);
  renderPending(c);
  renderHeader();
  renderWorking(c);
  renderQueueNote(c);
  const empty = !c.model.items.length && !c.entries.size;
  if (empty) {
    const words = emptyScreen({ pendingNew: c.pendingNew, headSeq: c.record.head_seq ?? 0 });
    /** @type {HTMLElement} */ (els.empty.querySelector('h2')).textContent = words.heading;
    /** @type {HTMLElement} */ (els.empty.querySelector('p')).textContent = words.text;
  }
  view.setEmpty(empty);
  const listKey = `${c.id}|${c.model.status}|${c.model.title}|${c.entries.size}`;
  if (listKey !== lastListKey) {
    lastListKey = listKey;
    renderList();
  }
}

/** @param {Current} c */
function renderPending(c) {
  const now = Date.now();
  const ctx = { now, expiryMs: app.expiryMs, inFlight: c.inFlight };
  view.renderPending(ob.pendingRows(c.entries.values(), c.model.loggedIds, ctx));
}

/** @param {Current} c */
function renderQueueNote(c) {
  const summary = ob.queueSummary(ob.unacked(c.entries.values()), { now: Date.now(), expiryMs: app.expiryMs, connected: conn.connected && c.replayed });
  els.queueNote.textContent = summary.text;
  els.queueNote.hidden = !summary.text;
}

/** @param {Current} c */
function renderWorking(c) {
  const running = c.model.running && !c.pendingNew && !c.gone;
  els.working.hidden = !running;
  if (!running) {
    c.stopping = false;
    return;
  }
  const words = workingText({ stopping: c.stopping, queuedTurns: c.model.waitingTurns.length });
  els.workingLabel.textContent = words.label;
  els.stop.disabled = !conn.connected || c.stopping;
  els.stop.textContent = words.stop;
}

function renderHeader() {
  const c = cur;
  if (!c) return;
  const title = c.model.title || c.record.title;
  els.title.textContent = conversationTitle({ title });
  document.title = pageTitle(title);
  els.sub.textContent = headerSubtitle({ agent: app.agent, pendingNew: c.pendingNew, hasMessages: c.entries.size > 0, status: c.model.status });
  renderConnection();
}

function renderConnection() {
  const words = connectionText(conn.state, Date.now(), { pendingNew: !!cur?.pendingNew, online: navigator.onLine });
  els.connLabel.textContent = words.label;
  els.conn.className = `conn tone-${words.tone}`;
  els.conn.dataset.phase = conn.state.phase;
  els.conn.title = words.title;
  els.connBanner.hidden = !words.banner.show;
  els.connBanner.className = `banner ${words.banner.tone}`;
  els.connBannerText.textContent = words.banner.text;
}

function onConnectionState() {
  const c = cur;
  if (c && !conn.connected) {
    c.inFlight.clear();
    c.awaiting = [];
    c.replayed = false;
    c.welcome = null;
    c.model.clearLive();
    if (ob.unacked(c.entries.values()).length) requestBackgroundSync();
  }
  scheduleRender();
}

function renderList() {
  const open = cur ? { id: cur.id, pendingNew: cur.pendingNew, title: cur.model.title, status: cur.model.status } : null;
  const rows = listRows(sortedRecords(), { queued: app.queued, drafts: app.drafts, open, now: Date.now() });
  renderConversationList(els.convList, rows, cur?.id ?? null, Date.now());
  els.sidebarFoot.textContent = sidebarFoot(app.agent, app.serverVersion);
}

let toastTimer = /** @type {any} */ (null);
/** @param {string} text */
function showToast(text) {
  els.toast.textContent = text;
  els.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { els.toast.hidden = true; }, 6000);
}

/** @param {boolean} on */
function showAuth(on) {
  if (on) {
    app.authorized = false;
    conn.stop();
    els.authQueued.hidden = !(app.queued.size > 0);
  }
  els.auth.hidden = !on;
  els.app.hidden = on;
  els.app.dataset.state = on ? 'unauthorized' : 'ready';
}

// ---------------------------------------------------------------- composer, drafts, scroll

function autosize() {
  const t = els.input;
  t.style.height = 'auto';
  t.style.height = `${Math.min(t.scrollHeight, Math.round(window.innerHeight * 0.4))}px`;
}

let draftTimer = /** @type {any} */ (null);
function saveDraftSoon() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(saveDraftNow, 300);
}

function saveDraftNow() {
  clearTimeout(draftTimer);
  draftTimer = null;
  const c = cur;
  if (!c) return;
  const text = els.input.value;
  const had = app.drafts.has(c.id);
  if (text) app.drafts.add(c.id);
  else app.drafts.delete(c.id);
  if (c.pendingNew && text && !app.records.has(c.id)) {
    app.records.set(c.id, c.record);
    db.patchConversation(c.id, c.record).catch(() => {});
  }
  db.setDraft(c.id, text).catch(() => {});
  tabs.post({ type: 'draft', conversation_id: c.id, text });
  if (had !== !!text) renderList();
}

let scrollTimer = /** @type {any} */ (null);
function saveScrollSoon() {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(saveScrollNow, 250);
}

function saveScrollNow() {
  clearTimeout(scrollTimer);
  const c = cur;
  if (!c || !c.model.items.length) return;
  db.setView({ conversation_id: c.id, ...view.captureScroll() }).catch(() => {});
}

let submitting = false;
async function submit() {
  if (submitting || !cur) return;
  const text = els.input.value;
  if (!text.trim()) return;
  const check = ob.validateText(text);
  if (!check.ok) {
    els.inputError.textContent = check.error;
    els.inputError.hidden = false;
    return;
  }
  els.inputError.hidden = true;
  submitting = true;
  // clear at once: a second tap finds nothing to send
  els.input.value = '';
  autosize();
  try {
    const ok = await enqueue(text);
    if (!ok && !els.input.value) {
      els.input.value = text;
      autosize();
    }
  } finally {
    submitting = false;
    saveDraftNow();
  }
}

const coarse = window.matchMedia('(pointer: coarse)');
function updateEnterHint() {
  els.input.setAttribute('enterkeyhint', coarse.matches ? 'enter' : 'send');
}

// ---------------------------------------------------------------- actions

/** @param {string} action @param {HTMLElement} target */
async function onAction(action, target) {
  const c = cur;
  switch (action) {
    case 'open-conversation': {
      const id = target.dataset.id;
      if (id) openConversation(id);
      return;
    }
    case 'send-anyway': {
      const id = target.dataset.id ?? '';
      if (!c || !c.entries.has(id)) return;
      c.entries.set(id, ob.sendAnyway(/** @type {ob.OutboxEntry} */ (c.entries.get(id))));
      await db.updateEntry(id, ob.sendAnyway).catch(() => {});
      tabs.post({ type: 'outbox', conversation_id: c.id });
      scheduleRender();
      if (c.pendingNew) { if (c.leader && conn.state.phase === 'idle') conn.start(); } else flush();
      return;
    }
    case 'discard': {
      const id = target.dataset.id ?? '';
      if (!c) return;
      c.entries.delete(id);
      await db.deleteEntry(id).catch(() => {});
      tabs.post({ type: 'outbox', conversation_id: c.id });
      refreshCounts();
      scheduleRender();
      return;
    }
    case 'ask-again': {
      if (!c) return;
      const item = c.model.byKey.get(target.dataset.key ?? '');
      if (item && item.kind === 'run_end' && item.ask_again) {
        target.setAttribute('disabled', '');
        c.model.update(item, { actionable: false });
        await enqueue(item.ask_again);
      }
      return;
    }
    case 'recover-retry':
    case 'recover-new': {
      const ok = conn.send({ type: 'recover', action: action === 'recover-retry' ? 'retry' : 'new' });
      if (!ok) showToast(NOTICE.recoverOffline);
      else {
        target.setAttribute('disabled', '');
        showToast(action === 'recover-retry' ? NOTICE.recoverRetry : NOTICE.recoverNew);
      }
      return;
    }
    default:
      return;
  }
}

function stopTurn() {
  const c = cur;
  if (!c) return;
  if (!conn.send({ type: 'stop' })) {
    showToast(NOTICE.stopOffline);
    return;
  }
  c.stopping = true;
  scheduleRender();
}

function openSidebar() {
  els.app.classList.add('sidebar-open');
  els.scrim.hidden = false;
  $('open-sidebar').setAttribute('aria-expanded', 'true');
}

function closeSidebar() {
  els.app.classList.remove('sidebar-open');
  els.scrim.hidden = true;
  $('open-sidebar').setAttribute('aria-expanded', 'false');
}

async function openDetails() {
  const c = cur;
  if (!c) return;
  const base = {
    conversationId: c.pendingNew ? null : c.id,
    pendingNew: c.pendingNew,
    status: c.pendingNew ? 'new' : c.model.status,
    agent: app.agent,
    agentSessionId: c.model.session.session_id,
    model: c.model.session.model,
    cwd: c.model.session.cwd,
    lastSeq: c.model.lastSeq,
    headSeq: c.welcome?.head_seq ?? c.record.head_seq ?? 0,
    totalCostUsd: c.model.totalCostUsd,
    connection: describeConnection(conn.state, Date.now()).label,
    pingIntervalMs: app.pingIntervalMs,
    clientId: app.clientId,
    expiryMs: app.expiryMs,
    appVersion: null,
    serverVersion: app.serverVersion,
    runs: null,
  };
  const actions = {
    onExpiry: (/** @type {number} */ ms) => {
      app.expiryMs = ms;
      db.setMeta('settings', { expiry_ms: ms }).catch(() => {});
      tabs.post({ type: 'settings' });
      scheduleRender();
    },
    onDelete: async () => {
      if (!confirm('Delete this conversation on the server? This cannot be undone.')) return;
      const res = await api.deleteConversation(c.id);
      if (!res.ok && res.reason !== 'not_found') {
        showToast(res.reason === 'offline' ? NOTICE.deleteOffline : res.message);
        return;
      }
      els.details.close();
      await removeLocal(c.id);
    },
    onCheckUpdate: () => {
      checkForUpdate();
      showToast(NOTICE.checkingUpdate);
    },
  };
  renderDetails(els.detailsBody, base, actions);
  if (!els.details.open) els.details.showModal();
  const [version, details] = await Promise.all([
    workerVersion(),
    c.pendingNew ? Promise.resolve(null) : api.conversationDetails(c.id),
  ]);
  if (cur !== c || !els.details.open) return;
  const extra = details && details.ok ? details.value : null;
  renderDetails(els.detailsBody, {
    ...base,
    appVersion: version,
    agentSessionId: extra?.agent_session_id ?? base.agentSessionId,
    cwd: base.cwd ?? extra?.workdir ?? null,
    runs: Array.isArray(extra?.runs) ? extra.runs : null,
  }, actions);
}

/** @param {string} id */
async function removeLocal(id) {
  await db.deleteLocal(id).catch(() => {});
  app.records.delete(id);
  tabs.post({ type: 'conversations' });
  if (cur?.id === id) {
    leaveCurrent();
    const next = sortedRecords().find((r) => r.id !== id);
    if (next) await openConversation(next.id);
    else await openNew();
  }
  renderList();
}

/** The conversation is gone on the server: keep unsent messages by moving them to a new one. */
async function moveToNew() {
  const c = cur;
  if (!c) return;
  const unsent = ob.unacked(c.entries.values());
  const oldId = c.id;
  await openNew();
  const fresh = cur;
  if (!fresh) return;
  for (const e of unsent) {
    const moved = { ...e, conversation_id: fresh.id, refused: null };
    await db.putEntry(moved).catch(() => {});
    fresh.entries.set(moved.client_msg_id, moved);
  }
  if (unsent.length) {
    fresh.record = await db.patchConversation(fresh.id, { ...fresh.record, title: oneLine(unsent[0].text, 80) });
    app.records.set(fresh.id, fresh.record);
    if (fresh.leader && conn.state.phase === 'idle') conn.start();
  }
  await db.deleteLocal(oldId).catch(() => {});
  app.records.delete(oldId);
  await refreshCounts();
  scheduleRender();
}

// ---------------------------------------------------------------- routes

/** @param {string} id */
function setRoute(id) {
  const hash = hashFor(id, db.isPendingId(id));
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

async function followRoute() {
  const route = parseRoute(location.hash);
  if (route.adopt) return openNew({ adopt: route.adopt });
  if (route.fresh) return openNew();
  if (route.id) return openConversation(route.id);
  return openDefault();
}

// ---------------------------------------------------------------- wiring

function bindUi() {
  hydrateIcons(document);
  els.form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  els.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing && !coarse.matches) {
      e.preventDefault();
      submit();
    }
  });
  els.input.addEventListener('input', () => {
    app.lastTypedAt = Date.now();
    els.inputError.hidden = true;
    autosize();
    saveDraftSoon();
  });
  // keep the keyboard up on phones: the send button must not take the focus from the text box
  els.send.addEventListener('pointerdown', (e) => {
    if (document.activeElement === els.input) e.preventDefault();
  });
  coarse.addEventListener?.('change', updateEnterHint);
  updateEnterHint();

  els.stop.addEventListener('click', stopTurn);
  els.scroller.addEventListener('scroll', saveScrollSoon, { passive: true });
  els.scroller.addEventListener('click', (e) => {
    const target = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest('[data-action]'));
    if (target && !target.hasAttribute('disabled')) onAction(target.dataset.action ?? '', target);
  });
  els.convList.addEventListener('click', (e) => {
    const target = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest('[data-action]'));
    if (target) onAction(target.dataset.action ?? '', target);
  });
  $('new-conversation').addEventListener('click', () => openNew());
  $('open-sidebar').addEventListener('click', openSidebar);
  $('close-sidebar').addEventListener('click', closeSidebar);
  els.scrim.addEventListener('click', closeSidebar);
  $('open-details').addEventListener('click', openDetails);
  $('close-details').addEventListener('click', () => els.details.close());
  els.details.addEventListener('click', (e) => {
    if (e.target === els.details) els.details.close(); // a tap on the backdrop
  });
  els.conn.addEventListener('click', () => {
    if (describeConnection(conn.state, Date.now()).retry) retryNow();
    else openDetails();
  });
  $('conn-retry').addEventListener('click', retryNow);
  $('gone-new').addEventListener('click', moveToNew);
  $('gone-remove').addEventListener('click', () => cur && removeLocal(cur.id));
  $('auth-retry').addEventListener('click', async () => {
    const res = await api.listConversations();
    if (res.ok) {
      await applyServerList(res.value?.conversations ?? []);
      conn.retryNow();
      if (conn.state.phase === 'idle' && cur && !cur.pendingNew) conn.start();
    } else if (res.reason === 'offline') {
      showToast(NOTICE.serverUnreachable);
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && els.app.classList.contains('sidebar-open')) closeSidebar();
  });

  window.addEventListener('hashchange', () => followRoute());
  window.addEventListener('online', () => {
    conn.setOnline(true);
    flushOtherConversations();
    renderConnection();
  });
  window.addEventListener('offline', () => {
    conn.setOnline(false);
    renderConnection();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      conn.wake();
      checkForUpdate();
      if (app.authorized) refreshListSoon();
    } else {
      saveDraftNow();
      saveScrollNow();
      eventWrites.flush(true);
      if (cur && ob.unacked(cur.entries.values()).length && !conn.connected) requestBackgroundSync();
    }
  });
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) conn.wake();
  });
  document.addEventListener('resume', () => conn.wake());
  window.addEventListener('pagehide', () => {
    saveDraftNow();
    saveScrollNow();
    eventWrites.flush(true);
  });

  // "new messages below" floats just above the composer, whatever its height
  const composer = /** @type {HTMLElement} */ (document.querySelector('.composer'));
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => {
      els.app.style.setProperty('--composer-h', `${composer.offsetHeight}px`);
    }).observe(composer);
  }

  // keep the composer above the on-screen keyboard where the browser does not resize the page (iOS)
  const vv = window.visualViewport;
  if (vv) {
    const fit = () => {
      document.documentElement.style.setProperty('--vvh', `${Math.round(vv.height)}px`);
      if (vv.offsetTop > 0 && document.activeElement === els.input) window.scrollTo(0, 0);
    };
    vv.addEventListener('resize', fit);
    vv.addEventListener('scroll', fit);
    fit();
  }

  // other tabs
  tabs.on('draft', (msg) => {
    if (!cur || msg.conversation_id !== cur.id) {
      if (msg.text) app.drafts.add(msg.conversation_id);
      else app.drafts.delete(msg.conversation_id);
      renderList();
      return;
    }
    if (els.input.value === msg.text) return;
    if (document.activeElement === els.input && Date.now() - app.lastTypedAt < 1500) return; // typing here wins
    els.input.value = msg.text;
    autosize();
  });
  tabs.on('outbox', (msg) => {
    if (cur && msg.conversation_id === cur.id) reloadEntries().then(flush);
    refreshCounts();
  });
  tabs.on('renamed', async (msg) => {
    await loadRecords();
    if (cur && cur.id === msg.from) {
      cur.release();
      conn.stop();
      cur = null;
      await openConversation(msg.to);
    } else {
      renderList();
    }
  });
  tabs.on('conversations', async () => {
    await loadRecords();
    if (cur && !cur.pendingNew && !app.records.has(cur.id)) {
      markGone(cur);
    }
    renderList();
  });
  tabs.on('settings', async () => {
    const settings = await db.getMeta('settings').catch(() => null);
    if (settings && Number.isFinite(settings.expiry_ms)) app.expiryMs = settings.expiry_ms;
    scheduleRender();
  });

  // the countdown of "reconnecting in N s", and queued messages turning expired
  setInterval(() => {
    if (conn.state.phase === 'reconnecting' || conn.state.phase === 'offline') renderConnection();
  }, 1000);
  setInterval(() => {
    if (!cur) return;
    renderPending(cur);
    renderQueueNote(cur);
  }, 30000);
}

function retryNow() {
  if (conn.state.phase === 'idle' && cur && !cur.pendingNew && !cur.gone) conn.start();
  else conn.retryNow();
  renderConnection();
}

async function boot() {
  bindUi();
  registerServiceWorker({
    onUpdateReady: (apply) => {
      els.updateBanner.hidden = false;
      $('update-reload').onclick = () => {
        apply();
        setTimeout(() => location.reload(), 3000); // in case the new worker never takes over
      };
    },
    onMessage: (msg) => {
      if (msg?.type === 'outbox_changed') {
        reloadEntries();
        refreshCounts();
      }
    },
  });

  try {
    await db.db();
  } catch (err) {
    console.error('swe-swe: IndexedDB is not available', err);
    showToast(NOTICE.noStorage);
  }
  const settings = await db.getMeta('settings').catch(() => null);
  if (settings && Number.isFinite(settings.expiry_ms)) app.expiryMs = settings.expiry_ms;
  let deviceId = await db.getMeta('device_id').catch(() => undefined);
  if (!deviceId) {
    deviceId = uuid();
    db.setMeta('device_id', deviceId).catch(() => {});
  }
  app.clientId = clientIdFor(deviceId, tabId);
  conn.options.clientId = app.clientId;
  await loadRecords();

  const askedFor = location.hash;
  await followRoute();
  els.app.dataset.state = 'ready';

  const res = await api.listConversations();
  if (res.ok) {
    await applyServerList(res.value?.conversations ?? []);
    if (!askedFor && cur?.pendingNew && !cur.entries.size && !els.input.value && app.records.size) {
      // a first visit on this device to a server that already has conversations: show the newest
      const newest = sortedRecords().find((r) => !r.pending_new);
      if (newest && !(await db.getMeta('last_open').catch(() => null))) await openConversation(newest.id);
    }
    flushOtherConversations();
  } else if (res.reason === 'unauthorized') {
    showAuth(true);
  }
  api.health().then((h) => {
    if (h.ok) {
      app.serverVersion = h.value?.version ?? null;
      app.agent = app.agent ?? h.value?.agent ?? null;
      renderHeader();
      renderList();
    }
  });

  // tidy up: empty local drafts of new conversations, and events of long-unused conversations
  const ctx = { queued: app.queued, drafts: app.drafts, currentId: cur?.id ?? null, now: Date.now() };
  for (const r of abandonedNew(app.records.values(), ctx)) {
    db.deleteLocal(r.id).catch(() => {});
    app.records.delete(r.id);
  }
  db.evictEvents(CACHED_CONVERSATIONS, cur ? [cur.id] : []).catch(() => {});
}

// for tests and debugging in the console: a read-only look at the app's state
Object.defineProperty(window, 'sweSwe', {
  value: Object.freeze({
    get state() {
      return {
        conversation_id: cur?.id ?? null,
        pending_new: cur?.pendingNew ?? null,
        last_seq: cur?.model.lastSeq ?? 0,
        status: cur?.model.status ?? null,
        phase: conn.state.phase,
        leader: cur?.leader ?? false,
        outbox: cur ? [...cur.entries.values()] : [],
        items: cur ? cur.model.items.map((i) => ({ kind: i.kind, key: i.key })) : [],
      };
    },
    connection: conn,
  }),
});

boot();
