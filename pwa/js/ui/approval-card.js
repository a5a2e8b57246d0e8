// The approval card, pinned above the composer: what the agent wants to do, exactly (ui/tool-views.js),
// and large buttons to answer. Buttons carry data-action (controller/approvals.js handles them); the
// words are screen-text.js's. Also the one-line record an approval leaves in the log.

import { h, icon } from './dom.js';
import { renderToolView } from './tool-views.js';
import { renderMarkdown } from './markdown-dom.js';
import { toolView } from '../approvals.js';
import { APPROVAL, answerPending, approvalHeading, approvalRecord } from '../screen-text.js';

/**
 * @typedef {object} CardState  what this tab knows beyond the log
 * @property {{decision: string, state: 'queued'|'sending'|'acked'}|null} answer  tapped here, not yet logged
 * @property {boolean} denyOpen   the reason field is open
 * @property {string} reason
 * @property {import('../approvals.js').Picks} picks
 * @property {boolean} complete   every question has an answer
 * @property {number} waiting     approvals waiting in all (this one first)
 * @property {string|null} [root]  the project's folder: file paths under it are shown relative
 */

/**
 * @param {import('../view-model.js').ApprovalItem} a
 * @param {CardState} s
 * @returns {HTMLElement}
 */
export function renderApprovalCard(a, s) {
  const id = a.approval_id;
  const view = toolView(a.tool, a.input, s.root ?? null);
  const body = a.approval_kind === 'question'
    ? questionForm(a, s)
    : a.approval_kind === 'plan'
      ? h('div', { class: 'tv-plan md' }, renderMarkdown(String(a.input?.plan ?? '')))
      : renderToolView(view);
  const description = a.description && !(view.kind === 'command' && view.description === a.description) ? a.description : '';
  return h('article', { class: `approval-card kind-${a.approval_kind}${s.answer ? ' answered' : ''}`, 'data-approval': id, 'aria-labelledby': `ap-h-${id}` },
    h('header', { class: 'approval-head' },
      h('span', { class: 'approval-icon' }, icon(a.approval_kind === 'question' ? 'info' : 'alert')),
      h('h2', { id: `ap-h-${id}`, text: approvalHeading(a) }),
      a.approval_kind === 'tool' ? h('span', { class: 'approval-tool mono', text: a.tool }) : null,
      s.waiting > 1 ? h('span', { class: 'chip queued', text: APPROVAL.more(s.waiting - 1) }) : null),
    h('div', { class: 'approval-body', tabindex: '-1' },
      description ? h('p', { class: 'tv-help', text: description }) : null,
      body),
    s.answer ? answeredRow(a, s.answer) : s.denyOpen ? denyRow(a, s) : buttons(a, s));
}

/**
 * @param {import('../view-model.js').ApprovalItem} a
 * @param {{decision: string, state: 'queued'|'sending'|'acked'}} answer
 */
function answeredRow(a, answer) {
  return h('div', { class: `approval-answered state-${answer.state}`, role: 'status' },
    answer.state === 'queued' ? icon('clock', 'icon') : h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h('span', { text: answerPending(answer.decision, answer.state, a.approval_kind) }));
}

/**
 * @param {string} action
 * @param {string} id
 * @param {string} cls
 * @param {...any} children
 */
function button(action, id, cls, ...children) {
  return h('button', { type: 'button', class: `btn ${cls}`, dataset: { action, approval: id } }, ...children);
}

/**
 * @param {import('../view-model.js').ApprovalItem} a
 * @param {CardState} s
 */
function buttons(a, s) {
  const id = a.approval_id;
  if (a.approval_kind === 'question') {
    return h('div', { class: 'approval-actions' },
      button('approval-skip', id, 'ghost', APPROVAL.skip),
      h('button', { type: 'button', class: 'btn primary', dataset: { action: 'approval-submit', approval: id }, disabled: !s.complete }, APPROVAL.submit));
  }
  if (a.approval_kind === 'plan') {
    return h('div', { class: 'approval-actions' },
      button('approval-deny', id, 'ghost', APPROVAL.keepPlanning),
      button('approval-allow', id, 'primary', icon('check'), APPROVAL.approvePlan));
  }
  return h('div', { class: 'approval-actions' },
    button('approval-deny', id, 'danger', icon('close'), APPROVAL.deny),
    button('approval-allow', id, 'primary', icon('check'), APPROVAL.allow),
    a.can_always
      ? button('approval-always', id, 'always',
        h('span', { class: 'btn-title', text: APPROVAL.allowAlways }),
        a.always_label ? h('span', { class: 'btn-sub', text: a.always_label }) : null)
      : null);
}

/**
 * @param {import('../view-model.js').ApprovalItem} a
 * @param {CardState} s
 */
function denyRow(a, s) {
  const id = a.approval_id;
  const plan = a.approval_kind === 'plan';
  return h('div', { class: 'approval-deny' },
    h('label', { for: `ap-reason-${id}`, text: plan ? APPROVAL.planReasonLabel : APPROVAL.reasonLabel }),
    h('textarea', { id: `ap-reason-${id}`, class: 'approval-reason', rows: '2', maxlength: '2000', dataset: { approval: id }, placeholder: APPROVAL.reasonPlaceholder }, s.reason),
    h('div', { class: 'approval-actions' },
      button('approval-back', id, 'ghost', APPROVAL.back),
      button('approval-deny-send', id, plan ? 'primary' : 'danger', plan ? APPROVAL.keepPlanning : APPROVAL.denySend)));
}

/**
 * AskUserQuestion: each question with its options as buttons, and a free-text "Other".
 * @param {import('../view-model.js').ApprovalItem} a
 * @param {CardState} s
 */
function questionForm(a, s) {
  const view = toolView(a.tool, a.input);
  if (view.kind !== 'question') return renderToolView(view);
  return h('div', { class: 'approval-questions' }, view.questions.map((q, qi) => {
    const picked = s.picks[q.question] ?? { chosen: [], other: '' };
    return h('fieldset', { class: 'approval-question' },
      h('legend', null,
        q.header ? h('span', { class: 'chip', text: q.header }) : null,
        h('span', { class: 'q-text', text: q.question }),
        h('span', { class: 'q-hint', text: q.multiSelect ? APPROVAL.pickMany : APPROVAL.pickOne })),
      h('div', { class: 'q-options', role: q.multiSelect ? 'group' : 'radiogroup' }, q.options.map((o) => {
        const on = picked.chosen.includes(o.label);
        return h('button', {
          type: 'button', class: `q-option${on ? ' on' : ''}`,
          role: q.multiSelect ? 'checkbox' : 'radio', 'aria-checked': on ? 'true' : 'false',
          dataset: { action: 'approval-pick', approval: a.approval_id, q: String(qi), label: o.label },
        },
        h('span', { class: 'q-mark', 'aria-hidden': 'true' }, on ? icon('check', 'icon tiny') : null),
        h('span', { class: 'q-label' }, h('strong', { text: o.label }), o.description ? h('span', { text: o.description }) : null));
      })),
      h('label', { class: 'q-other' },
        h('span', { text: APPROVAL.other }),
        h('input', { type: 'text', class: 'q-other-input', value: picked.other, placeholder: APPROVAL.otherPlaceholder, dataset: { approval: a.approval_id, q: String(qi) } })));
  }));
}

/**
 * The approval in the log: one line, ended or waiting.
 * @param {import('../view-model.js').ApprovalItem} a
 * @param {Record<string, string>} base
 */
export function renderApprovalRecord(a, base) {
  const { text, tone } = approvalRecord(a);
  const glyph = tone === 'ok' ? 'check' : tone === 'bad' ? 'close' : tone === 'wait' ? 'clock' : 'stop';
  return h('li', { ...base, class: `approval-rec tone-${tone} state-${a.state}`, 'data-approval': a.approval_id, role: tone === 'wait' ? 'status' : null },
    icon(glyph, 'icon tiny'),
    h('span', { class: 'approval-rec-text', text }));
}
