// Drawing that needs a feature loaded on demand (lazy.js): the feature's own drawing once it has
// arrived, else a stand-in, and the load is started. The controller redraws what was drawn with a
// stand-in when the feature arrives (controller/render.js, redrawWhenFeaturesArrive).

import { approvalCard, toolViews } from '../lazy.js';
import { h } from './dom.js';

/**
 * @template T
 * @param {import('../lazy.js').Lazy<T>} feature
 * @returns {T|null}
 */
function now(feature) {
  const mod = feature.get();
  if (!mod) feature.load().catch(() => {}); // offline and not cached yet: the stand-in stays
  return mod;
}

/**
 * @param {import('../approvals.js').ToolView} view
 * @returns {HTMLElement}
 */
export function renderToolView(view) {
  return now(toolViews)?.renderToolView(view) ?? h('div', { class: 'tv-help', text: 'Loading…' });
}

/**
 * @param {import('../view-model.js').ApprovalItem} a
 * @param {import('./approval-card.js').CardState} s
 * @returns {HTMLElement}
 */
export function renderApprovalCard(a, s) {
  return now(approvalCard)?.renderApprovalCard(a, s)
    // not an .approval-card: nothing to answer yet (and tests wait for the card itself)
    ?? h('article', { class: 'approval-loading', 'data-approval': a.approval_id }, h('p', { class: 'tv-help', text: 'Loading…' }));
}

/**
 * @param {import('../view-model.js').ApprovalItem} a
 * @param {Record<string, string>} base
 * @returns {HTMLElement}
 */
export function renderApprovalRecord(a, base) {
  return now(approvalCard)?.renderApprovalRecord(a, base) ?? h('li', { ...base, class: 'approval-rec', 'data-approval': a.approval_id });
}
