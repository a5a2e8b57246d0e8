// The connection state machine, as a pure reducer: (state, event, env) → {state, effects}.
// The browser driver (connection.js) owns the WebSocket and the timers and carries out the effects.
//
//   idle ──start──▶ connecting ──welcome──▶ connected
//                     ▲   │ closed/dead          │ closed
//                     │   ▼                      ▼
//                     └─ reconnecting (backoff with jitter) ── 10 failed attempts ──▶ failed
//   connected ──dead (a probe or ping without pong)──▶ connecting at once: the link died, not the server.
//   offline: the browser says there is no network; retries continue slowly and do not count.
//   online / wake (visible, pageshow, resume) / retry_now: connect at once (or probe if connected).
//   unauthorized: the token cookie is missing or wrong; nothing more is tried until retry_now.

import { BACKOFF, backoffDelay } from './backoff.js';

/** @typedef {'idle'|'connecting'|'connected'|'reconnecting'|'offline'|'failed'|'unauthorized'} Phase */

/**
 * @typedef {object} ConnState
 * @property {Phase} phase
 * @property {number} attempt   failed attempts since the last welcome
 * @property {number|null} retryAt  when the scheduled retry fires (ms since epoch), for "reconnecting in N s"
 * @property {boolean} online   the browser's idea of the network (navigator.onLine and its events)
 * @property {number} socket    id of the current socket; closes of older sockets are ignored
 * @property {boolean} everConnected
 */

/**
 * @typedef {{type:'start'}|{type:'stop'}|{type:'welcome', socket?:number}|{type:'closed', socket:number}
 *   |{type:'dead', socket:number}|{type:'timer'}|{type:'online'}|{type:'offline'}|{type:'wake'}
 *   |{type:'retry_now'}|{type:'unauthorized'}} ConnEvent
 */

/**
 * @typedef {{type:'open', socket:number}|{type:'close'}|{type:'schedule', delay:number}|{type:'cancel'}|{type:'probe'}} Effect
 */

/**
 * @typedef {object} MachineEnv
 * @property {number} now
 * @property {() => number} [random]
 * @property {import('./backoff.js').BackoffOptions} [backoff]
 * @property {number} [offlineRetryMs]  how often to try anyway while the browser says offline
 */

export const OFFLINE_RETRY_MS = 10000;

/**
 * @param {{online?: boolean}} [options]
 * @returns {ConnState}
 */
export function initialState({ online = true } = {}) {
  return { phase: 'idle', attempt: 0, retryAt: null, online, socket: 0, everConnected: false };
}

/**
 * @param {ConnState} state
 * @param {MachineEnv} env
 * @param {{resetAttempts?: boolean}} [options]
 * @returns {{state: ConnState, effects: Effect[]}}
 */
function connectNow(state, env, { resetAttempts = false } = {}) {
  const socket = state.socket + 1;
  return {
    state: { ...state, phase: 'connecting', socket, retryAt: null, attempt: resetAttempts ? 0 : state.attempt },
    effects: [{ type: 'cancel' }, { type: 'close' }, { type: 'open', socket }],
  };
}

/**
 * A socket ended (closed by either side, or declared dead). Decide what comes next.
 * @param {ConnState} state
 * @param {MachineEnv} env
 * @param {Effect[]} pre effects to run first
 */
function afterLoss(state, env, pre) {
  const backoff = env.backoff ?? BACKOFF;
  if (!state.online) {
    const delay = env.offlineRetryMs ?? OFFLINE_RETRY_MS;
    return {
      state: { ...state, phase: 'offline', retryAt: env.now + delay },
      effects: [...pre, { type: 'cancel' }, { type: 'schedule', delay }],
    };
  }
  const attempt = state.attempt + 1;
  if (attempt >= backoff.maxAttempts) {
    return { state: { ...state, phase: 'failed', attempt, retryAt: null }, effects: [...pre, { type: 'cancel' }] };
  }
  const delay = backoffDelay(attempt, backoff, env.random ?? Math.random);
  return {
    state: { ...state, phase: 'reconnecting', attempt, retryAt: env.now + delay },
    effects: [...pre, { type: 'cancel' }, { type: 'schedule', delay }],
  };
}

/**
 * @param {ConnState} state
 * @param {ConnEvent} event
 * @param {MachineEnv} env
 * @returns {{state: ConnState, effects: Effect[]}}
 */
export function transition(state, event, env) {
  const same = { state, effects: /** @type {Effect[]} */ ([]) };
  const waiting = state.phase === 'reconnecting' || state.phase === 'offline';
  switch (event.type) {
    case 'start':
      if (state.phase === 'idle') return connectNow(state, env, { resetAttempts: true });
      return same;
    case 'stop':
      return {
        state: { ...state, phase: 'idle', retryAt: null, attempt: 0 },
        effects: [{ type: 'cancel' }, { type: 'close' }],
      };
    case 'welcome':
      if (state.phase !== 'connecting') return same;
      if (event.socket !== undefined && event.socket !== state.socket) return same;
      return { state: { ...state, phase: 'connected', attempt: 0, retryAt: null, everConnected: true }, effects: [] };
    case 'closed':
    case 'dead':
      if (event.socket !== state.socket) return same;
      if (state.phase !== 'connecting' && state.phase !== 'connected') return same;
      // A live socket that stopped answering pings: the link died, the server is probably fine, and
      // the verdict already took a ping timeout, so try again at once (a new link failing backs off).
      if (event.type === 'dead' && state.phase === 'connected' && state.online) return connectNow(state, env);
      return afterLoss(state, env, event.type === 'dead' ? [{ type: 'close' }] : []);
    case 'timer':
      if (waiting) return connectNow(state, env);
      return same;
    case 'online': {
      const next = { ...state, online: true };
      if (waiting) return connectNow(next, env);
      if (state.phase === 'failed') return connectNow(next, env, { resetAttempts: true });
      if (state.phase === 'connected') return { state: next, effects: [{ type: 'probe' }] };
      return { state: next, effects: [] };
    }
    case 'offline': {
      const next = { ...state, online: false };
      if (state.phase === 'connected' || state.phase === 'connecting') {
        // An emulated or real loss of network does not close an open WebSocket: ask it for a pong.
        return { state: next, effects: state.phase === 'connected' ? [{ type: 'probe' }] : [] };
      }
      if (state.phase === 'reconnecting') return { state: { ...next, phase: 'offline' }, effects: [] };
      return { state: next, effects: [] };
    }
    case 'wake':
      if (state.phase === 'connected') return { state, effects: [{ type: 'probe' }] };
      if (waiting) return connectNow(state, env);
      if (state.phase === 'failed') return connectNow(state, env, { resetAttempts: true });
      return same;
    case 'retry_now':
      if (state.phase === 'connected' || state.phase === 'idle') return same;
      return connectNow(state, env, { resetAttempts: true });
    case 'unauthorized':
      if (state.phase === 'idle') return same;
      return {
        state: { ...state, phase: 'unauthorized', retryAt: null },
        effects: [{ type: 'cancel' }, { type: 'close' }],
      };
    default:
      return same;
  }
}

/**
 * What the indicator says, in plain words.
 * @param {ConnState} state
 * @param {number} now
 * @returns {{tone: 'ok'|'busy'|'warn'|'bad'|'idle', label: string, retry: boolean}}
 */
export function describe(state, now) {
  switch (state.phase) {
    case 'connected':
      // the browser's `offline` event: say so at once, not when the ping times out seconds later
      if (!state.online) return { tone: 'warn', label: 'Offline', retry: false };
      return { tone: 'ok', label: 'Connected', retry: false };
    case 'connecting':
      return { tone: 'busy', label: state.everConnected ? 'Reconnecting…' : 'Connecting…', retry: false };
    case 'reconnecting': {
      const s = Math.max(1, Math.ceil(((state.retryAt ?? now) - now) / 1000));
      return { tone: 'warn', label: `Reconnecting in ${s} s`, retry: true };
    }
    case 'offline':
      return { tone: 'warn', label: 'Offline', retry: true };
    case 'failed':
      return { tone: 'bad', label: 'Cannot reach the server', retry: true };
    case 'unauthorized':
      return { tone: 'bad', label: 'Not signed in', retry: true };
    default:
      return { tone: 'idle', label: state.online ? 'Ready' : 'Offline', retry: false };
  }
}
