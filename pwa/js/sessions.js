// Claude sessions of a project started outside swe-swe (GET /api/projects/{id}/sessions), as the rows
// of the "Continue a session" list: what each row says and what its button does. Pure: the
// controller (controller/session-list.js) fetches, draws and acts.

import { formatRelative } from './format.js';
import { SESSION_WORDS } from './screen-text.js';

/**
 * @typedef {{agent_session_id: string, title: string, updated_at: number, message_count: number, conversation_id: string|null}} AgentSession
 * @typedef {{id: string, title: string, meta: string, action: 'open'|'continue', button: string, target: string}} SessionRow
 */

/**
 * One row per session, in the server's order (newest first). A session already continued here
 * opens its conversation ("Open"); any other is continued in a new one ("Continue here").
 * @param {unknown} sessions  the server's `sessions` (anything malformed is left out)
 * @param {number} now
 * @returns {SessionRow[]}
 */
export function sessionRows(sessions, now) {
  if (!Array.isArray(sessions)) return [];
  return sessions
    .filter((s) => s && typeof s.agent_session_id === 'string')
    .map((/** @type {AgentSession} */ s) => {
      const count = Number(s.message_count) || 0;
      const messages = count === 1 ? SESSION_WORDS.oneMessage : SESSION_WORDS.messages.replace('{n}', String(count));
      const open = typeof s.conversation_id === 'string' && s.conversation_id !== '';
      return {
        id: s.agent_session_id,
        title: String(s.title || SESSION_WORDS.untitled),
        meta: `${formatRelative(Number(s.updated_at) || 0, now)} · ${messages}`,
        action: open ? 'open' : 'continue',
        button: open ? SESSION_WORDS.open : SESSION_WORDS.continue,
        target: open ? /** @type {string} */ (s.conversation_id) : s.agent_session_id,
      };
    });
}
