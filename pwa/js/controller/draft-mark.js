// Which conversations hold a draft (typed text or files in the attach tray): the list marks them, and
// a new conversation is kept on this device once it holds one. Shared by composer.js (text) and
// attach-tray.js (files).

import * as db from '../db.js';
import { app } from './state.js';
import { renderList } from './render.js';

/**
 * @param {import('./state.js').Current} c
 * @param {boolean} holdsDraft  text in the box or files in the tray
 */
export function markDraft(c, holdsDraft) {
  const had = app.drafts.has(c.id);
  if (holdsDraft) app.drafts.add(c.id);
  else app.drafts.delete(c.id);
  if (holdsDraft && c.pendingNew && !app.records.has(c.id)) {
    app.records.set(c.id, c.record);
    db.patchConversation(c.id, c.record).catch(() => {});
    db.setMeta('last_open', c.id).catch(() => {}); // a reload now reopens it (its route has no id yet)
  }
  if (had !== holdsDraft) renderList();
}
