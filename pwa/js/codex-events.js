// Codex's events → view items. With `agent: "codex"` each `agent` event is one notification of
// `codex app-server`, `{method, params}` (docs/protocol.md, "Codex events"); this module turns them into
// the same items Claude's stream-json makes (view-model.js), so both read alike: a reply, a command with
// its output and exit code, a file change as a diff, a reasoning summary folded away, a plan of work,
// "Done in 2.1 s · 1.2k tokens". Pure (no DOM); view-model.js calls it for every `{method}` agent event
// and `partial` frame.

import { formatDuration, formatTokens, oneLine, toolResultText, toolSummary } from './format.js';
import { changeKind } from './diff-model.js';

/** A command's output kept while it streams (older output is dropped, the completed item has it all). */
export const LIVE_OUTPUT_CHARS = 64 * 1024;

export const CODEX_TEXT = Object.freeze({
  compacted: 'The agent compacted the conversation to save context.',
  retrying: (/** @type {string} */ why) => `The agent hit a problem and retries${why ? `: ${why}` : '.'}`,
  failed: 'The agent reported an error',
  declined: 'Not run: you declined it.',
});

/**
 * What the view model keeps of a codex conversation between events.
 * @typedef {object} CodexState
 * @property {number|null} turnStartTs   when the running turn started (event time)
 * @property {number|null} tokensAtStart the thread's total tokens when it started
 * @property {number|null} tokens        the thread's total tokens so far
 * @property {string} lastError          the last `error` notification's message
 */

/** @returns {CodexState} */
export function newCodexState() {
  return { turnStartTs: null, tokensAtStart: null, tokens: null, lastError: '' };
}

/** @param {any} data */
export function isCodexEvent(data) {
  return !!data && typeof data === 'object' && typeof data.method === 'string';
}

/**
 * The command as the model wrote it, without codex's `/bin/bash -lc '…'` wrapper.
 * @param {unknown} command  a string, or argv as a list
 */
export function unwrapCommand(command) {
  const text = Array.isArray(command) ? command.map(String).join(' ') : String(command ?? '');
  const m = /^(?:\/usr)?(?:\/bin\/)?(?:ba|z)?sh -l?c ([\s\S]*)$/.exec(text.trim());
  if (!m) return text;
  const arg = m[1].trim();
  if (arg.length >= 2 && arg.startsWith("'") && arg.endsWith("'")) return arg.slice(1, -1).replace(/'\\''/g, "'");
  if (arg.length >= 2 && arg.startsWith('"') && arg.endsWith('"')) return arg.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  return arg;
}

/**
 * A codex item that is a tool call, as the tool item's name and input (the same names as the
 * approvals: Bash, ApplyPatch), or null for items that are not calls (messages, reasoning…).
 * @param {any} item
 * @returns {{name: string, input: any}|null}
 */
export function toolOf(item) {
  if (!item || typeof item !== 'object') return null;
  switch (item.type) {
    case 'commandExecution':
      return { name: 'Bash', input: { command: unwrapCommand(item.command), ...(typeof item.cwd === 'string' ? { cwd: item.cwd } : {}) } };
    case 'fileChange':
      return {
        name: 'ApplyPatch',
        input: {
          changes: (Array.isArray(item.changes) ? item.changes : []).map((/** @type {any} */ c) => {
            const { kind, movePath } = changeKind(c?.kind);
            return { path: String(c?.path ?? ''), kind: movePath ? { type: kind, move_path: movePath } : kind, diff: typeof c?.diff === 'string' ? c.diff : '' };
          }),
        },
      };
    case 'mcpToolCall':
      return { name: [item.server, item.tool].filter((x) => typeof x === 'string' && x).join('.') || 'tool', input: item.arguments ?? {} };
    case 'dynamicToolCall':
      return { name: String(item.tool ?? 'tool'), input: item.arguments ?? {} };
    case 'webSearch':
      return { name: 'WebSearch', input: { query: String(item.query ?? '') } };
    case 'imageView':
      return { name: 'View image', input: { path: String(item.path ?? '') } };
    default:
      return null;
  }
}

/**
 * A finished codex item's outcome, for its tool item.
 * @param {any} item
 * @returns {{status: 'running'|'ok'|'error'|'declined', result: string|null, exit_code: number|null}}
 */
export function toolOutcome(item) {
  const s = String(item?.status ?? '');
  const status = s === 'inProgress' ? 'running' : s === 'declined' ? 'declined' : s === 'failed' ? 'error' : 'ok';
  switch (item?.type) {
    case 'commandExecution': {
      const exit = Number.isInteger(item.exitCode) ? item.exitCode : null;
      const output = typeof item.aggregatedOutput === 'string' ? item.aggregatedOutput : null;
      return {
        status: status === 'ok' && exit !== null && exit !== 0 ? 'error' : status,
        result: status === 'declined' ? CODEX_TEXT.declined : output ?? (status === 'running' ? null : ''),
        exit_code: exit,
      };
    }
    case 'fileChange':
      return { status, result: status === 'declined' ? CODEX_TEXT.declined : null, exit_code: null };
    case 'mcpToolCall': {
      const error = item.error && typeof item.error === 'object' ? String(item.error.message ?? '') : '';
      const result = error || (item.result ? toolResultText(item.result.content ?? item.result) : '');
      return { status: error ? 'error' : status, result: status === 'running' ? null : result, exit_code: null };
    }
    default: {
      const result = item && 'contentItems' in item ? toolResultText(item.contentItems) : null;
      return { status, result: status === 'running' ? null : result, exit_code: null };
    }
  }
}

/**
 * A reasoning item's readable text: its summary (what codex shows), else its raw content.
 * @param {any} item
 */
export function reasoningText(item) {
  const parts = (/** @type {any} */ list) => (Array.isArray(list) ? list : []).map((p) => (typeof p === 'string' ? p : String(p?.text ?? ''))).filter((p) => p.trim());
  const summary = parts(item?.summary);
  return (summary.length ? summary : parts(item?.content)).join('\n\n');
}

/**
 * `turn/plan/updated` steps as a checklist (TodoWrite's shape, so it draws the same).
 * @param {any} params
 */
export function planTodos(params) {
  const steps = Array.isArray(params?.plan) ? params.plan : [];
  return steps.filter((/** @type {any} */ s) => s && typeof s.step === 'string').map((/** @type {any} */ s) => ({
    content: s.step,
    activeForm: s.step,
    status: s.status === 'completed' ? 'completed' : s.status === 'inProgress' || s.status === 'in_progress' ? 'in_progress' : 'pending',
  }));
}

/**
 * The view model's side of this module: what it needs from ConversationModel.
 * @typedef {import('./view-model.js').ConversationModel} Model
 */

/**
 * Apply one codex notification (an `agent` event).
 * @param {Model} model
 * @param {import('./view-model.js').LoggedEvent} event
 * @param {any} data  {method, params}
 * @param {any} base  {rev, seq, ts}
 */
export function applyCodexEvent(model, event, data, base) {
  const params = data.params && typeof data.params === 'object' ? data.params : {};
  const state = model.codex;
  switch (data.method) {
    case 'turn/started':
      state.turnStartTs = event.ts;
      state.tokensAtStart = state.tokens;
      state.lastError = '';
      return;
    case 'item/started':
    case 'item/completed':
      onItem(model, event, params.item, base, data.method === 'item/completed');
      return;
    case 'thread/tokenUsage/updated': {
      const total = params.tokenUsage?.total?.totalTokens;
      if (Number.isFinite(total)) state.tokens = total;
      return;
    }
    case 'turn/plan/updated':
      onPlan(model, event, params, base);
      return;
    case 'thread/compacted':
      model.add({ ...base, kind: 'notice', key: `n${event.seq}`, level: 'info', text: CODEX_TEXT.compacted });
      return;
    case 'error': {
      const message = oneLine(params.error?.message ?? '', 300);
      if (params.willRetry) model.add({ ...base, kind: 'notice', key: `n${event.seq}`, level: 'warning', text: CODEX_TEXT.retrying(message) });
      else state.lastError = message;
      return;
    }
    case 'turn/completed':
      onTurnCompleted(model, event, params.turn ?? {}, base);
      return;
    default:
      return; // turn/diff/updated (the file changes show it), and whatever codex adds
  }
}

/**
 * @param {Model} model
 * @param {import('./view-model.js').LoggedEvent} event
 * @param {any} item
 * @param {any} base
 * @param {boolean} completed
 */
function onItem(model, event, item, base, completed) {
  if (!item || typeof item !== 'object') return;
  if (item.type === 'agentMessage') {
    if (!completed) return; // its text streams as `partial` frames
    if (model.live && (model.live.message_id === item.id || model.live.message_id === null)) model.clearLive();
    const text = String(item.text ?? '');
    if (text.trim()) model.add({ ...base, kind: 'assistant', key: `a${event.seq}`, text, message_id: typeof item.id === 'string' ? item.id : null });
    return;
  }
  if (item.type === 'reasoning') {
    const text = completed ? reasoningText(item) : '';
    if (text.trim()) model.add({ ...base, kind: 'thinking', key: `k${event.seq}`, text });
    return;
  }
  const call = toolOf(item);
  if (!call) return;
  const id = String(item.id ?? `item${event.seq}`);
  let tool = model.tools.get(id);
  if (!tool) {
    tool = model.add({
      ...base,
      kind: 'tool',
      key: `t${event.seq}`,
      id,
      name: call.name,
      input: call.input,
      summary: toolSummary(call.name, call.input),
      status: 'running',
      result: null,
      exit_code: null,
      waiting: model.isAwaitingApproval(id),
    });
    model.tools.set(id, tool);
    model.turnTools.add(id);
  }
  if (!completed) return;
  const outcome = toolOutcome(item);
  model.update(tool, { input: call.input, summary: toolSummary(call.name, call.input), ...outcome, waiting: outcome.status === 'running' && tool.waiting });
  if (outcome.status !== 'running') model.turnTools.delete(id);
}

/**
 * @param {Model} model
 * @param {import('./view-model.js').LoggedEvent} event
 * @param {any} params
 * @param {any} base
 */
function onPlan(model, event, params, base) {
  const input = { todos: planTodos(params) };
  if (!input.todos.length) return;
  const summary = toolSummary('TodoWrite', input);
  if (model.todos) {
    model.update(model.todos, { input, summary, status: 'ok' });
    return;
  }
  const id = `plan${event.seq}`;
  model.todos = model.add({ ...base, kind: 'tool', key: `t${event.seq}`, id, name: 'TodoWrite', input, summary, status: 'ok', result: null, exit_code: null, waiting: false });
}

/**
 * The turn's result line, like Claude's: "Done in 2.1 s · 1.2k tokens", or what went wrong. A turn the
 * user stopped says nothing here (run_finished says "Stopped.").
 * @param {Model} model
 * @param {import('./view-model.js').LoggedEvent} event
 * @param {any} turn
 * @param {any} base
 */
function onTurnCompleted(model, event, turn, base) {
  const state = model.codex;
  if (model.live) model.clearLive();
  const duration = Number.isFinite(turn.durationMs) ? turn.durationMs : state.turnStartTs !== null ? Math.max(0, event.ts - state.turnStartTs) : null;
  const tokens = state.tokens !== null ? state.tokens - (state.tokensAtStart ?? 0) : null;
  const status = String(turn.status ?? 'completed');
  state.turnStartTs = null;
  state.tokensAtStart = state.tokens;
  model.lastResult = { duration_ms: duration, cost_usd: null };
  if (status === 'interrupted') return;
  const ok = status !== 'failed';
  const parts = [ok ? (duration !== null ? `Done in ${formatDuration(duration)}` : 'Done') : CODEX_TEXT.failed];
  if (!ok && duration !== null) parts.push(formatDuration(duration));
  if (tokens !== null && tokens > 0) parts.push(formatTokens(tokens));
  const detail = ok ? '' : oneLine(turn.error?.message ?? state.lastError ?? '', 300);
  model.add({ ...base, kind: 'result', key: `r${event.seq}`, ok, line: parts.join(' · '), detail, denials: [] });
}

/**
 * A codex `partial` frame (`{method, params}`): a reply's text as it streams, a command's output as it
 * runs. Returns false for anything else.
 * @param {Model} model
 * @param {any} data
 */
export function applyCodexPartial(model, data) {
  if (!isCodexEvent(data)) return false;
  const params = data.params ?? {};
  const delta = typeof params.delta === 'string' ? params.delta : '';
  if (data.method === 'item/agentMessage/delta') {
    const id = typeof params.itemId === 'string' ? params.itemId : null;
    if (!model.live || model.live.message_id !== id) model.live = { text: '', message_id: id };
    model.live.text += delta;
    model.markLive();
  } else if (data.method === 'item/commandExecution/outputDelta') {
    const tool = model.tools.get(String(params.itemId ?? ''));
    if (tool && tool.status === 'running' && delta) {
      const text = (tool.result ?? '') + delta;
      model.update(tool, { result: text.length > LIVE_OUTPUT_CHARS ? text.slice(-LIVE_OUTPUT_CHARS) : text });
    }
  }
  return true;
}
