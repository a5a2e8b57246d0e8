import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, transition, describe as describeState } from '../js/connection-machine.js';

const env = (now = 1000) => ({ now, random: () => 0.5 });

/** run a sequence of events, returning the final state and all effects */
function run(events, state = initialState(), now = 1000) {
  const all = [];
  for (const e of events) {
    const r = transition(state, e, env(now));
    state = r.state;
    all.push(...r.effects);
  }
  return { state, effects: all };
}
const types = (effects) => effects.map((e) => e.type);

test('start opens a socket; welcome means connected', () => {
  let { state, effects } = run([{ type: 'start' }]);
  assert.equal(state.phase, 'connecting');
  assert.deepEqual(types(effects), ['cancel', 'close', 'open']);
  assert.equal(effects[2].socket, 1);
  ({ state } = run([{ type: 'welcome', socket: 1 }], state));
  assert.equal(state.phase, 'connected');
  assert.equal(state.everConnected, true);
});

test('a lost connection backs off, and gives up after 10 attempts', () => {
  let { state } = run([{ type: 'start' }, { type: 'welcome' }]);
  const delays = [];
  for (let i = 0; i < 12; i++) {
    const r = transition(state, { type: 'closed', socket: state.socket }, env());
    state = r.state;
    const sched = r.effects.find((e) => e.type === 'schedule');
    if (state.phase === 'failed') break;
    assert.equal(state.phase, 'reconnecting');
    delays.push(sched.delay);
    const t = transition(state, { type: 'timer' }, env());
    state = t.state;
    assert.equal(state.phase, 'connecting');
    assert.ok(t.effects.some((e) => e.type === 'open'));
  }
  assert.equal(state.phase, 'failed');
  // random 0.5 → 3/4 of each ceiling: 1 s, 2 s, 4 s, 8 s, 16 s, 30 s, …
  assert.deepEqual(delays, [750, 1500, 3000, 6000, 12000, 22500, 22500, 22500, 22500]);
  assert.equal(state.attempt, 10);
});

test('retry_now from failed connects with a fresh budget', () => {
  let state = { ...initialState(), phase: 'failed', attempt: 10, socket: 4 };
  const r = transition(state, { type: 'retry_now' }, env());
  assert.equal(r.state.phase, 'connecting');
  assert.equal(r.state.attempt, 0);
  assert.equal(r.state.socket, 5);
});

test('a welcome resets the attempt counter', () => {
  let { state } = run([{ type: 'start' }]);
  ({ state } = run([{ type: 'closed', socket: 1 }, { type: 'timer' }, { type: 'closed', socket: 2 }, { type: 'timer' }], state));
  assert.equal(state.attempt, 2);
  ({ state } = run([{ type: 'welcome', socket: 3 }], state));
  assert.equal(state.attempt, 0);
});

test('closes of old sockets are ignored', () => {
  let { state } = run([{ type: 'start' }, { type: 'welcome' }]);
  const r = transition(state, { type: 'closed', socket: 0 }, env());
  assert.equal(r.state, state);
  assert.deepEqual(r.effects, []);
});

test('online, wake and retry_now reconnect at once while waiting', () => {
  for (const ev of ['online', 'wake', 'retry_now', 'timer']) {
    let { state } = run([{ type: 'start' }, { type: 'closed', socket: 1 }]);
    assert.equal(state.phase, 'reconnecting');
    const r = transition(state, { type: ev }, env());
    assert.equal(r.state.phase, 'connecting', ev);
    assert.deepEqual(types(r.effects), ['cancel', 'close', 'open']);
  }
});

test('online and wake probe a connected socket (it may be half-open)', () => {
  const { state } = run([{ type: 'start' }, { type: 'welcome' }]);
  for (const ev of ['online', 'wake', 'offline']) {
    const r = transition(state, { type: ev }, env());
    assert.equal(r.state.phase, 'connected');
    assert.deepEqual(types(r.effects), ['probe'], ev);
  }
});

test('a live socket found dead is replaced at once; a new one that hangs backs off', () => {
  const { state } = run([{ type: 'start' }, { type: 'welcome' }]);
  const r = transition(state, { type: 'dead', socket: 1 }, env());
  assert.equal(r.state.phase, 'connecting');
  assert.deepEqual(types(r.effects), ['cancel', 'close', 'open']);
  assert.equal(r.effects[2].socket, 2);
  const hung = transition(r.state, { type: 'dead', socket: 2 }, env());
  assert.equal(hung.state.phase, 'reconnecting');
  assert.equal(hung.state.attempt, 1);
  assert.deepEqual(types(hung.effects), ['close', 'cancel', 'schedule']);
});

test('offline: losses do not count toward failure; online reconnects at once', () => {
  let { state } = run([{ type: 'start' }, { type: 'welcome' }, { type: 'offline' }]);
  for (let i = 0; i < 30; i++) {
    ({ state } = run([{ type: 'dead', socket: state.socket }], state));
    assert.equal(state.phase, 'offline');
    ({ state } = run([{ type: 'timer' }], state));
    assert.equal(state.phase, 'connecting');
  }
  assert.equal(state.attempt, 0);
  ({ state } = run([{ type: 'closed', socket: state.socket }], state));
  const r = transition(state, { type: 'online' }, env());
  assert.equal(r.state.phase, 'connecting');
  assert.equal(r.state.online, true);
});

test('going offline while reconnecting shows offline', () => {
  const { state } = run([{ type: 'start' }, { type: 'closed', socket: 1 }, { type: 'offline' }]);
  assert.equal(state.phase, 'offline');
});

test('unauthorized stops everything until retry_now', () => {
  let { state, effects } = run([{ type: 'start' }, { type: 'closed', socket: 1 }, { type: 'unauthorized' }]);
  assert.equal(state.phase, 'unauthorized');
  for (const ev of ['timer', 'online', 'wake']) {
    const r = transition(state, { type: ev }, env());
    assert.ok(!r.effects.some((e) => e.type === 'open'), ev);
  }
  assert.equal(transition(state, { type: 'retry_now' }, env()).state.phase, 'connecting');
});

test('stop goes idle and closes', () => {
  const { state, effects } = run([{ type: 'start' }, { type: 'welcome' }, { type: 'stop' }]);
  assert.equal(state.phase, 'idle');
  assert.deepEqual(types(effects).slice(-2), ['cancel', 'close']);
  // a late close of the stopped socket changes nothing
  assert.equal(transition(state, { type: 'closed', socket: 1 }, env()).state.phase, 'idle');
});

test('the indicator speaks plainly', () => {
  const base = initialState();
  assert.equal(describeState({ ...base, phase: 'connected' }, 0).label, 'Connected');
  assert.equal(describeState({ ...base, phase: 'reconnecting', retryAt: 4200 }, 1000).label, 'Reconnecting in 4 s');
  assert.equal(describeState({ ...base, phase: 'offline' }, 0).label, 'Offline');
  const failed = describeState({ ...base, phase: 'failed' }, 0);
  assert.equal(failed.retry, true);
  assert.equal(failed.tone, 'bad');
});
