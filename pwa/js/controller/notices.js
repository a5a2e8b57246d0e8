// What interrupts the reader: a toast that goes away by itself, the sign-in screen, and the banner
// of a conversation deleted on the server ("gone").

import { app } from './state.js';
import { els } from './elements.js';
import { conn } from './socket.js';
import { scheduleRender } from './render.js';

/** How long a toast stays. */
const TOAST_MS = 6000;

let toastTimer = /** @type {any} */ (null);

/** @param {string} text */
export function showToast(text) {
  els.toast.textContent = text;
  els.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { els.toast.hidden = true; }, TOAST_MS);
}

/**
 * The sign-in screen (the token cookie is missing or wrong): the socket stops until it is back.
 * @param {boolean} on
 */
export function showAuth(on) {
  if (on) {
    app.authorized = false;
    conn.stop();
    els.authQueued.hidden = !(app.queued.size > 0);
  }
  els.auth.hidden = !on;
  els.app.hidden = on;
  els.app.dataset.state = on ? 'unauthorized' : 'ready';
}

/**
 * The open conversation was deleted on the server: stop its socket and offer the gone banner's choices.
 * @param {import('./state.js').Current} c
 */
export function markGone(c) {
  c.gone = true;
  conn.stop();
  els.goneBanner.hidden = false;
  scheduleRender();
}
