// Which conversations the sidebar lists, in which order, and what it says of each. Pure: the records
// come from IndexedDB (db.js) and the server's list; controller/records.js and controller/render.js
// call these rules and draw the result (ui/sidebar.js).

import { isMessage } from './outbox.js';

/** @typedef {import('./db.js').ConversationRecord} ConversationRecord */
/** @typedef {import('./ui/sidebar.js').ListRow} ListRow */

/** A new conversation with nothing in it is forgotten at start-up once it is this old. */
export const EMPTY_NEW_TTL_MS = 60000;
/** A record written this recently may be one another tab has just created: not forgotten yet. */
export const JUST_CREATED_MS = 10000;

/**
 * @typedef {object} ListContext
 * @property {Map<string, number>} queued  unacked messages per conversation
 * @property {Set<string>} drafts          conversations with a draft
 * @property {string|null} currentId       the conversation open in this tab
 */

/**
 * The records the list shows, newest activity first, local new ones on top. A new conversation
 * shows only once it holds something: a queued message, a draft, or the reader's attention.
 * @param {Iterable<ConversationRecord>} records
 * @param {ListContext} ctx
 * @returns {ConversationRecord[]}
 */
export function listedRecords(records, { queued, drafts, currentId }) {
  return [...records]
    .filter((r) => !r.pending_new || (queued.get(r.id) ?? 0) > 0 || drafts.has(r.id) || r.id === currentId)
    .sort((a, b) => (b.pending_new ? 1 : 0) - (a.pending_new ? 1 : 0) || (b.last_active_at || b.created_at) - (a.last_active_at || a.created_at));
}

/**
 * @typedef {object} OpenConversation  what the open conversation knows better than its record
 * @property {string} id
 * @property {boolean} pendingNew
 * @property {string} title   the model's title ('' when it has none yet)
 * @property {string} status  the model's status
 * @property {number} approvals  approvals waiting for an answer
 */

/**
 * The sidebar's rows. The open conversation shows its live title and status, and a new one being
 * written is listed even before it is stored.
 * @param {ConversationRecord[]} listed  from listedRecords
 * @param {{queued: Map<string, number>, drafts: Set<string>, open: OpenConversation|null, now: number}} ctx
 * @returns {ListRow[]}
 */
export function listRows(listed, { queued, drafts, open, now }) {
  const rows = listed.map((r) => {
    const isOpen = r.id === open?.id;
    return {
      id: r.id,
      title: isOpen ? open.title || r.title : r.title,
      status: isOpen && !open.pendingNew ? open.status : r.status,
      last_active_at: r.last_active_at || r.created_at,
      queued: queued.get(r.id) ?? 0,
      pending_new: !!r.pending_new,
      has_draft: drafts.has(r.id),
      approvals: isOpen && !open.pendingNew ? open.approvals : r.pending_approvals ?? 0,
      agent: r.agent ?? null,
    };
  });
  if (open?.pendingNew && !rows.some((r) => r.id === open.id)) {
    rows.unshift({ id: open.id, title: '', status: 'idle', last_active_at: now, queued: 0, pending_new: true, has_draft: false, approvals: 0, agent: null });
  }
  return rows;
}

/**
 * Unacked messages per conversation (answers to approvals and mode changes are not "queued messages").
 * @param {import('./outbox.js').OutboxEntry[]} entries
 * @returns {Map<string, number>}
 */
export function countUnacked(entries) {
  const counts = new Map();
  for (const e of entries) {
    if (e.acked_seq != null || !isMessage(e)) continue;
    counts.set(e.conversation_id, (counts.get(e.conversation_id) ?? 0) + 1);
  }
  return counts;
}

/**
 * Local records of conversations the server no longer has (deleted elsewhere). New ones are not
 * on the server yet, and one written moments ago may be another tab's brand-new conversation.
 * @param {ConversationRecord[]} records  all local records, just merged with the server's list
 * @param {Set<string>} onServer          ids in the server's list
 * @param {number} fetchedAt              when that list was asked for
 * @returns {ConversationRecord[]}
 */
export function missingOnServer(records, onServer, fetchedAt) {
  return records.filter((r) => !r.pending_new && !onServer.has(r.id) && r.local_updated_at <= fetchedAt - JUST_CREATED_MS);
}

/**
 * New conversations started on this device and left empty (no message, no draft, not open).
 * @param {Iterable<ConversationRecord>} records
 * @param {ListContext & {now: number}} ctx
 * @returns {ConversationRecord[]}
 */
export function abandonedNew(records, { queued, drafts, currentId, now }) {
  return [...records].filter((r) => r.pending_new && r.id !== currentId && !(queued.get(r.id) ?? 0)
    && !drafts.has(r.id) && now - r.created_at > EMPTY_NEW_TTL_MS);
}
