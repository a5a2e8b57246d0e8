// The agent's slash commands (docs/claude-cli.md, "Slash commands"): the names an `init` event lists,
// and which of them a `/query` in the composer keeps. Pure; kept apart from suggestions.js because the
// device remembers the lists from the first load on (controller/slash-commands.js), while the picker
// itself is loaded when first used.

/**
 * The slash command names of a `system`/`init` event: unique, non-empty strings without a leading `/`
 * or whitespace; null when the event carries none.
 * @param {unknown} list
 * @returns {string[]|null}
 */
export function commandNames(list) {
  if (!Array.isArray(list)) return null;
  const names = list.filter((n) => typeof n === 'string').map((n) => n.replace(/^\//, '').trim()).filter((n) => n && !/\s/.test(n));
  return [...new Set(names)];
}

/**
 * Commands that hold the query, those that start with it first, each group in the agent's order
 * (the CLI lists the project's own commands first).
 * @param {unknown} names
 * @param {string} query
 * @param {number} max
 * @returns {string[]}
 */
export function filterCommands(names, query, max) {
  const list = commandNames(names) ?? [];
  const q = query.toLowerCase();
  const starts = list.filter((n) => n.toLowerCase().startsWith(q));
  const inside = list.filter((n) => !n.toLowerCase().startsWith(q) && n.toLowerCase().includes(q));
  return [...starts, ...inside].slice(0, max);
}

/**
 * Whether the composer's text may need the picker: an `@` at the start or after whitespace, or a `/`
 * first (a cheap test that decides when the picker's modules are fetched).
 * @param {string} text
 */
export function mayNeedPicker(text) {
  return text.startsWith('/') || /(^|\s)@/.test(text);
}
