// Start-up, in order: bind the page, reach the service worker and IndexedDB, learn this device's id,
// open the conversation the address asks for, then the server's list and version, and tidy up what
// this device no longer needs.

import { bindSessionList, renderSessionPick } from './session-list.js';
import * as db from '../db.js';
import * as api from '../api.js';
import { clientIdFor, uuid } from '../ids.js';
import { abandonedNew } from '../conversation-list.js';
import { NOTICE } from '../screen-text.js';
import { hydrateIcons } from '../ui/dom.js';
import { app, current, listedConversations, tabId } from './state.js';
import { els } from './elements.js';
import { conn, setSocketHooks } from './socket.js';
import { redrawWhenFeaturesArrive, renderHeader, renderList, scheduleRender, startClockTicks } from './render.js';
import { showToast } from './notices.js';
import { checkAuth, loadRecords, syncServerList } from './records.js';
import { flushOtherConversations } from './outbox-sync.js';
import { bindComposer } from './composer.js';
import { bindScrollMemory } from './scroll-memory.js';
import { bindSidebar } from './sidebar-drawer.js';
import { bindNavigation, followRoute, openConversation, openNew } from './navigation.js';
import { enqueueFrame, onSocketClose, onSocketState } from './frames.js';
import { bindActions } from './actions.js';
import { bindApprovals } from './approval-actions.js';
import { bindConnectionControls } from './connection-controls.js';
import { listenToOtherTabs } from './other-tabs.js';
import { bindPageLifecycle, watchServiceWorker } from './page-lifecycle.js';
import { loadSettings } from './settings.js';
import { bindAgentPicker, learnAgents, loadAgentChoice } from './agent-picker.js';
import { takeLocalFeatures } from './on-demand.js';
import { bindProjectPicker, loadProjects } from './project-picker.js';

/** Conversations whose events stay cached on this device; older ones are fetched again by replay. */
const CACHED_CONVERSATIONS = 30;

export async function start() {
  bindPage();
  watchServiceWorker();
  const features = takeLocalFeatures(); // beside IndexedDB, before the first conversation is drawn
  await openStorage();
  await Promise.all([loadSettings(), loadAgentChoice()]);
  await learnClientId();
  await loadRecords();

  const askedFor = location.hash;
  await features;
  await followRoute();
  els.app.dataset.state = 'ready';

  const shown = current();
  const res = await syncServerList();
  if (res.ok) {
    if (!askedFor) await showNewestOnFirstVisit(shown);
    flushOtherConversations();
  }
  learnServerVersion();
  loadProjects();
  tidyUp();
}

function bindPage() {
  setSocketHooks({ onFrame: enqueueFrame, onState: onSocketState, onClose: onSocketClose, checkAuth });
  hydrateIcons(document);
  bindComposer();
  bindActions();
  bindScrollMemory();
  bindNavigation();
  bindProjectPicker(() => { renderList(); renderSessionPick(); }); // the sessions entry waits for the projects
  bindSessionList({ open: openConversation, continueSession: (adopt, project) => openNew({ adopt, project }) });
  bindSidebar();
  bindApprovals();
  bindAgentPicker(scheduleRender);
  bindConnectionControls();
  bindPageLifecycle();
  listenToOtherTabs();
  startClockTicks();
  redrawWhenFeaturesArrive();
}

async function openStorage() {
  try {
    await db.db();
  } catch (err) {
    console.error('swe-swe: IndexedDB is not available', err);
    showToast(NOTICE.noStorage);
  }
}

/** The client id names this device (kept in IndexedDB) and this tab. */
async function learnClientId() {
  let deviceId = await db.getMeta('device_id').catch(() => undefined);
  if (!deviceId) {
    deviceId = uuid();
    db.setMeta('device_id', deviceId).catch(() => {});
  }
  app.clientId = clientIdFor(deviceId, tabId);
  conn.options.clientId = app.clientId;
}

/**
 * A first visit on this device to a server that already has conversations: show the newest. Not once
 * the user has moved on from what the start showed (the list may answer late on a slow link): a
 * navigation changes the #hash at once, and the open conversation once it has loaded.
 * @param {import('./state.js').Current|null} shown  what the start showed
 */
async function showNewestOnFirstVisit(shown) {
  const untouched = () => current() === shown && !location.hash;
  const c = current();
  if (!untouched() || !c?.pendingNew || c.entries.size || els.input.value || !app.records.size) return;
  const newest = listedConversations().find((r) => !r.pending_new);
  if (!newest || (await db.getMeta('last_open').catch(() => null))) return;
  if (untouched()) await openConversation(newest.id);
}

function learnServerVersion() {
  api.health().then((h) => {
    if (!h.ok) return;
    app.serverVersion = h.value?.version ?? null;
    app.agent = app.agent ?? h.value?.agent ?? null;
    learnAgents(h.value?.agents);
    renderHeader();
    renderList();
    scheduleRender(); // the agent picker of a new conversation
  });
}

/** Forget empty new conversations left behind, and the events of long-unused conversations. */
function tidyUp() {
  const c = current();
  const ctx = { queued: app.queued, drafts: app.drafts, currentId: c?.id ?? null, now: Date.now() };
  for (const r of abandonedNew(app.records.values(), ctx)) {
    db.deleteLocal(r.id).catch(() => {});
    app.records.delete(r.id);
  }
  db.evictEvents(CACHED_CONVERSATIONS, c ? [c.id] : []).catch(() => {});
}
