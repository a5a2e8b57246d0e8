// The details sheet: the conversation, its agent session, the connection, this device's settings.

import { clear, h, icon } from './dom.js';
import { formatCost } from '../format.js';

/**
 * @typedef {object} DetailsData
 * @property {string|null} conversationId
 * @property {boolean} pendingNew
 * @property {string} status
 * @property {string|null} agent
 * @property {string|null} agentSessionId
 * @property {string|null} model
 * @property {string|null} cwd
 * @property {number} lastSeq
 * @property {number} headSeq
 * @property {number} totalCostUsd
 * @property {string} connection
 * @property {number|null} pingIntervalMs
 * @property {string} clientId
 * @property {number} expiryMs
 * @property {string|null} appVersion
 * @property {string|null} serverVersion
 * @property {{started_at:number, outcome:string|null, resumed:boolean, fallback:boolean}[]|null} runs
 * @property {string|null} permissionMode   in words ("Ask first")
 * @property {{id:string, label:string, created_at:number}[]|null} rules  "allow always" rules (null: not known yet)
 */

export const EXPIRY_CHOICES = [
  [10 * 60 * 1000, '10 minutes'],
  [60 * 60 * 1000, '1 hour'],
  [6 * 60 * 60 * 1000, '6 hours'],
  [24 * 60 * 60 * 1000, '1 day'],
  [0, 'Never'],
];

/**
 * @param {HTMLElement} body
 * @param {DetailsData} d
 * @param {{onExpiry: (ms: number) => void, onDelete: () => void, onCheckUpdate: () => void,
 *   onChangeMode: () => void, onRevoke: (ruleId: string) => void, notifySection?: () => HTMLElement}} actions
 */
export function renderDetails(body, d, actions) {
  clear(body);
  const row = (/** @type {string} */ label, /** @type {string|null|undefined} */ value, copy = false) =>
    h('div', { class: 'kv' },
      h('dt', { text: label }),
      h('dd', null,
        h('span', { class: copy ? 'mono' : '', text: value || '—' }),
        copy && value
          ? h('button', {
            type: 'button', class: 'icon-btn small', 'aria-label': `Copy ${label}`, title: 'Copy',
            onclick: () => navigator.clipboard?.writeText(value).catch(() => {}),
          }, icon('copy'))
          : null));

  body.append(
    h('section', null, h('h3', { text: 'Conversation' }), h('dl', null,
      row('Conversation id', d.pendingNew ? 'not on the server yet' : d.conversationId, !d.pendingNew),
      row('Status', d.status),
      row('Events on this device', `${d.lastSeq} of ${Math.max(d.headSeq, d.lastSeq)}`),
      row('Cost so far', d.totalCostUsd ? formatCost(d.totalCostUsd) : formatCost(0)))),
    h('section', null, h('h3', { text: 'Agent' }), h('dl', null,
      row('Agent', d.agent),
      row('Agent session id', d.agentSessionId, true),
      row('Model', d.model),
      row('Working directory', d.cwd, true),
      d.runs ? row('Turns run', String(d.runs.length)) : null,
      d.runs ? row('Session recoveries', String(d.runs.filter((r) => r.fallback).length)) : null)),
    d.pendingNew || !d.permissionMode ? null : h('section', { id: 'details-approvals' }, h('h3', { text: 'Approvals' }),
      h('dl', null, h('div', { class: 'kv' },
        h('dt', { text: 'Permission mode' }),
        h('dd', null, h('span', { text: d.permissionMode }), h('button', { type: 'button', class: 'btn small', onclick: actions.onChangeMode, text: 'Change' })))),
      h('p', { class: 'help', text: 'Allowed always in this conversation (the agent does not ask again for these):' }),
      !d.rules ? h('p', { class: 'help', text: '…' })
        : !d.rules.length ? h('p', { class: 'help', text: 'None yet. “Allow always” on an approval adds one.' })
          : h('ul', { class: 'rules' }, d.rules.map((r) => h('li', { 'data-rule': r.id },
            h('span', { text: r.label }),
            h('button', { type: 'button', class: 'btn small danger', dataset: { rule: r.id }, onclick: () => actions.onRevoke(r.id), text: 'Revoke' }))))),
    h('section', null, h('h3', { text: 'Connection' }), h('dl', null,
      row('State', d.connection),
      row('Keep-alive', d.pingIntervalMs ? `every ${Math.round(d.pingIntervalMs / 100) / 10} s` : null),
      row('This tab', d.clientId, true))),
  );

  const select = /** @type {HTMLSelectElement} */ (h('select', { id: 'expiry-select', 'aria-describedby': 'expiry-help' },
    EXPIRY_CHOICES.map(([ms, label]) => h('option', { value: String(ms), selected: Number(ms) === d.expiryMs ? 'selected' : null, text: label }))));
  select.addEventListener('change', () => actions.onExpiry(Number(select.value)));

  body.append(
    h('section', null, h('h3', { text: 'This device' }),
      h('label', { class: 'field', for: 'expiry-select' }, h('span', { text: 'Ask before sending messages queued longer than' }), select),
      h('p', { id: 'expiry-help', class: 'help', text: 'Messages typed offline wait on this device. After this time you choose: send anyway, or discard.' }),
      actions.notifySection ? actions.notifySection() : null,
      h('dl', null, row('App version', d.appVersion), row('Server version', d.serverVersion)),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: actions.onCheckUpdate, text: 'Check for updates' }))),
    d.pendingNew || !d.conversationId ? null : h('section', { class: 'danger' }, h('h3', { text: 'Delete' }),
      h('p', { class: 'help', text: 'Deletes this conversation, its history and saved agent transcripts on the server.' }),
      h('button', { type: 'button', class: 'btn danger', onclick: actions.onDelete }, icon('trash'), ' Delete conversation')),
  );
}
