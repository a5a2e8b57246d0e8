// One view item (pwa/js/view-model.js) → one <li>. Buttons carry data-action; the app delegates clicks.

import { h, icon } from './dom.js';
import { renderMarkdown } from './markdown-dom.js';
import { renderApprovalRecord, renderToolView } from './on-demand.js';
import { renderAttachments } from './thumbs.js';
import { formatClock } from '../format.js';
import { bashExit, toolView } from '../approvals.js';

const RESULT_PREVIEW_CHARS = 4000;

/**
 * @param {import('../view-model.js').ViewItem} item
 * @param {{connected: boolean, root?: string|null}} ctx  root: the project's folder (paths shown relative)
 * @returns {HTMLElement}
 */
export function renderItem(item, ctx) {
  const base = { 'data-key': item.key, 'data-seq': String(item.seq) };
  switch (item.kind) {
    case 'user':
      return h('li', { ...base, class: `msg user turn-${item.turn}` },
        renderAttachments(item.attachments),
        item.text ? h('div', { class: 'bubble', text: item.text }) : null,
        h('div', { class: 'meta' }, h('time', { text: formatClock(item.ts) }), item.turn === 'waiting' ? h('span', { class: 'chip', text: 'Queued' }) : null));
    case 'assistant':
      return h('li', { ...base, class: 'msg agent' }, h('div', { class: 'bubble md' }, renderMarkdown(item.text)));
    case 'thinking':
      return h('li', { ...base, class: 'thinking' },
        h('details', null, h('summary', null, 'Thinking'), h('div', { class: 'md' }, renderMarkdown(item.text))));
    case 'tool':
      return renderTool(item, base, ctx.root ?? null);
    case 'result':
      return h('li', { ...base, class: `result ${item.ok ? 'ok' : 'err'}`, role: item.ok ? null : 'alert' },
        h('div', { class: 'result-line' }, icon(item.ok ? 'check' : 'alert'), h('span', { text: item.line }), h('time', { text: formatClock(item.ts) })),
        item.detail ? h('div', { class: 'result-detail', text: item.detail }) : null,
        item.denials.length
          ? h('ul', { class: 'denials' }, item.denials.map((d) => h('li', null, h('strong', { text: `Permission denied: ${d.tool}` }), d.summary ? ` — ${d.summary}` : '')))
          : null);
    case 'run_end':
      return h('li', { ...base, class: `run-end outcome-${item.outcome}`, role: item.outcome === 'stopped' ? null : 'alert' },
        h('div', { class: 'run-end-title' }, icon(item.outcome === 'stopped' ? 'stop' : 'alert'), h('span', { text: item.title })),
        item.detail ? h('div', { class: 'run-end-detail', text: item.detail }) : null,
        item.ask_again !== null && item.actionable
          ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', dataset: { action: 'ask-again', key: item.key }, text: 'Ask again' }))
          : null);
    case 'session':
      if (item.variant === 'first') {
        return h('li', { ...base, class: 'divider' }, h('span', { text: item.title }));
      }
      return h('li', { ...base, class: `session variant-${item.variant}`, role: 'status' },
        h('div', { class: 'session-title', text: item.title }),
        item.detail ? h('div', { class: 'session-detail', text: item.detail }) : null,
        item.actionable
          ? h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'btn', dataset: { action: 'recover-retry' }, disabled: !ctx.connected, title: 'Look for the previous agent session again and continue it', text: 'Retry' }),
            h('button', { type: 'button', class: 'btn', dataset: { action: 'recover-new' }, disabled: !ctx.connected, title: 'Start a clean agent session, without a summary', text: 'Start new' }))
          : null);
    case 'approval':
      return renderApprovalRecord(item, base);
    case 'notice':
      return h('li', { ...base, class: `notice level-${item.level}`, role: item.level === 'error' ? 'alert' : null }, h('span', { text: item.text }));
    default:
      return h('li', { ...base, hidden: true });
  }
}

/** A diff this short is shown open in the log; longer ones open with a tap. */
const OPEN_DIFF_LINES = 12;

/**
 * A tool call: a line that opens to what it did (a command, a diff, a URL…) and its result. A
 * checklist (TodoWrite) is always open; Bash says its exit status.
 * @param {import('../view-model.js').ToolItem} item
 * @param {Record<string, string>} base
 * @param {string|null} root  the project's folder
 */
function renderTool(item, base, root) {
  const view = toolView(item.name, item.input, root);
  if (view.kind === 'todos') {
    const done = view.todos.filter((t) => t.status === 'completed').length;
    return h('li', { ...base, class: 'tool todos' },
      h('div', { class: 'todos-card' },
        h('div', { class: 'todos-head' }, icon('check', 'icon tiny'), h('span', { text: 'Plan of work' }), h('span', { class: 'tool-sum', text: `${done} of ${view.todos.length} done` })),
        renderToolView(view)));
  }
  const statusLabel = item.waiting ? 'needs your answer'
    : { running: 'running', ok: 'done', error: 'failed', interrupted: 'interrupted', stopped: 'stopped', declined: 'declined' }[item.status];
  // a codex command says its exit code; claude's Bash says it in its result
  const exit = item.name !== 'Bash' ? null : Number.isInteger(item.exit_code) ? /** @type {number} */ (item.exit_code) : bashExit(item.status, item.result);
  const counts = view.kind === 'diff' ? view.files.reduce((n, f) => ({ add: n.add + f.added, del: n.del + f.removed }), { add: 0, del: 0 }) : null;
  const body = h('div', { class: 'tool-body' }, view.kind === 'command' ? renderToolView({ ...view, description: '' }) : renderToolView(view));
  if (item.result !== null) body.append(resultBlock(item, exit));
  // (while an approval waits, the card above the composer shows the change: not twice; and a change
  // still running may be about to ask, so it opens once done)
  const small = view.kind === 'diff' && !item.waiting && item.status !== 'running' && view.files.every((f) => f.lines.length <= OPEN_DIFF_LINES);
  return h('li', { ...base, class: `tool status-${item.status}${item.waiting ? ' waiting' : ''}` },
    h('details', { open: small },
      h('summary', null,
        h('span', { class: 'tool-icon' }, icon('tool')),
        h('span', { class: 'tool-name', text: item.name }),
        h('span', { class: 'tool-sum', text: item.summary }),
        counts ? h('span', { class: 'tv-counts' },
          counts.add ? h('span', { class: 'plus', text: `+${counts.add}` }) : null,
          counts.del ? h('span', { class: 'minus', text: `−${counts.del}` }) : null) : null,
        h('span', { class: `tool-status s-${item.waiting ? 'waiting' : item.status}`, text: exit !== null && exit !== 0 ? `exit ${exit}` : statusLabel })),
      body));
}

/**
 * The result of a call, cut to a preview with "Show all"; a command's output folds away, under
 * its exit status.
 * @param {import('../view-model.js').ToolItem} item
 * @param {number|null} exit
 */
function resultBlock(item, exit) {
  const full = /** @type {string} */ (item.result);
  const cut = full.length > RESULT_PREVIEW_CHARS;
  const pre = h('pre', { class: 'tool-pre', tabindex: '0' }, h('code', null, cut ? full.slice(0, RESULT_PREVIEW_CHARS) : full || '(no output)'));
  const more = cut
    ? h('button', {
      type: 'button', class: 'btn small', text: `Show all ${full.length.toLocaleString()} characters`,
      onclick: (/** @type {Event} */ e) => { pre.firstChild && (pre.firstChild.textContent = full); /** @type {HTMLElement} */ (e.currentTarget).remove(); },
    })
    : null;
  if (item.name === 'Bash') {
    const lines = full ? full.split('\n').length : 0;
    const status = exit === null ? (item.status === 'error' ? 'failed' : '') : `exit ${exit}`;
    return h('details', { class: 'tool-output', open: item.status === 'error' },
      h('summary', null,
        h('span', { text: 'Output' }),
        h('span', { class: 'tool-sum', text: lines ? `${lines} line${lines === 1 ? '' : 's'}` : 'none' }),
        status ? h('span', { class: `exit ${exit === 0 ? 'ok' : 'bad'}`, text: status }) : null),
      pre, more);
  }
  return h('div', { class: 'tool-result' }, h('div', { class: 'tool-label', text: item.status === 'error' ? 'Error' : 'Result' }), pre, more);
}

/**
 * A message from the outbox, not yet in the log.
 * @param {import('../outbox.js').OutboxEntry} entry
 * @param {import('../outbox.js').EntryState} state
 * @param {{connected: boolean}} ctx
 */
export function renderPending(entry, state, ctx) {
  const labels = {
    queued: ctx.connected ? 'Sending…' : 'Waiting to send',
    sending: 'Sending…',
    acked: 'Sent',
    expired: 'Not sent: it waited too long in the queue.',
    refused: `Not accepted: ${entry.refused ?? ''}`,
  };
  const actions = state === 'expired' || state === 'refused'
    ? h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', dataset: { action: 'send-anyway', id: entry.client_msg_id }, text: state === 'expired' ? 'Send anyway' : 'Try again' }),
      h('button', { type: 'button', class: 'btn ghost', dataset: { action: 'discard', id: entry.client_msg_id }, text: 'Discard' }))
    : null;
  return h('li', { class: `msg user pending state-${state}`, 'data-id': entry.client_msg_id },
    renderAttachments(entry.attachments),
    entry.text ? h('div', { class: 'bubble', text: entry.text }) : null,
    h('div', { class: 'meta' },
      state === 'queued' || state === 'sending' ? icon('clock', 'icon tiny') : state === 'acked' ? icon('check', 'icon tiny') : icon('alert', 'icon tiny'),
      h('span', { class: 'pending-label', text: labels[state] })),
    actions);
}
