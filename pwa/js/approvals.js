// Rules for tool approvals and tool calls (docs/protocol.md, "approvals and permission mode"): what a
// tool call will do, shown the same way on an approval card and in the log; a question's answers;
// which permission mode holds. Pure: the view model (view-model.js) keeps the approvals' state from
// the events, ui/tool-views.js draws these descriptions, the words are screen-text.js's.

import { toolDiffs } from './diff-model.js';
import { baseName, oneLine } from './format.js';

/**
 * @typedef {{label: string, description: string}} QuestionOption
 * @typedef {{question: string, header: string, options: QuestionOption[], multiSelect: boolean}} Question
 * @typedef {{status: 'pending'|'completed'|'in_progress', content: string, activeForm: string}} Todo
 */

/**
 * What a tool call will do, in the form it is best shown in.
 * @typedef {{kind: 'command', command: string, description: string}
 *   | {kind: 'diff', files: import('./diff-model.js').FileDiff[]}
 *   | {kind: 'url', url: string, prompt: string}
 *   | {kind: 'question', questions: Question[]}
 *   | {kind: 'plan', plan: string}
 *   | {kind: 'todos', todos: Todo[]}
 *   | {kind: 'input', text: string}} ToolView
 */

/**
 * @param {string} tool
 * @param {any} input
 * @param {string|null} [root]  the conversation's project folder: file paths under it are shown relative
 * @returns {ToolView}
 */
export function toolView(tool, input, root = null) {
  const obj = input && typeof input === 'object' ? input : {};
  const diffs = toolDiffs(tool, obj, root);
  if (diffs) return { kind: 'diff', files: diffs };
  switch (tool) {
    case 'Bash':
      return { kind: 'command', command: String(obj.command ?? ''), description: String(obj.description ?? '') };
    case 'WebFetch':
      return { kind: 'url', url: String(obj.url ?? ''), prompt: String(obj.prompt ?? '') };
    case 'AskUserQuestion':
      return { kind: 'question', questions: questionsOf(obj) };
    case 'ExitPlanMode':
      return { kind: 'plan', plan: String(obj.plan ?? '') };
    case 'TodoWrite':
      return { kind: 'todos', todos: todosOf(obj) };
    default:
      return { kind: 'input', text: inputText(input) };
  }
}

/** @param {any} input */
function inputText(input) {
  if (input == null) return '';
  if (typeof input === 'string') return input;
  const keys = Object.keys(input);
  // one string field (a path, a pattern, a query): just that
  if (keys.length === 1 && typeof input[keys[0]] === 'string') return input[keys[0]];
  return JSON.stringify(input, null, 2);
}

/**
 * AskUserQuestion's questions, with whatever is missing filled in.
 * @param {any} input
 * @returns {Question[]}
 */
export function questionsOf(input) {
  const list = Array.isArray(input?.questions) ? input.questions : [];
  return list.filter((/** @type {any} */ q) => q && typeof q.question === 'string').map((/** @type {any} */ q) => ({
    question: q.question,
    header: typeof q.header === 'string' ? q.header : '',
    options: (Array.isArray(q.options) ? q.options : [])
      .filter((/** @type {any} */ o) => o && typeof o.label === 'string')
      .map((/** @type {any} */ o) => ({ label: o.label, description: typeof o.description === 'string' ? o.description : '' })),
    multiSelect: !!q.multiSelect,
  }));
}

/**
 * TodoWrite's list.
 * @param {any} input
 * @returns {Todo[]}
 */
export function todosOf(input) {
  const list = Array.isArray(input?.todos) ? input.todos : [];
  return list.filter((/** @type {any} */ t) => t && typeof t.content === 'string').map((/** @type {any} */ t) => ({
    status: t.status === 'completed' || t.status === 'in_progress' ? t.status : 'pending',
    content: t.content,
    activeForm: typeof t.activeForm === 'string' ? t.activeForm : t.content,
  }));
}

/**
 * What a call acts on, in a few words, for the one-line record of an approval: "npm test",
 * "src/app.js", a URL, the first question.
 * @param {string} tool
 * @param {any} input
 */
export function subjectOf(tool, input) {
  const obj = input && typeof input === 'object' ? input : {};
  switch (tool) {
    case 'Bash': return oneLine(obj.command ?? '', 80);
    case 'Write': case 'Edit': case 'MultiEdit': case 'NotebookEdit': case 'Read':
      return oneLine(obj.file_path ?? obj.notebook_path ?? obj.path ?? '', 80);
    case 'WebFetch': return oneLine(obj.url ?? '', 80);
    case 'WebSearch': return oneLine(obj.query ?? '', 80);
    case 'AskUserQuestion': return oneLine(questionsOf(obj)[0]?.question ?? '', 80);
    case 'ExitPlanMode': return '';
    case 'ApplyPatch': {
      const paths = Array.isArray(obj.changes) ? obj.changes.map((/** @type {any} */ c) => baseName(String(c?.path ?? ''))) : [];
      return oneLine(paths.length > 1 ? `${paths[0]} and ${paths.length - 1} more` : paths[0] ?? '', 80);
    }
    default: {
      const first = Object.values(obj).find((v) => typeof v === 'string' && v.trim());
      return oneLine(first ?? '', 80);
    }
  }
}

// ---- answering questions

/**
 * What the user picked for each question: the chosen labels, and the text of "Other".
 * @typedef {Record<string, {chosen: string[], other: string}>} Picks
 */

/**
 * Tap an option: a single-choice question takes it (and clears "Other"); a multiple-choice one
 * toggles it.
 * @param {Picks} picks
 * @param {Question} q
 * @param {string} label
 * @returns {Picks}
 */
export function pickOption(picks, q, label) {
  const was = picks[q.question] ?? { chosen: [], other: '' };
  if (!q.multiSelect) return { ...picks, [q.question]: { chosen: [label], other: '' } };
  const chosen = was.chosen.includes(label) ? was.chosen.filter((l) => l !== label) : [...was.chosen, label];
  return { ...picks, [q.question]: { ...was, chosen } };
}

/**
 * Type an "Other" answer: for a single-choice question it replaces the chosen option.
 * @param {Picks} picks
 * @param {Question} q
 * @param {string} text
 * @returns {Picks}
 */
export function setOther(picks, q, text) {
  const was = picks[q.question] ?? { chosen: [], other: '' };
  return { ...picks, [q.question]: { chosen: q.multiSelect || !text.trim() ? was.chosen : [], other: text } };
}

/**
 * The `answers` of an `approve` frame (question text → label, or labels for a multiple-choice
 * question; "Other" answers in the user's words), and whether every question has one.
 * @param {Question[]} questions
 * @param {Picks} picks
 * @returns {{complete: boolean, answers: Record<string, string|string[]>}}
 */
export function answersFrom(questions, picks) {
  /** @type {Record<string, string|string[]>} */
  const answers = {};
  let complete = questions.length > 0;
  for (const q of questions) {
    const p = picks[q.question] ?? { chosen: [], other: '' };
    const other = p.other.trim();
    const labels = [...p.chosen.filter((l) => q.options.some((o) => o.label === l)), ...(other ? [other] : [])];
    if (!labels.length) {
      complete = false;
      continue;
    }
    answers[q.question] = q.multiSelect ? labels : labels[labels.length - 1];
  }
  return { complete, answers };
}

// ---- permission mode

/** The modes every server knows; `bypassPermissions` only where the server allows it. */
export const KNOWN_MODES = Object.freeze(['default', 'acceptEdits', 'plan', 'bypassPermissions']);

/**
 * The permission mode to show: a change asked for here and not yet logged, else the newest of the
 * log's `mode_changed` and the `welcome` (which tells the mode as of its head_seq).
 * @param {{pending: string|null, logged: {mode: string, seq: number}|null,
 *   welcome: {mode: string|null, seq: number}|null, stored: string|null}} s
 *   stored: what this device last knew (an offline start)
 * @returns {string|null}
 */
export function currentMode({ pending, logged, welcome, stored }) {
  if (pending) return pending;
  if (logged && (!welcome?.mode || logged.seq > welcome.seq)) return logged.mode;
  return welcome?.mode ?? logged?.mode ?? stored ?? null;
}

// ---- tool results

/**
 * A Bash call's exit status: 0 when it succeeded, the code Claude reports ("Exit code 2") when it
 * failed, null when unknown (still running, or a failure without a code).
 * @param {string} status  the tool item's status
 * @param {string|null} result
 * @returns {number|null}
 */
export function bashExit(status, result) {
  if (status === 'ok') return 0;
  if (status !== 'error') return null;
  const m = /^\s*Exit code (\d+)/.exec(result ?? '');
  return m ? Number(m[1]) : null;
}
