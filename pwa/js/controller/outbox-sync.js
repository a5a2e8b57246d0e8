// The open conversation's outbox kept in step with IndexedDB and the socket: messages are stored
// first (enqueue), sent in bursts by the tab holding the conversation's flush lock (flush), and
// removed once the log holds them (settleOutbox). Other conversations' queued messages are left to
// the service worker. The rules (what to send, when it is done) are outbox.js's.

import * as db from '../db.js';
import * as ob from '../outbox.js';
import * as at from '../attachments.js';
import { uploadBlob } from '../api.js';
import { uuid } from '../ids.js';
import { oneLine } from '../format.js';
import { NOTICE, approvalRecord } from '../screen-text.js';
import { askWorkerToFlush, requestBackgroundSync } from '../sw-client.js';
import { app, current, tabs } from './state.js';
import { conn } from './socket.js';
import { scheduleRender, view } from './render.js';
import { showToast } from './notices.js';
import { refreshCounts } from './records.js';
import { projectForNew } from './project-picker.js';

/** @typedef {import('./state.js').Current} Current */

/** At most this many queued messages go out in one burst (the server rate-limits frames). */
const FLUSH_BURST = 40;
/** After a full burst, the next one goes out this much later. */
const NEXT_BURST_MS = 1500;

/** Answers tapped in this tab (client_msg_ids): if another device's answer wins, this tab says so. */
const answeredHere = new Set();

/**
 * Remove entries the log now holds (an answer also once its approval has ended).
 * @param {Current} c
 */
export function settleOutbox(c) {
  for (const entry of [...c.entries.values()]) {
    if (!ob.isDone(entry, c.model.lastSeq, c.model.loggedIds, c.model.endedApprovals)) continue;
    if (answeredHere.delete(entry.client_msg_id)) tellIfAnsweredElsewhere(c, entry);
    dropEntry(c, entry.client_msg_id);
  }
}

/**
 * Our answer did not end the approval (another device, a rule or a stop came first): say what did.
 * @param {Current} c
 * @param {ob.OutboxEntry} entry
 */
function tellIfAnsweredElsewhere(c, entry) {
  const a = c.model.approvals.get(String(entry.approval_id));
  if (!a || a.state === 'pending') return;
  const ours = entry.acked_seq != null ? entry.acked_seq === a.end_seq : a.client_id === app.clientId;
  if (!ours) showToast(`${NOTICE.answeredElsewhere} ${approvalRecord(a).text}`);
}

/** @param {Current} c @param {string} id */
export function dropEntry(c, id) {
  if (!c.entries.delete(id)) return;
  c.inFlight.delete(id);
  db.deleteEntry(id).then(() => {
    tabs.post({ type: 'outbox', conversation_id: c.id });
    refreshCounts();
  }).catch(() => {});
}

let flushTimer = /** @type {any} */ (null);

/** Send what the outbox rules say to send now, on the live socket. */
export function flush() {
  const c = current();
  if (flushTimer) { clearTimeout(flushTimer); flushTimer = null; }
  if (!c || c.pendingNew || !c.replayed || !conn.connected) return;
  const now = Date.now();
  const due = withFilesUploaded(c, ob.toSend([...c.entries.values()], { now, expiryMs: app.expiryMs, inFlight: c.inFlight, leader: c.leader }));
  const sent = sendBurst(c, due, now);
  const waiting = [...c.entries.values()].some((e) => ob.entryState(e, { now, expiryMs: app.expiryMs, inFlight: c.inFlight }) === 'queued');
  if (waiting) {
    // more than one burst, or a follower tab waiting to see whether the leader sends
    flushTimer = setTimeout(() => { reloadEntries().then(flush); }, due.length > sent ? NEXT_BURST_MS : ob.STALE_FOR_FOLLOWER_MS);
  }
  if (sent) scheduleRender();
}

/** Entries whose files are being uploaded by this tab (client_msg_ids). */
const uploading = new Set();
/** After an upload failed for want of a connection, the next try is this much later. */
const UPLOAD_RETRY_MS = 3000;

/**
 * The due entries that may go out now: a message waits until each of its files is on the server,
 * and the messages after it wait too (they stay in order); answers and mode changes do not wait.
 * The first message with files to upload gets them uploaded.
 * @param {Current} c
 * @param {ob.OutboxEntry[]} due
 */
function withFilesUploaded(c, due) {
  let blocked = false;
  return due.filter((entry) => {
    if (!ob.isMessage(entry)) return true;
    if (blocked) return false;
    if (!at.toUpload(entry).length) return true;
    blocked = true;
    uploadFiles(c, entry);
    return false;
  });
}

/**
 * PUT each file not yet on the server, then mark them uploaded (IndexedDB first) and flush again.
 * A file the server refuses (type, size) refuses the message, with the server's reason.
 * @param {Current} c
 * @param {ob.OutboxEntry} entry
 */
async function uploadFiles(c, entry) {
  const id = entry.client_msg_id;
  if (uploading.has(id)) return;
  uploading.add(id);
  try {
    const done = new Set();
    for (const file of at.toUpload(entry)) {
      const result = await uploadBlob(file.sha256, file.data);
      const outcome = at.uploadOutcome(result.ok ? 200 : result.status ?? 0);
      if (outcome === 'refused' && !result.ok) {
        const message = at.ATTACH_WORDS.notUploaded.replace('{reason}', result.message);
        await db.updateEntry(id, (e) => ob.markRefused(e, message)).catch(() => {});
        if (c.entries.has(id)) c.entries.set(id, ob.markRefused(/** @type {ob.OutboxEntry} */ (c.entries.get(id)), message));
        scheduleRender();
        return;
      }
      if (outcome === 'retry') {
        setTimeout(() => { if (current() === c) flush(); }, UPLOAD_RETRY_MS);
        return;
      }
      done.add(file.sha256);
    }
    await db.updateEntry(id, (e) => at.markUploaded(e, done));
    const known = c.entries.get(id);
    if (known) c.entries.set(id, at.markUploaded(known, done));
  } catch (err) {
    console.error('swe-swe: could not upload an attachment', err);
    setTimeout(() => { if (current() === c) flush(); }, UPLOAD_RETRY_MS);
    return;
  } finally {
    uploading.delete(id);
  }
  if (current() === c) flush();
}

/**
 * Send up to one burst of `due`, oldest first, until the socket refuses. Returns how many went out.
 * @param {Current} c
 * @param {ob.OutboxEntry[]} due
 * @param {number} now
 */
function sendBurst(c, due, now) {
  let sent = 0;
  for (const entry of due) {
    if (sent >= FLUSH_BURST) break;
    if (!conn.send(ob.frameFor(entry))) break;
    sent++;
    const id = entry.client_msg_id;
    c.inFlight.add(id);
    c.awaiting.push(id);
    c.entries.set(id, ob.markSent(entry, now));
    db.updateEntry(id, (e) => ob.markSent(e, now)).catch(() => {});
  }
  return sent;
}

/**
 * Get the open conversation's outbox going: a known conversation sends at once; a new one is
 * created on the server by connecting, by the tab holding the lock, once it has something to send.
 * @param {Current} c
 */
export function sendOrConnect(c) {
  if (!c.pendingNew) {
    flush();
    return;
  }
  if (c.leader && c.entries.size && conn.state.phase === 'idle') conn.start();
}

/**
 * Ask for the conversation's flush lock (tabs.js): the tab that holds it sends the outbox.
 * @param {Current} c
 */
export function holdFlushLock(c) {
  c.leader = false;
  c.release = tabs.holdFlushLock(c.id, () => {
    if (current() !== c) return;
    c.leader = true;
    sendOrConnect(c);
  });
}

/** Re-read the current conversation's outbox (another tab or the service worker changed it). */
export async function reloadEntries() {
  const c = current();
  if (!c) return;
  const fresh = await db.entriesFor(c.id);
  if (current() !== c) return;
  c.entries = new Map(fresh.map((e) => [e.client_msg_id, e]));
  for (const id of [...c.inFlight]) if (!c.entries.has(id)) c.inFlight.delete(id);
  settleOutbox(c);
  scheduleRender();
}

/**
 * Put a message in the outbox (IndexedDB first, with its files' bytes), then send it if we can.
 * @param {string} text
 * @param {at.PendingAttachment[]} [attachments]
 * @returns {Promise<boolean>}
 */
export async function enqueue(text, attachments = []) {
  const c = current();
  if (!c) return false;
  const entry = ob.createEntry({ conversation_id: c.id, text, now: Date.now(), id: uuid(), attachments });
  const title = oneLine(text || attachments.map((a) => a.name).join(', '), 80);
  try {
    if (c.pendingNew && !app.records.has(c.id)) {
      // the project is fixed with the first message: a reload must not create it elsewhere
      c.record = await db.patchConversation(c.id, { ...c.record, project_id: projectForNew() ?? null, title });
      app.records.set(c.id, c.record);
      await db.setMeta('last_open', c.id); // a reload now reopens it (its route has no id yet)
    }
    await db.putEntry(entry);
  } catch (err) {
    console.error('swe-swe: could not store the message', err);
    showToast(NOTICE.notStored);
    return false;
  }
  if (current() !== c) return true;
  if (c.pendingNew && !c.record.title) {
    c.record = { ...c.record, title };
    db.patchConversation(c.id, { title: c.record.title }).catch(() => {});
  }
  view.scrollToBottom(false);
  stored(c, entry);
  return true;
}

/**
 * Put an answer to an approval or a mode change in the outbox (IndexedDB first), then send it if
 * we can: one tapped offline goes out once the network is back, exactly once (the server's
 * idempotency by client_msg_id), from this tab, another, or the service worker.
 * @param {ob.OutboxEntry} entry
 * @returns {Promise<boolean>}
 */
export async function enqueueEntry(entry) {
  const c = current();
  if (!c || c.pendingNew) return false;
  try {
    await db.putEntry(entry);
  } catch (err) {
    console.error('swe-swe: could not store the answer', err);
    showToast(NOTICE.answerNotStored);
    return false;
  }
  if (ob.entryType(entry) === 'approve') answeredHere.add(entry.client_msg_id);
  if (current() === c) stored(c, entry);
  return true;
}

/**
 * An entry is in IndexedDB: show it, tell the other tabs, send it.
 * @param {Current} c
 * @param {ob.OutboxEntry} entry
 */
function stored(c, entry) {
  c.entries.set(entry.client_msg_id, entry);
  tabs.post({ type: 'outbox', conversation_id: c.id });
  scheduleRender();
  refreshCounts();
  sendOrConnect(c);
  if (!conn.connected) requestBackgroundSync();
}

/** Other conversations' queued messages: the service worker posts them over HTTP. */
export async function flushOtherConversations() {
  const entries = await db.allEntries().catch(() => []);
  const c = current();
  const others = ob.unacked(entries).filter((e) => !db.isPendingId(e.conversation_id) && e.conversation_id !== c?.id);
  if (!others.length) return;
  const held = await tabs.flushedElsewhere();
  const open = current();
  askWorkerToFlush([...new Set([...held, ...(open ? [open.id] : [])])]);
}
