// The page's side of the service worker: registration, "update available", background sync requests.

export const SYNC_TAG = 'swe-swe-outbox';

/**
 * @typedef {object} SwHooks
 * @property {(apply: () => void) => void} onUpdateReady  a new version waits; call apply() to switch
 * @property {(msg: any) => void} [onMessage]
 */

/** @type {ServiceWorkerRegistration|null} */
let registration = null;
let reloading = false;

/**
 * @param {SwHooks} hooks
 * @returns {Promise<ServiceWorkerRegistration|null>}
 */
export async function registerServiceWorker(hooks) {
  if (!('serviceWorker' in navigator)) return null;
  const sw = navigator.serviceWorker;
  sw.addEventListener('message', (e) => hooks.onMessage?.(e.data));
  try {
    registration = await sw.register('/sw.js', { scope: '/', updateViaCache: 'none' });
  } catch {
    return null;
  }
  const reg = registration;
  const announce = () => {
    const waiting = reg.waiting;
    if (!waiting || !sw.controller) return; // the very first install is not an "update"
    hooks.onUpdateReady(() => {
      reloading = true;
      waiting.postMessage({ type: 'skip_waiting' });
    });
  };
  announce();
  reg.addEventListener('updatefound', () => {
    const installing = reg.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') announce();
    });
  });
  let hadController = !!sw.controller;
  sw.addEventListener('controllerchange', () => {
    // reload when the user asked for the new version here; first installs claim silently; another
    // tab switching versions offers the reload here too (this page still runs the old code)
    if (reloading) location.reload();
    else if (hadController) hooks.onUpdateReady(() => location.reload());
    hadController = true;
  });
  return reg;
}

/** Look for a new version now (on visibility, online, and now and then). */
export function checkForUpdate() {
  registration?.update().catch(() => {});
}

/** Ask for a background sync: the service worker posts the outbox when the network is back. */
export async function requestBackgroundSync() {
  const reg = registration ?? (await navigator.serviceWorker?.getRegistration?.().catch(() => null));
  // @ts-ignore: SyncManager is not in every lib.dom
  const sync = reg?.sync;
  if (!sync) return false;
  try {
    await sync.register(SYNC_TAG);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ask the service worker to post queued messages of conversations no tab is flushing.
 * @param {string[]} exclude conversation ids some tab flushes over its socket
 */
export function askWorkerToFlush(exclude) {
  const controller = navigator.serviceWorker?.controller;
  if (!controller) return false;
  controller.postMessage({ type: 'flush', exclude });
  return true;
}

/** @returns {Promise<string|null>} the version of the running service worker */
export function workerVersion() {
  const controller = navigator.serviceWorker?.controller;
  if (!controller) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), 1000);
    channel.port1.onmessage = (e) => {
      clearTimeout(timer);
      resolve(e.data?.version ?? null);
    };
    controller.postMessage({ type: 'version' }, [channel.port2]);
  });
}
