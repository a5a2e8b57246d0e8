import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentPicker, chosenAgent, defaultAgent, helloAgent, offeredAgents } from '../js/agent-choice.js';
import { listRows } from '../js/conversation-list.js';
import { agentName } from '../js/screen-text.js';

test("the server's offer is cleaned, its default kept first", () => {
  assert.deepEqual(offeredAgents(['claude', 'codex', 'claude', 3, '']), ['claude', 'codex']);
  assert.deepEqual(offeredAgents(undefined), []);
});

test('a new conversation gets the agent last used, if still offered, else the server default', () => {
  assert.equal(defaultAgent(['claude', 'codex'], 'codex'), 'codex');
  assert.equal(defaultAgent(['claude', 'codex'], 'demo'), 'claude');
  assert.equal(defaultAgent([], 'codex'), null);
  assert.equal(chosenAgent(['claude', 'codex'], 'claude', 'codex'), 'claude', 'a pick wins over the last');
  assert.equal(chosenAgent(['claude'], 'codex', null), 'claude', 'a pick no longer offered falls back');
});

test('hello.agent is sent only when the server offers a choice', () => {
  assert.equal(helloAgent(['claude', 'codex'], null, 'codex'), 'codex');
  assert.equal(helloAgent(['claude', 'codex'], 'claude', 'codex'), 'claude');
  assert.equal(helloAgent(['claude'], 'claude', null), undefined);
  assert.equal(helloAgent([], 'codex', 'codex'), undefined);
});

test('the picker shows on a new, empty conversation of a server with several agents', () => {
  const base = { agents: ['claude', 'codex'], picked: null, last: 'codex', pendingNew: true, hasMessages: false };
  assert.deepEqual(agentPicker(base), { show: true, options: [{ id: 'claude', selected: false }, { id: 'codex', selected: true }] });
  assert.equal(agentPicker({ ...base, hasMessages: true }).show, false, 'a queued message fixed the choice');
  assert.equal(agentPicker({ ...base, pendingNew: false }).show, false);
  assert.equal(agentPicker({ ...base, agents: ['claude'] }).show, false);
  assert.equal(agentName('codex'), 'Codex');
  assert.equal(agentName('other'), 'other');
});

test("the list's rows carry each conversation's agent", () => {
  const rec = { id: 'a', title: 't', status: 'idle', created_at: 1, last_active_at: 2, agent: 'codex', pending_new: false };
  const rows = listRows([/** @type {any} */ (rec)], { queued: new Map(), drafts: new Set(), open: null, now: 3 });
  assert.equal(rows[0].agent, 'codex');
});
