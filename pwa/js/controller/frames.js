// What the socket says, applied to the open conversation: the welcome (a new conversation takes the
// server's id here), logged events, the end of the replay, acks, display-only partials and errors
// (docs/protocol.md); and what a lost socket or a close code means.

import * as db from '../db.js';
import * as ob from '../outbox.js';
import { ConversationModel } from '../view-model.js';
import { welcomeAgents } from '../agent-choice.js';
import { NOTICE } from '../screen-text.js';
import { requestBackgroundSync } from '../sw-client.js';
import { app, current, tabs } from './state.js';
import { els } from './elements.js';
import { conn } from './socket.js';
import { renderList, scheduleRender, view } from './render.js';
import { markGone, showToast } from './notices.js';
import { refreshListSoon } from './records.js';
import { eventWrites } from './event-writes.js';
import { dropEntry, flush, flushOtherConversations, holdFlushLock, settleOutbox } from './outbox-sync.js';
import { setRoute } from './navigation.js';
import { learnAgents, rememberAgent } from './agent-picker.js';
import { sendPresence } from './notify.js';
import { noteAgentEvent } from './slash-commands.js';

/** @typedef {import('./state.js').Current} Current */

/** Close code: the conversation was deleted on the server. */
const CLOSE_DELETED = 4004;
/** After `rate_limited`, unacked messages go out again this much later. */
const RATE_LIMIT_PAUSE_MS = 2000;
/** Events after which the server's list (titles, statuses, order) is worth fetching again. */
const LIST_CHANGING_KINDS = new Set(['user_message', 'run_finished', 'run_started', 'approval_requested', 'approval_resolved', 'approval_cancelled']);

/** @type {Promise<void>} */
let frameChain = Promise.resolve();

/**
 * Frames are handled one after another (a welcome may need IndexedDB work before the replay).
 * @param {any} frame
 */
export function enqueueFrame(frame) {
  const c = current();
  frameChain = frameChain.then(() => (c === current() && c ? handleFrame(c, frame) : undefined)).catch((err) => {
    console.error('swe-swe: frame handling failed', err);
  });
}

/**
 * @param {Current} c
 * @param {any} frame
 */
async function handleFrame(c, frame) {
  switch (frame.type) {
    case 'welcome': sendPresence(); return onWelcome(c, frame);
    case 'event': return onEvent(c, frame);
    case 'replay_done': return onReplayDone(c);
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
  // the server's default agent (listed first); the conversation's own is its record's, taken from the
  // welcome (a pick the server no longer offers came back as its default, with a notice in the log)
  const agents = welcomeAgents(frame);
  app.agent = agents.fallback ?? app.agent;
  learnAgents(agents.offered);
  if (c.pendingNew) rememberAgent(agents.own);
  app.pingIntervalMs = frame.ping_interval_ms ?? null;
  c.inFlight.clear();
  c.awaiting = [];
  c.replayed = false;
  c.gone = false;
  els.goneBanner.hidden = true;
  if (c.pendingNew) {
    await adoptServerId(c, frame.conversation_id);
  }
  if (frame.reset) await dropLocalHistory(c);
  const mode = typeof frame.permission_mode === 'string' ? frame.permission_mode : null;
  const modes = Array.isArray(frame.permission_modes) ? frame.permission_modes.filter((/** @type {any} */ m) => typeof m === 'string') : null;
  c.welcome = { head_seq: frame.head_seq, status: frame.status, permission_mode: mode };
  c.model.setStatus(frame.status);
  const patch = { status: frame.status, head_seq: frame.head_seq, agent: agents.own ?? c.record.agent, ...(mode ? { permission_mode: mode } : {}), ...(typeof frame.project_id === 'string' && frame.project_id ? { project_id: frame.project_id } : {}), ...(modes ? { permission_modes: modes } : {}) };
  c.record = { ...c.record, ...patch };
  app.records.set(c.id, c.record);
  db.patchConversation(c.id, patch).catch(() => {});
  scheduleRender();
}

/**
 * The server's data was replaced (welcome with `reset`): drop our copy; messages it never saw go out again.
 * @param {Current} c
 */
async function dropLocalHistory(c) {
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
  holdFlushLock(c);
  setRoute(serverId);
  db.setMeta('last_open', serverId).catch(() => {});
  tabs.post({ type: 'renamed', from, to: serverId });
  renderList();
}

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
  if (event.kind === 'agent') noteAgentEvent(c, event.data);
  if (event.kind === 'run_finished') c.stopping = false;
  if (event.kind === 'mode_changed' && c.model.mode && c.record.permission_mode !== c.model.mode.mode) {
    c.record = { ...c.record, permission_mode: c.model.mode.mode };
    db.patchConversation(c.id, { permission_mode: c.model.mode.mode }).catch(() => {});
  }
  // the replay's own past changes are one list fetch, at replay_done; live ones each ask (batched)
  if (c.replayed && LIST_CHANGING_KINDS.has(event.kind)) refreshListSoon();
  settleOutbox(c);
  scheduleRender();
}

/** @param {Current} c */
function onReplayDone(c) {
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
  const named = c.entries.get(String(frame.client_msg_id ?? ''));
  if (named && !ob.isMessage(named)) {
    // an answer to an approval the server does not know, or a mode it does not allow: nothing to retry
    c.inFlight.delete(named.client_msg_id);
    c.awaiting = c.awaiting.filter((x) => x !== named.client_msg_id);
    dropEntry(c, named.client_msg_id);
    showToast(code === 'not_found' ? NOTICE.approvalGone : message);
    scheduleRender();
    return;
  }
  const refused = ob.refusedBy(code, c.awaiting, frame.client_msg_id, c.entries);
  if (refused) {
    markRefused(c, refused, message);
    return;
  }
  if (code === 'rate_limited') {
    // which frames were dropped is unknown: send again what is unacked, a little later (idempotent)
    c.inFlight.clear();
    c.awaiting = [];
    setTimeout(flush, RATE_LIMIT_PAUSE_MS);
  }
  showToast(message);
}

/**
 * The server refused this message: it waits for the user's choice (try again / discard).
 * @param {Current} c
 * @param {string} id
 * @param {string} message
 */
function markRefused(c, id, message) {
  c.inFlight.delete(id);
  c.awaiting = c.awaiting.filter((x) => x !== id);
  const entry = c.entries.get(id);
  if (entry) {
    c.entries.set(id, ob.markRefused(entry, message));
    db.updateEntry(id, (e) => ob.markRefused(e, message)).catch(() => {});
  }
  scheduleRender();
}

/** The socket's state changed: a lost socket forgets what it had sent and its live partials. */
export function onSocketState() {
  const c = current();
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

/** @param {number} code */
export function onSocketClose(code) {
  const c = current();
  if (code === CLOSE_DELETED && c) markGone(c);
}
