// A second copy of what the reader was doing (the draft, the scroll place), for a reload that comes
// moments after a change. Both live in IndexedDB, written a moment after the last keystroke or
// scroll; a write begun while the page unloads is dropped by Chromium (seen in the e2e tests), so the
// save made when the page is hidden or unloads also copies the value into localStorage, whose writes
// are synchronous and kept. The next load takes whichever copy is newer and removes the localStorage
// one, so only the conversation open at the last unload has a copy. Pure apart from the Storage it is
// given (tested with a fake).

/** @typedef {'draft'|'view'} CopyKind */
/** @typedef {{updated_at: number}} Dated */

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

/** @param {CopyKind} kind @param {string} conversationId */
function keyFor(kind, conversationId) {
  return `swe-swe:${kind}:${conversationId}`;
}

/**
 * @param {Pick<Storage, 'setItem'>|null} storage
 * @param {CopyKind} kind
 * @param {string} conversationId
 * @param {Dated} value
 */
export function keepCopy(storage, kind, conversationId, value) {
  if (!storage) return;
  try {
    storage.setItem(keyFor(kind, conversationId), JSON.stringify(value));
  } catch {
    // storage full or disabled: IndexedDB's copy is all there is
  }
}

/**
 * The copy kept for a conversation, removed from storage (it is used once).
 * @param {Pick<Storage, 'getItem'|'removeItem'>|null} storage
 * @param {CopyKind} kind
 * @param {string} conversationId
 * @returns {(Dated & Record<string, unknown>)|null}
 */
export function takeCopy(storage, kind, conversationId) {
  if (!storage) return null;
  try {
    const raw = storage.getItem(keyFor(kind, conversationId));
    if (raw === null) return null;
    storage.removeItem(keyFor(kind, conversationId));
    const value = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || typeof value.updated_at !== 'number') return null;
    return value;
  } catch {
    return null;
  }
}

/**
 * The newer of IndexedDB's row and the unload copy. A row written without a time (by an older
 * version of the app) is older than any copy.
 * @template {Partial<Dated>} T
 * @param {T|null|undefined} stored
 * @param {T|null} copy
 * @returns {T|undefined}
 */
export function newer(stored, copy) {
  if (!copy) return stored ?? undefined;
  if (!stored) return copy;
  return (copy.updated_at ?? 0) > (stored.updated_at ?? 0) ? copy : stored;
}
