// "Continue a session from a terminal": on a new conversation's empty screen, the Claude sessions of
// the project it will work in (sessions.js decides what each row says). "Continue here" starts a new
// conversation whose hello names that session, so the server imports its history; "Open" goes to the
// conversation that already continues it. Listed on demand: reading transcripts costs the server a
// little, and most new conversations are not continuations.

import * as api from '../api.js';
import { sessionRows } from '../sessions.js';
import { SESSION_WORDS } from '../screen-text.js';
import { h } from '../ui/dom.js';
import { current } from './state.js';
import { $ } from './elements.js';
import { projectForNew, projectState } from './project-picker.js';

/** The project whose sessions are shown, and whether the panel is open. */
const panel = { open: false, project: /** @type {string|null} */ (null), ticket: 0 };

/** Show the entry on a new, empty conversation that continues nothing yet. */
export function renderSessionPick() {
  const c = current();
  const show = !!c?.pendingNew && c.entries.size === 0 && !c.record.adopt_session_id && projectState.projects.length > 0;
  $('session-pick').hidden = !show;
  if (!show) return;
  const project = projectForNew() ?? null;
  if (panel.open && project !== panel.project) load(project);
  $('session-panel').hidden = !panel.open;
  $('show-sessions').setAttribute('aria-expanded', String(panel.open));
}

/** @param {string|null} project */
async function load(project) {
  panel.project = project;
  const ticket = ++panel.ticket;
  const list = $('session-list');
  list.replaceChildren(h('li', { class: 'session-note' }, SESSION_WORDS.loading));
  if (!project) return;
  const res = await api.listSessions(project);
  if (ticket !== panel.ticket) return;
  if (!res.ok) {
    list.replaceChildren(h('li', { class: 'session-note' }, SESSION_WORDS.failed));
    return;
  }
  const rows = sessionRows(res.value?.sessions, Date.now());
  if (!rows.length) {
    list.replaceChildren(h('li', { class: 'session-note' }, SESSION_WORDS.none));
    return;
  }
  list.replaceChildren(...rows.map((row) => h('li', { class: 'session-row' },
    h('div', { class: 'session-text' },
      h('div', { class: 'session-title' }, row.title),
      h('div', { class: 'session-meta' }, row.meta)),
    h('button', { type: 'button', class: `btn ${row.action === 'open' ? 'ghost' : 'primary'}`, 'data-session-action': row.action, 'data-target': row.target }, row.button))));
}

/**
 * @typedef {{open: (id: string) => unknown, continueSession: (sessionId: string, project: string|null) => unknown}} SessionNav
 */

/** @param {SessionNav} nav  how to go to a conversation (navigation.js, passed in: it draws through render.js, which draws this) */
export function bindSessionList(nav) {
  $('show-sessions').addEventListener('click', () => {
    panel.open = !panel.open;
    if (panel.open) load(projectForNew() ?? null);
    renderSessionPick();
  });
  $('session-list').addEventListener('click', (e) => {
    const button = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest('[data-session-action]'));
    const target = button?.dataset.target;
    if (!button || !target) return;
    button.setAttribute('disabled', '');
    panel.open = false;
    if (button.dataset.sessionAction === 'open') nav.open(target);
    else nav.continueSession(target, panel.project);
  });
}
