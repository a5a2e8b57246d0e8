// The message box: sending (Enter on a desktop, the button on a phone), growing with its text,
// drafts kept per conversation and shared with other tabs, and staying above the on-screen keyboard.
// The files that go with a message are attach-tray.js's.

import * as db from '../db.js';
import * as ob from '../outbox.js';
import { keepCopy, pageStorage } from '../unload-copy.js';
import { app, current, tabs } from './state.js';
import { els } from './elements.js';
import { renderList } from './render.js';
import { enqueue } from './outbox-sync.js';
import { markDraft } from './draft-mark.js';
import { bindAttachments, pickedCount, readPicked, settleSend, showUnreadable, takePicked } from './attach-tray.js';
import { mayNeedPicker } from '../slash-commands.js';
import { lazy } from '../lazy.js';

/** The `@` / `/` picker (controller/suggestions.js), fetched the first time the text may need it. */
const picker = lazy('suggestions', async () => {
  const mod = await import('./suggestions.js');
  mod.bindSuggestions();
  mod.refresh(); // what was typed while it loaded
  return mod;
}, { drawing: false });

function loadPicker() {
  // offline before the worker had it: the next keystroke tries again
  picker.load().catch((err) => console.error('swe-swe: the suggestions could not be loaded', err));
}

/** A draft is saved this long after the last keystroke. */
const DRAFT_SAVE_DELAY_MS = 300;
/** Typing here within this time wins over a draft another tab sends. */
const TYPING_WINS_MS = 1500;

/** Touch screens: Enter makes a new line, the button sends. */
const coarse = window.matchMedia('(pointer: coarse)');

/** Grow the box with its text, up to 40% of the window. */
export function autosize() {
  const t = els.input;
  t.style.height = 'auto';
  t.style.height = `${Math.min(t.scrollHeight, Math.round(window.innerHeight * 0.4))}px`;
}

let draftTimer = /** @type {any} */ (null);

function saveDraftSoon() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(saveDraftNow, DRAFT_SAVE_DELAY_MS);
}

/**
 * Keep the box's text as the open conversation's draft, and tell the other tabs. When the page is
 * hidden or unloading, also in localStorage: Chromium may drop the IndexedDB write (unload-copy.js).
 * @param {{unloading?: boolean}} [options]
 */
export function saveDraftNow({ unloading = false } = {}) {
  clearTimeout(draftTimer);
  draftTimer = null;
  const c = current();
  if (!c) return;
  const text = els.input.value;
  markDraft(c, !!text || pickedCount() > 0);
  const updatedAt = Date.now();
  if (unloading) keepCopy(pageStorage(), 'draft', c.id, { text, updated_at: updatedAt });
  db.setDraft(c.id, text, updatedAt).catch(() => {});
  tabs.post({ type: 'draft', conversation_id: c.id, text });
}

/**
 * Another tab changed a draft: show it here if it is this conversation's and the reader is not typing.
 * @param {{conversation_id: string, text: string}} msg
 */
export function takeDraftFromOtherTab(msg) {
  const c = current();
  if (!c || msg.conversation_id !== c.id) {
    if (msg.text) app.drafts.add(msg.conversation_id);
    else app.drafts.delete(msg.conversation_id);
    renderList();
    return;
  }
  if (els.input.value === msg.text) return;
  if (document.activeElement === els.input && Date.now() - app.lastTypedAt < TYPING_WINS_MS) return; // typing here wins
  els.input.value = msg.text;
  autosize();
}

let submitting = false;

async function submit() {
  if (submitting || !current()) return;
  const text = els.input.value;
  if (!text.trim() && !pickedCount()) return;
  const check = ob.validateText(text, ob.MAX_TEXT_CHARS, pickedCount());
  if (!check.ok) {
    els.inputError.textContent = check.error;
    els.inputError.hidden = false;
    return;
  }
  els.inputError.hidden = true;
  submitting = true;
  let attachments;
  try {
    attachments = await readPicked();
  } catch (err) {
    console.error('swe-swe: could not read an attachment', err);
    showUnreadable();
    submitting = false;
    return;
  }
  // clear at once: a second tap finds nothing to send
  const kept = takePicked();
  els.input.value = '';
  autosize();
  try {
    const ok = await enqueue(text, attachments);
    if (!ok && !els.input.value) {
      els.input.value = text;
      autosize();
    }
    settleSend(kept, ok);
  } finally {
    submitting = false;
    saveDraftNow();
  }
}

function updateEnterHint() {
  els.input.setAttribute('enterkeyhint', coarse.matches ? 'enter' : 'send');
}

export function bindComposer() {
  els.form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  els.input.addEventListener('keydown', (e) => {
    if (picker.get()?.suggestionKey(e)) return; // the @ / `/` list is open: Enter picks, never sends
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing && !coarse.matches) {
      e.preventDefault();
      submit();
    }
  });
  els.input.addEventListener('input', () => {
    if (!picker.get() && mayNeedPicker(els.input.value)) loadPicker();
    app.lastTypedAt = Date.now();
    els.inputError.hidden = true;
    autosize();
    saveDraftSoon();
  });
  // keep the keyboard up on phones: the send button must not take the focus from the text box
  els.send.addEventListener('pointerdown', (e) => {
    if (document.activeElement === els.input) e.preventDefault();
  });
  bindAttachments();
  coarse.addEventListener?.('change', updateEnterHint);
  updateEnterHint();
  followComposerHeight();
  stayAboveKeyboard();
}

/** "New messages below" floats just above the composer, whatever its height. */
function followComposerHeight() {
  const composer = /** @type {HTMLElement} */ (document.querySelector('.composer'));
  if (typeof ResizeObserver !== 'function') return;
  new ResizeObserver(() => {
    els.app.style.setProperty('--composer-h', `${composer.offsetHeight}px`);
  }).observe(composer);
}

/** Keep the composer above the on-screen keyboard where the browser does not resize the page (iOS). */
function stayAboveKeyboard() {
  const vv = window.visualViewport;
  if (!vv) return;
  const fit = () => {
    document.documentElement.style.setProperty('--vvh', `${Math.round(vv.height)}px`);
    if (vv.offsetTop > 0 && document.activeElement === els.input) window.scrollTo(0, 0);
  };
  vv.addEventListener('resize', fit);
  vv.addEventListener('scroll', fit);
  fit();
}
