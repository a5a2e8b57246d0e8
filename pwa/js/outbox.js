// Outbox rules: which queued messages to send, when they count as delivered, when they expire.
// Pure: the entries live in IndexedDB (db.js, read by the service worker too); this module only decides.
// Three types of entry ride the same outbox: a message (`send`; entries stored before types existed
// have no `type` and are messages), an answer to an approval (`approve`) and a permission mode
// change (`set_mode`). All are idempotent by `client_msg_id` on the server.
//
// Life of an entry: created (in IndexedDB before anything is sent) → sent on a socket (maybe many
// times, one per connection) → acked (acked_seq set: the server stored it) → removed once the
// conversation's log holds that seq. A message whose user_message event is seen in the log is done too.

import { attachmentRefs } from './attachments.js';

/** Queued messages older than this wait for the user's choice (send anyway / discard). */
export const DEFAULT_EXPIRY_MS = 60 * 60 * 1000;
/** The server's default limit for a message's text. */
export const MAX_TEXT_CHARS = 100000;
/** A tab that does not hold the flush lock still sends an entry left unacked this long (the leader may be asleep). */
export const STALE_FOR_FOLLOWER_MS = 8000;

/** The server's limit for a deny reason. */
export const MAX_REASON_CHARS = 2000;

/** @typedef {'message'|'approve'|'set_mode'} EntryType */
/** @typedef {'allow'|'allow_always'|'deny'} Decision */

/**
 * @typedef {object} OutboxEntry
 * @property {string} client_msg_id   UUID, the idempotency key
 * @property {string} conversation_id server id, or a local "new-…" id until the server names it
 * @property {EntryType} [type]       absent: a message (entries from before types existed)
 * @property {string} text            a message's text ('' for the other types; may be '' with attachments)
 * @property {import('./attachments.js').PendingAttachment[]} [attachments]  a message's files, kept
 *   here (with their bytes) until the log holds the message; absent on entries from before attachments
 * @property {string} [approval_id]   approve: the approval it answers
 * @property {Decision} [decision]    approve
 * @property {string|null} [message]  approve: the reason told to the agent on a deny
 * @property {Record<string, string|string[]>|null} [answers]  approve: a question's answers
 * @property {string} [mode]          set_mode: the permission mode asked for
 * @property {number} created_at
 * @property {number} sent_count      how many times it went out (sockets or HTTP)
 * @property {number|null} last_sent_at
 * @property {number|null} acked_seq  the seq the server stored it as
 * @property {boolean} send_anyway    the user chose to send it although it expired
 * @property {string|null} refused    the server refused it (message shown to the user)
 */

/** @typedef {'queued'|'sending'|'acked'|'expired'|'refused'} EntryState */

/**
 * @param {string} text
 * @param {number} [maxChars]
 * @param {number} [attachments]  how many files go with it: a file alone is a message
 * @returns {{ok: true, text: string} | {ok: false, error: string}}
 */
export function validateText(text, maxChars = MAX_TEXT_CHARS, attachments = 0) {
  if (typeof text !== 'string' || (text.trim() === '' && !attachments)) return { ok: false, error: 'The message is empty.' };
  if (text.length > maxChars) {
    return { ok: false, error: `The message is too long (${text.length.toLocaleString('en')} of at most ${maxChars.toLocaleString('en')} characters).` };
  }
  return { ok: true, text };
}

/**
 * @param {{conversation_id: string, text: string, now: number, id: string,
 *   attachments?: import('./attachments.js').PendingAttachment[]}} args
 * @returns {OutboxEntry}
 */
export function createEntry({ conversation_id, text, now, id, attachments }) {
  return {
    client_msg_id: id,
    conversation_id,
    text,
    created_at: now,
    sent_count: 0,
    last_sent_at: null,
    acked_seq: null,
    send_anyway: false,
    refused: null,
    ...(attachments?.length ? { attachments } : {}),
  };
}

/**
 * A message's `send` fields: its text, and its attachments' references when it has files.
 * @param {OutboxEntry} entry
 */
function messageBody(entry) {
  return { client_msg_id: entry.client_msg_id, text: entry.text, ...(entry.attachments?.length ? { attachments: attachmentRefs(entry) } : {}) };
}

/**
 * An answer to an approval. It never expires (it names one approval: if that one has ended, the
 * server acks it as a duplicate and nothing happens, I7).
 * @param {{conversation_id: string, approval_id: string, decision: Decision, message?: string|null,
 *   answers?: Record<string, string|string[]>|null, now: number, id: string}} args
 * @returns {OutboxEntry}
 */
export function createAnswer({ conversation_id, approval_id, decision, message = null, answers = null, now, id }) {
  const reason = typeof message === 'string' && message.trim() ? message.trim().slice(0, MAX_REASON_CHARS) : null;
  return { ...createEntry({ conversation_id, text: '', now, id }), type: 'approve', approval_id, decision, message: reason, answers: answers ?? null };
}

/**
 * @param {{conversation_id: string, mode: string, now: number, id: string}} args
 * @returns {OutboxEntry}
 */
export function createModeChange({ conversation_id, mode, now, id }) {
  return { ...createEntry({ conversation_id, text: '', now, id }), type: 'set_mode', mode };
}

/**
 * @param {OutboxEntry} entry
 * @returns {EntryType}
 */
export function entryType(entry) {
  return entry.type === 'approve' || entry.type === 'set_mode' ? entry.type : 'message';
}

/** @param {OutboxEntry} entry */
export function isMessage(entry) {
  return entryType(entry) === 'message';
}

/**
 * The socket frame that carries an entry (docs/protocol.md).
 * @param {OutboxEntry} entry
 * @returns {Record<string, any>}
 */
export function frameFor(entry) {
  switch (entryType(entry)) {
    case 'approve': return { type: 'approve', client_msg_id: entry.client_msg_id, ...answerBody(entry) };
    case 'set_mode': return { type: 'set_mode', client_msg_id: entry.client_msg_id, mode: entry.mode };
    default: return { type: 'send', ...messageBody(entry) };
  }
}

/**
 * @param {OutboxEntry} entry
 * @returns {{approval_id: string, decision: Decision, message?: string, answers?: Record<string, string|string[]>}}
 */
function answerBody(entry) {
  return {
    approval_id: String(entry.approval_id),
    decision: /** @type {Decision} */ (entry.decision),
    ...(entry.message ? { message: entry.message } : {}),
    ...(entry.answers ? { answers: entry.answers } : {}),
  };
}

/**
 * The HTTP request that delivers an entry with no socket (the service worker), or null when there
 * is no route for it (a mode change waits for a page). service-worker/sw.js keeps its own copy of
 * this rule; pwa/tests/shell.test.mjs checks that the two agree.
 * @param {OutboxEntry} entry
 * @returns {{path: string, body: Record<string, any>}|null}
 */
export function httpRequestFor(entry) {
  const conv = `/api/conversations/${encodeURIComponent(entry.conversation_id)}`;
  switch (entryType(entry)) {
    case 'approve': {
      const { approval_id: approvalId, ...rest } = answerBody(entry);
      return { path: `${conv}/approvals/${encodeURIComponent(approvalId)}`, body: { client_msg_id: entry.client_msg_id, ...rest } };
    }
    case 'set_mode': return null;
    default: return { path: `${conv}/messages`, body: messageBody(entry) };
  }
}

/**
 * The newest entry answering this approval, if any.
 * @param {Iterable<OutboxEntry>} entries
 * @param {string} approvalId
 * @returns {OutboxEntry|null}
 */
export function answerFor(entries, approvalId) {
  let found = null;
  for (const e of entries) {
    if (entryType(e) === 'approve' && e.approval_id === approvalId && (!found || e.created_at >= found.created_at)) found = e;
  }
  return found;
}

/**
 * The newest permission mode asked for and not yet in the log, if any.
 * @param {Iterable<OutboxEntry>} entries
 * @returns {string|null}
 */
export function pendingMode(entries) {
  let found = null;
  for (const e of entries) {
    if (entryType(e) === 'set_mode' && !e.refused && (!found || e.created_at >= found.created_at)) found = e;
  }
  return found ? String(found.mode) : null;
}

/**
 * Only messages expire: an answer and a mode change are small and name what they change.
 * @param {OutboxEntry} entry
 * @param {number} now
 * @param {number} expiryMs  0 or less: never expires
 */
export function isExpired(entry, now, expiryMs) {
  if (!isMessage(entry)) return false;
  if (entry.send_anyway || entry.acked_seq != null || expiryMs <= 0) return false;
  return now - entry.created_at > expiryMs;
}

/**
 * @param {OutboxEntry} entry
 * @param {{now: number, expiryMs: number, inFlight?: Set<string>}} ctx
 * @returns {EntryState}
 */
export function entryState(entry, { now, expiryMs, inFlight }) {
  if (entry.acked_seq != null) return 'acked';
  if (entry.refused) return 'refused';
  if (isExpired(entry, now, expiryMs)) return 'expired';
  if (inFlight?.has(entry.client_msg_id)) return 'sending';
  return 'queued';
}

/**
 * The entries to send now on a fresh or live connection, oldest first.
 * @param {OutboxEntry[]} entries
 * @param {{now: number, expiryMs: number, inFlight: Set<string>, leader: boolean, staleMs?: number}} ctx
 *   inFlight: ids already sent on this connection and not yet acked (never sent twice on one socket)
 *   leader: this tab holds the flush lock; followers only send entries left unacked for `staleMs`
 * @returns {OutboxEntry[]}
 */
export function toSend(entries, ctx) {
  const stale = ctx.staleMs ?? STALE_FOR_FOLLOWER_MS;
  return sortEntries(entries).filter((e) => {
    if (entryState(e, ctx) !== 'queued') return false;
    if (ctx.leader) return true;
    return ctx.now - Math.max(e.created_at, e.last_sent_at ?? 0) >= stale;
  });
}

/** @param {OutboxEntry[]} entries */
export function sortEntries(entries) {
  return [...entries].sort((a, b) => a.created_at - b.created_at || (a.client_msg_id < b.client_msg_id ? -1 : 1));
}

/**
 * @param {OutboxEntry} entry
 * @param {number} now
 * @returns {OutboxEntry}
 */
export function markSent(entry, now) {
  return { ...entry, sent_count: entry.sent_count + 1, last_sent_at: now };
}

/**
 * @param {OutboxEntry} entry
 * @param {number} seq
 * @returns {OutboxEntry}
 */
export function markAcked(entry, seq) {
  return { ...entry, acked_seq: seq, refused: null };
}

/**
 * @param {OutboxEntry} entry
 * @param {string} message
 * @returns {OutboxEntry}
 */
export function markRefused(entry, message) {
  return { ...entry, refused: message || 'The server refused this message.' };
}

/**
 * The server's history was replaced (welcome with `reset`): its ack no longer holds, send it again.
 * @param {OutboxEntry} entry
 * @returns {OutboxEntry}
 */
export function markUnacked(entry) {
  return { ...entry, acked_seq: null };
}

/**
 * The user chose "Send anyway" (an expired entry) or "Try again" (a refused one).
 * @param {OutboxEntry} entry
 * @returns {OutboxEntry}
 */
export function sendAnyway(entry) {
  return { ...entry, send_anyway: true, refused: null };
}

/**
 * An entry is finished, and may leave the outbox, once the log holds it; an answer also once the
 * approval it answers has ended (by it, by another device, or cancelled: sending it changes nothing).
 * @param {OutboxEntry} entry
 * @param {number} lastSeq     the highest seq applied locally
 * @param {Set<string>} loggedIds client_msg_ids of the user_message events applied locally
 * @param {{has(id: string): boolean}} [endedApprovals] approval ids whose end the log holds
 */
export function isDone(entry, lastSeq, loggedIds, endedApprovals = new Set()) {
  if (loggedIds.has(entry.client_msg_id)) return true;
  if (entryType(entry) === 'approve' && endedApprovals.has(String(entry.approval_id))) return true;
  return entry.acked_seq != null && entry.acked_seq <= lastSeq;
}

/** Error codes that judge a message's content: the message is refused, sending it again will not help. */
const REFUSING_CODES = new Set(['bad_frame', 'too_large']);

/**
 * The entries the server has not stored yet.
 * @param {Iterable<OutboxEntry>} entries
 * @returns {OutboxEntry[]}
 */
export function unacked(entries) {
  return [...entries].filter((e) => e.acked_seq == null);
}

/**
 * The messages shown below the log, oldest first, each with its state: those the log does not hold yet.
 * @param {Iterable<OutboxEntry>} entries
 * @param {Set<string>} loggedIds  client_msg_ids of the user_message events applied locally
 * @param {{now: number, expiryMs: number, inFlight: Set<string>}} ctx
 * @returns {{entry: OutboxEntry, state: EntryState}[]}
 */
export function pendingRows(entries, loggedIds, ctx) {
  return sortEntries([...entries])
    .filter((e) => isMessage(e) && !loggedIds.has(e.client_msg_id))
    .map((entry) => ({ entry, state: entryState(entry, ctx) }));
}

/**
 * Which of our messages an error frame refuses, if any. Only codes that judge a message's content
 * refuse one. The server names the refused `send` in `client_msg_id` when it could read the id:
 * that entry is the one if it is in our outbox, and a name that is not ours refuses none of ours.
 * With no name, the server answers frames in order, so the error belongs to the oldest send still
 * waiting for its ack.
 * @param {string} code
 * @param {string[]} awaiting client_msg_ids sent on this connection, not yet acked, in send order
 * @param {unknown} [named] the error frame's `client_msg_id`
 * @param {{has(id: string): boolean}} [outbox] the conversation's outbox (ids of its entries)
 * @returns {string|null}
 */
export function refusedBy(code, awaiting, named = null, outbox = new Set()) {
  if (!REFUSING_CODES.has(code)) return null;
  if (typeof named === 'string' && named) return outbox.has(named) ? named : null;
  return awaiting.length ? awaiting[0] : null;
}

/**
 * "2 messages waiting to send" and friends.
 * @param {OutboxEntry[]} entries  entries of one conversation, done ones already removed
 * @param {{now: number, expiryMs: number, connected: boolean}} ctx
 * @returns {{waiting: number, expired: number, refused: number, answers: number, text: string}}
 */
export function queueSummary(entries, ctx) {
  let waiting = 0, expired = 0, refused = 0, answers = 0;
  for (const e of entries) {
    const s = entryState(e, ctx);
    if (!isMessage(e)) {
      if ((s === 'queued' || s === 'sending') && entryType(e) === 'approve') answers++;
      continue;
    }
    if (s === 'queued' || s === 'sending') waiting++;
    else if (s === 'expired') expired++;
    else if (s === 'refused') refused++;
  }
  const parts = [];
  if (waiting && !ctx.connected) parts.push(`${plural(waiting, 'message')} waiting to send`);
  if (answers && !ctx.connected) parts.push(`${plural(answers, 'answer')} waiting to send`);
  if (expired) parts.push(`${plural(expired, 'message')} not sent: queued too long`);
  if (refused) parts.push(`${plural(refused, 'message')} refused by the server`);
  return { waiting, expired, refused, answers, text: parts.join(' · ') };
}

/**
 * @param {number} n
 * @param {string} word
 */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
