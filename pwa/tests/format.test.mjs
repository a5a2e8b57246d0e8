import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatCost, formatRelative, formatClock, oneLine, toolSummary, toolResultText, conversationTitle } from '../js/format.js';

test('durations', () => {
  assert.equal(formatDuration(850), '0.9 s');
  assert.equal(formatDuration(3400), '3.4 s');
  assert.equal(formatDuration(42_000), '42 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatDuration(120_000), '2 min');
  assert.equal(formatDuration(3_720_000), '1 h 2 min');
  assert.equal(formatDuration(-1), '');
});

test('costs', () => {
  assert.equal(formatCost(0), '$0.00');
  assert.equal(formatCost(0.0042), '$0.0042');
  assert.equal(formatCost(0.123), '$0.12');
  assert.equal(formatCost(12.5), '$12.50');
  assert.equal(formatCost(NaN), '');
});

test('relative times', () => {
  const now = Date.UTC(2025, 5, 15, 12);
  assert.equal(formatRelative(now - 10_000, now), 'just now');
  assert.equal(formatRelative(now - 5 * 60_000, now), '5 min ago');
  assert.equal(formatRelative(now - 3 * 3600_000, now), '3 h ago');
  assert.equal(formatRelative(now - 30 * 3600_000, now), 'yesterday');
  assert.equal(formatRelative(0, now), '');
});

test('clock times read as the locale’s hours and minutes', () => {
  for (const ts of [Date.UTC(2025, 5, 15, 9, 5), Date.UTC(2025, 0, 1, 23, 59), 1]) {
    assert.equal(formatClock(ts), new Date(ts).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));
  }
  assert.equal(formatClock(0), '');
  assert.equal(formatClock(NaN), '');
});

test('clock times share one formatter, not one per item', async () => {
  const Real = Intl.DateTimeFormat;
  let made = 0;
  Intl.DateTimeFormat = new Proxy(Real, {
    construct(target, args) {
      made++;
      return Reflect.construct(target, args);
    },
  });
  try {
    const fresh = await import('../js/format.js?clock-cache');
    for (let i = 1; i <= 50; i++) fresh.formatClock(i * 60_000);
    assert.equal(made, 1);
  } finally {
    Intl.DateTimeFormat = Real;
  }
});

test('oneLine', () => {
  assert.equal(oneLine('a\n  b\tc'), 'a b c');
  assert.equal(oneLine('x'.repeat(10), 5), 'xxxx…');
  assert.equal(oneLine(null), '');
});

test('tool summaries', () => {
  assert.equal(toolSummary('Bash', { command: 'ls -la\necho' }), 'ls -la echo');
  assert.equal(toolSummary('Read', { file_path: '/home/u/p/src/app.py' }), '…/p/src/app.py');
  assert.equal(toolSummary('WebFetch', { url: 'https://x.y' }), 'https://x.y');
  assert.equal(toolSummary('TodoWrite', { todos: [1, 2] }), '2 items');
  assert.equal(toolSummary('mcp__thing', { q: 'find me' }), 'find me');
  assert.equal(toolSummary('Odd', { n: 1 }), '{"n":1}');
  assert.equal(toolSummary('Odd', null), '');
});

test('tool result text', () => {
  assert.equal(toolResultText('x'), 'x');
  assert.equal(toolResultText([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }]), 'a\nb');
  assert.equal(toolResultText(null), '');
});

test('titles', () => {
  assert.equal(conversationTitle({ title: '' }), 'New conversation');
  assert.equal(conversationTitle({ title: 'Fix the\nbug' }), 'Fix the bug');
});

test('tool summaries of a question and a plan read as words, not JSON', () => {
  assert.equal(toolSummary('AskUserQuestion', { questions: [{ question: 'Which colour?' }] }), 'Which colour?');
  assert.equal(toolSummary('ExitPlanMode', { plan: '## Plan\n1. Add a flag' }), 'Plan');
});
