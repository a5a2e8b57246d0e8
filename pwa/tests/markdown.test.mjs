import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMarkdown, parseInline, safeUrl, inlineText, LiveMarkdown, work, MAX_NESTING } from '../js/markdown.js';

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
  // GFM: a pipe inside a cell's code span is escaped (\|), as GitHub requires
  const [t] = parseMarkdown('| a | b |\n|:--|--:|\n| 1 | `x\\|y` |\n| 2 |');
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

test('fenced code keeps tabs (a copied Makefile still works)', () => {
  const [b] = parseMarkdown('```make\nall:\n\techo "a\tb"\n```');
  assert.deepEqual(b, { t: 'code', lang: 'make', v: 'all:\n\techo "a\tb"' });
});

test('file names are not links; only URLs with a scheme are', () => {
  const nodes = parseInline('see README.md and app.py, not www.example.com; mail a@b.co');
  assert.ok(!nodes.some((n) => n.t === 'link'), JSON.stringify(nodes));
});

/**
 * The parser's work for one input, counted: rule calls (markdown-it's unit of work) and tokens.
 * @param {string} s
 */
function workFor(s) {
  work.ruleCalls = 0;
  work.tokens = 0;
  const blocks = parseMarkdown(s);
  return { rules: work.ruleCalls, tokens: work.tokens, blocks };
}

/** @param {any} x */
function treeNodes(x) {
  if (Array.isArray(x)) return x.reduce((a, y) => a + treeNodes(y), 0);
  if (x && typeof x === 'object') return 1 + Object.values(x).reduce((a, y) => a + treeNodes(y), 0);
  return 0;
}

/** @param {any} x @returns {number} */
function treeDepth(x) {
  if (Array.isArray(x)) return x.reduce((a, y) => Math.max(a, treeDepth(y)), 0);
  if (x && typeof x === 'object') return 1 + Object.values(x).reduce((a, y) => Math.max(a, treeDepth(y)), 0);
  return 0;
}

const HOSTILE = {
  'bare URL then many )': (n) => 'http://a' + ')'.repeat(n),
  'deep quotes': (n) => '>'.repeat(n) + ' x',
  'deep lists': (n) => '- '.repeat(n) + 'x',
  'run of *': (n) => '*'.repeat(n),
  'run of _a': (n) => '_a'.repeat(n),
  'nested brackets': (n) => '['.repeat(n) + 'x' + ']'.repeat(n),
  'unclosed links': (n) => '[a](b '.repeat(n),
  'unclosed images': (n) => '!['.repeat(n),
  'run of <': (n) => '<'.repeat(n) + 'a',
  'run of `': (n) => '`'.repeat(n) + 'x' + '`'.repeat(n - 1),
  'emphasis openers': (n) => '*a **b '.repeat(n),
  'table rows': (n) => '|a|b|\n|-|-|\n' + '|x|y|\n'.repeat(n),
  'quote in list in quote': (n) => '> - '.repeat(n) + 'x',
};

test('hostile input: work is linear in its length, and nesting is bounded', () => {
  for (const [name, make] of Object.entries(HOSTILE)) {
    const small = make(10_000);
    const big = make(40_000);
    const a = workFor(small);
    const b = workFor(big);
    // linear: four times the input is about four times the work (a quadratic parser does 16×)
    assert.ok(b.rules <= 4.5 * a.rules + 100, `${name}: ${a.rules} → ${b.rules} rule calls`);
    assert.ok(b.rules <= 30 * big.length, `${name}: ${b.rules} rule calls for ${big.length} chars`);
    assert.ok(b.tokens <= 2 * big.length, `${name}: ${b.tokens} tokens`);
    assert.ok(treeNodes(b.blocks) <= 2 * big.length, `${name}: ${treeNodes(b.blocks)} tree nodes`);
    assert.ok(treeDepth(b.blocks) <= 4 * MAX_NESTING + 10, `${name}: depth ${treeDepth(b.blocks)}`);
  }
});

test('hostile input: 1 MB lines', () => {
  for (const line of ['x'.repeat(1 << 20), '*a'.repeat(1 << 19), 'http://a' + ')'.repeat(1 << 20), '`'.repeat(1 << 20), '[('.repeat(1 << 19)]) {
    const w = workFor(line);
    assert.ok(w.rules <= 30 * line.length, `${w.rules} rule calls for ${line.length} chars`);
    assert.ok(treeNodes(w.blocks) <= 2 * line.length);
  }
});

test('a streaming reply is parsed incrementally, and ends as the whole parse', () => {
  const reply = Array.from({ length: 400 }, (_, k) => (k % 5 === 0 ? `## Step ${k}\n\n- a\n- b **${k}**\n\n` : k % 7 === 0
    ? '```sh\nmake\t-j2\n```\n\n' : `Paragraph ${k} with \`code\` and [a link](https://example.com/${k}).\n\n`)).join('');
  const live = new LiveMarkdown();
  work.charsParsed = 0;
  let chunks = 0;
  /** @type {any[]} */
  let settled = [];
  for (let i = 0; i < reply.length; i += 37) {
    const r = live.update(reply.slice(0, i + 37));
    assert.equal(r.reset, false);
    settled = settled.concat(r.settledAdded);
    chunks++;
  }
  // re-parsing the whole reply on every chunk would read chunks × length / 2 characters
  assert.ok(work.charsParsed < 4 * reply.length, `${work.charsParsed} chars parsed for ${reply.length} over ${chunks} chunks`);
  assert.deepEqual(settled.concat(live.tail), parseMarkdown(reply));
  assert.deepEqual(live.settled, settled);
  // text that is not a continuation starts over
  assert.equal(live.update('other').reset, true);
  assert.deepEqual(live.settled.concat(live.tail), parseMarkdown('other'));
});

test('streaming: an open fence, a list and a setext heading that grow stay one block', () => {
  const live = new LiveMarkdown();
  live.update('intro\n\n```js\nlet a;\n\nlet b;');
  assert.deepEqual(live.tail, [{ t: 'code', lang: 'js', v: 'let a;\n\nlet b;' }]);
  live.update('intro\n\n```js\nlet a;\n\nlet b;\n```\n\n- one\n\n- two');
  assert.equal(live.tail.length, 1);
  assert.equal(live.tail[0].t, 'list');
  live.update('intro\n\n```js\nlet a;\n\nlet b;\n```\n\n- one\n\n- two\n\nTitle\n---');
  assert.deepEqual(live.settled.concat(live.tail), parseMarkdown('intro\n\n```js\nlet a;\n\nlet b;\n```\n\n- one\n\n- two\n\nTitle\n---'));
});

test('the DOM is built from the token tree, never from an HTML string; markdown-it needs no eval', () => {
  const dom = readFileSync(new URL('../js/ui/markdown-dom.js', import.meta.url), 'utf8');
  assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|DOMParser|createContextualFragment/.test(dom));
  const md = readFileSync(new URL('../js/markdown.js', import.meta.url), 'utf8');
  assert.ok(!/\.render(Inline)?\(/.test(md), 'markdown-it HTML output is not used');
  const vendor = readFileSync(new URL('../vendor/markdown-it.js', import.meta.url), 'utf8');
  assert.ok(!/\beval\s*\(|new Function\s*\(|\bFunction\s*\(/.test(vendor), 'a strict CSP forbids eval');
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
