// Event log → view items: the rules for showing a conversation. Pure (no DOM), incremental: events are
// applied one by one in seq order and each change bumps the item's `rev`, so the view re-renders only
// what changed. Claude's stream-json objects arrive as `agent` events (see docs/protocol.md); codex's
// notifications (`{method, params}`) are turned into the same items by codex-events.js.

import { formatCost, formatDuration, toolResultText, toolSummary, oneLine } from './format.js';
import { subjectOf } from './approvals.js';
import { applyCodexEvent, applyCodexPartial, isCodexEvent, newCodexState } from './codex-events.js';

/**
 * @typedef {object} LoggedEvent
 * @property {number} seq
 * @property {string} kind
 * @property {number} ts
 * @property {any} data
 */

/**
 * @typedef {{key:string, rev:number, seq:number, ts:number}} Base
 * @typedef {{sha256: string, name: string, media_type: string}} AttachmentRef
 * @typedef {Base & {kind:'user', text:string, client_msg_id:string, attachments?: AttachmentRef[], turn:'waiting'|'running'|'done'|'ok'|'error'|'stopped'|'interrupted'}} UserItem
 * @typedef {Base & {kind:'assistant', text:string, message_id:string|null}} AssistantItem
 * @typedef {Base & {kind:'thinking', text:string}} ThinkingItem
 * @typedef {Base & {kind:'tool', id:string, name:string, input:any, summary:string,
 *   status:'running'|'ok'|'error'|'interrupted'|'stopped'|'declined', result:string|null, waiting:boolean,
 *   exit_code?:number|null}} ToolItem
 *   (waiting: an approval for this call is pending; a TodoWrite item is updated in place by later ones;
 *   exit_code: a codex command's, when known; declined: the user said no to a codex call)
 * @typedef {'pending'|'allowed'|'allowed_always'|'denied'|'cancelled'} ApprovalState
 * @typedef {Base & {kind:'approval', approval_id:string, tool:string, input:any, tool_use_id:string|null,
 *   approval_kind:'tool'|'question'|'plan', description:string, can_always:boolean, always_label:string,
 *   subject:string, state:ApprovalState, decision:string|null, message:string, answers:any,
 *   by:'user'|'rule'|'timeout'|null, client_id:string|null, reason:string|null, end_seq:number|null}} ApprovalItem
 * @typedef {Base & {kind:'result', ok:boolean, line:string, detail:string, denials:{tool:string, summary:string}[]}} ResultItem
 * @typedef {Base & {kind:'run_end', outcome:string, title:string, detail:string, ask_again:string|null, actionable:boolean}} RunEndItem
 * @typedef {Base & {kind:'session', variant:'first'|'restored'|'new_session'|'fresh'|'clean', title:string, detail:string, actionable:boolean}} SessionItem
 * @typedef {Base & {kind:'notice', level:'info'|'warning'|'error', text:string}} NoticeItem
 * @typedef {UserItem|AssistantItem|ThinkingItem|ToolItem|ResultItem|RunEndItem|SessionItem|NoticeItem|ApprovalItem} ViewItem
 */

export const TEXT = Object.freeze({
  restored: 'Session restored.',
  newSession: 'Previous session not found. Started a fresh session with a summary of this conversation.',
  fresh: 'Started a fresh session with a summary of this conversation.',
  clean: 'Started a new session.',
  first: 'Session started',
  stopped: 'Stopped.',
  interrupted: 'Interrupted: this turn was cut off before the agent finished.',
  error: 'The agent ended with an error.',
});

/**
 * Join two streamed text pieces: directly when either side already has whitespace at the seam
 * (chunks of one reply), else as separate paragraphs (separate text blocks).
 * @param {string} a
 * @param {string} b
 */
export function joinText(a, b) {
  if (!a) return b;
  if (!b) return a;
  if (/\s$/.test(a) || /^\s/.test(b)) return a + b;
  return a + '\n\n' + b;
}

export class ConversationModel {
  constructor() {
    /** @type {ViewItem[]} */
    this.items = [];
    /** @type {Map<string, ViewItem>} */
    this.byKey = new Map();
    this.lastSeq = 0;
    /** @type {'idle'|'running'|'interrupted'|'expired'} */
    this.status = 'idle';
    this.title = '';
    /** @type {Set<string>} client_msg_ids logged as user_message */
    this.loggedIds = new Set();
    /** @type {{session_id:string|null, model:string|null, cwd:string|null, permission_mode:string|null, slash_commands?:string[]|null}} */
    this.session = { session_id: null, model: null, cwd: null, permission_mode: null };
    /** @type {{text:string, message_id:string|null}|null} live token deltas (`partial` frames) */
    this.live = null;
    /** @type {string[]} user items whose turn has not started, FIFO */
    this.waitingTurns = [];
    /** @type {string|null} the user item whose turn runs */
    this.currentTurn = null;
    /** @type {Map<string, ToolItem>} */
    this.tools = new Map();
    /** @type {Set<string>} tools of the running turn */
    this.turnTools = new Set();
    /** @type {string|null} */
    this.lastRunEnd = null;
    /** @type {string|null} */
    this.lastRecovery = null;
    this.sessionsStarted = 0;
    /** @type {{duration_ms:number|null, cost_usd:number|null}|null} */
    this.lastResult = null;
    this.totalCostUsd = 0;
    /** @type {Map<string, ApprovalItem>} every approval seen, by approval_id */
    this.approvals = new Map();
    /** @type {Set<string>} approvals that have ended (resolved or cancelled) */
    this.endedApprovals = new Set();
    /** @type {{mode: string, seq: number}|null} the last `mode_changed` */
    this.mode = null;
    /** @type {ToolItem|null} the conversation's checklist: the first TodoWrite, updated by later ones */
    this.todos = null;
    /** @type {import('./codex-events.js').CodexState} */
    this.codex = newCodexState();
    /** The seq of the first event folded: 1, unless this is a window of a longer log (history-window.js). */
    this.firstSeq = 1;
    this.runsStarted = 0;
    /** @type {string|null} this window's first plain session start, "first" or "clean" by what came before it */
    this.firstPlainSession = null;
    this._changed = new Set();
    this._appended = false;
    this._liveChanged = false;
  }

  get running() {
    return this.status === 'running';
  }

  /** Approvals waiting for an answer, oldest first. @returns {ApprovalItem[]} */
  get pendingApprovals() {
    return [...this.approvals.values()].filter((a) => a.state === 'pending');
  }

  /** @returns {{changed: Set<string>, appended: boolean, live: boolean}} */
  takeChanges() {
    const out = { changed: this._changed, appended: this._appended, live: this._liveChanged };
    this._changed = new Set();
    this._appended = false;
    this._liveChanged = false;
    return out;
  }

  /**
   * Put the window of the log just before this one in front of it (controller/history.js), so that the
   * result is what folding both in one go gives: the few things a window cannot know of the ones
   * before it are settled here.
   * @param {ConversationModel} older  folded on its own (buildWindow), ending where this one starts
   * @returns {{items: ViewItem[], removed: string[]}} the items to draw above, and keys no longer drawn
   */
  prependOlder(older) {
    if (older.lastSeq !== this.firstSeq - 1) throw new Error(`windows do not meet: ${older.lastSeq} + 1 ≠ ${this.firstSeq}`);
    /** @type {string[]} */
    const removed = [];
    // a later run or session retires the older "ask again" and recovery offers
    const runEnd = older.lastRunEnd ? older.byKey.get(older.lastRunEnd) : null;
    if (runEnd && /** @type {RunEndItem} */ (runEnd).actionable && (this.runsStarted || this.lastRunEnd)) older.update(runEnd, { actionable: false });
    if (this.sessionsStarted || this.lastRecovery) older.retireRecovery(null);
    // this window's first plain session start is the conversation's first if none came before
    let firstPlain = this.firstPlainSession;
    if (firstPlain && (older.sessionsStarted || older.lastRecovery)) firstPlain = null;
    else if (firstPlain && older.firstSeq === 1) {
      this.update(this.byKey.get(firstPlain), { variant: 'first', title: TEXT.first });
      firstPlain = null;
    }
    // one checklist per conversation, where the first list was, showing the latest
    if (older.todos && this.todos) {
      const later = this.todos;
      older.update(older.todos, {
        input: later.input, summary: later.summary, status: later.status, result: later.result, waiting: later.waiting,
        ...('exit_code' in later ? { exit_code: later.exit_code } : {}),
      });
      this.items = this.items.filter((i) => i !== later);
      this.byKey.delete(later.key);
      removed.push(later.key);
      for (const [id, tool] of this.tools) if (tool === later) this.tools.set(id, older.todos);
    }
    if (older.todos) this.todos = older.todos;
    this.items = older.items.concat(this.items);
    for (const item of older.items) this.byKey.set(item.key, item);
    for (const [id, tool] of older.tools) if (!this.tools.has(id)) this.tools.set(id, tool);
    this.approvals = new Map([...older.approvals, ...this.approvals]);
    for (const id of older.endedApprovals) this.endedApprovals.add(id);
    for (const id of older.loggedIds) this.loggedIds.add(id);
    this.mode = this.mode ?? older.mode;
    if (!this.session.session_id && !this.session.model) this.session = older.session;
    this.totalCostUsd += older.totalCostUsd;
    this.sessionsStarted += older.sessionsStarted;
    this.runsStarted += older.runsStarted;
    this.lastRunEnd = this.lastRunEnd ?? older.lastRunEnd;
    this.lastRecovery = this.lastRecovery ?? older.lastRecovery;
    this.firstPlainSession = older.firstPlainSession ?? firstPlain;
    if (older.firstSeq === 1 && older.title) this.title = older.title;
    this.firstSeq = older.firstSeq;
    return { items: older.items, removed };
  }

  /**
   * @template {ViewItem} T
   * @param {T} item
   * @returns {T}
   */
  add(item) {
    this.items.push(item);
    this.byKey.set(item.key, item);
    this._changed.add(item.key);
    this._appended = true;
    return item;
  }

  /**
   * @param {ViewItem|undefined|null} item
   * @param {object} patch
   */
  update(item, patch) {
    if (!item) return;
    Object.assign(item, patch);
    item.rev++;
    this._changed.add(item.key);
  }

  /** @param {'idle'|'running'|'interrupted'|'expired'} status */
  setStatus(status) {
    if (['idle', 'running', 'interrupted', 'expired'].includes(status)) this.status = status;
  }

  /** The live text changed (codex-events.js streams into `live`). */
  markLive() {
    this._liveChanged = true;
  }

  clearLive() {
    if (this.live) {
      this.live = null;
      this._liveChanged = true;
    }
  }

  /**
   * A `partial` frame: a live token delta, for display until the complete `agent` event arrives.
   * @param {any} data
   */
  applyPartial(data) {
    if (!data || typeof data !== 'object') return;
    if (applyCodexPartial(this, data)) return;
    const ev = data.type === 'stream_event' ? data.event : data;
    if (!ev || typeof ev !== 'object') return;
    if (ev.type === 'message_start') {
      this.live = { text: '', message_id: ev.message?.id ?? null };
      this._liveChanged = true;
      return;
    }
    if (ev.type === 'content_block_delta' && ev.delta?.type === 'text_delta' && typeof ev.delta.text === 'string') {
      if (!this.live) this.live = { text: '', message_id: null };
      this.live.text += ev.delta.text;
      this._liveChanged = true;
    }
  }

  /**
   * Apply the next logged event. Events out of order are refused (the caller applies seq = lastSeq + 1).
   * @param {LoggedEvent} event
   * @returns {boolean}
   */
  apply(event) {
    if (!event || event.seq !== this.lastSeq + 1) return false;
    this.lastSeq = event.seq;
    const data = event.data ?? {};
    const base = { rev: 1, seq: event.seq, ts: event.ts };
    switch (event.kind) {
      case 'user_message': this.onUserMessage(event, data, base); break;
      case 'agent': this.onAgent(event, data, base); break;
      case 'run_started': this.onRunStarted(); break;
      case 'run_finished': this.onRunFinished(event, data, base); break;
      case 'session_lost': this.onSessionLost(event, data, base); break;
      case 'session_started': this.onSessionStarted(event, data, base); break;
      case 'approval_requested': this.onApprovalRequested(event, data, base); break;
      case 'approval_resolved': this.onApprovalEnded(event, data, base, 'resolved'); break;
      case 'approval_cancelled': this.onApprovalEnded(event, data, base, 'cancelled'); break;
      case 'mode_changed':
        if (typeof data.mode === 'string') this.mode = { mode: data.mode, seq: event.seq };
        break;
      case 'notice': {
        const level = ['info', 'warning', 'error'].includes(data.level) ? data.level : 'info';
        this.add({ ...base, kind: 'notice', key: `n${event.seq}`, level, text: String(data.text ?? '') });
        break;
      }
      default:
        break; // unknown kinds are ignored, as the protocol asks
    }
    return true;
  }

  /** @param {LoggedEvent} event @param {any} data @param {any} base */
  onUserMessage(event, data, base) {
    const text = String(data.text ?? '');
    const files = attachmentRefs(data.attachments);
    // a window of a longer log keeps the title it was given: its first message is not the conversation's
    if (!this.title && this.firstSeq === 1) this.title = oneLine(text || files.map((a) => a.name).join(', '), 80);
    if (files.length) base = { ...base, attachments: files };
    if (data.imported) {
      // history of a session continued from a terminal: its turn ran there, none will run here
      this.add({ ...base, kind: 'user', key: `u${event.seq}`, text, client_msg_id: '', turn: 'done' });
      return;
    }
    const item = this.add({ ...base, kind: 'user', key: `u${event.seq}`, text, client_msg_id: String(data.client_msg_id ?? ''), turn: 'waiting' });
    if (data.client_msg_id) this.loggedIds.add(String(data.client_msg_id));
    this.waitingTurns.push(item.key);
    if (this.status !== 'running') this.status = 'running';
  }

  onRunStarted() {
    const key = this.waitingTurns.shift() ?? null;
    this.currentTurn = key;
    this.runsStarted++;
    this.turnTools.clear();
    this.status = 'running';
    if (key) this.update(this.byKey.get(key), { turn: 'running' });
    if (this.lastRunEnd) {
      const prev = this.byKey.get(this.lastRunEnd);
      if (prev && /** @type {RunEndItem} */ (prev).actionable) this.update(prev, { actionable: false });
    }
  }

  /** @param {LoggedEvent} event @param {any} data @param {any} base */
  onRunFinished(event, data, base) {
    const outcome = ['ok', 'error', 'stopped', 'interrupted'].includes(data.outcome) ? data.outcome : 'error';
    const turn = this.currentTurn ? /** @type {UserItem|undefined} */ (this.byKey.get(this.currentTurn)) : undefined;
    this.currentTurn = null;
    this.clearLive();
    for (const id of this.turnTools) {
      const tool = this.tools.get(id);
      if (tool && tool.status === 'running') this.update(tool, { status: outcome === 'stopped' ? 'stopped' : 'interrupted', waiting: false });
    }
    this.turnTools.clear();
    if (turn) this.update(turn, { turn: outcome });
    this.status = this.waitingTurns.length ? 'running' : outcome === 'interrupted' ? 'interrupted' : 'idle';
    if (outcome === 'ok') return;
    const exit = data.exit_code;
    const detail = outcome === 'error' && Number.isInteger(exit) ? `Exit code ${exit}.` : '';
    const askable = outcome === 'interrupted' || outcome === 'error';
    const item = this.add({
      ...base,
      kind: 'run_end',
      key: `e${event.seq}`,
      outcome,
      title: TEXT[/** @type {'stopped'|'interrupted'|'error'} */ (outcome)],
      detail,
      ask_again: askable ? (turn?.text ?? null) : null,
      actionable: askable && !!turn && !this.waitingTurns.length,
    });
    if (this.lastRunEnd) {
      const prev = this.byKey.get(this.lastRunEnd);
      if (prev && /** @type {RunEndItem} */ (prev).actionable) this.update(prev, { actionable: false });
    }
    this.lastRunEnd = item.key;
  }

  /** @param {LoggedEvent} event @param {any} data @param {any} base */
  onApprovalRequested(event, data, base) {
    const id = String(data.approval_id ?? '');
    if (!id || this.approvals.has(id)) return;
    const tool = String(data.tool ?? 'tool');
    const kind = data.kind === 'question' || data.kind === 'plan' ? data.kind : 'tool';
    const item = this.add({
      ...base,
      kind: 'approval',
      key: `p${event.seq}`,
      approval_id: id,
      tool,
      input: data.input ?? {},
      tool_use_id: typeof data.tool_use_id === 'string' ? data.tool_use_id : null,
      approval_kind: kind,
      description: typeof data.description === 'string' ? data.description : '',
      can_always: !!data.can_always,
      always_label: typeof data.always_label === 'string' ? data.always_label : '',
      subject: subjectOf(tool, data.input),
      state: /** @type {ApprovalState} */ ('pending'),
      decision: null, message: '', answers: null, by: null, client_id: null, reason: null, end_seq: null,
    });
    this.approvals.set(id, item);
    this.markToolWaiting(item.tool_use_id, true);
  }

  /**
   * `approval_resolved` or `approval_cancelled`. Only the first end counts (I6); one that names no
   * known request (an allow-always rule answering at once) is still recorded.
   * @param {LoggedEvent} event @param {any} data @param {any} base @param {'resolved'|'cancelled'} how
   */
  onApprovalEnded(event, data, base, how) {
    const id = String(data.approval_id ?? '');
    if (!id || this.endedApprovals.has(id)) return;
    this.endedApprovals.add(id);
    let item = this.approvals.get(id);
    if (!item) {
      this.onApprovalRequested(event, { approval_id: id, tool: data.tool ?? 'tool', input: data.input ?? {}, tool_use_id: data.tool_use_id }, base);
      item = /** @type {ApprovalItem} */ (this.approvals.get(id));
    }
    /** @type {Partial<ApprovalItem>} */
    const patch = { end_seq: event.seq, client_id: typeof data.client_id === 'string' ? data.client_id : null };
    if (how === 'cancelled') {
      patch.state = 'cancelled';
      patch.reason = ['withdrawn', 'stopped', 'interrupted'].includes(data.reason) ? data.reason : 'withdrawn';
    } else {
      const decision = ['allow', 'allow_always', 'deny'].includes(data.decision) ? data.decision : 'deny';
      patch.state = decision === 'deny' ? 'denied' : decision === 'allow_always' ? 'allowed_always' : 'allowed';
      patch.decision = decision;
      patch.message = typeof data.message === 'string' ? data.message : '';
      patch.answers = data.answers && typeof data.answers === 'object' ? data.answers : null;
      patch.by = data.by === 'rule' || data.by === 'timeout' ? data.by : 'user';
    }
    this.update(item, patch);
    this.markToolWaiting(item.tool_use_id, false);
  }

  /** @param {string|null} toolUseId @param {boolean} waiting */
  markToolWaiting(toolUseId, waiting) {
    const tool = toolUseId ? this.tools.get(toolUseId) : null;
    if (tool && tool.waiting !== waiting) this.update(tool, { waiting });
  }

  /** @param {unknown} toolUseId */
  wasAsked(toolUseId) {
    for (const a of this.approvals.values()) if (a.tool_use_id === toolUseId) return true;
    return false;
  }

  /** @param {string} toolUseId */
  isAwaitingApproval(toolUseId) {
    for (const a of this.approvals.values()) if (a.state === 'pending' && a.tool_use_id === toolUseId) return true;
    return false;
  }

  /** @param {string|null} key */
  retireRecovery(key) {
    const prev = this.lastRecovery ? this.byKey.get(this.lastRecovery) : null;
    if (prev && prev.key !== key && /** @type {SessionItem} */ (prev).actionable) this.update(prev, { actionable: false });
  }

  /** @param {LoggedEvent} event @param {any} data @param {any} base */
  onSessionLost(event, data, base) {
    const restored = data.recovery === 'restored';
    const reason = oneLine(data.reason ?? '', 200);
    this.retireRecovery(null);
    const item = this.add({
      ...base,
      kind: 'session',
      key: `s${event.seq}`,
      variant: restored ? 'restored' : 'new_session',
      title: restored ? TEXT.restored : TEXT.newSession,
      detail: reason,
      actionable: !restored,
    });
    this.lastRecovery = item.key;
  }

  /** @param {LoggedEvent} event @param {any} data @param {any} base */
  onSessionStarted(event, data, base) {
    this.sessionsStarted++;
    const last = this.items[this.items.length - 1];
    if (data.fallback) {
      // "session_lost {new_session}" then "session_started {fallback: true}": one banner says both
      if (last && last.kind === 'session' && last.variant === 'new_session') return;
      this.retireRecovery(null);
      const item = this.add({ ...base, kind: 'session', key: `s${event.seq}`, variant: 'fresh', title: TEXT.fresh, detail: '', actionable: true });
      this.lastRecovery = item.key;
      return;
    }
    this.retireRecovery(null);
    const first = this.sessionsStarted === 1 && !this.lastRecovery && this.firstSeq === 1;
    // in a window, whether it was the conversation's first is known once the older windows are
    if (this.sessionsStarted === 1 && !this.lastRecovery && this.firstSeq > 1) this.firstPlainSession = `s${event.seq}`;
    this.add({
      ...base,
      kind: 'session',
      key: `s${event.seq}`,
      variant: first ? 'first' : 'clean',
      title: first ? TEXT.first : TEXT.clean,
      detail: '',
      actionable: false,
    });
  }

  /** @param {LoggedEvent} event @param {any} data @param {any} base */
  onAgent(event, data, base) {
    if (!data || typeof data !== 'object') return;
    if (isCodexEvent(data)) {
      applyCodexEvent(this, event, data, base);
      return;
    }
    if (typeof data.session_id === 'string' && data.session_id) this.session.session_id = data.session_id;
    switch (data.type) {
      case 'system':
        if (data.subtype === 'init') {
          this.session = {
            session_id: data.session_id ?? this.session.session_id,
            model: data.model ?? null,
            cwd: data.cwd ?? null,
            permission_mode: data.permissionMode ?? null,
            slash_commands: Array.isArray(data.slash_commands) ? data.slash_commands : this.session.slash_commands, // the composer's `/` list
          };
        } else if (data.subtype === 'compact_boundary') {
          this.add({ ...base, kind: 'notice', key: `n${event.seq}`, level: 'info', text: 'The agent compacted the conversation to save context.' });
        }
        return;
      case 'assistant':
        this.onAssistant(event, data, base);
        return;
      case 'user':
        this.onToolResults(data);
        return;
      case 'result':
        this.onResult(event, data, base);
        return;
      default:
        return;
    }
  }

  /** @param {LoggedEvent} event @param {any} data @param {any} base */
  onAssistant(event, data, base) {
    this.clearLive();
    const message = data.message ?? {};
    const messageId = typeof message.id === 'string' ? message.id : null;
    const blocks = Array.isArray(message.content) ? message.content : typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [];
    blocks.forEach((block, index) => {
      if (!block || typeof block !== 'object') return;
      const key = index ? `${event.seq}.${index}` : `${event.seq}`;
      if (block.type === 'text' && typeof block.text === 'string') {
        const last = this.items[this.items.length - 1];
        if (last && last.kind === 'assistant' && last.message_id === messageId && messageId !== null) {
          this.update(last, { text: joinText(last.text, block.text) });
        } else if (block.text.trim()) {
          this.add({ ...base, kind: 'assistant', key: `a${key}`, text: block.text, message_id: messageId });
        }
      } else if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking.trim()) {
        const last = this.items[this.items.length - 1];
        if (last && last.kind === 'thinking') this.update(last, { text: joinText(last.text, block.thinking) });
        else this.add({ ...base, kind: 'thinking', key: `k${key}`, text: block.thinking });
      } else if (block.type === 'tool_use') {
        const id = String(block.id ?? `tool${key}`);
        const name = String(block.name ?? 'tool');
        if (name === 'TodoWrite' && this.todos) {
          // one checklist per conversation: the latest list wins, shown where the first one was
          this.update(this.todos, { input: block.input ?? {}, summary: toolSummary(name, block.input), status: 'running', result: null });
          this.tools.set(id, this.todos);
          this.turnTools.add(id);
          return;
        }
        const tool = this.add({
          ...base,
          kind: 'tool',
          key: `t${key}`,
          id,
          name,
          input: block.input ?? {},
          summary: toolSummary(name, block.input),
          status: 'running',
          result: null,
          waiting: this.isAwaitingApproval(id),
        });
        if (name === 'TodoWrite') this.todos = tool;
        this.tools.set(id, tool);
        this.turnTools.add(id);
      }
    });
  }

  /** @param {any} data */
  onToolResults(data) {
    const content = data.message?.content;
    if (!Array.isArray(content)) return;
    for (const block of content) {
      if (!block || block.type !== 'tool_result') continue;
      const id = String(block.tool_use_id);
      const tool = this.tools.get(id);
      if (!tool) continue;
      this.update(tool, { status: block.is_error ? 'error' : 'ok', result: toolResultText(block.content), waiting: false });
      this.turnTools.delete(id);
    }
  }

  /** @param {LoggedEvent} event @param {any} data @param {any} base */
  onResult(event, data, base) {
    this.clearLive();
    const subtype = String(data.subtype ?? '');
    const ok = !data.is_error && !subtype.startsWith('error');
    const duration = Number.isFinite(data.duration_ms) ? data.duration_ms : null;
    const cost = Number.isFinite(data.total_cost_usd) ? data.total_cost_usd : null;
    this.lastResult = { duration_ms: duration, cost_usd: cost };
    if (cost !== null) this.totalCostUsd += cost;
    const parts = [];
    if (ok) parts.push(duration !== null ? `Done in ${formatDuration(duration)}` : 'Done');
    else parts.push(resultErrorTitle(subtype));
    if (!ok && duration !== null) parts.push(formatDuration(duration));
    if (cost !== null) parts.push(formatCost(cost));
    let detail = '';
    if (!ok) {
      const errors = Array.isArray(data.errors) ? data.errors.map((e) => oneLine(typeof e === 'string' ? e : e?.message ?? JSON.stringify(e), 300)) : [];
      detail = errors.join('\n') || (typeof data.result === 'string' ? oneLine(data.result, 300) : '');
    }
    const denials = Array.isArray(data.permission_denials)
      ? data.permission_denials
        .filter((/** @type {any} */ d) => !this.wasAsked(d?.tool_use_id)) // the user's own "Deny" already has its record
        .map((/** @type {any} */ d) => ({ tool: String(d?.tool_name ?? 'tool'), summary: toolSummary(String(d?.tool_name ?? ''), d?.tool_input) }))
      : [];
    this.add({ ...base, kind: 'result', key: `r${event.seq}`, ok, line: parts.join(' · '), detail, denials });
  }
}

/** @param {string} subtype */
function resultErrorTitle(subtype) {
  if (subtype === 'error_max_turns') return 'Stopped: the agent reached its turn limit';
  if (subtype === 'error_during_execution') return 'The agent hit an error while working';
  return 'The agent reported an error';
}

/**
 * Fold a window of a longer log on its own (history-window.js: it starts at a turn boundary).
 * @param {LoggedEvent[]} events  in seq order, from a turn boundary
 * @param {{title?: string, status?: 'idle'|'running'|'interrupted'|'expired'}} [known]  what the
 *   conversation's record says: the title (its first message may be older) and the status when no events
 */
export function buildWindow(events, known = {}) {
  const model = new ConversationModel();
  if (events.length && events[0].seq > 1) {
    model.firstSeq = events[0].seq;
    model.lastSeq = events[0].seq - 1;
    model.title = known.title ?? '';
  }
  for (const e of events) model.apply(e);
  if (known.status && !events.length) model.setStatus(known.status);
  model.takeChanges();
  return model;
}

/**
 * Build a model from a list of events (e.g. the IndexedDB copy at start-up).
 * @param {LoggedEvent[]} events in seq order
 * @param {'idle'|'running'|'interrupted'|'expired'} [status]
 */
export function buildModel(events, status) {
  const model = new ConversationModel();
  for (const e of events) model.apply(e);
  if (status && !events.length) model.setStatus(status);
  model.takeChanges();
  return model;
}

/**
 * A user_message's attachments as logged, each checked (a log from a newer or odd server draws nothing wrong).
 * @param {unknown} list
 * @returns {AttachmentRef[]}
 */
export function attachmentRefs(list) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((a) => a && typeof a.sha256 === 'string' && /^[0-9a-f]{64}$/.test(a.sha256))
    .map((a) => ({ sha256: a.sha256, name: String(a.name ?? 'file'), media_type: String(a.media_type ?? '') }));
}
