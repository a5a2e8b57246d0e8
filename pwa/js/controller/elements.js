// The page's elements, looked up once by id (pwa/index.html). The ids are a contract with the
// stylesheet and the browser tests (e2e/): rename one there too.

/** @param {string} id */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

export const els = {
  app: $('app'),
  scrim: $('scrim'),
  convList: $('conv-list'),
  sidebarFoot: $('sidebar-foot'),
  title: $('conv-title'),
  sub: $('conv-sub'),
  conn: $('conn'),
  mode: $('mode'),
  modeLabel: $('mode-label'),
  modeSheet: /** @type {HTMLDialogElement} */ ($('mode-sheet')),
  modeBody: $('mode-body'),
  approvalDock: $('approval-dock'),
  connLabel: $('conn-label'),
  updateBanner: $('update-banner'),
  connBanner: $('conn-banner'),
  connBannerText: $('conn-banner-text'),
  goneBanner: $('gone-banner'),
  scroller: $('scroller'),
  empty: $('empty'),
  log: $('log'),
  live: $('live'),
  pending: $('pending'),
  newBelow: $('new-below'),
  toast: $('toast'),
  working: $('working'),
  workingLabel: $('working-label'),
  stop: /** @type {HTMLButtonElement} */ ($('stop')),
  queueNote: $('queue-note'),
  form: /** @type {HTMLFormElement} */ ($('composer-form')),
  input: /** @type {HTMLTextAreaElement} */ ($('input')),
  send: /** @type {HTMLButtonElement} */ ($('send')),
  inputError: $('input-error'),
  details: /** @type {HTMLDialogElement} */ ($('details')),
  detailsBody: $('details-body'),
  auth: $('auth-screen'),
  authQueued: $('auth-queued'),
};
