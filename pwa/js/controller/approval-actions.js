// Answering from the approval card (drawn by approval-dock.js): Allow, Allow always, Deny with an
// optional reason, a question's options and "Other", a plan's Approve / Keep planning; and the
// permission mode menu. Every answer goes through the outbox (outbox-sync.js) like a message.

import * as ob from '../outbox.js';
import { uuid } from '../ids.js';
import { pickOption, setOther, toolView } from '../approvals.js';
import { NOTICE, modeWords } from '../screen-text.js';
import { clear, h, icon } from '../ui/dom.js';
import { current } from './state.js';
import { els, $ } from './elements.js';
import { conn } from './socket.js';
import { scheduleRender } from './render.js';
import { showToast } from './notices.js';
import { enqueueEntry } from './outbox-sync.js';
import { allowedModes, answerShown, draftFor, modeNow, questionAnswers } from './approval-dock.js';

/** @typedef {import('../view-model.js').ApprovalItem} ApprovalItem */

/** Approvals answered in this tab and not yet stored: a second tap finds them taken. */
const answering = new Set();

/**
 * @param {string} id
 * @param {ob.Decision} decision
 * @param {{message?: string, answers?: Record<string, string|string[]>}} [extra]
 */
async function answer(id, decision, extra = {}) {
  const c = current();
  const a = c?.model.approvals.get(id);
  if (!c || !a || a.state !== 'pending' || answering.has(id) || answerShown(c, id)) return;
  answering.add(id);
  try {
    await enqueueEntry(ob.createAnswer({ conversation_id: c.id, approval_id: id, decision, message: extra.message ?? null, answers: extra.answers ?? null, now: Date.now(), id: uuid() }));
  } finally {
    answering.delete(id);
    scheduleRender();
  }
}

/**
 * @param {string} action
 * @param {HTMLElement} target
 */
function onDockAction(action, target) {
  const c = current();
  const id = target.dataset.approval ?? '';
  const a = c?.model.approvals.get(id);
  if (!c || !a) return;
  const d = draftFor(id);
  switch (action) {
    case 'approval-allow': answer(id, 'allow'); return;
    case 'approval-always': answer(id, 'allow_always'); return;
    case 'approval-deny':
      d.denyOpen = true;
      scheduleRender();
      requestAnimationFrame(() => /** @type {HTMLElement|null} */ (els.approvalDock.querySelector('.approval-reason'))?.focus());
      return;
    case 'approval-back':
      d.denyOpen = false;
      scheduleRender();
      return;
    case 'approval-deny-send':
    case 'approval-skip':
      answer(id, 'deny', { message: d.reason });
      return;
    case 'approval-pick': {
      const q = questionAt(a, target.dataset.q);
      if (!q) return;
      d.picks = pickOption(d.picks, q, target.dataset.label ?? '');
      scheduleRender();
      return;
    }
    case 'approval-submit': {
      const { complete, answers } = questionAnswers(a, d);
      if (complete) answer(id, 'allow', { answers });
      return;
    }
    default:
      return;
  }
}

/**
 * @param {ApprovalItem} a
 * @param {string|undefined} index
 */
function questionAt(a, index) {
  const view = toolView(a.tool, a.input);
  return view.kind === 'question' ? view.questions[Number(index)] ?? null : null;
}

/** Typing in the card: the reason, or an "Other" answer (Submit follows without a redraw). */
function onDockInput(/** @type {Event} */ e) {
  const input = /** @type {HTMLInputElement} */ (e.target);
  const id = input.dataset.approval ?? '';
  const a = current()?.model.approvals.get(id);
  if (!a) return;
  const d = draftFor(id);
  if (input.classList.contains('approval-reason')) {
    d.reason = input.value;
    return;
  }
  const q = questionAt(a, input.dataset.q);
  if (!q) return;
  d.picks = setOther(d.picks, q, input.value);
  const submit = /** @type {HTMLButtonElement|null} */ (els.approvalDock.querySelector('[data-action="approval-submit"]'));
  if (submit) submit.disabled = !questionAnswers(a, d).complete;
  // a single-choice question's options give way to the typed answer
  for (const b of els.approvalDock.querySelectorAll(`.q-option[data-q="${input.dataset.q}"]`)) {
    const on = (d.picks[q.question]?.chosen ?? []).includes(/** @type {HTMLElement} */ (b).dataset.label ?? '');
    b.classList.toggle('on', on);
    b.setAttribute('aria-checked', on ? 'true' : 'false');
  }
}

// ---- the permission mode

export function openModeSheet() {
  const c = current();
  if (!c) return;
  const now = modeNow(c);
  const modes = allowedModes(c).length ? allowedModes(c) : now ? [now] : [];
  clear(els.modeBody);
  els.modeBody.append(h('div', { class: 'mode-options', role: 'radiogroup', 'aria-labelledby': 'mode-title' }, modes.map((mode) => {
    const words = modeWords(mode);
    return h('button', {
      type: 'button', class: 'mode-option', role: 'radio', 'aria-checked': mode === now ? 'true' : 'false',
      dataset: { mode }, onclick: () => chooseMode(mode),
    }, icon('check'), h('strong', { text: words.title }), h('p', { class: 'help', text: words.help }));
  })));
  if (!els.modeSheet.open) els.modeSheet.showModal();
}

/** @param {string} mode */
async function chooseMode(mode) {
  els.modeSheet.close();
  const c = current();
  if (!c || mode === modeNow(c)) return;
  await enqueueEntry(ob.createModeChange({ conversation_id: c.id, mode, now: Date.now(), id: uuid() }));
  if (!conn.connected) showToast(NOTICE.modeOffline);
}

export function bindApprovals() {
  els.approvalDock.addEventListener('click', (e) => {
    const target = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest('[data-action]'));
    if (target && !target.hasAttribute('disabled')) onDockAction(target.dataset.action ?? '', target);
  });
  els.approvalDock.addEventListener('input', onDockInput);
  els.mode.addEventListener('click', openModeSheet);
  $('close-mode').addEventListener('click', () => els.modeSheet.close());
  els.modeSheet.addEventListener('click', (e) => {
    if (e.target === els.modeSheet) els.modeSheet.close();
  });
}

