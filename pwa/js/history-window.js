// Which stored events a conversation is drawn from: not the whole log but its newest window, and older
// windows as the reader scrolls up (controller/history.js). A window may start only where folding
// needs nothing from before it (view-model.js): at a turn boundary, a user message logged while no
// turn ran or waited. There no tool call is open (results pair with calls in the same window), no reply
// is being streamed (pieces of one message stay together) and no approval is pending (each ends before
// its run does, docs/protocol.md). Pure: the IndexedDB reads are db.js's.

/** Events a window holds at least (more when its turn boundary is further back). */
export const WINDOW_EVENTS = 400;

/**
 * Whether folding may start at `event`, `previous` being the event logged just before it (none: the log's first).
 * A user message right after a run finished, or in imported history (which has no runs), starts a
 * turn with none running or queued: a message queued during a run is logged before that run's end.
 * @param {{seq: number, kind: string, data?: any}} event
 * @param {{seq: number, kind: string, data?: any}|undefined} previous
 */
export function isTurnStart(event, previous) {
  if (event.seq === 1) return true;
  if (event.kind !== 'user_message' || !previous || previous.seq !== event.seq - 1) return false;
  return previous.kind === 'run_finished' || previous.data?.imported === true;
}

/**
 * Where the newest window of `events` starts: the index of the latest turn start that leaves at least
 * `minCount` events from it to the end (all of them when fewer), or -1 when `events` holds no such
 * start and older events must be read first.
 * @param {{seq: number, kind: string, data?: any}[]} events  contiguous, in seq order
 * @param {number} minCount
 * @returns {number}
 */
export function windowStart(events, minCount) {
  for (let i = Math.max(0, events.length - minCount); i >= 0; i--) {
    if (isTurnStart(events[i], events[i - 1])) return i;
  }
  return -1;
}

/**
 * Read the newest window ending at seq `top` backwards, a chunk of events at a time, until it starts at
 * a turn boundary (or at the first event stored): what db.readWindow does inside one transaction.
 * @template {{seq: number, kind: string, data?: any}} E
 * @param {(from: number, to: number) => Promise<E[]>} readRange  the stored events with from ≤ seq ≤ to, in order
 * @param {number} top  the newest seq of the window (0: none)
 * @param {number} minCount
 * @returns {Promise<E[]>}
 */
export async function readBackwards(readRange, top, minCount) {
  /** @type {E[]} */
  let read = [];
  let below = top + 1;
  while (below > 1) {
    const from = Math.max(1, below - minCount - 1); // one more: a boundary needs the event before it
    read = (await readRange(from, below - 1)).concat(read);
    below = from;
    const start = windowStart(read, minCount);
    if (start >= 0) return read.slice(start);
  }
  return read;
}

/**
 * The seq an item of the view stands for, from its key (view-model.js: a letter, then the seq of the
 * event that made it, then maybe `.index`): to know how far back a saved reading place is.
 * @param {string|null|undefined} key
 * @returns {number|null}
 */
export function seqOfKey(key) {
  const m = typeof key === 'string' ? /^[a-z](\d+)(?:\.\d+)?$/.exec(key) : null;
  return m ? Number(m[1]) : null;
}
