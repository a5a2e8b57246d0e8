// Pure logic of the phone features: whether "Notify me" can work here and why not, what the sign-in
// box holds (a link, a token or a pairing code), and the app badge's count. No DOM, no fetch: the
// controller (controller/notify.js, controller/sign-in.js) does the I/O and the tests run in node.

/**
 * Why notifications cannot work on this device, or null when they can.
 * @typedef {'no_push_contact'|'insecure'|'ios_not_installed'|'unsupported'|'denied'|null} PushBlocker
 */

/**
 * @param {{secure: boolean, hasPushManager: boolean, hasNotification: boolean, ios: boolean,
 *   standalone: boolean, permission: string, serverEnabled: boolean|null}} env
 *   serverEnabled: GET /api/push/key's `enabled` (null: not known yet)
 * @returns {PushBlocker}
 */
export function pushBlocker(env) {
  if (!env.secure) return 'insecure';
  // iOS offers Web Push only to an app added to the home screen (16.4+); in Safari there is no PushManager
  if (env.ios && !env.standalone) return 'ios_not_installed';
  if (!env.hasPushManager || !env.hasNotification) return 'unsupported';
  if (env.serverEnabled === false) return 'no_push_contact';
  if (env.permission === 'denied') return 'denied';
  return null;
}

/**
 * @param {string} userAgent
 * @param {number} maxTouchPoints  iPadOS says "Macintosh" but has touch
 */
export function isIos(userAgent, maxTouchPoints) {
  return /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
}

/** The pairing code alphabet of the server (backend/swe_swe/pairing.py): no 0/O, 1/I/L. */
export const PAIRING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * What the user put in the sign-in box.
 * @param {string} raw
 * @returns {{kind: 'token', token: string} | {kind: 'code', code: string} | {kind: 'empty'} | {kind: 'invalid'}}
 */
export function parseSignIn(raw) {
  const text = String(raw || '').trim();
  if (!text) return { kind: 'empty' };
  if (/^https?:\/\//i.test(text) || text.startsWith('/?') || text.startsWith('?')) {
    const query = text.slice(text.indexOf('?') + 1).split('#')[0];
    const token = new URLSearchParams(query).get('token');
    return token ? { kind: 'token', token } : { kind: 'invalid' };
  }
  const code = text.toUpperCase().replace(/[\s-]/g, '');
  if (code.length >= 8 && code.length <= 16 && [...code].every((ch) => PAIRING_ALPHABET.includes(ch))) {
    return { kind: 'code', code };
  }
  if (/^[A-Za-z0-9_-]{16,}$/.test(text)) return { kind: 'token', token: text };
  return { kind: 'invalid' };
}

/**
 * The number on the app's icon: approvals waiting, over every conversation this device knows.
 * @param {Iterable<{pending_approvals?: number}>} conversations
 */
export function badgeCount(conversations) {
  let n = 0;
  for (const c of conversations) n += Math.max(0, Number(c.pending_approvals) || 0);
  return n;
}

/**
 * Where a notification tap leads: the app on that conversation, the approval card in view.
 * @param {{conversation_id?: string, kind?: string}} data  the push payload
 */
export function notificationUrl(data) {
  const id = data && typeof data.conversation_id === 'string' ? data.conversation_id : '';
  // the approval dock sits above the composer, so an open conversation shows its waiting card
  return /^[0-9a-f-]{36}$/i.test(id) ? `/#/c/${id}` : '/';
}
