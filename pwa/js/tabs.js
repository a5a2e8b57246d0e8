// Several tabs of the app: a BroadcastChannel to share drafts and state, and Web Locks to elect the
// one tab that flushes a conversation's outbox (the server's idempotency makes a double send harmless,
// the lock just keeps it rare).

const CHANNEL = 'swe-swe';
export const FLUSH_LOCK_PREFIX = 'swe-swe-flush:';

/**
 * @typedef {{type:'draft', conversation_id:string, text:string}
 *   |{type:'outbox', conversation_id:string}
 *   |{type:'renamed', from:string, to:string}
 *   |{type:'conversations'}
 *   |{type:'settings'}} TabMessage
 */

export class Tabs {
  /** @param {string} tabId */
  constructor(tabId) {
    this.tabId = tabId;
    /** @type {Map<string, Set<(msg: any) => void>>} */
    this.handlers = new Map();
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
    if (this.channel) {
      this.channel.onmessage = (e) => {
        const msg = e.data;
        if (!msg || msg.from === this.tabId) return;
        for (const fn of this.handlers.get(msg.type) ?? []) fn(msg);
      };
    }
  }

  /** @param {TabMessage} msg */
  post(msg) {
    try {
      this.channel?.postMessage({ ...msg, from: this.tabId });
    } catch {
      /* closed */
    }
  }

  /**
   * @param {string} type
   * @param {(msg: any) => void} fn
   */
  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    /** @type {Set<(msg: any) => void>} */ (this.handlers.get(type)).add(fn);
  }

  /**
   * Wait for, then hold, the flush lock of a conversation. `onAcquired` runs when this tab becomes
   * the flusher. The returned function releases the lock, or stops waiting for it.
   * Without Web Locks every tab is its own leader.
   * @param {string} conversationId
   * @param {() => void} onAcquired
   * @returns {() => void}
   */
  holdFlushLock(conversationId, onAcquired) {
    const locks = globalThis.navigator?.locks;
    if (!locks) {
      queueMicrotask(onAcquired);
      return () => {};
    }
    const abort = new AbortController();
    /** @type {() => void} */
    let release = () => {};
    const held = new Promise((resolve) => { release = () => resolve(undefined); });
    locks.request(FLUSH_LOCK_PREFIX + conversationId, { signal: abort.signal }, async () => {
      onAcquired();
      await held;
    }).catch(() => { /* aborted while waiting */ });
    return () => {
      abort.abort();
      release();
    };
  }

  /** @returns {Promise<string[]>} conversation ids whose outbox some tab is flushing */
  async flushedElsewhere() {
    const locks = globalThis.navigator?.locks;
    if (!locks?.query) return [];
    try {
      const state = await locks.query();
      return (state.held ?? [])
        .map((l) => l.name ?? '')
        .filter((n) => n.startsWith(FLUSH_LOCK_PREFIX))
        .map((n) => n.slice(FLUSH_LOCK_PREFIX.length));
    } catch {
      return [];
    }
  }
}
