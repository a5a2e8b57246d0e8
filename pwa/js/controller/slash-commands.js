// The agent's slash commands as this device knows them: the open conversation's own (its newest
// `system`/`init` event, kept in the view model's `session`), else the last list this device saw from
// the same agent (IndexedDB meta `slash_commands`, `{agent: [names]}`), so a new conversation not yet
// started offers them too. Part of the first load (frames.js tells it every init); the picker that
// shows them (controller/suggestions.js) is loaded when first used.

import * as db from '../db.js';
import { commandNames } from '../slash-commands.js';
import { agentOf } from './agent-picker.js';

/** @typedef {import('./state.js').Current} Current */

const META_KEY = 'slash_commands';

/** @type {Record<string, string[]>} agent → the last command list this device saw */
let seen = {};
db.getMeta(META_KEY).then((kept) => {
  if (kept && typeof kept === 'object') seen = { ...kept, ...seen };
}).catch(() => {});

/**
 * An agent event of the open conversation: an `init` with commands is the list this device offers
 * that agent's new conversations from now on.
 * @param {Current} c
 * @param {any} data
 */
export function noteAgentEvent(c, data) {
  if (data?.type !== 'system' || data.subtype !== 'init') return;
  remember(agentOf(c), commandNames(data.slash_commands));
}

/** @param {string|null} agent @param {string[]|null} names */
function remember(agent, names) {
  if (!agent || !names?.length || seen[agent]?.join('\n') === names.join('\n')) return;
  seen = { ...seen, [agent]: names };
  db.setMeta(META_KEY, seen).catch(() => {});
}

/**
 * The commands the open conversation offers.
 * @param {Current} c
 * @returns {string[]}
 */
export function commandsOf(c) {
  const own = commandNames(c.model.session.slash_commands);
  if (own?.length) {
    remember(agentOf(c), own);
    return own;
  }
  return seen[agentOf(c) ?? ''] ?? [];
}
