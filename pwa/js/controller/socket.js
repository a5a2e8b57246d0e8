// The one WebSocket of this tab (connection.js), for the conversation open in it. Made here so every
// module can send on it and read its state; what its frames and state changes mean is decided by
// frames.js and records.js, which startup.js plugs in with setSocketHooks (they need this socket
// themselves, so it cannot import them).

import { Connection } from '../connection.js';
import { app, current } from './state.js';
import { helloAgentFor } from './agent-picker.js';
import { projectForNew } from './project-picker.js';

/**
 * @typedef {object} SocketHooks
 * @property {(frame: any) => void} onFrame
 * @property {() => void} onState
 * @property {(code: number) => void} onClose
 * @property {() => Promise<'ok'|'unauthorized'|'unknown'>} checkAuth  asked when a socket never opened
 */

/** @type {SocketHooks} */
const hooks = {
  onFrame: () => {},
  onState: () => {},
  onClose: () => {},
  checkAuth: async () => 'unknown',
};

/** @param {SocketHooks} given */
export function setSocketHooks(given) {
  Object.assign(hooks, given);
}

export const conn = new Connection({
  url: () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`,
  clientId: app.clientId,
  online: navigator.onLine,
  hello: () => {
    const c = /** @type {import('./state.js').Current} */ (current());
    return {
      conversation_id: c.pendingNew ? null : c.id,
      last_seq: c.pendingNew ? 0 : c.model.lastSeq,
      agent_session_id: c.pendingNew ? c.record.adopt_session_id : null,
      // the local id's UUID: a hello repeated before the server's id was stored opens the same conversation
      create_key: c.pendingNew ? c.id.slice('new-'.length) : undefined,
      // the agent picked for a new conversation (when the server offers several)
      agent: helloAgentFor(c),
      project_id: projectForNew(),
    };
  },
  onFrame: (frame) => hooks.onFrame(frame),
  onState: () => hooks.onState(),
  onClose: (code) => hooks.onClose(code),
  checkAuth: () => hooks.checkAuth(),
});
