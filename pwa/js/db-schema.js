// The IndexedDB schema, shared by the page (imported as a module) and the service worker
// (importScripts). It is written to be valid both ways: no import/export, it sets one global.
//
// Stores (all keyed so that two tabs writing the same thing is harmless):
//   conversations  {id, title, status, head_seq, created_at, last_active_at, last_seq, agent,
//                   pending_new, adopt_session_id, local_updated_at}
//   events         {conversation_id, seq, kind, ts, data}                 key [conversation_id, seq]
//   outbox         OutboxEntry (pwa/js/outbox.js)                         key client_msg_id, index by conversation_id
//   drafts         {conversation_id, text, updated_at}
//   views          {conversation_id, at_bottom, anchor_key, anchor_offset, scroll_top}
//   meta           {key, value}: device_id, settings {expiry_ms}, last_open
/* eslint-disable no-var */
(function (global) {
  var schema = {
    NAME: 'swe-swe',
    VERSION: 1,
    /**
     * @param {IDBDatabase} db
     * @param {number} oldVersion
     */
    upgrade: function (db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('conversations', { keyPath: 'id' });
        db.createObjectStore('events', { keyPath: ['conversation_id', 'seq'] });
        var outbox = db.createObjectStore('outbox', { keyPath: 'client_msg_id' });
        outbox.createIndex('conversation_id', 'conversation_id', { unique: false });
        db.createObjectStore('drafts', { keyPath: 'conversation_id' });
        db.createObjectStore('views', { keyPath: 'conversation_id' });
        db.createObjectStore('meta', { keyPath: 'key' });
      }
    },
    /** @returns {Promise<IDBDatabase>} */
    open: function () {
      return new Promise(function (resolve, reject) {
        var request = indexedDB.open(schema.NAME, schema.VERSION);
        request.onupgradeneeded = function (e) {
          schema.upgrade(request.result, e.oldVersion);
        };
        request.onsuccess = function () {
          var db = request.result;
          // another context upgrading the schema: let it, and reopen next time
          db.onversionchange = function () { db.close(); };
          resolve(db);
        };
        request.onerror = function () { reject(request.error); };
        request.onblocked = function () { /* an old tab holds the db; it closes on versionchange */ };
      });
    },
    /** Local ids of conversations the server has not named yet. */
    isPendingId: function (id) {
      return typeof id === 'string' && id.indexOf('new-') === 0;
    },
  };
  global.SweSweDb = schema;
})(typeof self !== 'undefined' ? self : globalThis);
