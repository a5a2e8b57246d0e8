// What the app's other tabs tell this one (tabs.js, a BroadcastChannel): a draft typed there, an
// outbox changed, a new conversation named by the server, conversations removed, settings changed.

import { app, current, setCurrent, tabs } from './state.js';
import { conn } from './socket.js';
import { renderList, scheduleRender } from './render.js';
import { markGone } from './notices.js';
import { loadRecords, refreshCounts } from './records.js';
import { flush, reloadEntries } from './outbox-sync.js';
import { takeDraftFromOtherTab } from './composer.js';
import { openConversation } from './navigation.js';
import { loadSettings } from './settings.js';

export function listenToOtherTabs() {
  tabs.on('draft', takeDraftFromOtherTab);
  tabs.on('outbox', (msg) => {
    const c = current();
    if (c && msg.conversation_id === c.id) reloadEntries().then(flush);
    refreshCounts();
  });
  tabs.on('renamed', onRenamed);
  tabs.on('conversations', async () => {
    await loadRecords();
    const c = current();
    if (c && !c.pendingNew && !app.records.has(c.id)) markGone(c);
    renderList();
  });
  tabs.on('settings', async () => {
    await loadSettings();
    scheduleRender();
  });
}

/**
 * Another tab's new conversation got its server id. If it is open here too, reopen it by that id
 * (its events, outbox and draft moved in IndexedDB).
 * @param {{from: string, to: string}} msg
 */
async function onRenamed(msg) {
  await loadRecords();
  const c = current();
  if (!c || c.id !== msg.from) {
    renderList();
    return;
  }
  c.release();
  conn.stop();
  setCurrent(null);
  await openConversation(msg.to);
}
