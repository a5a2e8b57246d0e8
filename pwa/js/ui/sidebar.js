// The conversation list.

import { clear, h } from './dom.js';
import { conversationTitle, formatRelative } from '../format.js';
import { agentName } from '../screen-text.js';

/**
 * @typedef {object} ListRow
 * @property {string} id
 * @property {string} title
 * @property {string} status
 * @property {number} last_active_at
 * @property {number} queued
 * @property {boolean} pending_new
 * @property {boolean} has_draft
 * @property {number} approvals  approvals waiting for an answer
 * @property {string|null} agent  the conversation's agent (null: not known yet)
 * @property {string} [project]  its project's name (only when the server has several)
 */

const STATUS_LABEL = { running: 'Working', interrupted: 'Interrupted', expired: 'Inactive' };

/**
 * @param {HTMLElement} list
 * @param {ListRow[]} rows
 * @param {string|null} currentId
 * @param {number} now
 * @param {{showAgents?: boolean}} [options]  showAgents: name each conversation's agent (the server offers several)
 */
export function renderConversationList(list, rows, currentId, now, { showAgents = false } = {}) {
  clear(list);
  if (!rows.length) {
    list.appendChild(h('li', { class: 'conv-empty', text: 'No conversations yet.' }));
    return;
  }
  for (const row of rows) {
    const status = /** @type {Record<string,string>} */ (STATUS_LABEL)[row.status];
    const current = row.id === currentId;
    list.appendChild(h('li', null,
      h('button', {
        type: 'button',
        class: `conv-item${current ? ' current' : ''}`,
        dataset: { action: 'open-conversation', id: row.id },
        'aria-current': current ? 'page' : null,
      },
      h('span', { class: 'conv-title', text: conversationTitle(row) }),
      h('span', { class: 'conv-meta' },
        h('span', { text: row.pending_new ? 'Not on the server yet' : formatRelative(row.last_active_at, now) }),
        showAgents && row.agent ? h('span', { class: 'chip agent', text: agentName(row.agent) }) : null,
        row.project ? h('span', { class: 'chip project', text: row.project }) : null,
        row.approvals ? h('span', { class: 'chip approval', text: row.approvals === 1 ? 'Needs your answer' : `${row.approvals} answers needed` }) : null,
        status ? h('span', { class: `chip status-${row.status}`, text: status }) : null,
        row.queued ? h('span', { class: 'chip queued', text: `${row.queued} queued` }) : null,
        row.has_draft && !current ? h('span', { class: 'chip draft', text: 'Draft' }) : null))));
  }
}
