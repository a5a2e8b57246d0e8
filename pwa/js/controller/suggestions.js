// The composer's suggestions (suggestions.js decides, ui/suggestion-list.js draws): `@` + part of a
// name searches the open conversation's project's files on the server (debounced; only the newest
// answer is used; offline it says so), `/` as the first character offers the agent's slash commands
// (slash-commands.js: the conversation's own, else the device's last list). While the list is open,
// the arrows move, Enter or Tab picks, Escape or a tap elsewhere closes. Not part of the first load:
// composer.js fetches this module the first time the text may need it.

import * as api from '../api.js';
import { Latest, MAX_ROWS, applyPick, findTrigger, keyAction, moveHighlight } from '../suggestions.js';
import { filterCommands } from '../slash-commands.js';
import { projectOf } from '../projects.js';
import { SUGGEST_WORDS } from '../screen-text.js';
import { drawSuggestions, makeSuggestionList } from '../ui/suggestion-list.js';
import { current } from './state.js';
import { els } from './elements.js';
import { projectForNew, projectState } from './project-picker.js';
import { commandsOf } from './slash-commands.js';

/** @typedef {import('../suggestions.js').Trigger} Trigger */
/** @typedef {import('./state.js').Current} Current */

/** Typing pauses this long before the server is asked. */
const SEARCH_DELAY_MS = 120;

const shown = {
  /** @type {Trigger|null} */
  trigger: null,
  /** @type {string[]} */
  values: [],
  active: 0,
  message: '',
  /** the query the rows answer (a file search keeps the old rows until the new ones come) */
  answered: /** @type {string|null} */ (null),
  /** `kind:start` of a token closed with Escape: it stays closed until the caret leaves it */
  dismissed: /** @type {string|null} */ (null),
};
const latest = new Latest();
let searchTimer = /** @type {any} */ (null);
/** @type {HTMLElement} */
let listEl;

/** @param {Trigger} t */
const keyOf = (t) => `${t.kind}:${t.start}`;

/** Make the list and follow the text box (once, when this module arrives). */
export function bindSuggestions() {
  listEl = makeSuggestionList();
  els.form.before(listEl);
  els.input.setAttribute('aria-autocomplete', 'list');
  els.input.setAttribute('aria-controls', 'suggest-rows');
  els.input.addEventListener('input', update);
  els.input.addEventListener('click', update);
  els.input.addEventListener('keyup', (e) => {
    if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) update();
  });
  els.input.addEventListener('blur', () => close());
  document.addEventListener('pointerdown', (e) => {
    const target = /** @type {Node} */ (e.target);
    if (shown.trigger && !listEl.contains(target) && target !== els.input) close();
  });
}

/** The text or the caret changed before this module was bound: look at them now. */
export function refresh() {
  if (document.activeElement === els.input) update();
}

/**
 * The composer's keydown, before it sends: true when the open list took the key.
 * @param {KeyboardEvent} e
 */
export function suggestionKey(e) {
  if (!shown.trigger) return false;
  const action = keyAction(e, shown.values.length);
  if (!action) return false;
  e.preventDefault();
  if (action === 'close') {
    shown.dismissed = keyOf(shown.trigger);
    close();
  } else if (action === 'pick') {
    pick(shown.active);
  } else {
    shown.active = moveHighlight(shown.active, shown.values.length, action);
    draw();
  }
  return true;
}

/** @param {Current} c @returns {string|null} */
function projectIdOf(c) {
  const id = c.pendingNew ? projectForNew() : c.record.project_id;
  return projectOf(projectState.projects, id)?.id ?? id ?? null;
}

/** The caret moved or the text changed: open, follow or close the list. */
function update() {
  const c = current();
  const input = els.input;
  const trigger = c && input.selectionStart === input.selectionEnd ? findTrigger(input.value, input.selectionStart) : null;
  if (!trigger || !c) {
    shown.dismissed = null;
    close();
    return;
  }
  if (shown.dismissed === keyOf(trigger)) return;
  shown.dismissed = null;
  const was = shown.trigger;
  shown.trigger = trigger;
  if (trigger.kind === 'command') {
    const names = commandsOf(c);
    latest.next(); // a file search still under way is not wanted
    clearTimeout(searchTimer);
    const rows = filterCommands(names, trigger.query, MAX_ROWS);
    showRows(rows, trigger.query, rows.length ? '' : names.length ? SUGGEST_WORDS.noCommands : SUGGEST_WORDS.commandsUnknown);
    return;
  }
  if (was?.kind === 'file' && shown.answered === trigger.query) {
    latest.next(); // back to the query the rows answer: a search for another one is no longer wanted
    clearTimeout(searchTimer);
    return;
  }
  searchSoon(c, trigger.query, was?.kind !== 'file');
}

/**
 * @param {Current} c
 * @param {string} query
 * @param {boolean} opening  the list was not showing files: say it is looking
 */
function searchSoon(c, query, opening) {
  const ticket = latest.next();
  clearTimeout(searchTimer);
  const projectId = projectIdOf(c);
  if (navigator.onLine === false || !projectId) {
    showRows([], query, navigator.onLine === false ? SUGGEST_WORDS.offline : SUGGEST_WORDS.noProject);
    return;
  }
  if (opening) showRows([], null, SUGGEST_WORDS.searching);
  searchTimer = setTimeout(async () => {
    const res = await api.searchFiles(projectId, query, MAX_ROWS);
    if (!latest.isCurrent(ticket) || shown.trigger?.kind !== 'file') return; // typed on, or closed
    if (!res.ok) {
      showRows([], query, res.reason === 'offline' ? SUGGEST_WORDS.offline : SUGGEST_WORDS.failed);
      return;
    }
    const paths = (res.value?.files ?? []).map((/** @type {{path: string}} */ f) => f.path).filter((p) => typeof p === 'string');
    showRows(paths, query, !paths.length ? SUGGEST_WORDS.noFiles : res.value.truncated ? SUGGEST_WORDS.more : '');
  }, SEARCH_DELAY_MS);
}

/**
 * @param {string[]} values
 * @param {string|null} answered  the query these rows answer
 * @param {string} message  shown instead of the rows, or under them ('' for none)
 */
function showRows(values, answered, message) {
  const same = values.join('\n') === shown.values.join('\n');
  shown.values = values;
  shown.active = same ? Math.min(shown.active, Math.max(0, values.length - 1)) : 0;
  shown.answered = answered;
  shown.message = message;
  draw();
}

function draw() {
  const t = shown.trigger;
  drawSuggestions(listEl, t && {
    kind: t.kind,
    title: t.kind === 'file' ? SUGGEST_WORDS.files : SUGGEST_WORDS.commands,
    values: shown.values,
    active: shown.active,
    message: shown.message,
  }, pick);
  els.input.setAttribute('aria-expanded', t ? 'true' : 'false');
  if (t && shown.values.length) els.input.setAttribute('aria-activedescendant', `suggest-${shown.active}`);
  else els.input.removeAttribute('aria-activedescendant');
}

/** Put the picked row into the text at the caret; the composer sees it as typing (autosize, draft). @param {number} index */
function pick(index) {
  const t = shown.trigger;
  const value = shown.values[index];
  if (!t || value === undefined) return;
  const next = applyPick(els.input.value, t, value);
  close();
  els.input.value = next.text;
  els.input.focus();
  els.input.setSelectionRange(next.caret, next.caret);
  els.input.dispatchEvent(new Event('input', { bubbles: true }));
}

function close() {
  if (!shown.trigger && listEl.hidden) return;
  latest.next();
  clearTimeout(searchTimer);
  shown.trigger = null;
  shown.values = [];
  shown.answered = null;
  shown.message = '';
  draw();
}
