// The WebSocket driver: runs the pure state machine (connection-machine.js) against a real socket,
// does the hello handshake, answers server pings, and probes liveness with its own pings.
// Everything it touches (WebSocket, timers, clock, random) is injectable so node tests can drive it.

import { initialState, transition } from './connection-machine.js';

export const PROTOCOL_VERSION = 1;
/** An open socket that has not answered `hello` with `welcome` in this time is dead. */
export const HANDSHAKE_TIMEOUT_MS = 10000;
/** A socket that does not open in this time is dead. */
export const CONNECT_TIMEOUT_MS = 10000;
const DEFAULT_PING_INTERVAL_MS = 30000;
/** The close code the app sends when it drops a socket itself (docs/protocol.md, "Close codes"). */
export const CLOSE_CLIENT_CLOSING = 4000;

/**
 * How long to wait for a pong (or any frame) after our ping: about one ping interval, within 2–8 s.
 * @param {number} pingIntervalMs
 */
export function pongTimeoutFor(pingIntervalMs) {
  return Math.min(8000, Math.max(2000, pingIntervalMs));
}

/**
 * @typedef {object} ConnectionEnv
 * @property {any} WebSocket
 * @property {(fn: () => void, ms: number) => any} setTimeout
 * @property {(id: any) => void} clearTimeout
 * @property {() => number} now
 * @property {() => number} random
 */

/**
 * @typedef {object} ConnectionOptions
 * @property {() => string} url
 * @property {string} clientId
 * @property {() => {conversation_id: string|null, last_seq: number, agent_session_id?: string|null, create_key?: string, agent?: string, project_id?: string}} hello
 * @property {(frame: any) => void} onFrame           every frame but ping/pong, welcome included
 * @property {(state: import('./connection-machine.js').ConnState) => void} [onState]
 * @property {() => Promise<'ok'|'unauthorized'|'unknown'>} [checkAuth]  asked when a socket never opened
 * @property {(code: number, reason: string) => void} [onClose]
 * @property {boolean} [online]
 * @property {Partial<ConnectionEnv>} [env]
 */

export class Connection {
  /** @param {ConnectionOptions} options */
  constructor(options) {
    this.options = options;
    /** @type {ConnectionEnv} */
    this.env = {
      WebSocket: globalThis.WebSocket,
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (id) => globalThis.clearTimeout(id),
      now: () => Date.now(),
      random: Math.random,
      ...options.env,
    };
    this.state = initialState({ online: options.online ?? true });
    /** @type {any} */ this.ws = null;
    this.wsSocket = 0;
    this.wsOpened = false;
    this.pingIntervalMs = DEFAULT_PING_INTERVAL_MS;
    /** @type {any} */ this.retryTimer = null;
    /** @type {any} */ this.probeTimer = null;
    /** @type {any} */ this.pingTimer = null;
    /** @type {any} */ this.openTimer = null;
    /** @type {any} */ this.welcomeTimer = null;
  }

  get connected() {
    return this.state.phase === 'connected';
  }

  start() { this.dispatch({ type: 'start' }); }
  stop() { this.dispatch({ type: 'stop' }); }
  retryNow() { this.dispatch({ type: 'retry_now' }); }
  /** The page came back (visible, pageshow, resume): verify or re-open at once. */
  wake() { this.dispatch({ type: 'wake' }); }
  /** @param {boolean} online */
  setOnline(online) { this.dispatch({ type: online ? 'online' : 'offline' }); }

  /**
   * Send a frame if the handshake is complete. Returns false when it could not be sent.
   * @param {object} frame
   */
  send(frame) {
    if (this.state.phase !== 'connected' || !this.ws || this.ws.readyState !== 1) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** @param {import('./connection-machine.js').ConnEvent} event */
  dispatch(event) {
    const before = this.state;
    const { state, effects } = transition(this.state, event, {
      now: this.env.now(),
      random: this.env.random,
    });
    this.state = state;
    for (const effect of effects) this.run(effect);
    if (state !== before) this.options.onState?.(state);
  }

  /** @param {import('./connection-machine.js').Effect} effect */
  run(effect) {
    const env = this.env;
    switch (effect.type) {
      case 'cancel':
        if (this.retryTimer !== null) env.clearTimeout(this.retryTimer);
        this.retryTimer = null;
        break;
      case 'schedule':
        this.retryTimer = env.setTimeout(() => {
          this.retryTimer = null;
          this.dispatch({ type: 'timer' });
        }, effect.delay);
        break;
      case 'close':
        this.dropSocket();
        break;
      case 'open':
        this.openSocket(effect.socket);
        break;
      case 'probe':
        this.probe();
        break;
    }
  }

  clearSocketTimers() {
    const env = this.env;
    for (const name of /** @type {const} */ (['probeTimer', 'pingTimer', 'openTimer', 'welcomeTimer'])) {
      if (this[name] !== null) env.clearTimeout(this[name]);
      this[name] = null;
    }
  }

  /** Forget the current socket at once; its late events are ignored (a half-open socket may never close). */
  dropSocket() {
    this.clearSocketTimers();
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      if (ws.readyState === 0 || ws.readyState === 1) ws.close(CLOSE_CLIENT_CLOSING, 'client closing');
    } catch {
      /* already closed */
    }
  }

  /** @param {number} socket */
  openSocket(socket) {
    this.dropSocket();
    const env = this.env;
    let ws;
    try {
      ws = new env.WebSocket(this.options.url());
    } catch {
      this.dispatch({ type: 'closed', socket });
      return;
    }
    this.ws = ws;
    this.wsSocket = socket;
    this.wsOpened = false;
    this.openTimer = env.setTimeout(() => {
      this.openTimer = null;
      this.dispatch({ type: 'dead', socket });
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.wsOpened = true;
      if (this.openTimer !== null) env.clearTimeout(this.openTimer);
      this.openTimer = null;
      const hello = this.options.hello();
      const frame = {
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        client_id: this.options.clientId,
        conversation_id: hello.conversation_id,
        last_seq: hello.last_seq,
      };
      if (hello.agent_session_id) frame.agent_session_id = hello.agent_session_id;
      if (hello.create_key) frame.create_key = hello.create_key;
      if (hello.agent) frame.agent = hello.agent;
      if (hello.project_id) frame.project_id = hello.project_id;
      ws.send(JSON.stringify(frame));
      this.welcomeTimer = env.setTimeout(() => {
        this.welcomeTimer = null;
        this.dispatch({ type: 'dead', socket });
      }, HANDSHAKE_TIMEOUT_MS);
    };
    ws.onmessage = (/** @type {{data: any}} */ message) => {
      if (this.ws !== ws) return;
      this.heard();
      let frame;
      try {
        frame = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (!frame || typeof frame !== 'object') return;
      if (frame.type === 'ping') {
        try { ws.send(JSON.stringify({ type: 'pong', ts: frame.ts })); } catch { /* closing */ }
        return;
      }
      if (frame.type === 'pong') return;
      if (frame.type === 'welcome') {
        if (this.welcomeTimer !== null) env.clearTimeout(this.welcomeTimer);
        this.welcomeTimer = null;
        const interval = Number(frame.ping_interval_ms);
        this.pingIntervalMs = interval > 0 ? interval : DEFAULT_PING_INTERVAL_MS;
        this.dispatch({ type: 'welcome', socket });
        this.schedulePing();
      }
      this.options.onFrame(frame);
    };
    ws.onclose = (/** @type {{code: number, reason: string}} */ e) => {
      if (this.ws !== ws) return;
      const opened = this.wsOpened;
      this.ws = null;
      this.clearSocketTimers();
      this.options.onClose?.(e?.code ?? 1006, e?.reason ?? '');
      this.dispatch({ type: 'closed', socket });
      if (!opened && this.state.online && this.options.checkAuth) {
        this.options.checkAuth().then((verdict) => {
          if (verdict === 'unauthorized') this.dispatch({ type: 'unauthorized' });
        }, () => {});
      }
    };
    ws.onerror = () => {
      /* a close event follows */
    };
  }

  /** Any frame proves the link is alive: the probe is answered. */
  heard() {
    if (this.probeTimer !== null) {
      this.env.clearTimeout(this.probeTimer);
      this.probeTimer = null;
    }
  }

  schedulePing() {
    const env = this.env;
    if (this.pingTimer !== null) env.clearTimeout(this.pingTimer);
    this.pingTimer = env.setTimeout(() => {
      this.pingTimer = null;
      if (this.state.phase !== 'connected') return;
      this.probe();
      this.schedulePing();
    }, this.pingIntervalMs);
  }

  /** Send a ping; without a pong (or any frame) in time, the socket is declared dead. */
  probe() {
    if (!this.ws || this.ws.readyState !== 1 || this.probeTimer !== null) return;
    const socket = this.wsSocket;
    try {
      this.ws.send(JSON.stringify({ type: 'ping', ts: this.env.now() }));
    } catch {
      this.dispatch({ type: 'dead', socket });
      return;
    }
    this.probeTimer = this.env.setTimeout(() => {
      this.probeTimer = null;
      this.dispatch({ type: 'dead', socket });
    }, pongTimeoutFor(this.pingIntervalMs));
  }
}
