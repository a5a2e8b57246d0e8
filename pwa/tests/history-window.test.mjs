import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTurnStart, readBackwards, seqOfKey, windowStart } from '../js/history-window.js';
import { buildModel, buildWindow } from '../js/view-model.js';

let seq = 0;
const ev = (kind, data = {}) => ({ seq: ++seq, kind, ts: 1_700_000_000_000 + seq, data });
const asst = (id, block) => ev('agent', { type: 'assistant', message: { id, role: 'assistant', content: [block] }, session_id: 'S1' });
const result = (cost = 0.01) => ev('agent', { type: 'result', subtype: 'success', is_error: false, duration_ms: 1000, total_cost_usd: cost, session_id: 'S1' });
const toolResult = (id, text = 'ok') => ev('agent', { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: text }] } });

/** A turn of many pieces: a reply streamed in pieces of one message, tools with results, maybe a checklist. */
function turn(n, { todos = false, outcome = 'ok', approval = false, session = false } = {}) {
  const out = [ev('user_message', { client_msg_id: `cm${n}`, text: `message ${n}` })];
  if (session) out.push(ev('session_started', { fallback: false }));
  out.push(ev('run_started', { resumed: n > 1 }));
  out.push(ev('agent', { type: 'system', subtype: 'init', session_id: 'S1', model: `model-${n}`, cwd: '/w', permissionMode: 'default' }));
  out.push(asst(`m${n}a`, { type: 'text', text: `Turn ${n}, ` }), asst(`m${n}a`, { type: 'text', text: 'in two pieces.' }));
  out.push(asst(`m${n}b`, { type: 'tool_use', id: `tu${n}`, name: 'Bash', input: { command: `echo ${n}` } }));
  if (approval) {
    out.push(ev('approval_requested', { approval_id: `ap${n}`, tool: 'Bash', input: { command: 'rm x' }, tool_use_id: `tu${n}` }));
    out.push(ev('approval_resolved', { approval_id: `ap${n}`, decision: 'allow' }));
  }
  out.push(toolResult(`tu${n}`, `${n}`));
  if (todos) {
    out.push(asst(`m${n}c`, { type: 'tool_use', id: `todo${n}`, name: 'TodoWrite', input: { todos: [{ content: `step ${n}`, status: 'in_progress' }] } }));
    out.push(toolResult(`todo${n}`));
  }
  if (outcome === 'ok') out.push(asst(`m${n}d`, { type: 'text', text: 'Done.' }), result());
  out.push(ev('run_finished', { outcome, exit_code: outcome === 'ok' ? null : 1 }));
  return out;
}

/** A log mixing what a window boundary could cut wrongly. */
function longLog() {
  seq = 0;
  const log = [];
  for (let n = 1; n <= 40; n++) {
    log.push(...turn(n, { todos: n % 7 === 3, outcome: n % 9 === 5 ? 'error' : n % 11 === 4 ? 'interrupted' : 'ok', approval: n % 5 === 2, session: n === 1 || n % 13 === 0 }));
    if (n % 10 === 6) log.push(ev('mode_changed', { mode: n % 20 === 6 ? 'acceptEdits' : 'default' }));
    if (n === 17) {
      // a message queued while a run works: logged before that run's end, so no boundary there
      log.push(ev('user_message', { client_msg_id: 'q1', text: 'first' }), ev('run_started', {}));
      log.push(asst('mq', { type: 'tool_use', id: 'tq', name: 'Read', input: { file_path: '/a' } }));
      log.push(ev('user_message', { client_msg_id: 'q2', text: 'queued' }));
      log.push(toolResult('tq'), result(), ev('run_finished', { outcome: 'ok' }), ev('run_started', {}), result(), ev('run_finished', { outcome: 'ok' }));
    }
    if (n === 30) log.push(ev('session_lost', { recovery: 'new_session', reason: 'gone' }), ev('session_started', { fallback: true }));
  }
  return log;
}

/** The log cut into windows as db.readWindow cuts it, oldest first. */
function windows(log, minCount) {
  const out = [];
  let end = log.length;
  while (end > 0) {
    const start = windowStart(log.slice(0, end), minCount);
    assert.ok(start >= 0);
    out.unshift(log.slice(start, end));
    end = start;
  }
  return out;
}

const plain = (items) => items.map(({ rev, ...rest }) => rest);

test('a turn starts at a user message right after a run finished, or at the log\'s start', () => {
  assert.equal(isTurnStart({ seq: 1, kind: 'agent' }, undefined), true);
  assert.equal(isTurnStart({ seq: 5, kind: 'user_message' }, { seq: 4, kind: 'run_finished' }), true);
  assert.equal(isTurnStart({ seq: 5, kind: 'user_message' }, { seq: 4, kind: 'agent', data: { imported: true } }), true);
  assert.equal(isTurnStart({ seq: 5, kind: 'user_message' }, { seq: 4, kind: 'agent', data: {} }), false, 'queued during a run');
  assert.equal(isTurnStart({ seq: 5, kind: 'user_message' }, undefined), false, 'what came before is unknown');
  assert.equal(isTurnStart({ seq: 5, kind: 'user_message' }, { seq: 3, kind: 'run_finished' }), false, 'a gap');
  assert.equal(isTurnStart({ seq: 5, kind: 'run_started' }, { seq: 4, kind: 'run_finished' }), false);
});

test('the newest window holds at least the asked count and starts at a turn; -1 asks for older events', () => {
  const log = longLog();
  const start = windowStart(log, 30);
  assert.ok(log.length - start >= 30);
  assert.equal(log[start].kind, 'user_message');
  assert.equal(log[start - 1].kind, 'run_finished');
  // no turn start in the part read: read further back
  assert.equal(windowStart(log.slice(start + 1, start + 8), 3), -1);
  // fewer events than asked: all of them
  assert.equal(windowStart(log.slice(0, 10), 50), 0);
});

test('windows folded one by one and put together give what folding the whole log gives', () => {
  const log = longLog();
  const whole = buildModel(log);
  for (const minCount of [1, 5, 17, 40, 120, log.length]) {
    const parts = windows(log, minCount);
    const model = buildWindow(parts[parts.length - 1], { title: whole.title });
    const removed = [];
    for (let i = parts.length - 2; i >= 0; i--) removed.push(...model.prependOlder(buildWindow(parts[i])).removed);
    assert.equal(model.firstSeq, 1);
    assert.deepEqual(plain(model.items), plain(whole.items), `windows of ≥ ${minCount}`);
    assert.equal(model.title, whole.title);
    assert.equal(model.status, whole.status);
    assert.equal(model.lastSeq, whole.lastSeq);
    assert.ok(Math.abs(model.totalCostUsd - whole.totalCostUsd) < 1e-9);
    assert.deepEqual(model.mode, whole.mode);
    assert.deepEqual(model.session, whole.session);
    assert.deepEqual(plain(model.pendingApprovals), plain(whole.pendingApprovals));
    for (const key of removed) assert.ok(!model.byKey.has(key));
    for (const item of model.items) assert.equal(model.byKey.get(item.key), item);
  }
});

test('the newest window alone shows its own turns right, and the title it was given', () => {
  const log = longLog();
  const whole = buildModel(log);
  const start = windowStart(log, 60);
  const model = buildWindow(log.slice(start), { title: 'the stored title' });
  assert.equal(model.title, 'the stored title');
  assert.equal(model.firstSeq, log[start].seq);
  assert.equal(model.status, whole.status);
  assert.equal(model.lastSeq, whole.lastSeq);
  assert.deepEqual(model.session, whole.session, 'the newest init is in the newest window');
  const tail = new Map(whole.items.map((i) => [i.key, i]));
  for (const item of model.items) {
    if (item.kind === 'tool' && item.name === 'TodoWrite') continue; // moved to the first checklist once older windows come
    if (item.kind === 'session') continue; // first or clean: known once the older windows are
    const { rev: _a, ...mine } = item;
    const { rev: _b, ...theirs } = /** @type {any} */ (tail.get(item.key));
    assert.deepEqual(mine, theirs, item.key);
  }
});

test('reading backwards by ranges: the newest window, then the one before, each read in a few bounded chunks', async () => {
  const log = longLog();
  let read = 0;
  const readRange = async (from, to) => {
    assert.ok(from >= 1 && to >= from - 1);
    const rows = log.filter((e) => e.seq >= from && e.seq <= to);
    read += rows.length;
    return rows;
  };
  const top = log[log.length - 1].seq;
  const newest = await readBackwards(readRange, top, 40);
  assert.equal(newest[newest.length - 1].seq, top);
  assert.equal(newest[0].seq, log[windowStart(log, 40)].seq, 'the same start as windowStart on the whole log');
  assert.ok(read <= 3 * 41, `read ${read} events for a window of ${newest.length}`);
  const before = await readBackwards(readRange, newest[0].seq - 1, 40);
  assert.equal(before[before.length - 1].seq, newest[0].seq - 1);
  assert.ok(isTurnStart(before[0], log[before[0].seq - 2]));
  // back to the first event; nothing stored: nothing
  assert.equal((await readBackwards(readRange, 12, 40))[0].seq, 1);
  assert.deepEqual(await readBackwards(readRange, 0, 40), []);
});

test('windows that do not meet are refused', () => {
  const log = longLog();
  const start = windowStart(log, 30);
  const newest = buildWindow(log.slice(start));
  assert.throws(() => newest.prependOlder(buildWindow(log.slice(0, start - 1))));
});

test('an item key tells the seq of the event that made it', () => {
  assert.equal(seqOfKey('u12'), 12);
  assert.equal(seqOfKey('a1234.2'), 1234);
  assert.equal(seqOfKey('t7'), 7);
  assert.equal(seqOfKey(null), null);
  assert.equal(seqOfKey('new-abc'), null);
});
