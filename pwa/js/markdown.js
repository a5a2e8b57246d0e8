// Markdown → a plain tree (no HTML strings), parsed by markdown-it (pwa/vendor/markdown-it.js).
// Agent text is hostile: it comes from files and pages the agent read. So markdown-it runs with
// html: false (raw HTML stays text), we read its token stream — never its HTML output — and the
// view builds DOM nodes from the tree with text nodes only (ui/markdown-dom.js). Links pass through
// safeUrl() (http, https, mailto); images become links (no remote loads).
// LiveMarkdown parses a streaming reply incrementally: blocks that are finished are kept, only the
// last top-level block and what follows it are parsed again when a chunk arrives.

import markdownit from '../vendor/markdown-it.js';

/**
 * @typedef {{t:'text', v:string}|{t:'code', v:string}|{t:'br'}|{t:'em'|'strong'|'del', c:Inline[]}
 *   |{t:'link', href:string, c:Inline[]}} Inline
 * @typedef {{t:'p', c:Inline[], tight?:boolean}|{t:'h', level:number, c:Inline[]}|{t:'code', lang:string, v:string}
 *   |{t:'quote', c:Block[]}|{t:'list', ordered:boolean, start:number, items:Block[][]}|{t:'hr'}
 *   |{t:'table', align:(''|'left'|'center'|'right')[], head:Inline[][], rows:Inline[][][]}} Block
 * @typedef {{type:string, tag:string, nesting:number, level:number, content:string, info:string, hidden:boolean,
 *   map:[number, number]|null, children:Tok[]|null, attrGet(name:string):string|null}} Tok
 */

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL if it is absolute and of a harmless scheme (http, https, mailto), else null.
 * @param {string} raw
 * @returns {string|null}
 */
export function safeUrl(raw) {
  if (typeof raw !== 'string') return null;
  // Browsers ignore control characters and whitespace inside schemes ("java\tscript:"): drop them first.
  // eslint-disable-next-line no-control-regex
  const cleaned = raw.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (!cleaned) return null;
  let url;
  try {
    url = new URL(cleaned);
  } catch {
    return null;
  }
  if (!SAFE_SCHEMES.has(url.protocol)) return null;
  return url.href;
}

/** Nesting beyond this (quotes in lists in quotes…) is shown flat: markdown-it stops nesting there. */
export const MAX_NESTING = 20;

const md = markdownit('default', { html: false, linkify: true, typographer: false, breaks: true, maxNesting: MAX_NESTING });
// Only links with a scheme are made from bare text: "README.md" and "app.py" stay words.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
// Parse every [text](url) as a link, so that an unsafe one is reduced to its words by safeUrl()
// below instead of showing its markdown (and its javascript: URL) as text.
md.validateLink = () => true;

/** Work counters, for the tests that check hostile input stays bounded (rule calls, tokens). */
export const work = { ruleCalls: 0, tokens: 0, charsParsed: 0 };

/** Count every call of every block, inline and core rule: the parser's unit of work. */
for (const ruler of [md.block.ruler, md.inline.ruler, md.inline.ruler2, md.core.ruler]) {
  for (const rule of /** @type {any} */ (ruler).__rules__) {
    const fn = rule.fn;
    rule.fn = function counted(/** @type {any[]} */ ...args) {
      work.ruleCalls++;
      return fn.apply(this, args);
    };
  }
  /** @type {any} */ (ruler).__cache__ = null;
}

/** @param {string} text */
const normalize = (text) => String(text ?? '').replace(/\r\n?/g, '\n');

/**
 * @param {string} text
 * @param {object} [env] markdown-it's env (link reference definitions live there)
 * @returns {Tok[]}
 */
function tokenize(text, env = {}) {
  work.charsParsed += text.length;
  const tokens = /** @type {Tok[]} */ (md.parse(text, env));
  work.tokens += tokens.length;
  for (const t of tokens) if (t.children) work.tokens += t.children.length;
  return tokens;
}

/**
 * @param {string} text
 * @returns {Block[]}
 */
export function parseMarkdown(text) {
  return blocksOf(tokenize(normalize(text)));
}

/**
 * @param {string} text one paragraph's worth of inline markdown
 * @returns {Inline[]}
 */
export function parseInline(text) {
  const tokens = /** @type {Tok[]} */ (md.parseInline(normalize(text), {}));
  work.charsParsed += text.length;
  return inlinesOf(tokens[0]?.children ?? []);
}

/**
 * @param {Tok[]} tokens
 * @returns {Block[]}
 */
function blocksOf(tokens) {
  const at = { i: 0 };
  return readBlocks(tokens, at, '');
}

/**
 * Read blocks until the closing token `until` (or the end).
 * @param {Tok[]} tokens
 * @param {{i:number}} at
 * @param {string} until
 * @returns {Block[]}
 */
function readBlocks(tokens, at, until) {
  /** @type {Block[]} */
  const out = [];
  while (at.i < tokens.length) {
    const t = tokens[at.i++];
    if (t.type === until) break;
    const b = readBlock(t, tokens, at);
    if (b) out.push(b);
  }
  return out;
}

/**
 * @param {Tok} t the token just read
 * @param {Tok[]} tokens
 * @param {{i:number}} at
 * @returns {Block|null}
 */
function readBlock(t, tokens, at) {
  switch (t.type) {
    case 'paragraph_open': {
      const c = inlinesOf(tokens[at.i].children ?? []);
      at.i += 2;
      return t.hidden ? { t: 'p', c, tight: true } : { t: 'p', c };
    }
    case 'heading_open': {
      const c = inlinesOf(tokens[at.i].children ?? []);
      at.i += 2;
      return { t: 'h', level: Number(t.tag.slice(1)) || 1, c };
    }
    case 'hr': return { t: 'hr' };
    case 'fence': return { t: 'code', lang: t.info.trim().split(/\s+/)[0] || '', v: t.content.replace(/\n$/, '') };
    case 'code_block': return { t: 'code', lang: '', v: t.content.replace(/\n$/, '') };
    case 'blockquote_open': return { t: 'quote', c: readBlocks(tokens, at, 'blockquote_close') };
    case 'bullet_list_open':
    case 'ordered_list_open': {
      const ordered = t.type === 'ordered_list_open';
      const close = ordered ? 'ordered_list_close' : 'bullet_list_close';
      /** @type {Block[][]} */
      const items = [];
      while (at.i < tokens.length) {
        const it = tokens[at.i++];
        if (it.type === close) break;
        if (it.type === 'list_item_open') items.push(readBlocks(tokens, at, 'list_item_close'));
      }
      return { t: 'list', ordered, start: ordered ? Number(t.attrGet('start') ?? 1) : 1, items };
    }
    case 'table_open': return readTable(tokens, at);
    case 'inline': return { t: 'p', c: inlinesOf(t.children ?? []) };
    default: return null; // html_block cannot happen (html: false); closers of what we skipped
  }
}

/**
 * @param {Tok[]} tokens
 * @param {{i:number}} at just after table_open
 * @returns {Block}
 */
function readTable(tokens, at) {
  /** @type {(''|'left'|'center'|'right')[]} */
  const align = [];
  /** @type {Inline[][]} */
  const head = [];
  /** @type {Inline[][][]} */
  const rows = [];
  /** @type {Inline[][]|null} */
  let row = null;
  let inHead = false;
  while (at.i < tokens.length) {
    const t = tokens[at.i++];
    if (t.type === 'table_close') break;
    if (t.type === 'thead_open') inHead = true;
    else if (t.type === 'thead_close') inHead = false;
    else if (t.type === 'tr_open') row = inHead ? head : [];
    else if (t.type === 'tr_close') { if (row && row !== head) rows.push(row); row = null; }
    else if (t.type === 'th_open' || t.type === 'td_open') {
      const style = /text-align:(left|center|right)/.exec(t.attrGet('style') ?? '');
      if (inHead) align.push(/** @type {any} */ (style ? style[1] : ''));
      const inline = tokens[at.i];
      row?.push(inline.type === 'inline' ? inlinesOf(inline.children ?? []) : []);
    }
  }
  return { t: 'table', align, head, rows };
}

/**
 * markdown-it's inline tokens → the Inline tree; adjacent words merged, unsafe links unwrapped.
 * @param {Tok[]} children
 * @returns {Inline[]}
 */
function inlinesOf(children) {
  /** @type {Inline[]} */
  const root = [];
  /** @type {{out: Inline[], node: Inline|null}[]} */
  const stack = [{ out: root, node: null }];
  const top = () => stack[stack.length - 1].out;
  /** @param {string} v */
  const text = (v) => {
    if (!v) return;
    const out = top();
    const last = out[out.length - 1];
    if (last && last.t === 'text') last.v += v;
    else out.push({ t: 'text', v });
  };
  /** @param {Inline & {c: Inline[]}} node @param {boolean} keep */
  const open = (node, keep) => {
    if (keep) top().push(node);
    stack.push({ out: keep ? node.c : top(), node });
  };
  const close = () => { if (stack.length > 1) stack.pop(); };
  for (const t of children) {
    switch (t.type) {
      case 'text': case 'text_special': text(t.content); break;
      case 'softbreak': case 'hardbreak': top().push({ t: 'br' }); break;
      case 'code_inline': top().push({ t: 'code', v: t.content }); break;
      case 'em_open': open({ t: 'em', c: [] }, true); break;
      case 'strong_open': open({ t: 'strong', c: [] }, true); break;
      case 's_open': open({ t: 'del', c: [] }, true); break;
      case 'link_open': {
        const href = safeUrl(t.attrGet('href') ?? '');
        // an unsafe link keeps its words only; a link inside a link is its words too
        open(href ? { t: 'link', href, c: [] } : { t: 'link', href: '', c: [] }, !!href && !stack.some((s) => s.node?.t === 'link'));
        break;
      }
      case 'image': {
        const href = safeUrl(t.attrGet('src') ?? '');
        const alt = inlineText(inlinesOf(t.children ?? [])) || t.attrGet('src') || '';
        if (href) top().push({ t: 'link', href, c: [{ t: 'text', v: alt }] });
        else text(alt);
        break;
      }
      case 'em_close': case 'strong_close': case 's_close': case 'link_close': close(); break;
      case 'html_inline': text(t.content); break; // cannot happen with html: false; text if it did
      default: if (t.content) text(t.content);
    }
  }
  return root;
}

/**
 * The plain text of inline nodes.
 * @param {Inline[]} nodes
 * @returns {string}
 */
export function inlineText(nodes) {
  return nodes.map((n) => ('v' in n ? n.v : 'c' in n ? inlineText(n.c) : n.t === 'br' ? '\n' : '')).join('');
}

/**
 * A streaming reply, parsed incrementally. Each update() re-parses only from the start of the last
 * top-level block of the previous parse: blocks before it are finished (a later line cannot change
 * them) and are kept. Text that is not an extension of the previous text is parsed whole.
 */
export class LiveMarkdown {
  constructor() {
    this.text = '';
    /** @type {Block[]} finished blocks, never parsed again */
    this.settled = [];
    /** @type {Block[]} the blocks of the unfinished tail */
    this.tail = [];
    /** where the tail starts in this.text */
    this.tailStart = 0;
    this.env = {};
  }

  /**
   * @param {string} raw the whole reply so far
   * @returns {{settledAdded: Block[], tail: Block[], reset: boolean}} what changed since the last call
   */
  update(raw) {
    const text = normalize(raw);
    const reset = !text.startsWith(this.text);
    if (reset) {
      this.settled = [];
      this.tailStart = 0;
      this.env = {};
    }
    this.text = text;
    const tailText = text.slice(this.tailStart);
    const tokens = tokenize(tailText, this.env);
    // top-level blocks of the tail and the line each starts on
    /** @type {{line: number, block: Block}[]} */
    const tops = [];
    const at = { i: 0 };
    while (at.i < tokens.length) {
      const t = tokens[at.i++];
      if (t.level !== 0 || t.nesting === -1) continue;
      const line = t.map ? t.map[0] : 0;
      const b = readBlock(t, tokens, at);
      if (b) tops.push({ line, block: b });
    }
    /** @type {Block[]} */
    const settledAdded = [];
    if (tops.length > 1) {
      const last = tops[tops.length - 1];
      for (const x of tops.slice(0, -1)) settledAdded.push(x.block);
      this.tailStart += lineOffset(tailText, last.line);
      tops.splice(0, tops.length - 1);
    }
    this.settled.push(...settledAdded);
    this.tail = tops.map((x) => x.block);
    return { settledAdded, tail: this.tail, reset };
  }
}

/**
 * The offset of line `n` (0-based) in `text`.
 * @param {string} text
 * @param {number} n
 */
function lineOffset(text, n) {
  let off = 0;
  for (let k = 0; k < n; k++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off;
}
