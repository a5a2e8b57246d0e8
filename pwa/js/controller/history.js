// A conversation is drawn from windows of its stored log, not all of it (history-window.js): it opens
// with the newest window (and the older ones back to a saved reading place), and older windows are
// read when the reader scrolls near the top of what is drawn. Live events and replay append to the
// same model as before; the socket asks from its newest seq, whatever is drawn.

import * as db from '../db.js';
import { buildWindow } from '../view-model.js';
import { seqOfKey } from '../history-window.js';
import { current } from './state.js';
import { els } from './elements.js';
import { scheduleRender, view } from './render.js';

/** @typedef {import('../view-model.js').ConversationModel} ConversationModel */
/** @typedef {import('../view-model.js').LoggedEvent} LoggedEvent */

/** Older history is read once the reader is this many screens or fewer from the top of what is drawn. */
const NEAR_TOP_SCREENS = 1.5;

/**
 * The stored window just older than `model`'s first event, folded on its own.
 * @param {string} id
 * @param {ConversationModel} model
 * @returns {Promise<ConversationModel|null>}  null: nothing older is stored
 */
async function readOlderWindow(id, model) {
  if (model.firstSeq <= 1) return null;
  const events = await db.readWindow(id, model.firstSeq).catch(() => []);
  // a gap in what is stored: show what meets the drawn part, nothing from beyond the gap
  if (!events.length || events[events.length - 1].seq !== model.firstSeq - 1) return null;
  return buildWindow(events);
}

/**
 * The model a conversation opens with: its newest window, and older ones back to the saved reading
 * place's item, so that restoring it finds the item.
 * @param {string} id
 * @param {import('../db.js').ConversationRecord} record
 * @param {LoggedEvent[]} newest  db.readWindow(id, null)
 * @param {string|null|undefined} anchorKey
 */
export async function openModel(id, record, newest, anchorKey) {
  const model = buildWindow(newest, { title: record.title, status: /** @type {any} */ (record.status) });
  const want = seqOfKey(anchorKey);
  while (want !== null && model.firstSeq > want) {
    const older = await readOlderWindow(id, model);
    if (!older) break;
    model.prependOlder(older);
  }
  model.takeChanges(); // drawn whole by view.reset
  return model;
}

let loading = false;

/** Items drawn again from the model at a time, as the reader comes back to what was taken out. */
const DRAW_AGAIN = 200;

/**
 * Near the top of what is drawn: the items taken out above, else the next older window read and
 * drawn. Near the bottom: the items taken out below (ui/conversation-view.js keeps MAX_DRAWN).
 */
export async function loadOlderIfNear() {
  const c = current();
  if (!c || loading) return;
  if (view.cutBelow && view.screensFromBottom() <= NEAR_TOP_SCREENS) {
    view.drawBelow(c.model, DRAW_AGAIN);
    requestAnimationFrame(() => { loadOlderIfNear(); });
    return;
  }
  if (view.screensFromTop() > NEAR_TOP_SCREENS) return;
  if (view.cutAbove) {
    view.drawAbove(c.model, DRAW_AGAIN);
    requestAnimationFrame(() => { loadOlderIfNear(); });
    return;
  }
  if (c.model.firstSeq <= 1) return;
  loading = true;
  const model = c.model;
  let older = null;
  try {
    older = await readOlderWindow(c.id, model);
  } finally {
    loading = false;
  }
  // meanwhile another conversation may have opened, or this one's history been replaced
  if (!older || c !== current() || c.model !== model || older.lastSeq !== model.firstSeq - 1) return;
  const added = model.prependOlder(older);
  view.prepend(added.items, added.removed);
  view.trimBelow();
  scheduleRender(); // the title, and a session start found to be the first, may have changed
  // still near the top (a short window, a fast fling): the next one, after this frame is drawn
  requestAnimationFrame(() => { loadOlderIfNear(); });
}

export function bindHistory() {
  els.scroller.addEventListener('scroll', () => { loadOlderIfNear(); }, { passive: true });
}
