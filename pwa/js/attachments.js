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
export const ACCEPT = [...IMAGE_TYPES, 'text/*', '.md', '.json', '.yaml', '.yml', '.toml', '.csv', '.log', '.diff', '.patch', '.py', '.js', '.ts', '.go', '.rs', '.sh', '.sql'].join(',');

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
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
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
