// The WebSocket driver against a fake socket and a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, pongTimeoutFor, CONNECT_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS, CLOSE_CLIENT_CLOSING } from '../js/connection.js';
import { readFileSync } from 'node:fs';

function harness({ online = true, checkAuth, hello = () => ({ conversation_id: 'c1', last_seq: 7 }) } = {}) {
  let now = 1_000_000;
  let nextId = 1;
  const timers = new Map();
  const sockets = [];
  class FakeWS {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      sockets.push(this);
    }
    send(data) { this.sent.push(JSON.parse(data)); }
    close(code) { this.readyState = 3; this.closedWith = code; }
    // test helpers
    open() { this.readyState = 1; this.onopen?.(); }
    receive(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
    drop(code = 1006) { this.readyState = 3; this.onclose?.({ code, reason: '' }); }
  }
  const frames = [];
  const states = [];
  const conn = new Connection({
    url: () => 'ws://test/ws',
    clientId: 'tab-1',
    hello,
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s.phase),
    checkAuth,
    online,
    env: {
      WebSocket: FakeWS,
      setTimeout: (fn, ms) => { const id = nextId++; timers.set(id, { fn, at: now + ms }); return id; },
      clearTimeout: (id) => timers.delete(id),
      now: () => now,
      random: () => 0.5,
    },
  });
  const advance = (ms) => {
    const end = now + ms;
    for (;;) {
      let best = null;
      for (const [id, t] of timers) if (t.at <= end && (!best || t.at < best[1].at)) best = [id, t];
      if (!best) break;
      timers.delete(best[0]);
      now = best[1].at;
      best[1].fn();
    }
    now = end;
  };
  return { conn, sockets, frames, states, advance, timers, last: () => sockets[sockets.length - 1] };
}

const welcome = { type: 'welcome', protocol: 1, conversation_id: 'c1', head_seq: 9, status: 'idle', agent: 'demo', ping_interval_ms: 1000, reset: false };

test('hello is the first frame, with the conversation and last_seq', () => {
  const h = harness();
  h.conn.start();
  h.last().open();
  assert.deepEqual(h.last().sent[0], { type: 'hello', protocol: 1, client_id: 'tab-1', conversation_id: 'c1', last_seq: 7 });
  assert.equal(h.conn.state.phase, 'connecting');
  assert.equal(h.conn.send({ type: 'send' }), false, 'nothing but hello before welcome');
  h.last().receive(welcome);
  assert.equal(h.conn.state.phase, 'connected');
  assert.equal(h.frames[0].type, 'welcome');
  assert.equal(h.conn.send({ type: 'stop' }), true);
});

test('a new conversation says hello with its creation key, and the same key after a reconnect', () => {
  const key = '0f9d4c1e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
  const h = harness({ hello: () => ({ conversation_id: null, last_seq: 0, create_key: key }) });
  h.conn.start();
  h.last().open();
  assert.deepEqual(h.last().sent[0], { type: 'hello', protocol: 1, client_id: 'tab-1', conversation_id: null, last_seq: 0, create_key: key });
  h.last().drop();
  h.advance(1000);
  h.last().open();
  assert.equal(h.last().sent[0].create_key, key);
});

test('server pings are answered with the same ts and are not passed on', () => {
  const h = harness();
  h.conn.start();
  h.last().open();
  h.last().receive(welcome);
  h.last().receive({ type: 'ping', ts: 42 });
  assert.deepEqual(h.last().sent.at(-1), { type: 'pong', ts: 42 });
  assert.equal(h.frames.length, 1);
});

test('the client pings every ping interval; a missing pong ends the socket', () => {
  const h = harness();
  h.conn.start();
  const ws = h.last();
  ws.open();
  ws.receive(welcome);
  h.advance(1000);
  assert.equal(ws.sent.at(-1).type, 'ping');
  ws.receive({ type: 'pong', ts: ws.sent.at(-1).ts });
  h.advance(1000);
  assert.equal(ws.sent.filter((f) => f.type === 'ping').length, 2);
  // no answer this time (half-open link): dead after the pong timeout, and a new socket at once
  const before = h.sockets.length;
  h.advance(pongTimeoutFor(1000) + 10);
  assert.equal(ws.closedWith, CLOSE_CLIENT_CLOSING);
  assert.equal(h.sockets.length, before + 1);
  assert.equal(h.conn.state.phase, 'connecting');
});

test('any frame counts as the answer to a probe', () => {
  const h = harness();
  h.conn.start();
  const ws = h.last();
  ws.open();
  ws.receive(welcome);
  h.conn.wake();
  assert.equal(ws.sent.at(-1).type, 'ping');
  h.advance(500);
  ws.receive({ type: 'event', seq: 8, kind: 'notice', ts: 1, data: {} });
  assert.equal(h.conn.probeTimer, null);
  h.advance(400); // past the first probe's deadline had it not been answered
  assert.equal(h.conn.state.phase, 'connected');
});

test('going offline probes the open socket; frames held by the network never come, so it dies', () => {
  const h = harness();
  h.conn.start();
  const ws = h.last();
  ws.open();
  ws.receive(welcome);
  h.conn.setOnline(false);
  assert.equal(ws.sent.at(-1).type, 'ping');
  h.advance(pongTimeoutFor(1000) + 1);
  assert.equal(h.conn.state.phase, 'offline');
  h.conn.setOnline(true);
  assert.equal(h.conn.state.phase, 'connecting');
});

test('a socket that never opens, or never says welcome, is dead', () => {
  const h = harness();
  h.conn.start();
  h.advance(CONNECT_TIMEOUT_MS + 1);
  assert.equal(h.conn.state.phase, 'reconnecting');
  h.advance(1000);
  const ws = h.last();
  ws.open();
  h.advance(HANDSHAKE_TIMEOUT_MS + 1);
  assert.equal(h.conn.state.phase, 'reconnecting');
  assert.equal(h.conn.state.attempt, 2);
});

test('late events of a dropped socket are ignored', () => {
  const h = harness();
  h.conn.start();
  const first = h.last();
  first.open();
  first.receive(welcome);
  h.conn.retryNow(); // no-op while connected
  assert.equal(h.sockets.length, 1);
  first.drop();
  h.advance(1000);
  const second = h.last();
  assert.notEqual(first, second);
  first.receive({ type: 'event', seq: 99 });
  assert.equal(h.frames.filter((f) => f.seq === 99).length, 0);
});

test('a socket refused before opening asks whether we are still authorised', async () => {
  let asked = 0;
  const h = harness({ checkAuth: async () => { asked++; return 'unauthorized'; } });
  h.conn.start();
  h.last().drop();
  await new Promise((r) => setImmediate(r));
  assert.equal(asked, 1);
  assert.equal(h.conn.state.phase, 'unauthorized');
  h.advance(60000);
  assert.equal(h.sockets.length, 1, 'no reconnect loop while unauthorised');
});

test('pong timeout scales with the ping interval within 2–8 s', () => {
  assert.equal(pongTimeoutFor(1000), 2000);
  assert.equal(pongTimeoutFor(5000), 5000);
  assert.equal(pongTimeoutFor(30000), 8000);
});

test('close codes are named, never bare numbers (issue 13)', () => {
  assert.equal(CLOSE_CLIENT_CLOSING, 4000);
  const source = readFileSync(new URL('../js/connection.js', import.meta.url), 'utf8');
  assert.doesNotMatch(source, /\.close\(\s*\d/);
});
