// What a tool call does, drawn for a phone (approvals.js's ToolView): a command in monospace, a file
// change as a coloured unified diff, a URL, a checklist, a plan in Markdown, or the raw input. The
// approval card (ui/approval-card.js) and the log's tool items (ui/items.js) share these.

import { h } from './dom.js';
import { renderMarkdown } from './markdown-dom.js';

/**
 * @param {import('../approvals.js').ToolView} view
 * @returns {HTMLElement}
 */
export function renderToolView(view) {
  switch (view.kind) {
    case 'command': return commandView(view.command, view.description);
    case 'diff': return h('div', { class: 'tv-diffs' }, view.files.map(diffView));
    case 'url': return h('div', { class: 'tv-url' },
      h('a', { href: safeHref(view.url), target: '_blank', rel: 'noopener noreferrer nofollow', class: 'mono', text: view.url }),
      view.prompt ? h('p', { class: 'tv-help', text: view.prompt }) : null);
    case 'todos': return todoView(view.todos);
    case 'plan': return h('div', { class: 'tv-plan md' }, renderMarkdown(view.plan));
    case 'question': return h('div', { class: 'tv-questions' }, view.questions.map((q) =>
      h('div', { class: 'tv-question' },
        q.header ? h('span', { class: 'chip', text: q.header }) : null,
        h('p', { text: q.question }),
        h('ul', null, q.options.map((o) => h('li', null, h('strong', { text: o.label }), o.description ? ` — ${o.description}` : ''))))));
    default: return preView(view.text);
  }
}

/** @param {string} url */
function safeHref(url) {
  return /^https?:\/\//i.test(url) ? url : null;
}

/**
 * @param {string} command
 * @param {string} description
 */
export function commandView(command, description) {
  return h('div', { class: 'tv-command' },
    description ? h('p', { class: 'tv-help', text: description }) : null,
    h('pre', { class: 'tool-pre tv-cmd', tabindex: '0' }, h('code', null, command)));
}

/** @param {string} text */
export function preView(text) {
  return h('pre', { class: 'tool-pre', tabindex: '0' }, h('code', null, text));
}

/**
 * One file's change: its path and counts, then the lines, removed in red and added in green.
 * @param {import('../diff-model.js').FileDiff} file
 */
export function diffView(file) {
  const rows = file.lines.map((l) => {
    if (l.type === 'gap') return h('div', { class: 'dl gap', 'aria-label': 'lines left out' }, h('span', { class: 'dn' }), h('span', { class: 'dt', text: '⋯' }));
    const mark = l.type === 'add' ? '+' : l.type === 'del' ? '−' : ' ';
    const no = file.numbered ? String((l.type === 'del' ? l.oldNo : l.newNo) ?? '') : '';
    return h('div', { class: `dl ${l.type}` }, h('span', { class: 'dn', text: no }), h('span', { class: 'dm', text: mark }), h('span', { class: 'dt', text: l.text || ' ' }));
  });
  return h('figure', { class: 'tv-diff' },
    h('figcaption', null,
      pathLabel(file.path),
      h('span', { class: 'tv-counts' },
        file.added ? h('span', { class: 'plus', text: `+${file.added}` }) : null,
        file.removed ? h('span', { class: 'minus', text: `−${file.removed}` }) : null),
      file.note ? h('span', { class: 'chip', text: file.note }) : null),
    h('div', { class: 'diff-lines', tabindex: '0', role: 'group', 'aria-label': `Changes to ${file.path}` }, rows),
    file.hidden ? h('div', { class: 'tv-help', text: `${file.hidden.toLocaleString('en')} more lines not shown` }) : null);
}

/**
 * A file's path: its directory small and muted, its name in bold (a phone has room for the name).
 * @param {string} path
 */
function pathLabel(path) {
  const cut = path.lastIndexOf('/', path.length - 2);
  if (cut < 0) return h('span', { class: 'mono tv-path', text: path || 'file' });
  return h('span', { class: 'mono tv-path', title: path },
    h('span', { class: 'tv-dir', text: path.slice(0, cut + 1) }),
    h('span', { class: 'tv-base', text: path.slice(cut + 1) }));
}

/** @param {import('../approvals.js').Todo[]} todos */
export function todoView(todos) {
  if (!todos.length) return h('p', { class: 'tv-help', text: 'The list is empty.' });
  return h('ul', { class: 'tv-todos' }, todos.map((t) => h('li', { class: `todo ${t.status}` },
    h('span', { class: 'todo-box', 'aria-hidden': 'true', text: t.status === 'completed' ? '✓' : t.status === 'in_progress' ? '•' : '' }),
    h('span', { class: 'todo-text', text: t.status === 'in_progress' ? t.activeForm : t.content }),
    h('span', { class: 'visually-hidden', text: t.status === 'completed' ? ' (done)' : t.status === 'in_progress' ? ' (in progress)' : '' }))));
}
