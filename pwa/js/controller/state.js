// The state every controller module shares: this tab's identity, what it knows of all conversations
// (`app`), and the conversation open in it (`current()`). Plain data and two accessors, no behaviour:
// the modules that change it say why where they do.

import { DEFAULT_EXPIRY_MS } from '../outbox.js';
import { Tabs } from '../tabs.js';
import { uuid } from '../ids.js';
import { listedRecords } from '../conversation-list.js';

/** @typedef {import('../db.js').ConversationRecord} ConversationRecord */
/** @typedef {import('../outbox.js').OutboxEntry} OutboxEntry */

/**
 * The conversation open in this tab.
 * @typedef {object} Current
 * @property {string} id                 server id, or "new-…" until the server names it
 * @property {boolean} pendingNew
 * @property {ConversationRecord} record
 * @property {import('../view-model.js').ConversationModel} model
 * @property {Map<string, OutboxEntry>} entries  this conversation's outbox (mirrors IndexedDB)
 * @property {Set<string>} inFlight      sent on this socket, not yet acked
 * @property {string[]} awaiting          the same, in send order (to pin refusals)
 * @property {boolean} leader            this tab holds the conversation's flush lock
 * @property {() => void} release
 * @property {boolean} replayed          replay_done seen on this socket
 * @property {{head_seq: number, status: string, permission_mode: string|null}|null} welcome
 * @property {boolean} gone
 * @property {boolean} stopping
 */

/** New for each page load; with the device id it makes the client id the server sees. */
export const tabId = uuid();
/** The channel to this app's other tabs (drafts, outbox changes, renames, the flush lock). */
export const tabs = new Tabs(tabId);

/** What this tab knows beyond the open conversation. */
export const app = {
  clientId: tabId,
  expiryMs: DEFAULT_EXPIRY_MS,
  /** @type {Map<string, ConversationRecord>} */
  records: new Map(),
  /** @type {Map<string, number>} queued (unacked) messages per conversation */
  queued: new Map(),
  /** @type {Set<string>} conversations with a draft */
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
};

/** @type {Current|null} */
let open = null;

/** The conversation open in this tab, or null while one is being opened. */
export function current() {
  return open;
}

/** @param {Current|null} c */
export function setCurrent(c) {
  open = c;
}

/** The conversations the sidebar lists, in its order (conversation-list.js). */
export function listedConversations() {
  return listedRecords(app.records.values(), { queued: app.queued, drafts: app.drafts, currentId: open?.id ?? null });
}
