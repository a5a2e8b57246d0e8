// Web Push on this device: the "Notify me" switch (permission is asked only on its tap), the
// `presence` frame that tells the server whether someone is looking, and the app badge with the
// number of approvals waiting. The rules are in push.js; this module does the browser calls.

import * as api from '../api.js';
import { badgeCount, isIos, pushBlocker } from '../push.js';
import { notifySwitch } from '../ui/notify-switch.js';
import { conn } from './socket.js';

/** @type {{on: boolean, busy: boolean, blocker: import('../push.js').PushBlocker, error: string|null, key: string|null}} */
const state = { on: false, busy: false, blocker: null, error: null, key: null };
/** @type {HTMLElement|null} */
let mounted = null;

function env(serverEnabled) {
  return {
    secure: window.isSecureContext,
    hasPushManager: 'PushManager' in window && 'serviceWorker' in navigator,
    hasNotification: 'Notification' in window,
    ios: isIos(navigator.userAgent, navigator.maxTouchPoints || 0),
    standalone: matchMedia('(display-mode: standalone)').matches || /** @type {any} */ (navigator).standalone === true,
    permission: 'Notification' in window ? Notification.permission : 'default',
    serverEnabled,
  };
}

/** base64url → the bytes PushManager.subscribe wants. @param {string} text */
function keyBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

async function subscription() {
  if (!('serviceWorker' in navigator)) return null;
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager ? reg.pushManager.getSubscription() : null;
}

/** Ask the server and the browser what is possible, and whether this device is subscribed. */
export async function refreshNotify() {
  const res = await api.call('/api/push/key');
  const enabled = res.ok ? !!res.value?.enabled : null;
  state.key = res.ok ? res.value?.public_key ?? null : null;
  state.blocker = pushBlocker(env(enabled));
  state.on = state.blocker === null || state.blocker === 'no_push_contact' ? !!(await subscription().catch(() => null)) && enabled !== false : false;
  redraw();
}

/** @param {boolean} on  the user's tap: the only place permission is asked */
async function toggle(on) {
  state.busy = true;
  state.error = null;
  redraw();
  try {
    if (on) await turnOn();
    else await turnOff();
  } catch (err) {
    state.error = err instanceof Error ? err.message : String(err);
  }
  state.busy = false;
  await refreshNotify();
}

async function turnOn() {
  if (!state.key) throw new Error('the server gave no key');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return;
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(state.key) });
  const res = await api.call('/api/push/subscriptions', { method: 'POST', body: JSON.stringify(sub.toJSON()) });
  if (!res.ok) throw new Error(res.message);
}

async function turnOff() {
  const sub = await subscription();
  if (!sub) return;
  await api.call('/api/push/subscriptions', { method: 'DELETE', body: JSON.stringify({ endpoint: sub.endpoint }) });
  await sub.unsubscribe();
}

function redraw() {
  if (!mounted || !mounted.isConnected) return;
  const next = notifySwitch(state, toggle);
  mounted.replaceWith(next);
  mounted = next;
}

/** The switch, for the details sheet; it redraws itself as the answers come in. */
export function notifySection() {
  mounted = notifySwitch(state, toggle);
  refreshNotify().catch(() => {});
  return mounted;
}

/** Tell the server whether this conversation is in front of someone (after hello, on every change). */
export function sendPresence() {
  conn.send({ type: 'presence', visible: document.visibilityState === 'visible' });
}

/**
 * The app icon's badge: approvals waiting over every conversation (where the browser has badges).
 * @param {Iterable<{pending_approvals?: number}>} conversations
 */
export function updateBadge(conversations) {
  const nav = /** @type {any} */ (navigator);
  if (typeof nav.setAppBadge !== 'function') return;
  const n = badgeCount(conversations);
  (n > 0 ? nav.setAppBadge(n) : nav.clearAppBadge()).catch(() => {});
}
