// swe-swe PWA: the entry point (index.html loads this module). It starts the app and offers the
// browser tests and the console a read-only look at its state.
//
// Where things are (docs/pwa.md has the whole map):
//   pure rules, node-tested   outbox.js, view-model.js, connection-machine.js, conversation-list.js,
//                             routes.js, screen-text.js, event-batcher.js, format.js, markdown.js (markdown-it)
//   drivers                   db.js (IndexedDB), connection.js (the socket), tabs.js, sw-client.js, api.js
//   drawing                   ui/*.js
//   the controller            controller/*.js: when to call all of the above; startup.js first

import { current } from './controller/state.js';
import { conn } from './controller/socket.js';
import { start } from './controller/startup.js';

// for tests and debugging in the console: a read-only look at the app's state
Object.defineProperty(window, 'sweSwe', {
  value: Object.freeze({
    get state() {
      const c = current();
      return {
        conversation_id: c?.id ?? null,
        pending_new: c?.pendingNew ?? null,
        last_seq: c?.model.lastSeq ?? 0,
        status: c?.model.status ?? null,
        phase: conn.state.phase,
        leader: c?.leader ?? false,
        outbox: c ? [...c.entries.values()] : [],
        items: c ? c.model.items.map((i) => ({ kind: i.kind, key: i.key })) : [],
        approvals: c ? c.model.pendingApprovals.map((a) => a.approval_id) : [],
        mode: c?.model.mode?.mode ?? c?.welcome?.permission_mode ?? c?.record.permission_mode ?? null,
      };
    },
    connection: conn,
  }),
});

start();
