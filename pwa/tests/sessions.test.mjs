import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionRows } from '../js/sessions.js';
import { ConversationModel } from '../js/view-model.js';

const NOW = Date.UTC(2025, 0, 10, 12);

test('a session not yet continued offers "Continue here"; one continued here opens its conversation', () => {
  const rows = sessionRows([
    { agent_session_id: 's1', title: 'Fix the flaky test', updated_at: NOW - 5 * 60000, message_count: 12, conversation_id: null },
    { agent_session_id: 's2', title: '', updated_at: NOW - 3 * 3600000, message_count: 1, conversation_id: 'c2' },
    { title: 'malformed' },
  ], NOW);
  assert.deepEqual(rows, [
    { id: 's1', title: 'Fix the flaky test', meta: '5 min ago · 12 messages', action: 'continue', button: 'Continue here', target: 's1' },
    { id: 's2', title: '(no prompt)', meta: '3 h ago · 1 message', action: 'open', button: 'Open', target: 'c2' },
  ]);
  assert.deepEqual(sessionRows(undefined, NOW), []);
});

test('imported history renders finished: no waiting turn, the conversation stays idle', () => {
  const model = new ConversationModel();
  model.apply({ seq: 1, kind: 'user_message', ts: 1, data: { client_msg_id: null, text: 'from the desk', imported: true } });
  model.apply({ seq: 2, kind: 'agent', ts: 2, data: { type: 'assistant', message: { id: 'm', role: 'assistant', content: [{ type: 'text', text: 'hi' }] }, imported: true } });
  const user = model.items.find((i) => i.kind === 'user');
  assert.equal(user?.turn, 'done');
  assert.equal(model.title, 'from the desk');
  assert.notEqual(model.status, 'running');
});
