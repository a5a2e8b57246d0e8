// The files waiting in the composer to go with the next message: picked (camera, photo library,
// files), pasted or dropped, checked for type and size, shown as a tray of thumbnails. They belong to
// the open conversation and are kept in IndexedDB beside its draft text, so a reload or a switch to
// another conversation and back finds them again, and a file never leaves with another conversation's
// message.

import * as db from '../db.js';
import * as at from '../attachments.js';
import { h, icon } from '../ui/dom.js';
import { current } from './state.js';
import { els } from './elements.js';
import { markDraft } from './draft-mark.js';

/** @typedef {db.DraftFile & {url: string|null}} PickedFile  with its thumbnail's object URL */

/** The open conversation's files. @type {PickedFile[]} */
let picked = [];
/** The conversation they are of (the object: a new conversation's id changes once the server names it). */
let pickedFor = /** @type {import('./state.js').Current|null} */ (null);

/** @param {string[]} errors */
function showErrors(errors) {
  els.inputError.textContent = errors.join(' ');
  els.inputError.hidden = !errors.length;
}

/** The files could not be read to be sent (a file deleted since it was picked, say). */
export function showUnreadable() {
  showErrors([at.ATTACH_WORDS.unreadable.replace('{name}', picked.map((f) => f.name).join(', '))]);
}

/** @returns {number} */
export function pickedCount() {
  return picked.length;
}

/**
 * @param {db.DraftFile} f
 * @returns {PickedFile}
 */
function withPreview(f) {
  return { ...f, url: at.isImage(f) ? URL.createObjectURL(f.data) : null };
}

function dropPreviews() {
  for (const f of picked) if (f.url) URL.revokeObjectURL(f.url);
}

/** Keep the tray in IndexedDB with the draft (at once: a file is picked rarely, and a reload may follow). */
function saveTray() {
  const c = current();
  if (!c || c !== pickedFor) return;
  const files = picked.map(({ data, name, media_type, size }) => ({ data, name, media_type, size }));
  markDraft(c, files.length > 0 || !!els.input.value);
  db.setDraftFiles(c.id, files).catch(() => {});
}

/**
 * The tray of a conversation just opened: the files kept with its draft.
 * @param {import('./state.js').Current} c
 * @param {db.DraftFile[]|undefined} files
 */
export function showTrayOf(c, files) {
  dropPreviews();
  pickedFor = c;
  picked = (files ?? []).filter((f) => f?.data instanceof Blob).map(withPreview);
  renderTray();
}

/**
 * Files chosen, pasted or dropped: each checked for type and size before it is kept.
 * @param {Iterable<File>} files
 */
export function addFiles(files) {
  const { ok, errors } = at.checkFiles([...files].map((f) => ({ name: f.name, type: f.type, size: f.size, data: f })), picked.length);
  const now = Date.now();
  for (const f of ok) {
    const data = /** @type {any} */ (f).data;
    picked.push(withPreview({ data, name: at.nameFor(f.name, f.media_type, now), media_type: f.media_type, size: f.size }));
  }
  showErrors(errors);
  renderTray();
  saveTray();
}

/** @param {number} index */
function removeFile(index) {
  const [gone] = picked.splice(index, 1);
  if (gone?.url) URL.revokeObjectURL(gone.url);
  renderTray();
  saveTray();
}

function renderTray() {
  const tray = els.attachTray;
  tray.replaceChildren(...picked.map((f, i) => h('li', { title: at.label(f) },
    f.url ? h('img', { src: f.url, alt: '' }) : icon('file', 'icon'),
    h('span', { text: f.name }),
    h('button', { type: 'button', 'aria-label': at.ATTACH_WORDS.remove.replace('{name}', f.name), onclick: () => removeFile(i) }, icon('close', 'icon tiny')))));
  tray.hidden = !picked.length;
}

/**
 * The picked files as outbox attachments: bytes read once, named by their SHA-256.
 * @returns {Promise<at.PendingAttachment[]>}
 */
export async function readPicked() {
  return Promise.all(picked.map(async (f) => {
    const bytes = await f.data.arrayBuffer();
    return { sha256: await at.sha256Hex(bytes), name: f.name, media_type: f.media_type, size: f.size, data: new Blob([bytes], { type: f.media_type }) };
  }));
}

/**
 * Empty the tray as the message goes: a second tap finds nothing to send. Returns what was there,
 * for `settleSend`.
 * @returns {{files: PickedFile[], of: import('./state.js').Current|null}}
 */
export function takePicked() {
  const taken = { files: picked, of: pickedFor };
  picked = [];
  renderTray();
  return taken;
}

/**
 * The message was queued (`ok`): the files went with it. Otherwise they go back into their
 * conversation's tray, unless the user has picked others meanwhile or moved to another conversation.
 * @param {{files: PickedFile[], of: import('./state.js').Current|null}} taken
 * @param {boolean} ok
 */
export function settleSend(taken, ok) {
  const here = taken.of === pickedFor;
  if (!ok && !picked.length && here) picked = taken.files;
  else for (const f of taken.files) if (f.url) URL.revokeObjectURL(f.url);
  renderTray();
  if (here) saveTray();
  else if (ok && taken.of) db.setDraftFiles(taken.of.id, []).catch(() => {}); // sent: not to be found again there
}

/** The attach button (camera, photo library, files), paste and drag-and-drop. */
export function bindAttachments() {
  els.attachInput.accept = at.ACCEPT;
  els.attach.addEventListener('click', () => els.attachInput.click());
  els.attach.addEventListener('pointerdown', (e) => {
    if (document.activeElement === els.input) e.preventDefault();
  });
  els.attachInput.addEventListener('change', () => {
    addFiles(els.attachInput.files ?? []);
    els.attachInput.value = ''; // the same file can be picked again
  });
  els.input.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    addFiles(files);
  });
  const composer = /** @type {HTMLElement} */ (document.querySelector('.composer'));
  const hasFiles = (/** @type {DragEvent} */ e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  composer.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    composer.classList.add('dropping');
  });
  composer.addEventListener('dragleave', () => composer.classList.remove('dropping'));
  composer.addEventListener('drop', (e) => {
    composer.classList.remove('dropping');
    if (!hasFiles(e)) return;
    e.preventDefault();
    addFiles(e.dataTransfer?.files ?? []);
  });
}
