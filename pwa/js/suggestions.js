// The composer's suggestions: `@` + part of a file name offers the project's files, `/` as the first
// character offers the agent's slash commands. Pure: where the `@token` or `/command` under the caret
// is, what picking one makes of the text, the highlighted row and the keys that move it, and which
// answer of the server is still wanted (which commands a query keeps: slash-commands.js).
// controller/suggestions.js asks the server and ui/suggestion-list.js draws; all three are loaded when
// the picker is first needed.

/** At most this many rows are drawn; the server is asked for this many files. */
export const MAX_ROWS = 30;

/**
 * What the caret is in: an `@` file query (the `@` at the start or after whitespace, no whitespace in
 * the query) or a `/` command (the text's first character, caret still in the first word).
 * `start`–`end` is the whole token (the caret may be inside it), `query` what is typed before the caret.
 * @typedef {{kind: 'file'|'command', query: string, start: number, end: number}} Trigger
 */

/**
 * @param {string} text
 * @param {number} caret
 * @returns {Trigger|null}
 */
export function findTrigger(text, caret) {
  if (caret < 0 || caret > text.length) return null;
  let start = caret;
  while (start > 0 && !/\s/.test(text[start - 1])) start -= 1;
  let end = caret;
  while (end < text.length && !/\s/.test(text[end])) end += 1;
  const before = text.slice(start, caret);
  if (start === 0 && before.startsWith('/')) return { kind: 'command', query: before.slice(1), start, end };
  if (before.startsWith('@')) return { kind: 'file', query: before.slice(1), start, end };
  return null;
}

/**
 * The text once a suggestion is picked: the token becomes `@path ` or `/name `, the caret after it.
 * @param {string} text
 * @param {Trigger} trigger
 * @param {string} value  a file's path or a command's name
 * @returns {{text: string, caret: number}}
 */
export function applyPick(text, trigger, value) {
  const inserted = `${trigger.kind === 'file' ? '@' : '/'}${value} `;
  let rest = text.slice(trigger.end);
  if (rest.startsWith(' ')) rest = rest.slice(1); // never two spaces
  return { text: text.slice(0, trigger.start) + inserted + rest, caret: trigger.start + inserted.length };
}

/**
 * A file row's two parts: the name in bold, its folder small (a phone shows the name whole).
 * @param {string} path
 * @returns {{name: string, folder: string}}
 */
export function fileLabel(path) {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? { name: path, folder: '' } : { name: path.slice(cut + 1), folder: path.slice(0, cut + 1) };
}

/**
 * What a key does while the list is open: move the highlight, pick the highlighted row, or close.
 * Enter and Tab pick (never send) while there are rows; with none, Enter does what it always does.
 * @param {{key: string, shiftKey?: boolean, altKey?: boolean, ctrlKey?: boolean, metaKey?: boolean, isComposing?: boolean}} e
 * @param {number} count  rows shown
 * @returns {'down'|'up'|'pick'|'close'|null}
 */
export function keyAction(e, count) {
  if (e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return null;
  switch (e.key) {
    case 'Escape': return 'close';
    case 'ArrowDown': return count ? 'down' : null;
    case 'ArrowUp': return count ? 'up' : null;
    case 'Enter': return count && !e.shiftKey ? 'pick' : null;
    case 'Tab': return count && !e.shiftKey ? 'pick' : null;
    default: return null;
  }
}

/**
 * The highlighted row after a move, wrapping around the ends.
 * @param {number} index
 * @param {number} count
 * @param {'down'|'up'} move
 * @returns {number}
 */
export function moveHighlight(index, count, move) {
  if (count <= 0) return 0;
  return (index + (move === 'down' ? 1 : -1) + count) % count;
}

/**
 * Answers to the newest question only: each request takes a ticket, and an answer is used only while
 * its ticket is the newest one (typing on makes older answers stale, whatever order they arrive in).
 */
export class Latest {
  constructor() {
    this.ticket = 0;
  }

  /** @returns {number} */
  next() {
    this.ticket += 1;
    return this.ticket;
  }

  /** @param {number} ticket */
  isCurrent(ticket) {
    return ticket === this.ticket;
  }
}
