// Attachments: the rules a file must meet before it is queued (the server checks them again), its
// content hash (the blob's name on the server), and what an outbox entry carries.
// Pure apart from `sha256Hex` (crypto.subtle), which every modern browser and Node have.

/** The server's limits (docs/protocol.md, "attachments"). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;
export const IMAGE_TYPES = Object.freeze(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Text files the picker offers besides text/*: the server takes any UTF-8 text whatever its name. */
const TEXT_EXTENSIONS = /\.(txt|md|markdown|json|ya?ml|toml|ini|cfg|conf|csv|tsv|log|diff|patch|xml|html?|css|s[ac]ss|js|mjs|cjs|jsx|ts|tsx|py|rb|go|rs|java|kt|swift|c|h|cc|cpp|hpp|cs|php|sh|bash|zsh|sql|r|lua|pl|ex|exs|erl|hs|ml|scala|dart|vue|svelte|env|gitignore|dockerfile|makefile)$/i;
/** What the file input accepts: images (camera and photo library on a phone) and text files. */
export const ACCEPT = ['image/*', 'text/*', '.md', '.json', '.yaml', '.yml', '.toml', '.csv', '.log', '.diff', '.patch', '.py', '.js', '.ts', '.go', '.rs', '.sh', '.sql'].join(',');

export const ATTACH_WORDS = Object.freeze({
  attach: 'Attach a file',
  remove: 'Remove {name}',
  tooLarge: '“{name}” is too large: attachments are limited to 10 MiB.',
  badType: '“{name}” cannot be attached: only images (PNG, JPEG, GIF, WebP) and text files can.',
  tooMany: 'A message takes at most 10 attachments.',
  empty: '“{name}” is empty.',
  unreadable: '“{name}” could not be read.',
  notUploaded: 'An attachment could not be uploaded: {reason}',
});

/**
 * @typedef {object} PendingAttachment   one file of an outbox entry, kept in IndexedDB with it
 * @property {string} sha256
 * @property {string} name
 * @property {string} media_type
 * @property {number} size
 * @property {Blob} data
 * @property {boolean} [uploaded]        the server has it (PUT answered 200)
 */

/**
 * The type a file is sent as, or null when it cannot be attached: an image type the server takes, or
 * a text type (text/*, JSON, or a known text file name with no type).
 * @param {{name: string, type: string}} file
 * @returns {string|null}
 */
export function mediaTypeOf(file) {
  const type = (file.type || '').toLowerCase();
  if (IMAGE_TYPES.includes(type)) return type;
  if (type.startsWith('image/')) return null; // HEIC, SVG, …: the agent's API does not take them
  if (type.startsWith('text/') || type === 'application/json' || type === 'application/x-yaml' || type === 'application/xml') return type;
  if (TEXT_EXTENSIONS.test(file.name || '') || /^(Dockerfile|Makefile|README|LICENSE)$/i.test(file.name || '')) return 'text/plain';
  return null;
}

/**
 * Whether these files may join the `already` attached ones: each checked for type and size.
 * @param {{name: string, type: string, size: number}[]} files
 * @param {number} already
 * @returns {{ok: {name: string, type: string, size: number, media_type: string}[], errors: string[]}}
 */
export function checkFiles(files, already = 0) {
  const ok = [];
  const errors = [];
  for (const file of files) {
    const name = file.name || 'pasted file';
    const mediaType = mediaTypeOf(file);
    if (!mediaType) errors.push(fill(ATTACH_WORDS.badType, name));
    else if (file.size > MAX_ATTACHMENT_BYTES) errors.push(fill(ATTACH_WORDS.tooLarge, name));
    else if (file.size === 0) errors.push(fill(ATTACH_WORDS.empty, name));
    else if (already + ok.length >= MAX_ATTACHMENTS) {
      if (!errors.includes(ATTACH_WORDS.tooMany)) errors.push(ATTACH_WORDS.tooMany);
    } else ok.push({ ...file, name, type: file.type, size: file.size, media_type: mediaType });
  }
  return { ok, errors };
}

/** @param {string} template @param {string} name */
function fill(template, name) {
  return template.replace('{name}', name);
}

/**
 * A pasted screenshot has a generic name ("image.png") or none: give it one that says when.
 * @param {string} name
 * @param {string} mediaType
 * @param {number} now
 */
export function nameFor(name, mediaType, now) {
  if (name && name !== 'image.png' && name !== 'blob') return name.slice(0, 255);
  const ext = mediaType.split('/')[1] === 'jpeg' ? 'jpg' : mediaType.split('/')[1] || 'txt';
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return `screenshot-${stamp}.${ext}`;
}

/**
 * The SHA-256 of the bytes, in lower-case hex: the blob's name on the server.
 * @param {ArrayBuffer|Uint8Array} bytes
 */
export async function sha256Hex(bytes) {
  const subtle = globalThis.crypto?.subtle; // only in a secure context: plain http to a LAN address has none
  const digest = subtle ? new Uint8Array(await subtle.digest('SHA-256', bytes)) : sha256(new Uint8Array(bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * SHA-256 in plain JavaScript (FIPS 180-4), for pages without crypto.subtle.
 * @param {Uint8Array} data
 * @returns {Uint8Array}
 */
export function sha256(data) {
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(data.length / 0x20000000));
  view.setUint32(padded.length - 4, (data.length * 8) >>> 0);
  const w = new Uint32Array(64);
  const rotr = (/** @type {number} */ x, /** @type {number} */ n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
  return out;
}

/**
 * What the `send` frame (and the HTTP message route) says of an entry's attachments.
 * @param {{attachments?: PendingAttachment[]}} entry
 * @returns {{sha256: string, name: string, media_type: string}[]}
 */
export function attachmentRefs(entry) {
  return (entry.attachments || []).map((a) => ({ sha256: a.sha256, name: a.name, media_type: a.media_type }));
}

/**
 * The attachments still to upload before the entry's `send` may go out.
 * @param {{attachments?: PendingAttachment[]}} entry
 * @returns {PendingAttachment[]}
 */
export function toUpload(entry) {
  return (entry.attachments || []).filter((a) => !a.uploaded);
}

/**
 * The entry with these blobs marked uploaded.
 * @template {{attachments?: PendingAttachment[]}} E
 * @param {E} entry
 * @param {Set<string>} shas
 * @returns {E}
 */
export function markUploaded(entry, shas) {
  if (!entry.attachments) return entry;
  return { ...entry, attachments: entry.attachments.map((a) => (shas.has(a.sha256) ? { ...a, uploaded: true } : a)) };
}

/**
 * How to take an upload's answer: done, refused for good (the file breaks a rule: say why), or try
 * again later (offline, the server busy or restarting, signed out).
 * @param {number} status  0 for a network failure
 * @returns {'done'|'refused'|'retry'}
 */
export function uploadOutcome(status) {
  if (status >= 200 && status < 300) return 'done';
  if (status === 400 || status === 413 || status === 415) return 'refused';
  return 'retry';
}

/** @param {{media_type: string}} a */
export function isImage(a) {
  return IMAGE_TYPES.includes(a.media_type);
}

/**
 * "shot.png · 1.2 MB"
 * @param {{name: string, size?: number}} a
 */
export function label(a) {
  if (!a.size) return a.name;
  const size = a.size >= 1024 * 1024 ? `${(a.size / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(a.size / 1024))} KB`;
  return `${a.name} · ${size}`;
}
