import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ob from '../js/outbox.js';

const mk = (id, created_at, extra = {}) => ({ ...ob.createEntry({ conversation_id: 'c', text: `m${id}`, now: created_at, id: `id${id}` }), ...extra });
const HOUR = 3600_000;

test('validation: empty and too long texts are refused before queueing', () => {
  assert.equal(ob.validateText('  \n ').ok, false);
  assert.equal(ob.validateText('hi').ok, true);
  assert.equal(ob.validateText('x'.repeat(100001)).ok, false);
  assert.equal(ob.validateText('x'.repeat(100000)).ok, true);
});

test('a fresh entry is queued, unsent and unacked', () => {
  const e = mk(1, 5);
  assert.deepEqual(
    { sent: e.sent_count, acked: e.acked_seq, anyway: e.send_anyway, refused: e.refused },
    { sent: 0, acked: null, anyway: false, refused: null },
  );
  assert.equal(ob.entryState(e, { now: 6, expiryMs: HOUR }), 'queued');
});

test('toSend: oldest first, nothing twice on one socket, nothing expired, acked or refused', () => {
  const now = 10 * HOUR;
  const entries = [
    mk(3, now - 100),
    mk(1, now - 300),
    mk(2, now - 200, { acked_seq: 4 }),
    mk(4, now - 2 * HOUR), // expired
    mk(5, now - 50, { refused: 'too long' }),
    mk(6, now - 3 * HOUR, { send_anyway: true }),
  ];
  const inFlight = new Set(['id3']);
  const ids = ob.toSend(entries, { now, expiryMs: HOUR, inFlight, leader: true }).map((e) => e.client_msg_id);
  assert.deepEqual(ids, ['id6', 'id1']);
});

test('expiry 0 means never', () => {
  assert.equal(ob.isExpired(mk(1, 0), 1e12, 0), false);
});

test('a follower tab only sends entries the leader left unsent for a while', () => {
  const now = 100_000;
  const entries = [mk(1, now - 1000), mk(2, now - 20_000), mk(3, now - 60_000, { last_sent_at: now - 1000 })];
  const ids = ob.toSend(entries, { now, expiryMs: HOUR, inFlight: new Set(), leader: false }).map((e) => e.client_msg_id);
  assert.deepEqual(ids, ['id2']);
});

test('an entry is done when its ack seq is applied, or its user_message is in the log', () => {
  const e = ob.markAcked(mk(1, 0), 7);
  assert.equal(ob.entryState(e, { now: 0, expiryMs: HOUR }), 'acked');
  assert.equal(ob.isDone(e, 6, new Set()), false);
  assert.equal(ob.isDone(e, 7, new Set()), true);
  assert.equal(ob.isDone(mk(2, 0), 3, new Set(['id2'])), true);
  assert.equal(ob.isDone(mk(3, 0), 3, new Set(['id2'])), false);
});

test('send anyway revives an expired or refused entry', () => {
  const old = mk(1, 0);
  assert.equal(ob.entryState(old, { now: 2 * HOUR, expiryMs: HOUR }), 'expired');
  assert.equal(ob.entryState(ob.sendAnyway(old), { now: 2 * HOUR, expiryMs: HOUR }), 'queued');
  const refused = ob.markRefused(mk(2, 0), 'bad');
  assert.equal(ob.entryState(refused, { now: 1, expiryMs: HOUR }), 'refused');
  assert.equal(ob.entryState(ob.sendAnyway(refused), { now: 1, expiryMs: HOUR }), 'queued');
});

test('markSent counts sends', () => {
  const e = ob.markSent(ob.markSent(mk(1, 0), 5), 9);
  assert.equal(e.sent_count, 2);
  assert.equal(e.last_sent_at, 9);
});

test('a refusal is pinned on the oldest message still waiting for its ack, for content errors only', () => {
  assert.equal(ob.refusedBy('too_large', ['a', 'b']), 'a');
  assert.equal(ob.refusedBy('bad_frame', ['a']), 'a');
  assert.equal(ob.refusedBy('rate_limited', ['a']), null);
  assert.equal(ob.refusedBy('bad_frame', []), null);
});

test('an error that names the refused message pins the refusal on that one', () => {
  const outbox = new Map([['a', mk(1, 0)], ['b', mk(2, 0)]]);
  assert.equal(ob.refusedBy('too_large', ['a', 'b'], 'b', outbox), 'b');
  assert.equal(ob.refusedBy('bad_frame', ['a'], 'b', outbox), 'b', 'in the outbox, even if not sent on this socket');
  assert.equal(ob.refusedBy('bad_frame', ['a', 'b'], 'someone-else', outbox), null, 'not ours: none of ours is refused');
  assert.equal(ob.refusedBy('bad_frame', ['a', 'b'], null, outbox), 'a', 'no name: the oldest awaiting');
  assert.equal(ob.refusedBy('bad_frame', ['a', 'b'], '', outbox), 'a');
  assert.equal(ob.refusedBy('rate_limited', ['a', 'b'], 'b', outbox), null, 'a dropped frame is not a refusal');
});

test('queue summary in plain words', () => {
  const now = 10 * HOUR;
  const entries = [mk(1, now), mk(2, now), mk(3, now - 2 * HOUR), mk(4, now, { refused: 'x' })];
  assert.equal(ob.queueSummary(entries, { now, expiryMs: HOUR, connected: false }).text,
    '2 messages waiting to send · 1 message not sent: queued too long · 1 message refused by the server');
  const online = ob.queueSummary(entries.slice(0, 2), { now, expiryMs: HOUR, connected: true });
  assert.equal(online.waiting, 2);
  assert.equal(online.text, '');
  assert.equal(ob.queueSummary([mk(1, now)], { now, expiryMs: HOUR, connected: false }).text, '1 message waiting to send');
});

test('unacked entries, and acks forgotten when the server’s history was replaced', () => {
  const entries = [mk(1, 0), ob.markAcked(mk(2, 0), 5), mk(3, 0, { refused: 'no' })];
  assert.deepEqual(ob.unacked(entries).map((e) => e.client_msg_id), ['id1', 'id3']);
  assert.deepEqual(ob.unacked(new Map(entries.map((e) => [e.client_msg_id, e])).values()).length, 2);
  const again = ob.markUnacked(entries[1]);
  assert.equal(again.acked_seq, null);
  assert.equal(ob.entryState(again, { now: 0, expiryMs: HOUR }), 'queued');
});

test('pending rows: oldest first, with their state, leaving out what the log holds', () => {
  const now = 10 * HOUR;
  const entries = [mk(3, now - 1), mk(1, now - 3), mk(2, now - 2 * HOUR), mk(4, now)];
  const rows = ob.pendingRows(entries, new Set(['id4']), { now, expiryMs: HOUR, inFlight: new Set(['id3']) });
  assert.deepEqual(rows.map((r) => [r.entry.client_msg_id, r.state]), [['id2', 'expired'], ['id1', 'queued'], ['id3', 'sending']]);
});

// ---- answers to approvals and mode changes ride the same outbox

const answer = (id, approval, decision, extra = {}) => ({ ...ob.createAnswer({ conversation_id: 'c', approval_id: approval, decision, now: 5, id, ...extra }) });

test('entries from before types existed are messages; each type has its frame', () => {
  const old = { ...mk(1, 5) };
  delete old.type;
  assert.equal(ob.entryType(old), 'message');
  assert.deepEqual(ob.frameFor(old), { type: 'send', client_msg_id: 'id1', text: 'm1' });
  assert.deepEqual(ob.frameFor(answer('a', 'A1', 'deny', { message: '  not now ' })),
    { type: 'approve', client_msg_id: 'a', approval_id: 'A1', decision: 'deny', message: 'not now' });
  assert.deepEqual(ob.frameFor(answer('b', 'A1', 'allow', { answers: { 'Q?': 'Yes' } })),
    { type: 'approve', client_msg_id: 'b', approval_id: 'A1', decision: 'allow', answers: { 'Q?': 'Yes' } });
  assert.deepEqual(ob.frameFor(ob.createModeChange({ conversation_id: 'c', mode: 'plan', now: 1, id: 'm' })),
    { type: 'set_mode', client_msg_id: 'm', mode: 'plan' });
  assert.equal(answer('c', 'A', 'deny', { message: 'x'.repeat(3000) }).message.length, ob.MAX_REASON_CHARS);
});

test('with no page, a message and an answer go over HTTP; a mode change waits for a page', () => {
  assert.deepEqual(ob.httpRequestFor(mk(1, 5)), { path: '/api/conversations/c/messages', body: { client_msg_id: 'id1', text: 'm1' } });
  assert.deepEqual(ob.httpRequestFor(answer('a', 'A 1', 'allow_always')),
    { path: '/api/conversations/c/approvals/A%201', body: { client_msg_id: 'a', decision: 'allow_always' } });
  assert.equal(ob.httpRequestFor(ob.createModeChange({ conversation_id: 'c', mode: 'plan', now: 1, id: 'm' })), null);
});

test('an answer never expires, is not a pending message, and is done once its approval ended (I7)', () => {
  const a = answer('a', 'A1', 'allow');
  assert.equal(ob.isExpired(a, 10 * HOUR, HOUR), false);
  assert.equal(ob.entryState(a, { now: 10 * HOUR, expiryMs: HOUR }), 'queued');
  assert.deepEqual(ob.pendingRows([a, mk(1, 5)], new Set(), { now: 6, expiryMs: HOUR, inFlight: new Set() }).map((r) => r.entry.client_msg_id), ['id1']);
  assert.equal(ob.isDone(a, 10, new Set(), new Set()), false);
  assert.equal(ob.isDone(a, 10, new Set(), new Set(['A1'])), true, 'answered elsewhere or cancelled');
  assert.equal(ob.isDone(ob.markAcked(a, 7), 7, new Set()), true);
  assert.equal(ob.isDone(ob.markAcked(a, 8), 7, new Set()), false);
});

test('the card knows its answer; the header the mode asked for', () => {
  const entries = [mk(1, 5), answer('a', 'A1', 'deny'), { ...answer('b', 'A1', 'allow'), created_at: 9 }, answer('c', 'A2', 'allow')];
  assert.equal(ob.answerFor(entries, 'A1').client_msg_id, 'b');
  assert.equal(ob.answerFor(entries, 'A3'), null);
  const modes = [ob.createModeChange({ conversation_id: 'c', mode: 'plan', now: 1, id: 'm1' }), ob.createModeChange({ conversation_id: 'c', mode: 'default', now: 2, id: 'm2' })];
  assert.equal(ob.pendingMode(modes), 'default');
  assert.equal(ob.pendingMode([]), null);
});

test('the queue note counts answers waiting to send apart from messages', () => {
  const s = ob.queueSummary([mk(1, 5), answer('a', 'A1', 'allow')], { now: 6, expiryMs: HOUR, connected: false });
  assert.equal(s.text, '1 message waiting to send · 1 answer waiting to send');
  assert.equal(ob.queueSummary([answer('a', 'A1', 'allow')], { now: 6, expiryMs: HOUR, connected: true }).text, '');
});
