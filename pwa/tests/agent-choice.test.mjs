import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentPicker, chosenAgent, defaultAgent, helloAgent, offeredAgents, welcomeAgents } from '../js/agent-choice.js';
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

test('a device that remembered an agent the server no longer offers follows the welcome', () => {
  // before /api/health answered, the remembered offer still had codex: the hello asks for it
  assert.equal(helloAgent(['claude', 'codex'], null, 'codex'), 'codex');
  // the server falls back to its default (with a notice in the log) instead of refusing the hello
  const got = welcomeAgents({ type: 'welcome', agent: 'claude', agents: ['claude', 'demo'] });
  assert.deepEqual(got, { offered: ['claude', 'demo'], fallback: 'claude', own: 'claude' });
  // with the learnt offer, the next new conversation neither asks for codex nor shows it
  assert.equal(helloAgent(got.offered, 'codex', 'codex'), 'claude');
  assert.deepEqual(agentPicker({ agents: got.offered, picked: null, last: 'codex', pendingNew: true, hasMessages: false }).options.map((o) => o.id), ['claude', 'demo']);
});

test('an old welcome without agents still names the default', () => {
  assert.deepEqual(welcomeAgents({ agent: 'demo' }), { offered: [], fallback: 'demo', own: 'demo' });
  assert.deepEqual(welcomeAgents({}), { offered: [], fallback: null, own: null });
});
