// Events applied to the open conversation, saved to IndexedDB in batches (event-batcher.js) together
// with the conversation's status, title and last activity. Flushed at once when the reader leaves
// the conversation or the page hides.

import * as db from '../db.js';
import { EventBatcher } from '../event-batcher.js';

/** @typedef {import('./state.js').Current} Current */
/** @typedef {import('../view-model.js').LoggedEvent} LoggedEvent */

/** @type {EventBatcher<Current, LoggedEvent>} */
export const eventWrites = new EventBatcher((c, batch) => {
  const patch = { status: c.model.status, title: c.model.title || c.record.title, last_active_at: batch[batch.length - 1].ts };
  return db.storeEvents(c.id, batch, patch);
});
