// The controller's features that are not part of the first load (lazy.js): fetched the first time the
// reader asks for them, once. The buttons that open them are bound here, at start, so they work
// before the feature has arrived.

import { approvalCard, jsdiff, lazy, markdown, toolViews } from '../lazy.js';
import { $ } from './elements.js';

/** How long the start waits for the features from the worker's cache (they take a few ms). */
const LOCAL_WAIT_MS = 1000;

/**
 * A page the service worker serves has every feature in its cache: fetching them costs no network,
 * so a returning visit takes the drawing features at start and draws Markdown and fine diffs from its
 * first frame (as before they were loaded on demand). A first visit (no worker yet) keeps its load small.
 * @returns {Promise<void>} once they have arrived or failed, or after LOCAL_WAIT_MS: the start never
 *   hangs on them (a late one is drawn with stand-ins, then redrawn)
 */
export async function takeLocalFeatures() {
  if (!navigator.serviceWorker?.controller) return;
  const all = Promise.all([markdown, jsdiff, toolViews, approvalCard].map((f) => f.load().catch(() => {})));
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, LOCAL_WAIT_MS))]);
}

/** The details dialog (controller/details-dialog.js, ui/details.js): bound once, when it arrives. */
export const detailsDialog = lazy('details', async () => {
  const mod = await import('./details-dialog.js');
  mod.bindDetailsDialog();
  return mod;
}, { drawing: false });

/** Open the details dialog, fetching it first if this is the first time. */
export async function openDetails() {
  try {
    (await detailsDialog.load()).openDetails();
  } catch (err) {
    console.error('swe-swe: the details dialog could not be loaded', err); // offline before the worker had it
  }
}

/** The sign-in box's handling (controller/sign-in.js): only a device that is not signed in needs it. */
export const signIn = lazy('sign-in', () => import('./sign-in.js'), { drawing: false });

/**
 * @param {() => Promise<void>} retry  what signing in does next: list the conversations, reconnect
 */
export function bindOnDemand(retry) {
  $('open-details').addEventListener('click', openDetails);
  $('auth-form').addEventListener('submit', (e) => {
    e.preventDefault(); // at once: the handler may not have arrived yet
    signIn.load().then((mod) => mod.submitSignIn(retry), (err) => console.error('swe-swe: sign-in could not be loaded', err));
  });
}
