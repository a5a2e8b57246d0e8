// Applied events go to IndexedDB in batches: the first at once, and while a write runs the next ones
// gather into one batch, written when it ends. Pure of the DOM and of IndexedDB (the write is given),
// so node tests drive it.
//
// Writes are idempotent (events by key, last_seq only grows), and a gap left by a write lost in an
// unload heals itself: the model only applies a contiguous prefix, and the replay brings the rest.

/**
 * @template Owner, Item
 */
export class EventBatcher {
  /**
   * @param {(owner: Owner, batch: Item[]) => Promise<unknown>} write  one batch, all of one owner
   * @param {(err: unknown) => void} [onError]
   */
  constructor(write, onError = (err) => console.error('swe-swe: saving events failed', err)) {
    this.write = write;
    this.onError = onError;
    /** @type {Owner|null} whose items wait (the conversation they belong to) */
    this.owner = null;
    /** @type {Item[]} */
    this.waiting = [];
    this.writing = false;
  }

  /**
   * @param {Owner} owner
   * @param {Item} item
   */
  add(owner, item) {
    if (this.owner !== owner) this.flush(true); // another conversation's items go first, as they are
    this.owner = owner;
    this.waiting.push(item);
    if (!this.writing) this.flush(false);
  }

  /**
   * Write what waits.
   * @param {boolean} now  even while a write runs, in parallel with it (the page is going away)
   */
  flush(now) {
    const owner = this.owner;
    const batch = this.waiting;
    if (!owner || !batch.length || (this.writing && !now)) return;
    this.waiting = [];
    const done = this.write(owner, batch).catch(this.onError);
    if (now) return;
    this.writing = true;
    done.then(() => {
      this.writing = false;
      this.flush(false);
    });
  }
}
