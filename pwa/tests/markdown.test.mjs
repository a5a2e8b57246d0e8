import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkdown, parseInline, safeUrl, inlineText } from '../js/markdown.js';

test('safeUrl allows http(s) and mailto only', () => {
  assert.equal(safeUrl('https://example.com/a?b=1'), 'https://example.com/a?b=1');
  assert.equal(safeUrl('mailto:a@b.c'), 'mailto:a@b.c');
  for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)',
    'java\u0000script:x', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', '/relative', '#x', '', null]) {
    assert.equal(safeUrl(bad), null, String(bad));
  }
});

test('raw HTML stays text', () => {
  const blocks = parseMarkdown('<img src=x onerror=alert(1)> and <script>alert(1)</script>');
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0].t, 'p');
  assert.ok(blocks[0].c.every((n) => n.t === 'text'));
  assert.equal(inlineText(blocks[0].c), '<img src=x onerror=alert(1)> and <script>alert(1)</script>');
});

test('links: safe ones kept, unsafe ones reduced to their words', () => {
  const [ok] = parseInline('[docs](https://example.com/x)');
  assert.deepEqual(ok, { t: 'link', href: 'https://example.com/x', c: [{ t: 'text', v: 'docs' }] });
  const bad = parseInline('[click](javascript:alert(1)) me');
  assert.ok(!JSON.stringify(bad).includes('javascript'), JSON.stringify(bad));
  assert.equal(inlineText(bad), 'click me');
  const rel = parseInline('see [file](src/app.py)');
  assert.ok(!rel.some((n) => n.t === 'link'));
  assert.equal(inlineText(rel), 'see file');
});

test('images become links, never loads', () => {
  const nodes = parseInline('![diagram](https://example.com/d.png)');
  assert.deepEqual(nodes, [{ t: 'link', href: 'https://example.com/d.png', c: [{ t: 'text', v: 'diagram' }] }]);
});

test('bare URLs and autolinks, without trailing punctuation', () => {
  const nodes = parseInline('See https://example.com/a_b. Or <https://x.org/y>, (https://z.io/q)');
  const links = nodes.filter((n) => n.t === 'link').map((n) => n.href);
  assert.deepEqual(links, ['https://example.com/a_b', 'https://x.org/y', 'https://z.io/q']);
});

test('emphasis, strong, strikethrough, code; snake_case stays text', () => {
  assert.deepEqual(parseInline('**bold** and *it* and ~~no~~'), [
    { t: 'strong', c: [{ t: 'text', v: 'bold' }] },
    { t: 'text', v: ' and ' },
    { t: 'em', c: [{ t: 'text', v: 'it' }] },
    { t: 'text', v: ' and ' },
    { t: 'del', c: [{ t: 'text', v: 'no' }] },
  ]);
  assert.deepEqual(parseInline('call my_func_name now'), [{ t: 'text', v: 'call my_func_name now' }]);
  assert.deepEqual(parseInline('use `a **b** <c>` here'), [
    { t: 'text', v: 'use ' }, { t: 'code', v: 'a **b** <c>' }, { t: 'text', v: ' here' },
  ]);
  assert.deepEqual(parseInline('2 * 3 * 4'), [{ t: 'text', v: '2 * 3 * 4' }]);
  assert.deepEqual(parseInline('`` a ` b ``'), [{ t: 'code', v: 'a ` b' }]);
  assert.deepEqual(parseInline('\\*not em\\*'), [{ t: 'text', v: '*not em*' }]);
});

test('fenced code keeps its text verbatim, even unterminated (streaming)', () => {
  const blocks = parseMarkdown('Run:\n\n```bash\nrm -rf <dir> && echo "**hi**"\n```\nafter');
  assert.deepEqual(blocks, [
    { t: 'p', c: [{ t: 'text', v: 'Run:' }] },
    { t: 'code', lang: 'bash', v: 'rm -rf <dir> && echo "**hi**"' },
    { t: 'p', c: [{ t: 'text', v: 'after' }] },
  ]);
  const open = parseMarkdown('```py\nprint(1)');
  assert.deepEqual(open, [{ t: 'code', lang: 'py', v: 'print(1)' }]);
});

test('headings, rules, quotes', () => {
  const blocks = parseMarkdown('# Title\n\n---\n\n> quoted **x**\n> more');
  assert.equal(blocks[0].t, 'h');
  assert.equal(blocks[0].level, 1);
  assert.equal(blocks[1].t, 'hr');
  assert.equal(blocks[2].t, 'quote');
  assert.equal(blocks[2].c[0].t, 'p');
});

test('lists: bullets, numbers, nesting, paragraphs interrupted', () => {
  const blocks = parseMarkdown('Steps:\n1. one\n2. two\n   - sub a\n   - sub b\n3. three\n\n- x\n- y');
  assert.equal(blocks[0].t, 'p');
  const ol = blocks[1];
  assert.equal(ol.t, 'list');
  assert.equal(ol.ordered, true);
  assert.equal(ol.items.length, 3);
  const nested = ol.items[1].find((b) => b.t === 'list');
  assert.ok(nested && !nested.ordered && nested.items.length === 2);
  const ul = blocks[2];
  assert.equal(ul.t, 'list');
  assert.equal(ul.ordered, false);
  assert.equal(ul.items.length, 2);
  const start = parseMarkdown('3. three\n4. four')[0];
  assert.equal(start.start, 3);
});

test('tables with alignment', () => {
  const [t] = parseMarkdown('| a | b |\n|:--|--:|\n| 1 | `x|y` |\n| 2 |');
  assert.equal(t.t, 'table');
  assert.deepEqual(t.align, ['left', 'right']);
  assert.equal(t.rows.length, 2);
  assert.deepEqual(t.rows[0][1], [{ t: 'code', v: 'x|y' }]);
  assert.deepEqual(t.rows[1][1], []);
});

test('line breaks inside a paragraph are kept', () => {
  const [p] = parseMarkdown('one\ntwo');
  assert.deepEqual(p.c, [{ t: 'text', v: 'one' }, { t: 'br' }, { t: 'text', v: 'two' }]);
});

test('hostile input stays cheap', () => {
  const t0 = Date.now();
  parseMarkdown('>'.repeat(5000) + ' x');
  parseMarkdown('- '.repeat(3000) + 'x');
  parseInline('*'.repeat(20000));
  parseInline('['.repeat(5000) + 'x' + ']'.repeat(5000));
  parseInline('_a'.repeat(5000));
  assert.ok(Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
});
