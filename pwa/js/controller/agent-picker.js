// The agent a new conversation runs, when the server offers several: what this tab knows of the offer
// (welcome.agents, /api/health), the device's last pick (IndexedDB meta `last_agent`), the pick of the
// open new conversation (its record's `agent`), and the picker in the empty screen. The rules are
// agent-choice.js's, the drawing ui/agent-picker.js's. Kept apart from other "New conversation"
// choices so each stays a small piece.

import * as db from '../db.js';
import { agentPicker, chosenAgent, helloAgent, offeredAgents } from '../agent-choice.js';
import { renderAgentPicker } from '../ui/agent-picker.js';
import { app, current } from './state.js';
import { els } from './elements.js';

/** @typedef {import('./state.js').Current} Current */

const picks = {
  /** @type {string[]} the agents the server offers, its default first */
  agents: [],
  /** @type {string|null} the agent this device last started a conversation with */
  last: null,
};

/** Read what this device remembers (the offer, for a start offline; the last pick). */
export async function loadAgentChoice() {
  const [agents, last] = await Promise.all([db.getMeta('agents').catch(() => undefined), db.getMeta('last_agent').catch(() => undefined)]);
  if (!picks.agents.length) picks.agents = offeredAgents(agents);
  picks.last = typeof last === 'string' ? last : null;
}

/**
 * The server said which agents it offers (welcome.agents, /api/health agents).
 * @param {unknown} list
 */
export function learnAgents(list) {
  const agents = offeredAgents(list);
  if (!agents.length || agents.join() === picks.agents.join()) return;
  picks.agents = agents;
  db.setMeta('agents', agents).catch(() => {});
}

/**
 * `hello.agent` for the open conversation (only for a new one, only when there is a choice).
 * @param {Current} c
 * @returns {string|undefined}
 */
export function helloAgentFor(c) {
  return c.pendingNew ? helloAgent(picks.agents, c.record.agent, picks.last) : undefined;
}

/**
 * The agent the header names: the conversation's own, or, for a new one, the one it will get.
 * @param {Current} c
 * @returns {string|null}
 */
export function agentOf(c) {
  if (c.pendingNew) return (picks.agents.length > 1 ? chosenAgent(picks.agents, c.record.agent, picks.last) : null) ?? app.agent;
  return c.record.agent ?? app.agent;
}

/**
 * The agents the server offers, its default first (the sidebar's footer); before it said, the default
 * it named, if any.
 * @returns {string[]}
 */
export function offeredList() {
  return picks.agents.length ? [...picks.agents] : app.agent ? [app.agent] : [];
}

/** Whether the list names each conversation's agent: when the server offers several. */
export function showsAgents() {
  return picks.agents.length > 1;
}

/** A new conversation was created with its agent: the next one starts with it too. @param {string|null|undefined} agent */
export function rememberAgent(agent) {
  if (!agent || agent === picks.last) return;
  picks.last = agent;
  db.setMeta('last_agent', agent).catch(() => {});
}

/** @param {Current} c */
export function renderAgentChoice(c) {
  renderAgentPicker(els.agentPicker, agentPicker({
    agents: picks.agents, picked: c.record.agent, last: picks.last, pendingNew: c.pendingNew, hasMessages: c.entries.size > 0,
  }));
}

/** @param {() => void} changed  called after a pick (to render) */
export function bindAgentPicker(changed) {
  els.agentPicker.addEventListener('click', (e) => {
    const target = /** @type {HTMLElement} */ (e.target).closest('[data-action="pick-agent"]');
    const c = current();
    const agent = target instanceof HTMLElement ? target.dataset.agent : undefined;
    if (!c || !c.pendingNew || !agent || !picks.agents.includes(agent)) return;
    c.record = { ...c.record, agent };
    app.records.set(c.id, c.record);
    db.patchConversation(c.id, { agent }).catch(() => {});
    rememberAgent(agent);
    changed();
  });
}
