// The address bar's #hash routes, read and written. Pure: the controller (controller/navigation.js)
// reads location.hash and writes history; this module only says what a hash means.
//
//   #/c/<id>          a conversation the server knows
//   #/new             a new conversation
//   #/session/<uuid>  a new conversation that adopts an existing claude session
//   anything else     the default: the last one open, else the newest, else a new one

/** @typedef {{id?: string, adopt?: string, fresh?: boolean}} Route */

const SESSION_ID = /^[0-9a-f-]{36}$/i;

/**
 * @param {string} hash  location.hash, with or without its "#"
 * @returns {Route}
 */
export function parseRoute(hash) {
  const [kind, value] = hash.replace(/^#\/?/, '').split('/');
  if (kind === 'c' && value) return { id: decodeURIComponent(value) };
  if (kind === 'new') return { fresh: true };
  if (kind === 'session' && value && SESSION_ID.test(value)) return { adopt: value.toLowerCase() };
  return {};
}

/**
 * The hash for an open conversation: none for one the server has not named yet (a reload then
 * opens the default, which is that one again while it is the last open).
 * @param {string} id
 * @param {boolean} pending  the id is a local "new-…" id
 */
export function hashFor(id, pending) {
  return pending ? '' : `#/c/${encodeURIComponent(id)}`;
}
