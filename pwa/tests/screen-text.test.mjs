import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState } from '../js/connection-machine.js';
import { connectionText, emptyScreen, headerSubtitle, pageTitle, sidebarFoot, workingText } from '../js/screen-text.js';

test('the header says which agent and what state, in words', () => {
  assert.equal(headerSubtitle({ agent: 'claude', pendingNew: false, hasMessages: false, status: 'idle' }), 'claude agent · Idle');
  assert.equal(headerSubtitle({ agent: null, pendingNew: false, hasMessages: false, status: 'expired' }), 'Inactive: a new message wakes it');
  assert.equal(headerSubtitle({ agent: 'demo', pendingNew: false, hasMessages: false, status: 'odd' }), 'demo agent · odd');
  assert.equal(headerSubtitle({ agent: 'demo', pendingNew: true, hasMessages: false, status: 'running' }), 'demo agent · New');
  assert.equal(headerSubtitle({ agent: null, pendingNew: true, hasMessages: true, status: 'idle' }), 'Waiting for the server');
});

test('the page title follows the conversation', () => {
  assert.equal(pageTitle(''), 'swe-swe');
  assert.equal(pageTitle('Fix\nthe build'), 'Fix the build · swe-swe');
  assert.equal(pageTitle('x'.repeat(60)), `${'x'.repeat(39)}… · swe-swe`);
});

test('the empty screen invites, or waits for a history the server has', () => {
  assert.equal(emptyScreen({ pendingNew: true, headSeq: 0 }).heading, 'What should the agent do?');
  assert.equal(emptyScreen({ pendingNew: false, headSeq: 0 }).heading, 'What should the agent do?');
  assert.equal(emptyScreen({ pendingNew: false, headSeq: 4 }).heading, 'Not on this device yet');
});

test('the working bar counts queued turns, and says when it stops', () => {
  assert.deepEqual(workingText({ stopping: false, queuedTurns: 0 }), { label: 'The agent is working…', stop: 'Stop' });
  assert.deepEqual(workingText({ stopping: false, queuedTurns: 2 }), { label: 'The agent is working… (2 more queued)', stop: 'Stop' });
  assert.deepEqual(workingText({ stopping: true, queuedTurns: 2 }), { label: 'Stopping…', stop: 'Stopping…' });
});

test('the connection chip: a new conversation with no socket reads Ready, or Offline', () => {
  const idle = initialState({ online: true });
  assert.equal(connectionText(idle, 0, { pendingNew: true, online: true }).label, 'Ready');
  const offline = connectionText(idle, 0, { pendingNew: true, online: false });
  assert.equal(offline.label, 'Offline');
  assert.equal(offline.tone, 'warn');
  assert.equal(offline.title, 'Offline');
  const connected = connectionText({ ...idle, phase: 'connected' }, 0, { pendingNew: true, online: true });
  assert.equal(connected.label, 'Connected');
  assert.equal(connected.banner.show, false);
});

test('the connection banner shows when the server stays away', () => {
  const base = initialState({ online: true });
  const failed = connectionText({ ...base, phase: 'failed' }, 0, { pendingNew: false, online: true });
  assert.deepEqual(failed.banner, { show: true, tone: 'bad', text: 'Cannot reach the server. Your messages stay on this device until it answers.' });
  assert.equal(failed.title, 'Cannot reach the server. Tap to retry now.');
  const offline = connectionText({ ...base, phase: 'offline', online: false }, 0, { pendingNew: false, online: false });
  assert.equal(offline.banner.show, true);
  assert.equal(offline.banner.tone, 'warn');
  assert.match(offline.banner.text, /^You are offline\./);
  const soon = { ...base, phase: /** @type {const} */ ('reconnecting'), retryAt: 5000 };
  assert.equal(connectionText({ ...soon, attempt: 2 }, 0, { pendingNew: false, online: true }).banner.show, false);
  const third = connectionText({ ...soon, attempt: 3 }, 0, { pendingNew: false, online: true });
  assert.equal(third.banner.show, true);
  assert.equal(third.banner.text, 'The server does not answer. Reconnecting in 5 s.');
});

test('the sidebar footer names the agent and the server version', () => {
  assert.equal(sidebarFoot([], '1.0'), '');
  assert.equal(sidebarFoot(['claude'], null), 'claude agent');
  assert.equal(sidebarFoot(['claude'], '0.1.0'), 'claude agent · server 0.1.0');
  assert.equal(sidebarFoot(['claude', 'codex'], '0.1.0'), 'claude and codex agents · server 0.1.0', 'every agent offered, the default first');
  assert.equal(sidebarFoot(['codex', 'claude', 'demo'], null), 'codex, claude and demo agents');
});
