import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConversationModel, buildModel } from '../js/view-model.js';
import { unwrapCommand, reasoningText, planTodos, toolOutcome } from '../js/codex-events.js';
import { patchDiffs, parseUnifiedDiff, toolDiffs } from '../js/diff-model.js';
import { toolView, subjectOf } from '../js/approvals.js';
import { approvalHeading } from '../js/screen-text.js';
import { formatTokens } from '../js/format.js';
import { jsdiff } from '../js/lazy.js';

await jsdiff.load(); // the app loads it on demand (lazy.js); these tests check the fine diffs

/** Events the server logged with the REAL codex 0.171 (a reply, an allowed command, an added then an
 * updated file, a failing command), paths made neutral. */
const REAL = JSON.parse(readFileSync(new URL('./fixtures/codex-events.json', import.meta.url), 'utf8'));

let seq = 0;
const ev = (kind, data) => ({ seq: ++seq, kind, ts: 1_700_000_000_000 + seq * 100, data });
const codex = (method, params) => ev('agent', { method, params });

test('a real codex conversation reads like a claude one: replies, commands, diffs, result lines', () => {
  const m = buildModel(REAL);
  const shape = m.items.filter((i) => i.kind !== 'session').map((i) => i.kind === 'tool' ? `tool:${i.name}` : i.kind);
  assert.deepEqual(shape.slice(0, 8), ['user', 'assistant', 'result', 'user', 'tool:Bash', 'approval', 'assistant', 'result']);
  const [hello] = m.items.filter((i) => i.kind === 'assistant');
  assert.equal(hello.text, 'echo: hi there [turns=1] [recap=no]');
  const [cmd, failing] = m.items.filter((i) => i.kind === 'tool' && i.name === 'Bash');
  assert.deepEqual([cmd.input.command, cmd.status, cmd.exit_code, cmd.result], ['echo hi > f.txt && ls', 'ok', 0, 'f.txt\n']);
  assert.deepEqual([failing.input.command, failing.status, failing.exit_code], ['exit 3', 'error', 3]);
  const patches = m.items.filter((i) => i.kind === 'tool' && i.name === 'ApplyPatch');
  assert.equal(patches.length, 2);
  const [added] = /** @type {any} */ (toolView('ApplyPatch', patches[0].input)).files;
  assert.deepEqual(added.lines.map((l) => [l.type, l.text]), [['add', 'hello'], ['add', 'world']]);
  assert.equal(added.note, 'new file');
  const [updated] = /** @type {any} */ (toolView('ApplyPatch', patches[1].input)).files;
  assert.deepEqual(updated.lines.map((l) => [l.type, l.text, l.oldNo, l.newNo]),
    [['ctx', 'hello', 1, 1], ['del', 'world', 2, null], ['add', 'there', null, 2], ['add', 'friend', null, 3]]);
  assert.deepEqual([updated.added, updated.removed], [2, 1]);
  const results = m.items.filter((i) => i.kind === 'result');
  assert.ok(results.every((r) => r.ok && /^Done in \d/.test(r.line)), results.map((r) => r.line).join('; '));
  assert.match(results[0].line, /^Done in 0\.1 s · 15 tokens$/);
  assert.equal(m.status, 'idle');
  assert.equal(m.pendingApprovals.length, 0);
});

test('a codex command waits for its approval, then streams its output, then says its exit code', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('user_message', { client_msg_id: 'c1', text: 'list' }));
  m.apply(ev('run_started', { resumed: false }));
  m.apply(codex('turn/started', { turn: { id: 'T1', status: 'inProgress' } }));
  m.apply(codex('item/started', { item: { type: 'commandExecution', id: 'call_1', command: "/bin/bash -lc 'ls -la'", cwd: '/w', status: 'inProgress', aggregatedOutput: null, exitCode: null } }));
  m.apply(ev('approval_requested', { approval_id: 'A1', tool: 'Bash', input: { command: 'ls -la', cwd: '/w' }, tool_use_id: 'call_1', kind: 'tool', can_always: true }));
  const tool = m.items.find((i) => i.kind === 'tool');
  assert.equal(tool.waiting, true);
  m.apply(ev('approval_resolved', { approval_id: 'A1', decision: 'allow', by: 'user' }));
  assert.equal(tool.waiting, false);
  m.takeChanges();
  m.applyPartial({ method: 'item/commandExecution/outputDelta', params: { itemId: 'call_1', delta: 'a\n' } });
  m.applyPartial({ method: 'item/commandExecution/outputDelta', params: { itemId: 'call_1', delta: 'b\n' } });
  assert.equal(tool.result, 'a\nb\n');
  assert.ok(m.takeChanges().changed.has(tool.key));
  m.apply(codex('item/completed', { item: { type: 'commandExecution', id: 'call_1', command: "/bin/bash -lc 'ls -la'", status: 'completed', aggregatedOutput: 'a\nb\nc\n', exitCode: 0 } }));
  assert.deepEqual([tool.status, tool.result, tool.exit_code], ['ok', 'a\nb\nc\n', 0]);
});

test('a reply streams as live text, then the complete message replaces it', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('user_message', { client_msg_id: 'c1', text: 'hi' }));
  m.apply(ev('run_started', { resumed: false }));
  m.applyPartial({ method: 'item/agentMessage/delta', params: { itemId: 'msg_1', delta: 'Hel' } });
  m.applyPartial({ method: 'item/agentMessage/delta', params: { itemId: 'msg_1', delta: 'lo' } });
  assert.equal(m.live?.text, 'Hello');
  assert.ok(m.takeChanges().live);
  m.apply(codex('item/completed', { item: { type: 'agentMessage', id: 'msg_1', text: 'Hello!' } }));
  assert.equal(m.live, null);
  assert.equal(m.items.at(-1).text, 'Hello!');
});

test('reasoning is a folded summary; a plan is a checklist updated in place; usage is per turn', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('user_message', { client_msg_id: 'c1', text: 'plan it' }));
  m.apply(ev('run_started', { resumed: false }));
  m.apply(codex('thread/tokenUsage/updated', { tokenUsage: { total: { totalTokens: 1000 } } }));
  m.apply(codex('turn/started', { turn: { id: 'T1' } }));
  m.apply(codex('item/completed', { item: { type: 'reasoning', id: 'r1', summary: ['**Looking** at files', 'Then tests'], content: [] } }));
  m.apply(codex('turn/plan/updated', { plan: [{ step: 'Read', status: 'inProgress' }, { step: 'Fix', status: 'pending' }] }));
  m.apply(codex('turn/plan/updated', { plan: [{ step: 'Read', status: 'completed' }, { step: 'Fix', status: 'inProgress' }] }));
  m.apply(codex('thread/tokenUsage/updated', { tokenUsage: { total: { totalTokens: 13_400 } } }));
  m.apply(codex('turn/completed', { turn: { id: 'T1', status: 'completed', durationMs: 2100 } }));
  m.apply(ev('run_finished', { outcome: 'ok', exit_code: null }));
  const kinds = m.items.map((i) => i.kind);
  assert.deepEqual(kinds, ['user', 'thinking', 'tool', 'result']);
  assert.equal(m.items[1].text, '**Looking** at files\n\nThen tests');
  assert.deepEqual(m.items[2].input.todos.map((t) => t.status), ['completed', 'in_progress']);
  assert.equal(m.items[3].line, 'Done in 2.1 s · 12.4k tokens');
});

test('a failed turn says why; a retried error is a warning; a stopped turn adds no result line', () => {
  seq = 0;
  const m = new ConversationModel();
  m.apply(ev('user_message', { client_msg_id: 'c1', text: 'x' }));
  m.apply(ev('run_started', { resumed: false }));
  m.apply(codex('turn/started', { turn: { id: 'T1' } }));
  m.apply(codex('error', { error: { message: 'stream disconnected' }, willRetry: true }));
  m.apply(codex('error', { error: { message: 'quota exceeded' }, willRetry: false }));
  m.apply(codex('turn/completed', { turn: { id: 'T1', status: 'failed', error: null } }));
  m.apply(ev('run_finished', { outcome: 'ok', exit_code: null }));
  const notice = m.items.find((i) => i.kind === 'notice');
  assert.equal(notice.level, 'warning');
  assert.match(notice.text, /stream disconnected/);
  const result = m.items.find((i) => i.kind === 'result');
  assert.equal(result.ok, false);
  assert.equal(result.detail, 'quota exceeded');

  m.apply(ev('user_message', { client_msg_id: 'c2', text: 'SLOW' }));
  m.apply(ev('run_started', { resumed: true }));
  m.apply(codex('turn/started', { turn: { id: 'T2' } }));
  m.apply(codex('item/started', { item: { type: 'fileChange', id: 'fc', changes: [], status: 'inProgress' } }));
  m.apply(codex('turn/completed', { turn: { id: 'T2', status: 'interrupted' } }));
  m.apply(ev('run_finished', { outcome: 'stopped', exit_code: null }));
  assert.equal(m.items.filter((i) => i.kind === 'result').length, 1);
  assert.equal(m.items.find((i) => i.kind === 'tool').status, 'stopped');
  assert.equal(m.items.at(-1).kind, 'run_end');
});

test('a declined command or patch says so', () => {
  assert.deepEqual(toolOutcome({ type: 'commandExecution', status: 'declined', exitCode: null, aggregatedOutput: null }),
    { status: 'declined', result: 'Not run: you declined it.', exit_code: null });
  assert.equal(toolOutcome({ type: 'fileChange', status: 'declined' }).status, 'declined');
});

test("codex's shell wrapper is taken off the command, quotes and all", () => {
  assert.equal(unwrapCommand("/bin/bash -lc 'echo hi > f.txt && ls'"), 'echo hi > f.txt && ls');
  assert.equal(unwrapCommand("/bin/bash -lc 'echo '\\''quoted'\\'''"), "echo 'quoted'");
  assert.equal(unwrapCommand('bash -lc "echo \\"x\\""'), 'echo "x"');
  assert.equal(unwrapCommand(['git', 'status']), 'git status');
  assert.equal(unwrapCommand('npm test'), 'npm test');
});

test('reasoning text and plan steps from their shapes', () => {
  assert.equal(reasoningText({ summary: [], content: ['raw'] }), 'raw');
  assert.equal(reasoningText({ summary: [{ text: 'a' }] }), 'a');
  assert.deepEqual(planTodos({ plan: [{ step: 's', status: 'weird' }, null] }), [{ content: 's', activeForm: 's', status: 'pending' }]);
});

test('an ApplyPatch approval shows its changes as coloured diffs, with a heading and a subject', () => {
  const input = { changes: [
    { path: '/p/a.txt', kind: 'update', diff: '@@ -3,2 +3,2 @@\n keep\n-old\n+new\n@@ -20 +20 @@\n-x\n+y\n' },
    { path: '/p/gone.txt', kind: 'delete', diff: 'bye\n' },
    { path: '/p/moved.txt', kind: { type: 'update', move_path: '/p/there.txt' }, diff: 'not a unified diff' },
  ] };
  const view = /** @type {any} */ (toolView('ApplyPatch', input));
  assert.equal(view.kind, 'diff');
  const [a, gone, moved] = view.files;
  assert.deepEqual(a.lines.map((l) => l.type), ['gap', 'ctx', 'del', 'add', 'gap', 'del', 'add']);
  assert.deepEqual([a.lines[2].oldNo, a.lines[6].newNo], [4, 20]);
  assert.deepEqual([gone.note, gone.removed, gone.lines[0].type], ['deleted', 1, 'del']);
  assert.equal(moved.note, 'moved to /p/there.txt');
  assert.equal(moved.lines.length, 1);
  assert.equal(approvalHeading({ tool: 'ApplyPatch', approval_kind: 'tool' }), 'Apply these changes?');
  assert.equal(subjectOf('ApplyPatch', input), 'a.txt and 2 more');
  assert.equal(toolDiffs('ApplyPatch', {}).length, 0);
  assert.deepEqual(patchDiffs([{ path: 'n', kind: 'add', diff: '' }])[0].lines, []);
  assert.equal(parseUnifiedDiff('--- a\n+++ b\n').lines.length, 0);
});

test('token counts read short', () => {
  assert.equal(formatTokens(1), '1 token');
  assert.equal(formatTokens(950), '950 tokens');
  assert.equal(formatTokens(12_345), '12.3k tokens');
  assert.equal(formatTokens(2_500_000), '2.5M tokens');
});
