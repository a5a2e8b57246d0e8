// Random ids. crypto.randomUUID needs a secure context (https, or http on localhost/127.0.0.1);
// the fallback covers plain-http LAN addresses.

/** @returns {string} a lowercase RFC 4122 version-4 UUID */
export function uuid() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The client id a tab gives the server (in `hello`): which device, and which tab on it, in 17
 * characters, so the server's logs can tell them apart without carrying whole UUIDs.
 * @param {string} deviceId  kept in IndexedDB, one per browser profile
 * @param {string} tabId     new for each page load
 */
export function clientIdFor(deviceId, tabId) {
  return `${String(deviceId).slice(0, 8)}-${tabId.slice(0, 8)}`;
}
