// Which agent a new conversation runs, when the server offers several (docs/protocol.md, "Several
// agents"): the choices, the default (the one last used on this device, else the server's default,
// listed first), and what `hello.agent` carries. Pure; controller/agent-picker.js keeps the state and
// ui/agent-picker.js draws it. A small piece of its own, next to any other choice "New conversation" makes.

/**
 * The agents a server offers (`welcome.agents`, `/api/health` `agents`), cleaned: strings, once each,
 * in the server's order (its default first).
 * @param {unknown} list
 * @returns {string[]}
 */
export function offeredAgents(list) {
  if (!Array.isArray(list)) return [];
  return [...new Set(list.filter((a) => typeof a === 'string' && a.trim()).map((a) => a.trim()))];
}

/**
 * What a `welcome` says of agents: the offer, the server's default (listed first) and the agent the
 * conversation runs. For a new conversation that asked for an agent no longer offered (a device that
 * remembered an older offer), `own` is the server's default, not the pick: the server falls back rather
 * than refusing (docs/protocol.md, "Several agents"), and the record must follow it.
 * @param {any} frame
 * @returns {{offered: string[], fallback: string|null, own: string|null}}
 */
export function welcomeAgents(frame) {
  const offered = offeredAgents(frame?.agents);
  const own = typeof frame?.agent === 'string' && frame.agent ? frame.agent : null;
  return { offered, fallback: offered[0] ?? own, own };
}

/**
 * The agent a new conversation gets unless the user picks another: the last one used, if offered.
 * @param {string[]} agents
 * @param {string|null|undefined} last
 */
export function defaultAgent(agents, last) {
  return last && agents.includes(last) ? last : agents[0] ?? null;
}

/**
 * The agent of a new conversation: its pick if still offered, else the default.
 * @param {string[]} agents
 * @param {string|null|undefined} picked
 * @param {string|null|undefined} last
 */
export function chosenAgent(agents, picked, last) {
  return picked && agents.includes(picked) ? picked : defaultAgent(agents, last);
}

/**
 * `hello.agent` for a new conversation: only an agent the server offers, and only when it offers a
 * choice (a server with one agent, or an old one, gets no field).
 * @param {string[]} agents
 * @param {string|null|undefined} picked
 * @param {string|null|undefined} last
 * @returns {string|undefined}
 */
export function helloAgent(agents, picked, last) {
  if (agents.length < 2) return undefined;
  return chosenAgent(agents, picked, last) ?? undefined;
}

/**
 * @typedef {{id: string, selected: boolean}} AgentOption
 * @typedef {{show: boolean, options: AgentOption[]}} AgentPicker
 */

/**
 * The picker: shown on a new conversation not yet sent (once a message is queued the choice is made),
 * when the server offers more than one agent.
 * @param {{agents: string[], picked: string|null|undefined, last: string|null|undefined, pendingNew: boolean, hasMessages: boolean}} s
 * @returns {AgentPicker}
 */
export function agentPicker({ agents, picked, last, pendingNew, hasMessages }) {
  if (!pendingNew || hasMessages || agents.length < 2) return { show: false, options: [] };
  const chosen = chosenAgent(agents, picked, last);
  return { show: true, options: agents.map((id) => ({ id, selected: id === chosen })) };
}
