import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationModel, buildModel, joinText, TEXT } from '../js/view-model.js';

let seq = 0;
const ev = (kind, data) => ({ seq: ++seq, kind, ts: 1_700_000_000_000 + seq, data });
const asst = (id, block) => ev('agent', { type: 'assistant', message: { id, role: 'assistant', content: [block] }, session_id: 'S1' });

/** The demo agent's turn, as the server logs it. */
function demoTurn(text = 'hello there', { cost = 0 } = {}) {
  return [
    ev('user_message', { client_msg_id: `cm-${seq}`, text }),
    ev('session_started', { fallback: false }),
    ev('run_started', { resumed: false }),
    ev('agent', { type: 'system', subtype: 'init', session_id: 'S1', model: 'demo', cwd: '/w', tools: ['Bash'], permissionMode: 'default' }),
    asst('m1', { type: 'text', text: 'Let me count the words in your message.' }),
    asst('m1', { type: 'tool_use', id: 'tu1', name: 'Bash', input: { command: 'wc -w', description: 'Count words' } }),
    ev('agent', { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu1', content: '2', is_error: false }] } }),
    asst('m2', { type: 'text', text: 'Your message has **2** words. ' }),
    asst('m2', { type: 'text', text: 'This is turn 1 of this demo session. ' }),
    asst('m2', { type: 'text', text: 'I am the built-in demo agent.' }),
    ev('agent', { type: 'result', subtype: 'success', is_error: false, duration_ms: 1834, total_cost_usd: cost, permission_denials: [], session_id: 'S1' }),
    ev('run_finished', { outcome: 'ok', exit_code: null }),
  ];
}

test('a demo turn reads as: user, text, tool (with result), one streamed reply, result line', () => {
  seq = 0;
  const m = buildModel(demoTurn());
  const kinds = m.items.map((i) => i.kind);
  assert.deepEqual(kinds, ['user', 'session', 'assistant', 'tool', 'assistant', 'result']);
  const [user, session, a1, tool, a2, result] = m.items;
  assert.equal(user.text, 'hello there');
  assert.equal(user.turn, 'ok');
  assert.equal(session.variant, 'first');
  assert.equal(a1.text, 'Let me count the words in your message.');
  assert.equal(tool.name, 'Bash');
  assert.equal(tool.summary, 'Count words: wc -w');
  assert.equal(tool.status, 'ok');
  assert.equal(tool.result, '2');
  assert.equal(a2.text, 'Your message has **2** words. This is turn 1 of this demo session. I am the built-in demo agent.');
  assert.equal(result.ok, true);
  assert.equal(result.line, 'Done in 1.8 s · $0.00');
  assert.equal(m.status, 'idle');
  assert.equal(m.title, 'hello there');
  assert.equal(m.session.session_id, 'S1');
  assert.equal(m.session.model, 'demo');
  assert.ok(m.loggedIds.has('cm-0'));
});

test('events must come in seq order; repeats and gaps are refused', () => {
  const m = new ConversationModel();
  assert.equal(m.apply({ seq: 2, kind: 'notice', ts: 0, data: {} }), false);
  assert.equal(m.apply({ seq: 1, kind: 'notice', ts: 0, data: { level: 'warning', text: 'x' } }), true);
  assert.equal(m.apply({ seq: 1, kind: 'notice', ts: 0, data: {} }), false);
  assert.equal(m.items.length, 1);
  assert.equal(m.items[0].level, 'warning');
});

test('unknown kinds and unknown agent objects are ignored, but counted as applied', () => {
  const m = new ConversationModel();
  assert.equal(m.apply({ seq: 1, kind: 'future_kind', ts: 0, data: {} }), true);
  assert.equal(m.apply({ seq: 2, kind: 'agent', ts: 0, data: { type: 'rate_limit_event' } }), true);
  assert.equal(m.items.length, 0);
  assert.equal(m.lastSeq, 2);
});

test('running status follows run_started/run_finished; queued messages keep it running', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('user_message', { client_msg_id: 'a', text: 'one' }));
  assert.equal(m.status, 'running');
  m.apply(ev('run_started', { resumed: false }));
  m.apply(ev('user_message', { client_msg_id: 'b', text: 'two' }));
  assert.equal(m.items[0].turn, 'running');
  assert.equal(m.items[1].turn, 'waiting');
  m.apply(ev('run_finished', { outcome: 'ok', exit_code: null }));
  assert.equal(m.status, 'running', 'the second message is queued');
  m.apply(ev('run_started', { resumed: true }));
  assert.equal(m.items[1].turn, 'running');
  m.apply(ev('run_finished', { outcome: 'stopped', exit_code: null }));
  assert.equal(m.status, 'idle');
  const end = m.items.at(-1);
  assert.equal(end.kind, 'run_end');
  assert.equal(end.title, TEXT.stopped);
  assert.equal(end.ask_again, null);
});

test('an interrupted turn offers "Ask again" with its text, until another turn starts', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('user_message', { client_msg_id: 'a', text: 'refactor it' }));
  m.apply(ev('run_started', { resumed: false }));
  m.apply(asst('m1', { type: 'tool_use', id: 't1', name: 'Edit', input: { file_path: '/a/b/c/d/e.py' } }));
  m.apply(ev('run_finished', { outcome: 'interrupted', exit_code: null }));
  const end = m.items.at(-1);
  assert.equal(end.kind, 'run_end');
  assert.equal(end.title, TEXT.interrupted);
  assert.equal(end.ask_again, 'refactor it');
  assert.equal(end.actionable, true);
  assert.equal(m.status, 'interrupted');
  const tool = m.items.find((i) => i.kind === 'tool');
  assert.equal(tool.status, 'interrupted');
  assert.equal(tool.summary, '…/c/d/e.py');
  m.takeChanges();
  m.apply(ev('user_message', { client_msg_id: 'b', text: 'refactor it' }));
  m.apply(ev('run_started', { resumed: true }));
  assert.equal(end.actionable, false);
  assert.ok(m.takeChanges().changed.has(end.key));
});

test('errors: run_finished error shows the exit code; result errors are distinct', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('user_message', { client_msg_id: 'a', text: 'go' }));
  m.apply(ev('run_started', { resumed: false }));
  m.apply(ev('agent', { type: 'result', subtype: 'error_during_execution', is_error: true, duration_ms: 500, total_cost_usd: 0.0042,
    errors: ['something broke'], permission_denials: [{ tool_name: 'Bash', tool_use_id: 'x', tool_input: { command: 'rm -rf /' } }] }));
  m.apply(ev('run_finished', { outcome: 'error', exit_code: 1 }));
  const result = m.items.find((i) => i.kind === 'result');
  assert.equal(result.ok, false);
  assert.equal(result.line, 'The agent hit an error while working · 0.5 s · $0.0042');
  assert.equal(result.detail, 'something broke');
  assert.deepEqual(result.denials, [{ tool: 'Bash', summary: 'rm -rf /' }]);
  const end = m.items.at(-1);
  assert.equal(end.title, TEXT.error);
  assert.equal(end.detail, 'Exit code 1.');
  assert.equal(end.ask_again, 'go');
});

test('session lost → new session: one plain-words banner with Retry/Start new', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('session_started', { fallback: false }));
  m.apply(ev('session_lost', { reason: 'The agent session could not be found.', recovery: 'new_session' }));
  m.apply(ev('session_started', { fallback: true }));
  const sessions = m.items.filter((i) => i.kind === 'session');
  assert.equal(sessions.length, 2);
  const banner = sessions[1];
  assert.equal(banner.title, 'Previous session not found. Started a fresh session with a summary of this conversation.');
  assert.equal(banner.detail, 'The agent session could not be found.');
  assert.equal(banner.actionable, true);
  // the user chose "Start new": a clean session; the old banner's buttons go away
  m.apply(ev('session_started', { fallback: false }));
  assert.equal(banner.actionable, false);
  assert.equal(m.items.at(-1).title, 'Started a new session.');
});

test('session lost → restored', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('session_lost', { reason: 'The transcript had vanished.', recovery: 'restored' }));
  const item = m.items[0];
  assert.equal(item.title, 'Session restored.');
  assert.equal(item.actionable, false);
});

test('a lone session_started {fallback: true} still explains itself', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('session_started', { fallback: true }));
  assert.equal(m.items[0].title, TEXT.fresh);
  assert.equal(m.items[0].actionable, true);
});

test('partial frames show live text until the complete agent event arrives', () => {
  seq = 0;
  const m = new ConversationModel();
  m.applyPartial({ type: 'stream_event', event: { type: 'message_start', message: { id: 'm9' } } });
  m.applyPartial({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } } });
  m.applyPartial({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } } });
  assert.equal(m.live.text, 'Hello');
  assert.equal(m.takeChanges().live, true);
  m.apply(asst('m9', { type: 'text', text: 'Hello' }));
  assert.equal(m.live, null);
  assert.equal(m.items[0].text, 'Hello');
  m.applyPartial(null);
  m.applyPartial({ type: 'stream_event', event: { type: 'content_block_delta', delta: { type: 'input_json_delta', partial_json: '{' } } });
  assert.equal(m.live, null);
});

test('thinking, compaction and multi-block assistant messages', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('agent', { type: 'assistant', message: { id: 'x', content: [
    { type: 'thinking', thinking: 'hmm' },
    { type: 'text', text: 'Answer.' },
    { type: 'tool_use', id: 'g', name: 'Grep', input: { pattern: 'TODO', path: 'src' } },
  ] } }));
  m.apply(ev('agent', { type: 'system', subtype: 'compact_boundary' }));
  assert.deepEqual(m.items.map((i) => i.kind), ['thinking', 'assistant', 'tool', 'notice']);
  assert.equal(m.items[2].summary, '“TODO” in src');
  assert.equal(new Set(m.items.map((i) => i.key)).size, 4, 'keys are unique');
});

test('changes are reported once, with rev bumps on updates', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(asst('m', { type: 'text', text: 'a ' }));
  let ch = m.takeChanges();
  assert.equal(ch.appended, true);
  const item = m.items[0];
  assert.equal(item.rev, 1);
  m.apply(asst('m', { type: 'text', text: 'b' }));
  ch = m.takeChanges();
  assert.equal(ch.appended, false);
  assert.ok(ch.changed.has(item.key));
  assert.equal(item.rev, 2);
  assert.equal(item.text, 'a b');
  assert.equal(m.takeChanges().changed.size, 0);
});

test('joinText keeps streamed chunks together and separate blocks apart', () => {
  assert.equal(joinText('Hello ', 'world'), 'Hello world');
  assert.equal(joinText('First.', 'Second.'), 'First.\n\nSecond.');
  assert.equal(joinText('', 'x'), 'x');
});

test('a tool result for an unknown tool is ignored; list-shaped results are flattened', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(asst('m', { type: 'tool_use', id: 'r', name: 'Read', input: { file_path: 'a.txt' } }));
  m.apply(ev('agent', { type: 'user', message: { content: [
    { type: 'tool_result', tool_use_id: 'zzz', content: 'x' },
    { type: 'tool_result', tool_use_id: 'r', content: [{ type: 'text', text: 'line1' }, { type: 'image' }], is_error: true },
  ] } }));
  assert.equal(m.items[0].status, 'error');
  assert.equal(m.items[0].result, 'line1\n[image]');
});
