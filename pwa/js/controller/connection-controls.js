// The reader's handles on the connection: the status chip (retry now, or the details), the banner's
// "Retry now", "Try again" on the sign-in screen, and the browser's online/offline events.

import * as api from '../api.js';
import { describe as describeConnection } from '../connection-machine.js';
import { NOTICE } from '../screen-text.js';
import { current } from './state.js';
import { $, els } from './elements.js';
import { conn } from './socket.js';
import { renderConnection } from './render.js';
import { showToast } from './notices.js';
import { applyServerList } from './records.js';
import { flushOtherConversations } from './outbox-sync.js';
import { bindOnDemand, openDetails } from './on-demand.js';

/** Reconnect at once instead of waiting out the backoff (or start, if the socket was never asked for). */
function retryNow() {
  const c = current();
  if (conn.state.phase === 'idle' && c && !c.pendingNew && !c.gone) conn.start();
  else conn.retryNow();
  renderConnection();
}

/** The sign-in screen's "Try again": the link was opened in another tab meanwhile, perhaps. */
async function retrySignIn() {
  const res = await api.listConversations();
  if (res.ok) {
    await applyServerList(res.value?.conversations ?? []);
    conn.retryNow();
    const c = current();
    if (conn.state.phase === 'idle' && c && !c.pendingNew) conn.start();
  } else if (res.reason === 'offline') {
    showToast(NOTICE.serverUnreachable);
  }
}

export function bindConnectionControls() {
  els.conn.addEventListener('click', () => {
    if (describeConnection(conn.state, Date.now()).retry) retryNow();
    else openDetails();
  });
  $('conn-retry').addEventListener('click', retryNow);
  $('auth-retry').addEventListener('click', retrySignIn);
  bindOnDemand(retrySignIn);
  window.addEventListener('online', () => {
    conn.setOnline(true);
    flushOtherConversations();
    renderConnection();
  });
  window.addEventListener('offline', () => {
    conn.setOnline(false);
    renderConnection();
  });
}
