// Thumbnails of attachments in the timeline. A file still on this device (in a queued message) is
// shown from a blob: URL, made once per file and revoked once no queued message holds it; a logged
// message's files come from the server (GET /api/blobs/{sha256}).

import { h, icon } from './dom.js';
import { isImage, label } from '../attachments.js';

/** Revoked this long after the last queued message holding the file left (its <img> has loaded by then). */
const REVOKE_AFTER_MS = 10_000;

/** @type {Map<string, string>} sha256 → blob: URL */
const local = new Map();

/**
 * @param {string} sha256
 * @param {Blob|null|undefined} data
 */
function srcFor(sha256, data) {
  if (data && !local.has(sha256)) local.set(sha256, URL.createObjectURL(data));
  return local.get(sha256) ?? `/api/blobs/${encodeURIComponent(sha256)}`;
}

/**
 * Revoke the URLs of files no queued message holds any more.
 * @param {Set<string>} keep  sha256s still queued
 */
export function releaseThumbs(keep) {
  for (const [sha256, url] of local) {
    if (keep.has(sha256)) continue;
    local.delete(sha256);
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}

/**
 * The files of a message: images as thumbnails, text files as a named chip.
 * @param {{sha256: string, name: string, media_type: string, size?: number, data?: Blob}[]|undefined} list
 * @returns {HTMLElement|null}
 */
export function renderAttachments(list) {
  if (!list || !list.length) return null;
  return h('div', { class: 'attachments' }, list.map((a) => (isImage(a)
    ? h('img', { class: 'thumb', src: srcFor(a.sha256, a.data), alt: a.name, title: label(a), decoding: 'async' })
    : h('span', { class: 'file-chip', title: label(a) }, icon('file', 'icon tiny'), h('span', { text: a.name })))));
}
