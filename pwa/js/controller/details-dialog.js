// The details dialog (ui/details.js draws it): what this conversation, its agent session, the
// connection and the app are; the queued-message expiry setting; deleting the conversation; checking
// for a new version. Drawn at once from what the tab knows, then again with the server's details.
// Not part of the first load: controller/on-demand.js fetches it when the dialog is first opened.

import * as api from '../api.js';
import { describe as describeConnection } from '../connection-machine.js';
import { NOTICE, modeWords } from '../screen-text.js';
import { checkForUpdate, workerVersion } from '../sw-client.js';
import { renderDetails } from '../ui/details.js';
import { app, current } from './state.js';
import { $, els } from './elements.js';
import { conn } from './socket.js';
import { showToast } from './notices.js';
import { setExpiry } from './settings.js';
import { notifySection } from './notify.js';
import { removeLocal } from './navigation.js';
import { modeNow } from './approval-dock.js';
import { openModeSheet } from './approval-actions.js';
import { agentOf } from './agent-picker.js';

/** @typedef {import('./state.js').Current} Current */

export async function openDetails() {
  const c = current();
  if (!c) return;
  const base = knownDetails(c);
  const actions = detailsActions(c);
  renderDetails(els.detailsBody, base, actions);
  if (!els.details.open) els.details.showModal();
  const [version, details] = await Promise.all([
    workerVersion(),
    c.pendingNew ? Promise.resolve(null) : api.conversationDetails(c.id),
  ]);
  if (current() !== c || !els.details.open) return;
  const extra = details && details.ok ? details.value : null;
  renderDetails(els.detailsBody, {
    ...base,
    appVersion: version,
    agentSessionId: extra?.agent_session_id ?? base.agentSessionId,
    cwd: base.cwd ?? extra?.workdir ?? null,
    runs: Array.isArray(extra?.runs) ? extra.runs : null,
    permissionMode: base.permissionMode ?? (typeof extra?.permission_mode === 'string' ? modeWords(extra.permission_mode).title : null),
    rules: Array.isArray(extra?.allow_always) ? extra.allow_always : [],
  }, actions);
}

/**
 * What the tab knows without asking the server.
 * @param {Current} c
 * @returns {import('../ui/details.js').DetailsData}
 */
function knownDetails(c) {
  return {
    conversationId: c.pendingNew ? null : c.id,
    pendingNew: c.pendingNew,
    status: c.pendingNew ? 'new' : c.model.status,
    agent: agentOf(c),
    agentSessionId: c.model.session.session_id,
    model: c.model.session.model,
    cwd: c.model.session.cwd,
    lastSeq: c.model.lastSeq,
    headSeq: c.welcome?.head_seq ?? c.record.head_seq ?? 0,
    totalCostUsd: c.model.totalCostUsd,
    connection: describeConnection(conn.state, Date.now()).label,
    pingIntervalMs: app.pingIntervalMs,
    clientId: app.clientId,
    expiryMs: app.expiryMs,
    appVersion: null,
    serverVersion: app.serverVersion,
    runs: null,
    permissionMode: modeNow(c) ? modeWords(/** @type {string} */ (modeNow(c))).title : null,
    rules: null,
  };
}

/** @param {Current} c */
function detailsActions(c) {
  return {
    onExpiry: setExpiry,
    notifySection,
    onDelete: async () => {
      if (!confirm('Delete this conversation on the server? This cannot be undone.')) return;
      const res = await api.deleteConversation(c.id);
      if (!res.ok && res.reason !== 'not_found') {
        showToast(res.reason === 'offline' ? NOTICE.deleteOffline : res.message);
        return;
      }
      els.details.close();
      await removeLocal(c.id);
    },
    onCheckUpdate: () => {
      checkForUpdate();
      showToast(NOTICE.checkingUpdate);
    },
    onChangeMode: () => {
      els.details.close();
      openModeSheet();
    },
    onRevoke: async (/** @type {string} */ ruleId) => {
      const res = await api.revokeRule(c.id, ruleId);
      if (!res.ok && res.reason !== 'not_found') {
        showToast(res.reason === 'offline' ? NOTICE.revokeOffline : res.message);
        return;
      }
      if (current() === c && els.details.open) openDetails();
    },
  };
}

/** Once, when the dialog is first loaded (controller/on-demand.js binds the button that opens it). */
export function bindDetailsDialog() {
  $('close-details').addEventListener('click', () => els.details.close());
  els.details.addEventListener('click', (e) => {
    if (e.target === els.details) els.details.close(); // a tap on the backdrop
  });
}
