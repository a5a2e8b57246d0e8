// A second copy of the open conversation's draft, for a reload that comes moments after typing.
// Drafts live in IndexedDB, written a moment after the last keystroke; a write started while the page
// unloads is dropped by Chromium (seen in the e2e tests), so `pagehide` also copies the draft into
// localStorage, whose writes are synchronous and kept. The next load takes whichever copy is newer,
// and removes the localStorage one. Pure apart from the Storage it is given (tested with a fake).

const PREFIX = 'swe-swe:draft:';

/**
 * The page's localStorage, or none where it is refused (reading the property itself can throw).
 * @returns {Storage|null}
 */
export function pageStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * @typedef {object} DraftCopy
 * @property {string} text        '' when the box was emptied
 * @property {number} updated_at  ms since epoch
 */

/**
 * @param {Pick<Storage, 'setItem'>|null} storage
 * @param {string} conversationId
 * @param {DraftCopy} copy
 */
export function keepCopy(storage, conversationId, copy) {
  if (!storage) return;
  try {
    storage.setItem(PREFIX + conversationId, JSON.stringify(copy));
  } catch {
    // storage full or disabled: IndexedDB's copy is all there is
  }
}

/**
 * The copy kept for a conversation, removed from storage (it is used once).
 * @param {Pick<Storage, 'getItem'|'removeItem'>|null} storage
 * @param {string} conversationId
 * @returns {DraftCopy|null}
 */
export function takeCopy(storage, conversationId) {
  if (!storage) return null;
  try {
    const raw = storage.getItem(PREFIX + conversationId);
    if (raw === null) return null;
    storage.removeItem(PREFIX + conversationId);
    const copy = JSON.parse(raw);
    if (typeof copy?.text !== 'string' || typeof copy?.updated_at !== 'number') return null;
    return { text: copy.text, updated_at: copy.updated_at };
  } catch {
    return null;
  }
}

/**
 * The draft to show: the newer of IndexedDB's row and the unload copy. A missing row is older than
 * any copy only if the copy is newer than when the box was last emptied, hence rows for '' too.
 * @param {DraftCopy|null|undefined} stored  IndexedDB's row
 * @param {DraftCopy|null} copy
 * @returns {string}
 */
export function newerDraft(stored, copy) {
  if (!copy) return stored?.text ?? '';
  if (!stored) return copy.text;
  return copy.updated_at > stored.updated_at ? copy.text : stored.text;
}
