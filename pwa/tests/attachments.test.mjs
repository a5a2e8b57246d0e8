import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as at from '../js/attachments.js';
import * as ob from '../js/outbox.js';

const MiB = 1024 * 1024;

test('type and size are checked before a file is queued, with a plain reason', () => {
  const { ok, errors } = at.checkFiles([
    { name: 'shot.png', type: 'image/png', size: 1000 },
    { name: 'notes.md', type: '', size: 10 },
    { name: 'main.py', type: 'text/x-python', size: 10 },
    { name: 'photo.heic', type: 'image/heic', size: 10 },
    { name: 'big.jpg', type: 'image/jpeg', size: 10 * MiB + 1 },
    { name: 'app.zip', type: 'application/zip', size: 10 },
    { name: 'empty.txt', type: 'text/plain', size: 0 },
  ]);
  assert.deepEqual(ok.map((f) => [f.name, f.media_type]), [['shot.png', 'image/png'], ['notes.md', 'text/plain'], ['main.py', 'text/x-python']]);
  assert.deepEqual(errors, [
    '“photo.heic” cannot be attached: only images (PNG, JPEG, GIF, WebP) and text files can.',
    '“big.jpg” is too large: attachments are limited to 10 MiB.',
    '“app.zip” cannot be attached: only images (PNG, JPEG, GIF, WebP) and text files can.',
    '“empty.txt” is empty.',
  ]);
  assert.equal(at.checkFiles([{ name: 'a.png', type: 'image/png', size: 10 * MiB }]).ok.length, 1, 'exactly 10 MiB is fine');
});

test('at most 10 attachments a message', () => {
  const files = Array.from({ length: 4 }, (_, i) => ({ name: `${i}.png`, type: 'image/png', size: 1 }));
  const { ok, errors } = at.checkFiles(files, 8);
  assert.equal(ok.length, 2);
  assert.deepEqual(errors, [at.ATTACH_WORDS.tooMany]);
});

test('a pasted screenshot gets a name that says when', () => {
  assert.equal(at.nameFor('image.png', 'image/png', Date.UTC(2026, 0, 2, 3, 4, 5)), 'screenshot-2026-01-02-03-04-05.png');
  assert.equal(at.nameFor('', 'image/jpeg', 0), 'screenshot-1970-01-01-00-00-00.jpg');
  assert.equal(at.nameFor('bug.png', 'image/png', 0), 'bug.png');
});

test('the blob is named by the SHA-256 of its bytes', async () => {
  const bytes = new TextEncoder().encode('hello attachments');
  assert.equal(await at.sha256Hex(bytes), createHash('sha256').update(bytes).digest('hex'));
});

test('the plain-JavaScript SHA-256 (pages without crypto.subtle) agrees with Node', () => {
  for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 100_000]) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    assert.equal(Buffer.from(at.sha256(bytes)).toString('hex'), createHash('sha256').update(bytes).digest('hex'), `${n} bytes`);
  }
});

test('an upload is done, refused for good, or tried again', () => {
  assert.deepEqual([200, 400, 413, 415, 0, 401, 429, 503].map(at.uploadOutcome), ['done', 'refused', 'refused', 'refused', 'retry', 'retry', 'retry', 'retry']);
});

const file = (sha256, extra = {}) => ({ sha256, name: `${sha256}.png`, media_type: 'image/png', size: 3, data: new Blob(['abc']), ...extra });

test('an entry carries its files; the frame and the HTTP body name them without their bytes', () => {
  const entry = ob.createEntry({ conversation_id: 'c', text: '', now: 1, id: 'm', attachments: [file('a'), file('b')] });
  const refs = [{ sha256: 'a', name: 'a.png', media_type: 'image/png' }, { sha256: 'b', name: 'b.png', media_type: 'image/png' }];
  assert.deepEqual(ob.frameFor(entry), { type: 'send', client_msg_id: 'm', text: '', attachments: refs });
  assert.deepEqual(ob.httpRequestFor(entry)?.body, { client_msg_id: 'm', text: '', attachments: refs });
  const plain = ob.createEntry({ conversation_id: 'c', text: 'hi', now: 1, id: 'p' });
  assert.equal('attachments' in plain, false, 'a message without files is what it was');
  assert.deepEqual(ob.frameFor(plain), { type: 'send', client_msg_id: 'p', text: 'hi' });
  assert.equal(ob.validateText('', undefined, 1).ok, true, 'a file alone is a message');
  assert.equal(ob.validateText('', undefined, 0).ok, false);
});

test('the files are uploaded before the send, each once', () => {
  let entry = ob.createEntry({ conversation_id: 'c', text: 'x', now: 1, id: 'm', attachments: [file('a'), file('b')] });
  assert.deepEqual(at.toUpload(entry).map((a) => a.sha256), ['a', 'b']);
  entry = at.markUploaded(entry, new Set(['a']));
  assert.deepEqual(at.toUpload(entry).map((a) => a.sha256), ['b']);
  entry = at.markUploaded(entry, new Set(['b']));
  assert.deepEqual(at.toUpload(entry), []);
  const old = ob.createEntry({ conversation_id: 'c', text: 'x', now: 1, id: 'o' });
  assert.deepEqual(at.toUpload(old), [], 'entries from before attachments have nothing to upload');
  assert.equal(at.markUploaded(old, new Set(['a'])), old);
});

test('labels say the size plainly', () => {
  assert.equal(at.label({ name: 'a.png', size: 1536 }), 'a.png · 2 KB');
  assert.equal(at.label({ name: 'a.png', size: 3 * MiB }), 'a.png · 3.0 MB');
  assert.equal(at.label({ name: 'a.png' }), 'a.png');
});

test('a logged message shows its files; a file alone titles the conversation; odd entries are dropped', async () => {
  const { ConversationModel } = await import('../js/view-model.js');
  const m = new ConversationModel();
  const sha = 'a'.repeat(64);
  m.apply({ seq: 1, kind: 'user_message', ts: 1, data: { client_msg_id: 'x', text: '', attachments: [
    { sha256: sha, name: 'bug.png', media_type: 'image/png' },
    { sha256: '../../etc/passwd', name: 'odd', media_type: 'text/plain' },
  ] } });
  const [item] = m.items;
  assert.deepEqual(/** @type {any} */ (item).attachments, [{ sha256: sha, name: 'bug.png', media_type: 'image/png' }]);
  assert.equal(m.title, 'bug.png');
  m.apply({ seq: 2, kind: 'user_message', ts: 2, data: { client_msg_id: 'y', text: 'plain' } });
  assert.equal('attachments' in m.items[1], false);
});
