// Projects (the server's folders the agent may work in, GET /api/projects): which one a new
// conversation starts in, what the list calls each, and which conversations a project filter keeps.
// Pure: controller/project-picker.js draws and stores what these rules decide.

/**
 * @typedef {{id: string, name: string, path: string, default: boolean}} Project
 */

/**
 * The project a new conversation starts in: the one the list is filtered to, else the last one
 * used on this device, else the server's default. Only ids the server listed are ever chosen.
 * @param {Project[]} projects
 * @param {{filter?: string|null, lastUsed?: string|null}} [prefs]
 * @returns {string|null}
 */
export function defaultProjectId(projects, { filter = null, lastUsed = null } = {}) {
  const known = (/** @type {string|null} */ id) => !!id && projects.some((p) => p.id === id);
  if (known(filter)) return filter;
  if (known(lastUsed)) return lastUsed;
  return (projects.find((p) => p.default) ?? projects[0])?.id ?? null;
}

/**
 * The project a conversation belongs to; a conversation from before projects (no id) is the default's.
 * @param {Project[]} projects
 * @param {string|null|undefined} id
 * @returns {Project|null}
 */
export function projectOf(projects, id) {
  return projects.find((p) => p.id === id) ?? (id ? null : projects.find((p) => p.default) ?? null);
}

/**
 * The short label a list row shows: nothing while the server has a single project.
 * @param {Project[]} projects
 * @param {string|null|undefined} id
 * @returns {string}
 */
export function projectLabel(projects, id) {
  if (projects.length < 2) return '';
  return projectOf(projects, id)?.name ?? '';
}

/**
 * Does a conversation stay in a list filtered to `filter` (null: every project)? A new conversation
 * not yet on the server belongs to the project picked for it.
 * @param {{project_id?: string|null}} record
 * @param {string|null} filter
 * @param {Project[]} projects
 */
export function inProject(record, filter, projects) {
  if (!filter) return true;
  return projectOf(projects, record.project_id)?.id === filter;
}
