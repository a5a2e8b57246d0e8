// The composer's suggestion list: a heading, rows of files (name bold, folder small) or commands, or a
// plain message (searching, offline, nothing matches). Drawn above the composer; the text box keeps the
// focus (and a phone its keyboard) while a row is tapped. controller/suggestions.js decides what it shows.

import { clear, h } from './dom.js';
import { fileLabel } from '../suggestions.js';

/**
 * @typedef {object} SuggestionView
 * @property {'file'|'command'} kind
 * @property {string} title
 * @property {string[]} values   file paths or command names
 * @property {number} active     the highlighted row
 * @property {string} message    shown instead of, or under, the rows ('' for none)
 */

/** The list's element, made once and put just above the composer's form. @returns {HTMLElement} */
export function makeSuggestionList() {
  return h('div', { id: 'suggest', class: 'suggest', hidden: true },
    h('div', { class: 'suggest-title', id: 'suggest-title' }),
    h('ul', { id: 'suggest-rows', class: 'suggest-rows', role: 'listbox', 'aria-labelledby': 'suggest-title' }),
    h('div', { class: 'suggest-message', role: 'status' }));
}

/**
 * @param {HTMLElement} el  from makeSuggestionList
 * @param {SuggestionView|null} view  null closes it
 * @param {(index: number) => void} onPick
 */
export function drawSuggestions(el, view, onPick) {
  el.hidden = !view;
  const rows = /** @type {HTMLElement} */ (el.querySelector('.suggest-rows'));
  clear(rows);
  if (!view) return;
  /** @type {HTMLElement} */ (el.querySelector('.suggest-title')).textContent = view.title;
  const message = /** @type {HTMLElement} */ (el.querySelector('.suggest-message'));
  message.textContent = view.message;
  message.hidden = !view.message;
  view.values.forEach((value, i) => {
    const label = view.kind === 'file' ? fileLabel(value) : { name: `/${value}`, folder: '' };
    const row = h('li', {
      id: `suggest-${i}`, class: `suggest-row${i === view.active ? ' active' : ''}`, role: 'option',
      'aria-selected': i === view.active ? 'true' : 'false', dataset: { value },
      title: view.kind === 'file' ? value : null,
    }, h('span', { class: 'suggest-name', text: label.name }), label.folder ? h('span', { class: 'suggest-folder', text: label.folder }) : null);
    // the text box keeps the focus: a phone's keyboard stays up, and no blur closes the list first
    row.addEventListener('pointerdown', (e) => e.preventDefault());
    row.addEventListener('mousedown', (e) => e.preventDefault());
    row.addEventListener('click', () => onPick(i));
    rows.append(row);
  });
  rows.querySelector('.active')?.scrollIntoView({ block: 'nearest' });
}
