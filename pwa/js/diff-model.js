// What a file change looks like as a unified diff: the lines of Edit, MultiEdit and Write tool
// inputs, computed with jsdiff (pwa/vendor/diff.js, vendored), and of codex's patches (ApplyPatch,
// `fileChange` items: unified diffs as codex gives them), cut to what a phone can show. No DOM.
// jsdiff is not part of the first load (lazy.js): a new or deleted file needs no diffing, and an edit
// drawn before jsdiff has arrived shows all its old lines removed and all its new ones added (true,
// only coarser) while it loads; the controller redraws on onFeatureLoaded('jsdiff').

import { jsdiff } from './lazy.js';
import { relativePath } from './format.js';

/** Lines of context around each change. */
export const CONTEXT_LINES = 3;
/** At most this many lines are drawn per file; the rest is counted ("N more lines"). */
export const MAX_DIFF_LINES = 400;

/**
 * @typedef {object} DiffLine
 * @property {'add'|'del'|'ctx'|'gap'} type   gap: lines left out between two hunks
 * @property {string} text
 * @property {number|null} oldNo  line number in the old text (null for an added line or a gap)
 * @property {number|null} newNo
 */

/**
 * @typedef {object} FileDiff
 * @property {string} path
 * @property {DiffLine[]} lines
 * @property {number} added
 * @property {number} removed
 * @property {number} hidden      lines not drawn (past MAX_DIFF_LINES)
 * @property {boolean} numbered   whether the line numbers are the file's (false: of the snippet)
 * @property {string|null} note   e.g. "every occurrence" for replace_all
 */

/**
 * A unified diff of two texts, as lines to draw.
 * @param {string} oldText
 * @param {string} newText
 * @param {{context?: number}} [options]
 * @returns {{lines: DiffLine[], added: number, removed: number}}
 */
export function diffLines(oldText, newText, { context = CONTEXT_LINES } = {}) {
  const a = withNewline(oldText);
  const b = withNewline(newText);
  const lib = a && b ? jsdiff.get() : null;
  if (!lib) {
    if (a && b) jsdiff.load().catch(() => {}); // offline and not cached yet: the coarse diff stays
    return wholeDiff(a, b);
  }
  const patch = lib.structuredPatch('a', 'b', a, b, '', '', { context });
  /** @type {DiffLine[]} */
  const lines = [];
  let added = 0, removed = 0;
  patch.hunks.forEach((hunk, i) => {
    if (i > 0 || hunk.oldStart > 1) lines.push({ type: 'gap', text: '', oldNo: null, newNo: null });
    let oldNo = hunk.oldStart, newNo = hunk.newStart;
    for (const raw of hunk.lines) {
      const mark = raw[0];
      const text = raw.slice(1);
      if (mark === '\\') continue; // "\ No newline at end of file"
      if (mark === '+') { lines.push({ type: 'add', text, oldNo: null, newNo: newNo++ }); added++; }
      else if (mark === '-') { lines.push({ type: 'del', text, oldNo: oldNo++, newNo: null }); removed++; }
      else lines.push({ type: 'ctx', text, oldNo: oldNo++, newNo: newNo++ });
    }
  });
  return { lines, added, removed };
}

/**
 * Every old line removed, then every new line added: exact when one side is empty (what jsdiff gives
 * then too), coarser otherwise.
 * @param {string} a
 * @param {string} b
 * @returns {{lines: DiffLine[], added: number, removed: number}}
 */
function wholeDiff(a, b) {
  const split = (/** @type {string} */ s) => (s ? s.slice(0, -1).split('\n') : []);
  const removed = split(a).map((text, i) => /** @type {DiffLine} */ ({ type: 'del', text, oldNo: i + 1, newNo: null }));
  const added = split(b).map((text, i) => /** @type {DiffLine} */ ({ type: 'add', text, oldNo: null, newNo: i + 1 }));
  return { lines: [...removed, ...added], added: added.length, removed: removed.length };
}

/** @param {unknown} text */
function withNewline(text) {
  const s = typeof text === 'string' ? text : '';
  return s === '' || s.endsWith('\n') ? s : s + '\n';
}

/**
 * @param {string} path
 * @param {{lines: DiffLine[], added: number, removed: number}} d
 * @param {{numbered: boolean, note?: string|null}} extra
 * @returns {FileDiff}
 */
function fileDiff(path, d, { numbered, note = null }) {
  const hidden = Math.max(0, d.lines.length - MAX_DIFF_LINES);
  return { path, lines: hidden ? d.lines.slice(0, MAX_DIFF_LINES) : d.lines, added: d.added, removed: d.removed, hidden, numbered, note };
}

/**
 * The change a file tool's input makes, as diffs (one per file; MultiEdit's edits in one), or null
 * for a tool that does not change a file this way. Paths under `root` (the project's folder; else the
 * input's own `cwd`, which codex's file-change approvals carry) are shown relative to it.
 * @param {string} tool
 * @param {any} input
 * @param {string|null} [root]
 * @returns {FileDiff[]|null}
 */
export function toolDiffs(tool, input, root = null) {
  if (!input || typeof input !== 'object') return null;
  const base = root ?? (typeof input.cwd === 'string' ? input.cwd : null);
  const path = relativePath(String(input.file_path ?? input.path ?? ''), base);
  switch (tool) {
    case 'Write':
      // the old content is not known here: a Write shows what the file will hold
      return [fileDiff(path, diffLines('', input.content ?? ''), { numbered: true })];
    case 'Edit':
      return [fileDiff(path, diffLines(input.old_string ?? '', input.new_string ?? ''), {
        numbered: false, note: input.replace_all ? 'every occurrence' : null,
      })];
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? input.edits : [];
      /** @type {DiffLine[]} */
      const lines = [];
      let added = 0, removed = 0;
      edits.forEach((/** @type {any} */ e, i) => {
        const d = diffLines(e?.old_string ?? '', e?.new_string ?? '');
        if (i > 0) lines.push({ type: 'gap', text: '', oldNo: null, newNo: null });
        lines.push(...d.lines.filter((l, k) => !(k === 0 && l.type === 'gap')));
        added += d.added;
        removed += d.removed;
      });
      return [fileDiff(path, { lines, added, removed }, { numbered: false })];
    }
    case 'ApplyPatch':
      return patchDiffs(input.changes, base);
    default:
      return null;
  }
}

/**
 * A codex file change's kind: `add | delete | update` as a string (approvals) or `{type, move_path}`
 * (codex's own items).
 * @param {any} kind
 * @returns {{kind: 'add'|'delete'|'update', movePath: string|null}}
 */
export function changeKind(kind) {
  const type = typeof kind === 'string' ? kind : kind && typeof kind === 'object' ? kind.type : '';
  const movePath = kind && typeof kind === 'object' && typeof kind.move_path === 'string' ? kind.move_path : null;
  return { kind: type === 'add' || type === 'delete' ? type : 'update', movePath };
}

/**
 * The lines of a unified diff's hunks (`@@ -a,b +c,d @@` then ` `, `-`, `+` lines), as lines to draw.
 * Text before the first hunk (`---`/`+++` headers) is skipped.
 * @param {string} text
 * @returns {{lines: DiffLine[], added: number, removed: number}}
 */
export function parseUnifiedDiff(text) {
  /** @type {DiffLine[]} */
  const lines = [];
  let added = 0, removed = 0, oldNo = 0, newNo = 0, inHunk = false, hunks = 0;
  const raw = String(text ?? '').split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  for (const line of raw) {
    const head = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (head) {
      oldNo = Number(head[1]);
      newNo = Number(head[2]);
      if (hunks++ > 0 || oldNo > 1) lines.push({ type: 'gap', text: '', oldNo: null, newNo: null });
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    const mark = line[0];
    const body = line.slice(1);
    if (mark === '+') { lines.push({ type: 'add', text: body, oldNo: null, newNo: newNo++ }); added++; }
    else if (mark === '-') { lines.push({ type: 'del', text: body, oldNo: oldNo++, newNo: null }); removed++; }
    else if (mark === ' ' || line === '') lines.push({ type: 'ctx', text: body, oldNo: oldNo++, newNo: newNo++ });
    // "\ No newline at end of file" and anything else: not drawn
  }
  return { lines, added, removed };
}

/**
 * Codex's file changes (`fileChange` items, `ApplyPatch` approvals) as diffs: an added file's `diff`
 * is its content, a deleted one's its old content, an update's a unified diff.
 * @param {any} changes  [{path, kind, diff}]
 * @param {string|null} [root]  the project's folder: paths under it are shown relative
 * @returns {FileDiff[]}
 */
export function patchDiffs(changes, root = null) {
  const list = Array.isArray(changes) ? changes : [];
  return list.filter((c) => c && typeof c === 'object').map((c) => {
    const { kind, movePath } = changeKind(c.kind);
    const path = relativePath(String(c.path ?? ''), root);
    const diff = typeof c.diff === 'string' ? c.diff : '';
    if (kind === 'add') return fileDiff(path, diffLines('', diff), { numbered: true, note: 'new file' });
    if (kind === 'delete') return fileDiff(path, diffLines(diff, ''), { numbered: true, note: 'deleted' });
    const parsed = parseUnifiedDiff(diff);
    // a diff without hunk headers: show it as it is, unnumbered
    const d = parsed.lines.length || !diff ? parsed : diffLines('', diff);
    return fileDiff(path, d, { numbered: parsed.lines.length > 0, note: movePath ? `moved to ${relativePath(movePath, root)}` : null });
  });
}
