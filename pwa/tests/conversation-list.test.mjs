import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abandonedNew, countUnacked, listedRecords, listRows, missingOnServer } from '../js/conversation-list.js';

/** @param {string} id @param {object} [extra] */
const rec = (id, extra = {}) => ({
  id, title: `t-${id}`, status: 'idle', head_seq: 0, created_at: 1000, last_active_at: 0, last_seq: 0,
  agent: null, pending_new: false, adopt_session_id: null, local_updated_at: 1000, ...extra,
});
const none = { queued: new Map(), drafts: new Set(), currentId: null };

test('the list shows the newest activity first, local new conversations on top', () => {
  const records = [rec('old', { last_active_at: 10 }), rec('recent', { last_active_at: 30 }), rec('fresh', { pending_new: true, created_at: 5 }), rec('made', { created_at: 20 })];
  const ids = listedRecords(records, { ...none, currentId: 'fresh' }).map((r) => r.id);
  assert.deepEqual(ids, ['fresh', 'recent', 'made', 'old']);
});

test('a new conversation is listed only once it holds something', () => {
  const records = [rec('a', { pending_new: true }), rec('b', { pending_new: true }), rec('c', { pending_new: true }), rec('d', { pending_new: true })];
  const ids = listedRecords(records, { queued: new Map([['a', 1], ['d', 0]]), drafts: new Set(['b']), currentId: 'c' }).map((r) => r.id);
  assert.deepEqual(ids.sort(), ['a', 'b', 'c']);
});

test('rows: the open conversation shows its live title and status', () => {
  const listed = [rec('a', { status: 'idle', title: 'stored', pending_approvals: 3 }), rec('b', { last_active_at: 0, created_at: 7, pending_approvals: 1 })];
  const rows = listRows(listed, {
    queued: new Map([['b', 2]]), drafts: new Set(['b']), now: 99,
    open: { id: 'a', pendingNew: false, title: 'live', status: 'running', approvals: 1 },
  });
  assert.deepEqual(rows[0], { id: 'a', title: 'live', status: 'running', last_active_at: 1000, queued: 0, pending_new: false, has_draft: false, approvals: 1, agent: null });
  assert.deepEqual(rows[1], { id: 'b', title: 't-b', status: 'idle', last_active_at: 7, queued: 2, pending_new: false, has_draft: true, approvals: 1, agent: null },
    'the server’s count of waiting approvals, for conversations not open here');
  const untitled = listRows(listed, { queued: new Map(), drafts: new Set(), now: 99, open: { id: 'a', pendingNew: false, title: '', status: 'idle', approvals: 0 } });
  assert.equal(untitled[0].title, 'stored');
});

test('rows: a new conversation being written is listed before it is stored', () => {
  const open = { id: 'new-1', pendingNew: true, title: '', status: 'idle', approvals: 0 };
  const rows = listRows([rec('a')], { queued: new Map(), drafts: new Set(), now: 99, open });
  assert.deepEqual(rows[0], { id: 'new-1', title: '', status: 'idle', last_active_at: 99, queued: 0, pending_new: true, has_draft: false, approvals: 0, agent: null });
  const stored = listRows([rec('new-1', { pending_new: true, status: 'x' })], { queued: new Map(), drafts: new Set(), now: 99, open });
  assert.equal(stored.length, 1);
  assert.equal(stored[0].status, 'x', 'a new one keeps its record status');
});

test('unacked messages are counted per conversation', () => {
  const e = (conversation_id, acked_seq = null) => ({ conversation_id, acked_seq });
  const counts = countUnacked(/** @type {any} */ ([e('a'), e('a'), e('b', 3), e('c'), { ...e('c'), type: 'approve' }, { ...e('d'), type: 'set_mode' }]));
  assert.deepEqual([...counts], [['a', 2], ['c', 1]]);
});

test('conversations missing from the server list, but not new nor just created', () => {
  const fetchedAt = 100_000;
  const records = [
    rec('kept'), rec('gone'), rec('local', { pending_new: true }),
    rec('just-made', { local_updated_at: fetchedAt - 5000 }), rec('a-while-ago', { local_updated_at: fetchedAt - 10_000 }),
  ];
  const ids = missingOnServer(records, new Set(['kept']), fetchedAt).map((r) => r.id);
  assert.deepEqual(ids, ['gone', 'a-while-ago']);
});

test('empty new conversations left behind are found after a minute', () => {
  const now = 200_000;
  const old = now - 61_000;
  const records = [
    rec('empty', { pending_new: true, created_at: old }),
    rec('young', { pending_new: true, created_at: now - 1000 }),
    rec('open', { pending_new: true, created_at: old }),
    rec('queued', { pending_new: true, created_at: old }),
    rec('drafted', { pending_new: true, created_at: old }),
    rec('server', { created_at: old }),
  ];
  const ids = abandonedNew(records, { queued: new Map([['queued', 1]]), drafts: new Set(['drafted']), currentId: 'open', now }).map((r) => r.id);
  assert.deepEqual(ids, ['empty']);
});
