// Drawing the open conversation and what surrounds it: the log and pending messages (through
// ui/conversation-view.js), the header, the "working" bar, the queue note, the connection chip and
// banner, the conversation list. Renders are batched into one per frame (scheduleRender); the words
// come from screen-text.js.

import { renderSessionPick } from './session-list.js';
import * as ob from '../outbox.js';
import { conversationTitle } from '../format.js';
import { listRows } from '../conversation-list.js';
import { connectionText, emptyScreen, headerSubtitle, pageTitle, sidebarFoot, workingText } from '../screen-text.js';
import { ConversationView } from '../ui/conversation-view.js';
import { renderConversationList } from '../ui/sidebar.js';
import { app, current, listedConversations } from './state.js';
import { els } from './elements.js';
import { conn } from './socket.js';
import { renderApprovals, renderMode } from './approval-dock.js';
import { agentOf, offeredList, renderAgentChoice, showsAgents } from './agent-picker.js';
import { keptByFilter, projectFolder, projectForNew, renderProjects, rowProjectLabel } from './project-picker.js';
import { onFeatureLoaded } from '../lazy.js';

/** @typedef {import('./state.js').Current} Current */

export const view = new ConversationView({
  scroller: els.scroller, log: els.log, live: els.live, pending: els.pending, newBelow: els.newBelow, empty: els.empty,
});

let renderQueued = false;

/** Render once, soon: many changes in a row (a replay) make one render. */
export function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  // a hidden tab gets no animation frames; a timer keeps its state (and IndexedDB) current anyway
  const run = () => {
    if (!renderQueued) return;
    renderQueued = false;
    render();
  };
  requestAnimationFrame(run);
  setTimeout(run, 250);
}

/** Items whose drawing uses a feature loaded on demand (Markdown, diffs): drawn again when it arrives. */
const FEATURE_KINDS = new Set(['assistant', 'thinking', 'tool', 'approval']);

/** Agent text drawn as plain text and diffs drawn coarse before their feature arrived are redrawn with it. */
export function redrawWhenFeaturesArrive() {
  onFeatureLoaded(() => {
    const c = current();
    if (c) {
      view.redraw(c.model, (item) => FEATURE_KINDS.has(item.kind));
      view.renderLive(c.model);
    }
    scheduleRender(); // the approval card's key includes which features it was drawn with
  });
}

let lastListKey = '';

export function render() {
  const c = current();
  if (!c) return;
  const changes = c.model.takeChanges();
  view.setConnected(c.model, conn.connected);
  view.setRoot(c.model, projectFolder(c));
  view.update(c.model, changes);
  renderPending(c);
  renderHeader();
  renderWorking(c);
  renderQueueNote(c);
  renderEmpty(c);
  renderProjects();
  renderSessionPick();
  // the card above the composer takes room from the log: a reader at its end stays there
  const atBottom = view.stickToBottom || view.isAtBottom();
  if (renderApprovals(c) && atBottom) view.scrollToBottom(false);
  renderMode(c);
  const listKey = `${c.id}|${c.model.status}|${c.model.title}|${c.entries.size}|${c.model.pendingApprovals.length}|${c.record.agent}`;
  if (listKey !== lastListKey) {
    lastListKey = listKey;
    renderList();
  }
}

/** @param {Current} c */
function renderEmpty(c) {
  const empty = !c.model.items.length && !c.entries.size;
  if (empty) {
    const words = emptyScreen({ pendingNew: c.pendingNew, headSeq: c.record.head_seq ?? 0 });
    /** @type {HTMLElement} */ (els.empty.querySelector('h2')).textContent = words.heading;
    /** @type {HTMLElement} */ (els.empty.querySelector('p')).textContent = words.text;
  }
  view.setEmpty(empty);
  renderAgentChoice(c);
}

/** @param {Current} c */
function renderPending(c) {
  const ctx = { now: Date.now(), expiryMs: app.expiryMs, inFlight: c.inFlight };
  view.renderPending(ob.pendingRows(c.entries.values(), c.model.loggedIds, ctx));
}

/** @param {Current} c */
function renderQueueNote(c) {
  const summary = ob.queueSummary(ob.unacked(c.entries.values()), { now: Date.now(), expiryMs: app.expiryMs, connected: conn.connected && c.replayed });
  els.queueNote.textContent = summary.text;
  els.queueNote.hidden = !summary.text;
}

/** @param {Current} c */
function renderWorking(c) {
  const running = c.model.running && !c.pendingNew && !c.gone;
  els.working.hidden = !running;
  if (!running) {
    c.stopping = false;
    return;
  }
  const words = workingText({ stopping: c.stopping, queuedTurns: c.model.waitingTurns.length });
  els.workingLabel.textContent = words.label;
  els.stop.disabled = !conn.connected || c.stopping;
  els.stop.textContent = words.stop;
}

export function renderHeader() {
  const c = current();
  if (!c) return;
  const title = c.model.title || c.record.title;
  els.title.textContent = conversationTitle({ title });
  document.title = pageTitle(title, c.model.pendingApprovals.length);
  els.sub.textContent = headerSubtitle({ agent: agentOf(c), pendingNew: c.pendingNew, hasMessages: c.entries.size > 0, status: c.model.status });
  renderConnection();
}

export function renderConnection() {
  const words = connectionText(conn.state, Date.now(), { pendingNew: !!current()?.pendingNew, online: navigator.onLine });
  els.connLabel.textContent = words.label;
  els.conn.className = `conn tone-${words.tone}`;
  els.conn.dataset.phase = conn.state.phase;
  els.conn.title = words.title;
  els.connBanner.hidden = !words.banner.show;
  els.connBanner.className = `banner ${words.banner.tone}`;
  els.connBannerText.textContent = words.banner.text;
}

export function renderList() {
  const c = current();
  const open = c ? { id: c.id, pendingNew: c.pendingNew, title: c.model.title, status: c.model.status, approvals: c.model.pendingApprovals.length } : null;
  const listed = listedConversations().filter((r) => r.id === c?.id || keptByFilter(r));
  const rows = listRows(listed, { queued: app.queued, drafts: app.drafts, open, now: Date.now() })
    .map((row) => ({ ...row, project: rowProjectLabel(app.records.get(row.id)?.project_id ?? (row.id === c?.id ? projectForNew() : null)) }));
  renderConversationList(els.convList, rows, c?.id ?? null, Date.now(), { showAgents: showsAgents() });
  els.sidebarFoot.textContent = sidebarFoot(offeredList(), app.serverVersion);
}

/** Re-render what changes with the clock alone: "reconnecting in N s", queued messages expiring. */
export function startClockTicks() {
  setInterval(() => {
    if (conn.state.phase === 'reconnecting' || conn.state.phase === 'offline') renderConnection();
  }, 1000);
  setInterval(() => {
    const c = current();
    if (!c) return;
    renderPending(c);
    renderQueueNote(c);
  }, 30000);
}
