// The conversation pane: renders the view model incrementally, keeps the reader's place, shows
// "new messages below" instead of yanking the view when the reader has scrolled up.

import { clear, h } from './dom.js';
import { renderItem, renderPending } from './items.js';
import { LiveMarkdownView } from './markdown-dom.js';
import { releaseThumbs } from './thumbs.js';

const BOTTOM_SLACK_PX = 48;
/** Items drawn at most once the reader scrolls back through a long history: the newest are taken out
 * far below them, and drawn again from the model as they come back down (controller/history.js). */
export const MAX_DRAWN = 1500;

export class ConversationView {
  /**
   * @param {{scroller: HTMLElement, log: HTMLElement, live: HTMLElement, pending: HTMLElement,
   *   newBelow: HTMLElement, empty: HTMLElement}} els
   */
  constructor(els) {
    this.els = els;
    /** @type {Map<string, {rev: number, el: HTMLElement}>} */
    this.rendered = new Map();
    /** @type {{connected: boolean, root: string|null}} */
    this.ctx = { connected: false, root: null };
    this.stickToBottom = true;
    /** The model's newest items are not all drawn (taken out below a reader far back). */
    this.cutBelow = false;
    /** The model's oldest items are not all drawn (taken out above a reader who came back down). */
    this.cutAbove = false;
    /** @type {import('../view-model.js').ConversationModel|null} */
    this.model = null;
    /** @type {LiveMarkdownView|null} the streaming reply, parsed incrementally */
    this.liveView = null;
    /** @type {string|null} the live text waiting for the next animation frame */
    this.liveText = null;
    this.liveFrame = 0;
    this.lastScrollTop = 0;
    els.scroller.addEventListener('scroll', () => {
      const top = els.scroller.scrollTop;
      // only a move up lets go of the end: a bar appearing under a reader at the end (the working bar
      // as a long replay goes through its turns) shrinks the view without them having moved
      if (this.isAtBottom()) this.stickToBottom = true;
      else if (top < this.lastScrollTop) this.stickToBottom = false;
      this.lastScrollTop = top;
      if (this.stickToBottom) this.setNewBelow(false);
    }, { passive: true });
    els.newBelow.addEventListener('click', () => this.scrollToBottom(true));
    // content that grows under a reader at the bottom (images, fonts, details opening) keeps them there
    if (typeof ResizeObserver === 'function') {
      // (and the keyboard opening, which shrinks the scroller, does not hide the last message)
      const ro = new ResizeObserver(() => {
        if (this.stickToBottom) this.scrollToBottom(false);
      });
      ro.observe(els.log);
      ro.observe(els.pending);
      ro.observe(els.scroller);
    }
  }

  isAtBottom() {
    if (this.cutBelow) return false;
    const s = this.els.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= BOTTOM_SLACK_PX;
  }

  /** @param {boolean} smooth */
  scrollToBottom(smooth) {
    if (this.cutBelow && this.model) this.drawNewest(this.model);
    const s = this.els.scroller;
    s.scrollTo({ top: s.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    this.stickToBottom = true;
    this.setNewBelow(false);
  }

  /** @param {boolean} on */
  setNewBelow(on) {
    this.els.newBelow.hidden = !on;
  }

  /**
   * Render a whole model (a conversation opened, or reset).
   * @param {import('../view-model.js').ConversationModel} model
   */
  reset(model) {
    clear(this.els.log);
    this.rendered.clear();
    this.model = model;
    this.cutBelow = false;
    this.cutAbove = false;
    const frag = document.createDocumentFragment();
    for (const item of model.items) {
      const el = renderItem(item, this.ctx);
      this.rendered.set(item.key, { rev: item.rev, el });
      frag.appendChild(el);
    }
    this.els.log.appendChild(frag);
    this.liveView = null; // another conversation's reply is not continued
    clear(this.els.live);
    this.renderLive(model);
    this.setNewBelow(false);
  }

  /**
   * Draw an older window's items above the log and take away items no longer shown, the part the
   * reader sees staying where it is on the screen (no jump while history loads above it).
   * @param {import('../view-model.js').ViewItem[]} items  in order, all older than those drawn
   * @param {string[]} removed
   */
  prepend(items, removed) {
    const s = this.els.scroller;
    const gone = new Set(removed);
    const anchor = this.firstVisible(gone);
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    for (const key of gone) {
      this.rendered.get(key)?.el.remove();
      this.rendered.delete(key);
    }
    const frag = document.createDocumentFragment();
    for (const item of items) frag.appendChild(this.draw(item));
    this.els.log.insertBefore(frag, this.els.log.firstChild);
    // the browser's own scroll anchoring may have done this already; then the difference is 0
    if (anchor) s.scrollTop += anchor.getBoundingClientRect().top - before;
  }

  /** Keep at most MAX_DRAWN items, taking out the newest: after older items came in above a reader. */
  trimBelow() {
    const log = this.els.log;
    while (log.children.length > MAX_DRAWN && log.lastElementChild) {
      const el = /** @type {HTMLElement} */ (log.lastElementChild);
      this.rendered.delete(el.dataset.key ?? '');
      el.remove();
      this.cutBelow = true;
    }
  }

  /**
   * Draw the model's items just below the last one drawn, and take out the oldest beyond MAX_DRAWN,
   * the reader's view not moving.
   * @param {import('../view-model.js').ConversationModel} model
   * @param {number} count
   */
  drawBelow(model, count) {
    const last = /** @type {HTMLElement|null} */ (this.els.log.lastElementChild);
    const from = last ? model.items.indexOf(/** @type {any} */ (model.byKey.get(last.dataset.key ?? ''))) + 1 : 0;
    const frag = document.createDocumentFragment();
    for (const item of model.items.slice(from, from + count)) frag.appendChild(this.draw(item));
    this.els.log.appendChild(frag);
    this.cutBelow = from + count < model.items.length;
    const extra = this.els.log.children.length - MAX_DRAWN;
    if (extra > 0) {
      const out = /** @type {HTMLElement[]} */ (Array.from(this.els.log.children).slice(0, extra));
      this.prepend([], out.map((el) => el.dataset.key ?? ''));
      this.cutAbove = true;
    }
  }

  /**
   * Draw the model's items just above the first one drawn (taken out before), the view not moving.
   * @param {import('../view-model.js').ConversationModel} model
   * @param {number} count
   */
  drawAbove(model, count) {
    const first = /** @type {HTMLElement|null} */ (this.els.log.firstElementChild);
    const to = first ? model.items.indexOf(/** @type {any} */ (model.byKey.get(first.dataset.key ?? ''))) : model.items.length;
    const from = Math.max(0, to - count);
    this.prepend(model.items.slice(from, to), []);
    this.cutAbove = from > 0;
    this.trimBelow();
  }

  /** @param {import('../view-model.js').ConversationModel} model  only its newest items, as at an open */
  drawNewest(model) {
    clear(this.els.log);
    this.rendered.clear();
    const items = model.items.slice(-Math.floor(MAX_DRAWN / 2));
    const frag = document.createDocumentFragment();
    for (const item of items) frag.appendChild(this.draw(item));
    this.els.log.appendChild(frag);
    this.cutBelow = false;
    this.cutAbove = items.length < model.items.length;
  }

  /** @param {import('../view-model.js').ViewItem} item @returns {HTMLElement} */
  draw(item) {
    const el = renderItem(item, this.ctx);
    this.rendered.set(item.key, { rev: item.rev, el });
    return el;
  }

  /** How far the reader is from the bottom of what is drawn, in screens. */
  screensFromBottom() {
    const s = this.els.scroller;
    return (s.scrollHeight - s.scrollTop - s.clientHeight) / Math.max(1, s.clientHeight);
  }

  /**
   * The first item at least partly in view, other than `skip`'s.
   * @param {Set<string>} [skip]
   * @returns {HTMLElement|null}
   */
  firstVisible(skip = new Set()) {
    const top = this.els.scroller.getBoundingClientRect().top + 1;
    const children = /** @type {HTMLCollectionOf<HTMLElement>} */ (this.els.log.children);
    // items are stacked in order: halve the search (a long history has thousands)
    let lo = 0;
    let hi = children.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (children[mid].getBoundingClientRect().bottom > top) hi = mid;
      else lo = mid + 1;
    }
    for (let i = lo; i < children.length; i++) if (!skip.has(children[i].dataset.key ?? '')) return children[i];
    return null;
  }

  /** How far the reader is from the top of what is drawn, in screens. */
  screensFromTop() {
    const s = this.els.scroller;
    return s.scrollTop / Math.max(1, s.clientHeight);
  }

  /**
   * Apply a model's changes; keeps the reader's place.
   * @param {import('../view-model.js').ConversationModel} model
   * @param {{changed: Set<string>, appended: boolean, live: boolean}} changes
   * @returns {boolean} whether something new was appended
   */
  update(model, changes) {
    const wasAtBottom = this.stickToBottom || this.isAtBottom();
    let appended = false;
    let below = false;
    const first = /** @type {HTMLElement|null} */ (this.els.log.firstElementChild);
    const firstSeq = this.cutAbove && first ? model.byKey.get(first.dataset.key ?? '')?.seq ?? 0 : 0;
    for (const key of changes.changed) {
      const item = model.byKey.get(key);
      if (!item) continue;
      const known = this.rendered.get(key);
      if (known && known.rev === item.rev) continue;
      // not drawn now (below or above what is drawn): drawn when the reader gets there
      if (!known && (this.cutBelow || item.seq < firstSeq)) {
        below = below || this.cutBelow;
        continue;
      }
      const el = renderItem(item, this.ctx);
      if (known) {
        keepOpenState(known.el, el);
        known.el.replaceWith(el);
      } else {
        this.els.log.appendChild(el);
        appended = true;
      }
      this.rendered.set(key, { rev: item.rev, el });
    }
    if (changes.live) this.renderLive(model);
    if (wasAtBottom) this.scrollToBottom(false);
    else if (appended || below || changes.live) this.setNewBelow(true);
    return appended;
  }

  /**
   * Re-render items whose look depends on the connection (recovery buttons).
   * @param {import('../view-model.js').ConversationModel} model
   * @param {boolean} connected
   */
  setConnected(model, connected) {
    if (this.ctx.connected === connected) return;
    this.ctx = { ...this.ctx, connected };
    this.redraw(model, (item) => item.kind === 'session' && item.actionable);
  }

  /**
   * The project's folder, for file paths shown relative to it: tool items are redrawn when it changes
   * (it is learnt after the log may have been drawn).
   * @param {import('../view-model.js').ConversationModel} model
   * @param {string|null} root
   */
  setRoot(model, root) {
    if (this.ctx.root === root) return;
    this.ctx = { ...this.ctx, root };
    this.redraw(model, (item) => item.kind === 'tool');
  }

  /**
   * @param {import('../view-model.js').ConversationModel} model
   * @param {(item: import('../view-model.js').ViewItem) => boolean} which
   */
  redraw(model, which) {
    for (const item of model.items) {
      if (!which(item)) continue;
      const known = this.rendered.get(item.key);
      if (!known) continue;
      const el = renderItem(item, this.ctx);
      known.el.replaceWith(el);
      known.el = el;
    }
  }

  /**
   * The streaming reply: at most one render per animation frame, each parsing only its new tail.
   * @param {import('../view-model.js').ConversationModel} model
   */
  renderLive(model) {
    const text = model.live?.text || '';
    if (!text) { // the reply ended (its item is in the log now): remove it at once, not a frame later
      if (this.liveFrame) cancelAnimationFrame(this.liveFrame);
      this.liveFrame = 0;
      this.liveText = null;
      this.liveView = null;
      clear(this.els.live);
      return;
    }
    this.liveText = text;
    if (this.liveFrame) return;
    this.liveFrame = requestAnimationFrame(() => {
      this.liveFrame = 0;
      const pending = this.liveText;
      this.liveText = null;
      if (pending === null) return;
      const wasAtBottom = this.stickToBottom || this.isAtBottom();
      if (!this.liveView) {
        const bubble = h('div', { class: 'bubble md' });
        clear(this.els.live);
        this.els.live.appendChild(h('div', { class: 'msg agent live' }, bubble));
        this.liveView = new LiveMarkdownView(bubble);
      }
      this.liveView.update(pending);
      if (wasAtBottom) this.scrollToBottom(false);
    });
  }

  /**
   * @param {{entry: import('../outbox.js').OutboxEntry, state: import('../outbox.js').EntryState}[]} rows
   */
  renderPending(rows) {
    const wasAtBottom = this.stickToBottom || this.isAtBottom();
    clear(this.els.pending);
    for (const { entry, state } of rows) this.els.pending.appendChild(renderPending(entry, state, this.ctx));
    releaseThumbs(new Set(rows.flatMap(({ entry }) => (entry.attachments ?? []).map((a) => a.sha256))));
    if (wasAtBottom) this.scrollToBottom(false);
  }

  /** @param {boolean} empty */
  setEmpty(empty) {
    this.els.empty.hidden = !empty;
  }

  /**
   * Where the reader is, to put them back there after a reload: the first visible item and its offset.
   * @returns {{at_bottom: boolean, anchor_key: string|null, anchor_offset: number, scroll_top: number}}
   */
  captureScroll() {
    const s = this.els.scroller;
    const top = s.getBoundingClientRect().top;
    let anchor = null;
    let offset = 0;
    for (const el of /** @type {HTMLElement[]} */ (Array.from(this.els.log.children))) {
      const r = el.getBoundingClientRect();
      if (r.bottom > top + 1) {
        anchor = el.dataset.key ?? null;
        offset = r.top - top;
        break;
      }
    }
    return { at_bottom: this.isAtBottom(), anchor_key: anchor, anchor_offset: Math.round(offset), scroll_top: Math.round(s.scrollTop) };
  }

  /**
   * @param {{at_bottom: boolean, anchor_key: string|null, anchor_offset: number, scroll_top: number}|undefined} view
   */
  restoreScroll(view) {
    const s = this.els.scroller;
    if (!view || view.at_bottom) {
      this.scrollToBottom(false);
      return;
    }
    const el = view.anchor_key ? this.rendered.get(view.anchor_key)?.el : null;
    if (el) {
      s.scrollTop += el.getBoundingClientRect().top - s.getBoundingClientRect().top - view.anchor_offset;
    } else {
      s.scrollTop = view.scroll_top;
    }
    this.stickToBottom = this.isAtBottom();
  }
}

/**
 * A re-rendered item keeps its <details> open if the reader had opened it.
 * @param {HTMLElement} from
 * @param {HTMLElement} to
 */
function keepOpenState(from, to) {
  const a = from.querySelectorAll('details');
  const b = to.querySelectorAll('details');
  a.forEach((d, i) => { if (d.open && b[i]) b[i].open = true; });
}
