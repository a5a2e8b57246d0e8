// The buttons inside the log, the pending messages and the list (elements with data-action, drawn
// by ui/items.js and ui/sidebar.js), and the Stop button of a running turn.

import * as db from '../db.js';
import * as ob from '../outbox.js';
import { NOTICE } from '../screen-text.js';
import { current, tabs } from './state.js';
import { els } from './elements.js';
import { conn } from './socket.js';
import { scheduleRender } from './render.js';
import { showToast } from './notices.js';
import { refreshCounts } from './records.js';
import { enqueue, sendOrConnect } from './outbox-sync.js';
import { openConversation } from './navigation.js';

/** @typedef {import('./state.js').Current} Current */

/** @param {string} action @param {HTMLElement} target */
async function onAction(action, target) {
  const c = current();
  switch (action) {
    case 'open-conversation': {
      const id = target.dataset.id;
      if (id) openConversation(id);
      return;
    }
    case 'send-anyway':
      if (c) await sendAnyway(c, target.dataset.id ?? '');
      return;
    case 'discard':
      if (c) await discard(c, target.dataset.id ?? '');
      return;
    case 'ask-again':
      if (c) await askAgain(c, target);
      return;
    case 'recover-retry':
    case 'recover-new':
      recover(action === 'recover-retry' ? 'retry' : 'new', target);
      return;
    default:
      return;
  }
}

/**
 * "Send anyway" on an expired message, "Try again" on a refused one.
 * @param {Current} c
 * @param {string} id
 */
async function sendAnyway(c, id) {
  if (!c.entries.has(id)) return;
  c.entries.set(id, ob.sendAnyway(/** @type {ob.OutboxEntry} */ (c.entries.get(id))));
  await db.updateEntry(id, ob.sendAnyway).catch(() => {});
  tabs.post({ type: 'outbox', conversation_id: c.id });
  scheduleRender();
  sendOrConnect(c);
}

/** @param {Current} c @param {string} id */
async function discard(c, id) {
  c.entries.delete(id);
  await db.deleteEntry(id).catch(() => {});
  tabs.post({ type: 'outbox', conversation_id: c.id });
  refreshCounts();
  scheduleRender();
}

/**
 * Send again the message of a turn that did not finish.
 * @param {Current} c
 * @param {HTMLElement} target
 */
async function askAgain(c, target) {
  const item = c.model.byKey.get(target.dataset.key ?? '');
  if (!item || item.kind !== 'run_end' || !item.ask_again) return;
  target.setAttribute('disabled', '');
  c.model.update(item, { actionable: false });
  await enqueue(item.ask_again);
}

/**
 * The answer to a lost agent session: look for it again, or start a new one.
 * @param {'retry'|'new'} choice
 * @param {HTMLElement} target
 */
function recover(choice, target) {
  if (!conn.send({ type: 'recover', action: choice })) {
    showToast(NOTICE.recoverOffline);
    return;
  }
  target.setAttribute('disabled', '');
  showToast(choice === 'retry' ? NOTICE.recoverRetry : NOTICE.recoverNew);
}

function stopTurn() {
  const c = current();
  if (!c) return;
  if (!conn.send({ type: 'stop' })) {
    showToast(NOTICE.stopOffline);
    return;
  }
  c.stopping = true;
  scheduleRender();
}

/** @param {MouseEvent} e */
function actionTarget(e) {
  return /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest('[data-action]'));
}

export function bindActions() {
  els.stop.addEventListener('click', stopTurn);
  els.scroller.addEventListener('click', (e) => {
    const target = actionTarget(e);
    if (target && !target.hasAttribute('disabled')) onAction(target.dataset.action ?? '', target);
  });
  els.convList.addEventListener('click', (e) => {
    const target = actionTarget(e);
    if (target) onAction(target.dataset.action ?? '', target);
  });
}
