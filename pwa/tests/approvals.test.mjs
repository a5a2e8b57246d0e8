// Approvals: their state from the events (view-model.js), what a tool call shows (approvals.js),
// a question's answers, the permission mode, and the one-line records (screen-text.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../js/view-model.js';
import { answersFrom, bashExit, currentMode, pickOption, questionsOf, setOther, subjectOf, toolView } from '../js/approvals.js';
import { answerPending, approvalHeading, approvalRecord, modeWords, pageTitle } from '../js/screen-text.js';
import { jsdiff } from '../js/lazy.js';

await jsdiff.load(); // the app loads it on demand (lazy.js); these tests check the fine diffs

let seq = 0;
const ev = (kind, data) => ({ seq: ++seq, kind, ts: 1_700_000_000_000 + seq, data });
const toolUse = (id, name, input) => ev('agent', { type: 'assistant', message: { id: 'm1', role: 'assistant', content: [{ type: 'tool_use', id, name, input }] } });
const toolResult = (id, content, isError = false) => ev('agent', { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] } });
const requested = (id, extra = {}) => ev('approval_requested', { approval_id: id, tool: 'Bash', input: { command: 'npm test', description: 'Run the tests' }, tool_use_id: 'tu1', kind: 'tool', can_always: true, always_label: 'Bash commands starting with: npm test', ...extra });

test('a requested approval is pending, shown once in the log, and marks its tool call as waiting', () => {
  seq = 0;
  const m = buildModel([
    ev('user_message', { client_msg_id: 'c1', text: 'approve' }),
    ev('run_started', {}),
    toolUse('tu1', 'Bash', { command: 'npm test' }),
    requested('A1'),
  ]);
  assert.deepEqual(m.pendingApprovals.map((a) => a.approval_id), ['A1']);
  const a = m.approvals.get('A1');
  assert.equal(a.kind, 'approval');
  assert.equal(a.subject, 'npm test');
  assert.equal(a.can_always, true);
  assert.equal(m.tools.get('tu1').waiting, true);
  assert.equal(approvalRecord(a).tone, 'wait');
});

test('an approval that arrives before its tool call still marks the call waiting', () => {
  seq = 0;
  const m = buildModel([requested('A1'), toolUse('tu1', 'Bash', { command: 'npm test' })]);
  assert.equal(m.tools.get('tu1').waiting, true);
});

test('resolved: allowed, denied with a reason, by a rule, by the timeout; the first end counts (I6)', () => {
  seq = 0;
  const m = buildModel([
    requested('A1'),
    ev('approval_resolved', { approval_id: 'A1', decision: 'allow', client_id: 'dev-tab', by: 'user' }),
    ev('approval_cancelled', { approval_id: 'A1', reason: 'stopped' }), // never after a resolve: ignored
    requested('A2', { input: { command: 'rm -rf build' } }),
    ev('approval_resolved', { approval_id: 'A2', decision: 'deny', message: 'not now', client_id: 'x', by: 'user' }),
    requested('A3'),
    ev('approval_resolved', { approval_id: 'A3', decision: 'allow', by: 'rule' }),
    requested('A4', { input: { command: 'make deploy' } }),
    ev('approval_resolved', { approval_id: 'A4', decision: 'deny', message: 'No answer in time.', by: 'timeout' }),
    requested('A5', { input: { command: 'ls' } }),
    ev('approval_resolved', { approval_id: 'A5', decision: 'allow_always', by: 'user' }),
  ]);
  assert.equal(m.pendingApprovals.length, 0);
  const rec = (id) => approvalRecord(m.approvals.get(id)).text;
  assert.equal(rec('A1'), 'Allowed: npm test');
  assert.equal(m.approvals.get('A1').state, 'allowed');
  assert.equal(rec('A2'), 'Denied: rm -rf build — not now');
  assert.equal(rec('A3'), 'Allowed (always): npm test');
  assert.equal(rec('A4'), 'Denied (no answer in time): make deploy — No answer in time.');
  assert.equal(rec('A5'), 'Allowed always: ls');
  assert.deepEqual([...m.endedApprovals].sort(), ['A1', 'A2', 'A3', 'A4', 'A5']);
  assert.equal(m.items.filter((i) => i.kind === 'approval').length, 5, 'one record per approval');
});

test('cancelled approvals say why; one resolved by a rule with no request is still recorded', () => {
  seq = 0;
  const m = buildModel([
    requested('A1'), ev('approval_cancelled', { approval_id: 'A1', reason: 'stopped' }),
    requested('A2'), ev('approval_cancelled', { approval_id: 'A2', reason: 'interrupted' }),
    requested('A3'), ev('approval_cancelled', { approval_id: 'A3', reason: 'withdrawn' }),
    ev('approval_resolved', { approval_id: 'A9', decision: 'allow', by: 'rule' }),
  ]);
  assert.equal(approvalRecord(m.approvals.get('A1')).text, 'Cancelled: the turn was stopped');
  assert.equal(approvalRecord(m.approvals.get('A2')).text, 'Cancelled: the agent’s process ended');
  assert.equal(approvalRecord(m.approvals.get('A3')).text, 'Cancelled: the agent withdrew the request');
  assert.equal(m.approvals.get('A9').state, 'allowed');
  assert.equal(m.pendingApprovals.length, 0);
});

test('the tool call stops waiting once the approval ends or its result comes', () => {
  seq = 0;
  const m = buildModel([toolUse('tu1', 'Bash', {}), requested('A1'), ev('approval_resolved', { approval_id: 'A1', decision: 'deny', message: 'no' }),
    toolResult('tu1', 'The user denied this: no', true)]);
  const tool = m.tools.get('tu1');
  assert.equal(tool.waiting, false);
  assert.equal(tool.status, 'error');
});

test('questions and plans read as answers and plan decisions', () => {
  seq = 0;
  const questions = [{ question: 'Which colour?', header: 'Colour', options: [{ label: 'Blue', description: '' }, { label: 'Red', description: '' }], multiSelect: false }];
  const m = buildModel([
    ev('approval_requested', { approval_id: 'Q', tool: 'AskUserQuestion', input: { questions }, tool_use_id: 't', kind: 'question', can_always: false }),
    ev('approval_resolved', { approval_id: 'Q', decision: 'allow', answers: { 'Which colour?': 'Blue' } }),
    ev('approval_requested', { approval_id: 'P', tool: 'ExitPlanMode', input: { plan: '# Plan' }, tool_use_id: 'p', kind: 'plan', can_always: false }),
    ev('approval_resolved', { approval_id: 'P', decision: 'deny', message: 'smaller steps' }),
  ]);
  assert.equal(approvalRecord(m.approvals.get('Q')).text, 'Answered: Blue');
  assert.equal(approvalRecord(m.approvals.get('P')).text, 'Kept planning — smaller steps');
  assert.equal(approvalHeading(m.approvals.get('P')), 'Approve the plan?');
  assert.equal(answerPending('deny', 'queued', 'plan'), 'Keep planning — waits for the network');
  assert.equal(answerPending('allow', 'sending', 'tool'), 'Allow — sending…');
});

test('TodoWrite is one checklist, updated in place by the latest call', () => {
  seq = 0;
  const list = (...s) => ({ todos: s.map((status, i) => ({ content: `step ${i}`, status, activeForm: `doing ${i}` })) });
  const m = buildModel([
    toolUse('t1', 'TodoWrite', list('pending', 'pending')),
    toolResult('t1', 'ok'),
    ev('agent', { type: 'assistant', message: { id: 'm2', content: [{ type: 'text', text: 'working' }] } }),
    toolUse('t2', 'TodoWrite', list('completed', 'in_progress')),
  ]);
  const todos = m.items.filter((i) => i.kind === 'tool' && i.name === 'TodoWrite');
  assert.equal(todos.length, 1);
  assert.equal(m.items[0], todos[0], 'where the first one was');
  const view = toolView('TodoWrite', todos[0].input);
  assert.deepEqual(view.todos.map((t) => t.status), ['completed', 'in_progress']);
  assert.equal(m.tools.get('t2'), todos[0]);
});

test('what a tool call shows: a command, a diff, a URL, questions, a plan, else its input', () => {
  assert.deepEqual(toolView('Bash', { command: 'npm test', description: 'Run' }), { kind: 'command', command: 'npm test', description: 'Run' });
  const edit = toolView('Edit', { file_path: '/w/a.js', old_string: 'a\nb\n', new_string: 'a\nc\n' });
  assert.equal(edit.kind, 'diff');
  assert.equal(edit.files[0].path, '/w/a.js');
  assert.deepEqual([edit.files[0].added, edit.files[0].removed], [1, 1]);
  assert.equal(toolView('WebFetch', { url: 'https://x.org', prompt: 'p' }).url, 'https://x.org');
  assert.equal(toolView('ExitPlanMode', { plan: '# P' }).plan, '# P');
  assert.equal(toolView('AskUserQuestion', { questions: [{ question: 'Q?', options: [{ label: 'A' }] }] }).questions[0].options[0].label, 'A');
  assert.equal(toolView('Glob', { pattern: '**/*.js' }).text, '**/*.js');
  assert.match(toolView('Odd', { a: 1, b: 'x' }).text, /"a": 1/);
  assert.equal(subjectOf('Write', { file_path: 'src/app.js' }), 'src/app.js');
  assert.equal(subjectOf('ExitPlanMode', { plan: 'x' }), '');
});

test('answers: one label per single-choice question, a list for multi-select, "Other" in the user’s words', () => {
  const qs = questionsOf({ questions: [
    { question: 'Which colour?', header: 'Colour', options: [{ label: 'Blue' }, { label: 'Red' }], multiSelect: false },
    { question: 'Which parts?', header: 'Parts', options: [{ label: 'API' }, { label: 'UI' }], multiSelect: true },
  ] });
  let picks = {};
  assert.equal(answersFrom(qs, picks).complete, false);
  picks = pickOption(picks, qs[0], 'Blue');
  picks = pickOption(picks, qs[0], 'Red');
  assert.deepEqual(answersFrom(qs, picks), { complete: false, answers: { 'Which colour?': 'Red' } });
  picks = pickOption(picks, qs[1], 'API');
  picks = pickOption(picks, qs[1], 'UI');
  picks = pickOption(picks, qs[1], 'API'); // toggled off again
  picks = setOther(picks, qs[1], 'the docs');
  assert.deepEqual(answersFrom(qs, picks), { complete: true, answers: { 'Which colour?': 'Red', 'Which parts?': ['UI', 'the docs'] } });
  picks = setOther(picks, qs[0], 'Green');
  assert.equal(answersFrom(qs, picks).answers['Which colour?'], 'Green', 'Other replaces a single choice');
  picks = pickOption(picks, qs[0], 'Blue');
  assert.equal(answersFrom(qs, picks).answers['Which colour?'], 'Blue', 'and an option replaces Other');
});

test('the mode shown: asked here first, else the newest of the log and the welcome, else what was stored', () => {
  assert.equal(currentMode({ pending: 'plan', logged: { mode: 'default', seq: 9 }, welcome: { mode: 'acceptEdits', seq: 3 }, stored: null }), 'plan');
  assert.equal(currentMode({ pending: null, logged: { mode: 'default', seq: 9 }, welcome: { mode: 'acceptEdits', seq: 3 }, stored: null }), 'default');
  assert.equal(currentMode({ pending: null, logged: { mode: 'default', seq: 2 }, welcome: { mode: 'acceptEdits', seq: 3 }, stored: null }), 'acceptEdits');
  assert.equal(currentMode({ pending: null, logged: null, welcome: null, stored: 'plan' }), 'plan');
  assert.equal(currentMode({ pending: null, logged: null, welcome: null, stored: null }), null);
  assert.equal(modeWords('default').chip, 'Asks first');
  assert.equal(modeWords('acceptEdits').chip, 'Accepts edits');
  assert.equal(modeWords('weird').chip, 'weird');
});

test('mode_changed events move the logged mode', () => {
  seq = 0;
  const m = buildModel([ev('mode_changed', { mode: 'plan' }), ev('mode_changed', { mode: 'acceptEdits' })]);
  assert.deepEqual(m.mode, { mode: 'acceptEdits', seq: 2 });
});

test('Bash exit status: 0 on success, the reported code on failure', () => {
  assert.equal(bashExit('ok', 'fine'), 0);
  assert.equal(bashExit('error', 'Exit code 2\nnope'), 2);
  assert.equal(bashExit('error', 'denied'), null);
  assert.equal(bashExit('running', null), null);
});

test('the page title puts a waiting approval first', () => {
  assert.equal(pageTitle('Fix the build', 1), '(1) Approval needed · swe-swe');
  assert.equal(pageTitle('Fix the build', 0), 'Fix the build · swe-swe');
});

test('a waiting question or plan names what waits, not the tool', () => {
  seq = 0;
  const m = buildModel([
    ev('approval_requested', { approval_id: 'Q', tool: 'AskUserQuestion', input: { questions: [{ question: 'Which colour?', options: [] }] }, kind: 'question' }),
    ev('approval_requested', { approval_id: 'P', tool: 'ExitPlanMode', input: { plan: '## Plan\n1. x' }, kind: 'plan' }),
  ]);
  assert.equal(approvalRecord(m.approvals.get('Q')).text, 'Waiting for your answer: Which colour?');
  assert.equal(approvalRecord(m.approvals.get('P')).text, 'Waiting for your answer: the plan');
});

test("a denial the user answered is not listed again under the turn's result", () => {
  seq = 0;
  const m = buildModel([
    toolUse('tu1', 'Bash', { command: 'rm -rf build' }),
    requested('A1', { input: { command: 'rm -rf build' } }),
    ev('approval_resolved', { approval_id: 'A1', decision: 'deny', message: 'not now', client_id: 'c', by: 'user' }),
    ev('agent', { type: 'result', subtype: 'success', is_error: false, permission_denials: [
      { tool_name: 'Bash', tool_use_id: 'tu1', tool_input: { command: 'rm -rf build' } },
      { tool_name: 'Write', tool_use_id: 'tu9', tool_input: { file_path: '/x' } }] }),
  ]);
  const result = m.items.find((i) => i.kind === 'result');
  assert.deepEqual(result.denials.map((d) => d.tool), ['Write']);
});
