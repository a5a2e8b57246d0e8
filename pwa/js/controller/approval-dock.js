// Drawing what the agent waits for: the approval card pinned above the composer (ui/approval-card.js)
// and the permission mode chip in the header. What this tab knows beyond the log (a deny reason being
// typed, a question's picks) lives here; controller/approval-actions.js changes it and answers.

import * as ob from '../outbox.js';
import { answersFrom, currentMode, toolView } from '../approvals.js';
import { modeWords } from '../screen-text.js';
import { renderApprovalCard } from '../ui/on-demand.js';
import { clear } from '../ui/dom.js';
import { app } from './state.js';
import { els } from './elements.js';
import { projectFolder } from './project-picker.js';
import { loadedFeatures } from '../lazy.js';

/** @typedef {import('./state.js').Current} Current */
/** @typedef {import('../view-model.js').ApprovalItem} ApprovalItem */

/**
 * @typedef {object} Draft  an approval being answered here
 * @property {boolean} denyOpen
 * @property {string} reason
 * @property {import('../approvals.js').Picks} picks
 */

/** @type {Map<string, Draft>} by approval_id */
export const drafts = new Map();

/** @param {string} id @returns {Draft} */
export function draftFor(id) {
  let d = drafts.get(id);
  if (!d) {
    d = { denyOpen: false, reason: '', picks: {} };
    drafts.set(id, d);
  }
  return d;
}

/**
 * The questions of a question approval, and whether the picks answer them all.
 * @param {ApprovalItem} a
 * @param {Draft} d
 */
export function questionAnswers(a, d) {
  const view = toolView(a.tool, a.input);
  return answersFrom(view.kind === 'question' ? view.questions : [], d.picks);
}

/**
 * An answer tapped here and not yet in the log, as the card shows it.
 * @param {Current} c
 * @param {string} id
 * @returns {{decision: string, state: 'queued'|'sending'|'acked'}|null}
 */
export function answerShown(c, id) {
  const entry = ob.answerFor(c.entries.values(), id);
  if (!entry) return null;
  const state = ob.entryState(entry, { now: Date.now(), expiryMs: app.expiryMs, inFlight: c.inFlight });
  if (state === 'refused' || state === 'expired') return null;
  return { decision: String(entry.decision), state };
}

let dockKey = '';

/**
 * The first approval still waiting, as a card above the composer; redrawn only when what it shows
 * changes (typing in it never redraws it).
 * @param {Current} c
 * @returns {boolean} whether the dock was redrawn
 */
export function renderApprovals(c) {
  const pending = c.model.pendingApprovals;
  for (const id of drafts.keys()) if (!c.model.approvals.get(id) || c.model.approvals.get(id)?.state !== 'pending') drafts.delete(id);
  const a = pending[0];
  if (!a) {
    if (dockKey) {
      dockKey = '';
      clear(els.approvalDock);
      els.approvalDock.hidden = true;
      return true;
    }
    return false;
  }
  const d = draftFor(a.approval_id);
  const answer = answerShown(c, a.approval_id);
  const root = projectFolder(c);
  const key = JSON.stringify([c.id, a.approval_id, answer, d.denyOpen, Object.entries(d.picks).map(([q, p]) => [q, p.chosen]), pending.length, root,
    loadedFeatures()]); // what was drawn before a feature arrived (the card itself, a plan, a diff) is drawn again
  if (key === dockKey) return false;
  dockKey = key;
  const card = renderApprovalCard(a, { answer, denyOpen: d.denyOpen, reason: d.reason, picks: d.picks, complete: questionAnswers(a, d).complete, waiting: pending.length, root });
  clear(els.approvalDock);
  els.approvalDock.appendChild(card);
  els.approvalDock.hidden = false;
  return true;
}

/**
 * The permission mode now: asked for here (not logged yet), else what the log and the server said.
 * @param {Current} c
 */
export function modeNow(c) {
  return currentMode({
    pending: ob.pendingMode(c.entries.values()),
    logged: c.model.mode,
    welcome: c.welcome ? { mode: c.welcome.permission_mode, seq: c.welcome.head_seq } : null,
    stored: c.record.permission_mode ?? null,
  });
}

/** @param {Current} c */
export function allowedModes(c) {
  return c.record.permission_modes ?? [];
}

/**
 * The header's mode chip: hidden until the server has told a mode (older servers never do).
 * @param {Current} c
 */
export function renderMode(c) {
  const mode = c.pendingNew ? null : modeNow(c);
  els.mode.hidden = !mode;
  if (!mode) return;
  const words = modeWords(mode);
  const pending = !!ob.pendingMode(c.entries.values());
  els.modeLabel.textContent = words.chip;
  els.mode.className = `mode-chip m-${mode}${pending ? ' pending' : ''}`;
  els.mode.title = `Permission mode: ${words.title}. ${words.help}`;
}
