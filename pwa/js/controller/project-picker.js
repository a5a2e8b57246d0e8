// The project picker of a new conversation and the list's project filter (projects.js decides, this
// draws and remembers). The server's list is kept in IndexedDB's meta store, so both work offline.
// Kept to itself: the agent picker of the same "New conversation" flow lives in its own module.

import * as api from '../api.js';
import * as db from '../db.js';
import { defaultProjectId, inProject, projectLabel, projectOf } from '../projects.js';
import { PROJECT_WORDS } from '../screen-text.js';
import { app, current } from './state.js';
import { $ } from './elements.js';

/** @typedef {import('../projects.js').Project} Project */

/** @type {{projects: Project[], filter: string|null, lastUsed: string|null}} */
export const projectState = { projects: [], filter: null, lastUsed: null };

/** @type {() => void} */
let onChange = () => {};

/** @param {HTMLSelectElement} select @param {{value: string, label: string}[]} options @param {string} value */
function fill(select, options, value) {
  const key = options.map((o) => `${o.value}=${o.label}`).join('|');
  if (select.dataset.key !== key) {
    select.replaceChildren(...options.map((o) => new Option(o.label, o.value)));
    select.dataset.key = key;
  }
  select.value = value;
}

/** The project a pending new conversation will be created in (sent in its `hello`). */
export function projectForNew() {
  const c = current();
  if (!c?.pendingNew) return undefined;
  return c.record.project_id ?? defaultProjectId(projectState.projects, projectState) ?? undefined;
}

/**
 * The folder of the open conversation's project, once the server listed its projects: file paths
 * under it are shown relative to it (agents name them by absolute path, long on a phone).
 * @param {import('./state.js').Current} c
 * @returns {string|null}
 */
export function projectFolder(c) {
  const id = c.pendingNew ? projectForNew() : c.record.project_id;
  return projectOf(projectState.projects, id)?.path || null;
}

/** @param {{project_id?: string|null}} record */
export function keptByFilter(record) {
  return inProject(record, projectState.filter, projectState.projects);
}

/** @param {string|null|undefined} projectId */
export function rowProjectLabel(projectId) {
  return projectLabel(projectState.projects, projectId);
}

/** Draw the filter (sidebar) and, on a new conversation's empty screen, the picker. */
export function renderProjects() {
  const { projects } = projectState;
  const several = projects.length > 1;
  const filterWrap = $('project-filter-wrap');
  filterWrap.hidden = !several;
  if (several) {
    const options = [{ value: '', label: PROJECT_WORDS.all }, ...projects.map((p) => ({ value: p.id, label: p.name }))];
    fill(/** @type {HTMLSelectElement} */ ($('project-filter')), options, projectState.filter ?? '');
  }
  const c = current();
  const pick = $('project-pick');
  const show = several && !!c?.pendingNew && c.entries.size === 0;
  pick.hidden = !show;
  if (show) fill(/** @type {HTMLSelectElement} */ ($('new-project')), projects.map((p) => ({ value: p.id, label: p.name })), projectForNew() ?? '');
}

/** Ask the server for its projects (falling back to the copy kept on this device). */
export async function loadProjects() {
  const [kept, filter, lastUsed] = await Promise.all([
    db.getMeta('projects').catch(() => undefined),
    db.getMeta('project_filter').catch(() => undefined),
    db.getMeta('last_project').catch(() => undefined),
  ]);
  projectState.projects = Array.isArray(kept) ? kept : [];
  projectState.filter = typeof filter === 'string' && filter ? filter : null;
  projectState.lastUsed = typeof lastUsed === 'string' ? lastUsed : null;
  renderProjects();
  const res = await api.listProjects();
  if (res.ok && Array.isArray(res.value?.projects)) {
    projectState.projects = res.value.projects;
    if (projectState.filter && !projectState.projects.some((p) => p.id === projectState.filter)) projectState.filter = null;
    db.setMeta('projects', projectState.projects).catch(() => {});
  }
  renderProjects();
  onChange();
}

/** @param {() => void} changed  redraw the list when the filter or the projects change */
export function bindProjectPicker(changed) {
  onChange = changed;
  $('project-filter').addEventListener('change', (e) => {
    const value = /** @type {HTMLSelectElement} */ (e.target).value || null;
    projectState.filter = value;
    db.setMeta('project_filter', value ?? '').catch(() => {});
    renderProjects();
    onChange();
  });
  $('new-project').addEventListener('change', async (e) => {
    const c = current();
    if (!c?.pendingNew) return;
    const value = /** @type {HTMLSelectElement} */ (e.target).value;
    if (!projectState.projects.some((p) => p.id === value)) return;
    c.record = { ...c.record, project_id: value };
    projectState.lastUsed = value;
    db.setMeta('last_project', value).catch(() => {});
    if (app.records.has(c.id)) app.records.set(c.id, await db.patchConversation(c.id, { project_id: value }));
    onChange();
  });
}
