import { test } from 'node:test';
import assert from 'node:assert/strict';
import { badgeCount, isIos, notificationUrl, parseSignIn, pushBlocker } from '../js/push.js';
import { NOTIFY } from '../js/screen-text.js';
import { initialState, transition, describe as describeState } from '../js/connection-machine.js';

const ok = { secure: true, hasPushManager: true, hasNotification: true, ios: false, standalone: false, permission: 'default', serverEnabled: true };

test('notifications: each reason they cannot work, in order of what the user must fix first', () => {
  assert.equal(pushBlocker(ok), null);
  assert.equal(pushBlocker({ ...ok, secure: false }), 'insecure');
  assert.equal(pushBlocker({ ...ok, ios: true, hasPushManager: false }), 'ios_not_installed');
  assert.equal(pushBlocker({ ...ok, ios: true, standalone: true }), null);
  assert.equal(pushBlocker({ ...ok, hasPushManager: false }), 'unsupported');
  assert.equal(pushBlocker({ ...ok, serverEnabled: false }), 'no_push_contact');
  assert.equal(pushBlocker({ ...ok, serverEnabled: null }), null);
  assert.equal(pushBlocker({ ...ok, permission: 'denied' }), 'denied');
  for (const reason of ['insecure', 'ios_not_installed', 'unsupported', 'no_push_contact', 'denied']) assert.ok(NOTIFY[reason]);
  assert.match(NOTIFY.no_push_contact, /--push-contact/);
});

test('iOS is told apart, iPadOS included', () => {
  assert.ok(isIos('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)', 5));
  assert.ok(isIos('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 5));
  assert.ok(!isIos('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 0));
  assert.ok(!isIos('Mozilla/5.0 (Linux; Android 14; Pixel 7)', 5));
});

test('the sign-in box takes a link, a token or a pairing code', () => {
  assert.deepEqual(parseSignIn('https://box.tail1.ts.net/?token=abc_DEF-123'), { kind: 'token', token: 'abc_DEF-123' });
  assert.deepEqual(parseSignIn(' http://127.0.0.1:7000/?x=1&token=t0k#/c/1 '), { kind: 'token', token: 't0k' });
  assert.deepEqual(parseSignIn('k7m3q-x9pab'), { kind: 'code', code: 'K7M3QX9PAB' });
  assert.deepEqual(parseSignIn('K7M3Q X9PAB'), { kind: 'code', code: 'K7M3QX9PAB' });
  assert.deepEqual(parseSignIn('Yq3hN_0d8rWvKZb1-3sA5pL2cXu9Tm4e'), { kind: 'token', token: 'Yq3hN_0d8rWvKZb1-3sA5pL2cXu9Tm4e' });
  assert.deepEqual(parseSignIn(''), { kind: 'empty' });
  assert.deepEqual(parseSignIn('https://box/?nothing=here'), { kind: 'invalid' });
  assert.deepEqual(parseSignIn('hello'), { kind: 'invalid' });
});

test('the badge counts approvals waiting; a tap leads to the conversation', () => {
  assert.equal(badgeCount([{ pending_approvals: 2 }, {}, { pending_approvals: 1 }]), 3);
  assert.equal(badgeCount([]), 0);
  const id = '0b5e3f7e-8c1d-4f7a-9a35-1b2c3d4e5f60';
  assert.equal(notificationUrl({ conversation_id: id, kind: 'approval' }), `/#/c/${id}`);
  assert.equal(notificationUrl({ conversation_id: '../../evil' }), '/');
  assert.equal(notificationUrl({}), '/');
});

test('the browser going offline shows Offline at once, not after the ping times out', () => {
  const env = { now: 1000, random: () => 0.5 };
  let state = initialState();
  state = transition(state, { type: 'start' }, env).state;
  state = { ...state, phase: 'connected' };
  assert.equal(describeState(state, 1000).label, 'Connected');
  state = transition(state, { type: 'offline' }, env).state;
  assert.equal(describeState(state, 1000).label, 'Offline');
  state = transition(state, { type: 'online' }, env).state;
  assert.equal(describeState(state, 1000).label, 'Connected');
});
