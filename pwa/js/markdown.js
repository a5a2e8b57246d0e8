// A small Markdown parser producing a plain tree (no HTML strings). The view builds DOM nodes from
// the tree with textContent only, so agent output can never inject markup or scripts; links pass
// through safeUrl(). Covers what Claude writes: paragraphs, headings, fenced code, lists (nested),
// block quotes, tables, rules; inline code, strong, emphasis, strikethrough, links, autolinks.
// Raw HTML is shown as text. Images are shown as links (no remote loads).

/**
 * @typedef {{t:'text', v:string}|{t:'code', v:string}|{t:'br'}|{t:'em'|'strong'|'del', c:Inline[]}
 *   |{t:'link', href:string, c:Inline[]}} Inline
 * @typedef {{t:'p', c:Inline[]}|{t:'h', level:number, c:Inline[]}|{t:'code', lang:string, v:string}
 *   |{t:'quote', c:Block[]}|{t:'list', ordered:boolean, start:number, items:Block[][]}|{t:'hr'}
 *   |{t:'table', align:(''|'left'|'center'|'right')[], head:Inline[][], rows:Inline[][][]}} Block
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

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}>[ \t]?/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)(.*)$/;
const TABLE_SEP = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/**
 * @param {string} text
 * @returns {Block[]}
 */
export function parseMarkdown(text) {
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n');
  return parseBlocks(lines, 0);
}

/** @param {string} line */
const isBlank = (line) => line.trim() === '';

/**
 * @param {string[]} lines
 * @param {number} depth nesting depth (bounded to keep hostile input cheap)
 * @returns {Block[]}
 */
function parseBlocks(lines, depth) {
  /** @type {Block[]} */
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) { i++; continue; }

    let m = FENCE.exec(line);
    if (m) {
      const marker = m[1];
      const body = [];
      const indent = line.length - line.trimStart().length;
      i++;
      while (i < lines.length) {
        const l = lines[i];
        const close = l.trim();
        if (close.startsWith(marker[0].repeat(marker.length)) && /^(`+|~+)$/.test(close) && close[0] === marker[0]) { i++; break; }
        body.push(indent ? l.replace(new RegExp(`^ {0,${indent}}`), '') : l);
        i++;
      }
      blocks.push({ t: 'code', lang: m[2] || '', v: body.join('\n') });
      continue;
    }

    m = HEADING.exec(line);
    if (m) {
      blocks.push({ t: 'h', level: m[1].length, c: parseInline(m[2] ?? '') });
      i++;
      continue;
    }

    if (HR.test(line)) { blocks.push({ t: 'hr' }); i++; continue; }

    if (QUOTE.test(line)) {
      const inner = [];
      while (i < lines.length && !isBlank(lines[i]) && (QUOTE.test(lines[i]) || inner.length)) {
        if (QUOTE.test(lines[i])) inner.push(lines[i].replace(QUOTE, ''));
        else if (startsBlock(lines[i])) break;
        else inner.push(lines[i]);
        i++;
      }
      blocks.push({ t: 'quote', c: depth < 8 ? parseBlocks(inner, depth + 1) : [{ t: 'p', c: parseInline(inner.join('\n')) }] });
      continue;
    }

    m = LIST_ITEM.exec(line);
    if (m) {
      const { block, next } = parseList(lines, i, depth);
      blocks.push(block);
      i = next;
      continue;
    }

    if (line.includes('|') && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      const head = splitRow(line);
      const align = splitRow(lines[i + 1]).map((c) => {
        const l = c.startsWith(':'), r = c.endsWith(':');
        return /** @type {''|'left'|'center'|'right'} */ (l && r ? 'center' : r ? 'right' : l ? 'left' : '');
      });
      if (head.length === align.length) {
        i += 2;
        const rows = [];
        while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|')) {
          const cells = splitRow(lines[i]);
          rows.push(head.map((_, k) => parseInline(cells[k] ?? '')));
          i++;
        }
        blocks.push({ t: 'table', align, head: head.map((c) => parseInline(c)), rows });
        continue;
      }
    }

    // paragraph: until a blank line or the start of another block
    const para = [line];
    i++;
    while (i < lines.length && !isBlank(lines[i]) && !startsBlock(lines[i])) {
      para.push(lines[i]);
      i++;
    }
    blocks.push({ t: 'p', c: parseInline(para.map((l) => l.replace(/^ {0,3}/, '')).join('\n')) });
  }
  return blocks;
}

/** @param {string} line */
function startsBlock(line) {
  if (FENCE.test(line) || HEADING.test(line) || HR.test(line) || QUOTE.test(line)) return true;
  const m = LIST_ITEM.exec(line);
  // A numbered line only interrupts a paragraph when it starts at 1 (as CommonMark does).
  return !!(m && m[4].trim() && (/^[-*+]$/.test(m[2]) || /^1[.)]$/.test(m[2])));
}

/** @param {string} row */
function splitRow(row) {
  let s = row.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells = [];
  let cur = '';
  let inCode = false;
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (ch === '\\' && s[k + 1] === '|') { cur += '|'; k++; continue; }
    if (ch === '`') inCode = !inCode;
    if (ch === '|' && !inCode) { cells.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

/**
 * @param {string[]} lines
 * @param {number} start
 * @param {number} depth
 * @returns {{block: Block, next: number}}
 */
function parseList(lines, start, depth) {
  const first = /** @type {RegExpExecArray} */ (LIST_ITEM.exec(lines[start]));
  const ordered = /\d/.test(first[2]);
  const bulletChar = ordered ? first[2].slice(-1) : first[2];
  /** @type {string[][]} */
  const items = [];
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]);
    if (!m) break;
    const isOrdered = /\d/.test(m[2]);
    if (isOrdered !== ordered || (ordered ? m[2].slice(-1) : m[2]) !== bulletChar) break;
    const contentIndent = m[1].length + m[2].length + Math.max(1, Math.min(m[3].length, 4));
    const item = [m[4]];
    i++;
    while (i < lines.length) {
      const l = lines[i];
      if (isBlank(l)) {
        // a blank line continues the item only if an indented line follows
        let k = i + 1;
        while (k < lines.length && isBlank(lines[k])) k++;
        if (k < lines.length && indentOf(lines[k]) >= contentIndent) {
          for (; i < k; i++) item.push('');
          continue;
        }
        break;
      }
      if (indentOf(l) >= contentIndent) { item.push(l.slice(contentIndent)); i++; continue; }
      if (LIST_ITEM.test(l) || startsBlock(l)) break;
      item.push(l.trimStart()); // lazy continuation of the item's paragraph
      i++;
    }
    items.push(item);
    // blank lines between items keep the list going
    let k = i;
    while (k < lines.length && isBlank(lines[k])) k++;
    if (k > i && k < lines.length && LIST_ITEM.test(lines[k]) && indentOf(lines[k]) < 4) i = k;
  }
  const block = /** @type {Block} */ ({
    t: 'list',
    ordered,
    start: ordered ? parseInt(first[2], 10) : 1,
    items: items.map((item) => (depth < 8 ? parseBlocks(item, depth + 1) : [{ t: 'p', c: parseInline(item.join('\n')) }])),
  });
  return { block, next: i };
}

/** @param {string} line */
function indentOf(line) {
  return line.length - line.trimStart().length;
}

const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const URL_START = /^https?:\/\/[^\s<>"]+/;

/**
 * @param {string} text
 * @param {number} [depth]
 * @returns {Inline[]}
 */
export function parseInline(text, depth = 0) {
  /** @type {Inline[]} */
  const out = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push({ t: 'text', v: buf });
    buf = '';
  };
  const s = String(text);
  /** @type {Map<string, number>} delimiter → a position after which it has no closer (keeps scans linear) */
  const noCloser = new Map();
  let i = 0;
  while (i < s.length) {
    const ch = s[i];

    if (ch === '\\' && i + 1 < s.length) {
      if (s[i + 1] === '\n') { flush(); out.push({ t: 'br' }); i += 2; continue; }
      if (PUNCT.test(s[i + 1])) { buf += s[i + 1]; i += 2; continue; }
    }

    if (ch === '\n') {
      buf = buf.replace(/ +$/, '');
      flush();
      out.push({ t: 'br' });
      i++;
      continue;
    }

    if (ch === '`') {
      let n = 1;
      while (s[i + n] === '`') n++;
      const fence = '`'.repeat(n);
      let j = s.indexOf(fence, i + n);
      while (j !== -1 && s[j + n] === '`') {
        let k = j;
        while (s[k] === '`') k++;
        j = s.indexOf(fence, k);
      }
      if (j !== -1) {
        let code = s.slice(i + n, j).replace(/\n/g, ' ');
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim()) code = code.slice(1, -1);
        flush();
        out.push({ t: 'code', v: code });
        i = j + n;
        continue;
      }
      buf += fence;
      i += n;
      continue;
    }

    if (ch === '!' && s[i + 1] === '[') {
      const link = parseLinkAt(s, i + 1, depth);
      if (link) {
        flush();
        out.push(...link.nodes);
        i = link.end;
        continue;
      }
    }

    if (ch === '[') {
      const link = parseLinkAt(s, i, depth);
      if (link) {
        flush();
        out.push(...link.nodes);
        i = link.end;
        continue;
      }
    }

    if (ch === '<') {
      const m = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/.exec(s.slice(i));
      if (m && safeUrl(m[1])) {
        flush();
        out.push({ t: 'link', href: /** @type {string} */ (safeUrl(m[1])), c: [{ t: 'text', v: m[1] }] });
        i += m[0].length;
        continue;
      }
    }

    if ((ch === 'h' || ch === 'H') && (i === 0 || !/[\w/]/.test(s[i - 1]))) {
      const m = URL_START.exec(s.slice(i));
      if (m) {
        let url = m[0];
        // trailing punctuation is the sentence's, not the URL's; so is an unbalanced ")"
        while (/[.,:;!?'"*_~]$/.test(url) || (url.endsWith(')') && count(url, '(') < count(url, ')'))) url = url.slice(0, -1);
        const href = safeUrl(url);
        if (href) {
          flush();
          out.push({ t: 'link', href, c: [{ t: 'text', v: url }] });
          i += url.length;
          continue;
        }
      }
    }

    if ((ch === '*' || ch === '_' || ch === '~') && depth < 6) {
      const em = parseEmphasisAt(s, i, depth, noCloser);
      if (em) {
        flush();
        out.push(em.node);
        i = em.end;
        continue;
      }
      // a run of delimiters that does not open anything is plain text
      let n = 1;
      while (s[i + n] === ch) n++;
      buf += s.slice(i, i + n);
      i += n;
      continue;
    }

    buf += ch;
    i++;
  }
  flush();
  return out;
}

/**
 * @param {string} s
 * @param {string} ch
 */
function count(s, ch) {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/**
 * `[text](url)` (or `![alt](src)` from the "!") starting at the "[".
 * @param {string} s
 * @param {number} i
 * @param {number} depth
 * @returns {{nodes: Inline[], end: number}|null}
 */
function parseLinkAt(s, i, depth) {
  let level = 0;
  let j = i;
  const limit = Math.min(s.length, i + 1000); // link texts are short; this bounds the scan
  for (; j < limit; j++) {
    if (s[j] === '\\') { j++; continue; }
    if (s[j] === '[') level++;
    else if (s[j] === ']') { level--; if (level === 0) break; }
    else if (s[j] === '\n' && s[j + 1] === '\n') return null;
  }
  if (j >= limit || s[j + 1] !== '(') return null;
  const m = /^\(\s*<?([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/.exec(s.slice(j + 1));
  if (!m) return null;
  const label = s.slice(i + 1, j);
  const isImage = s[i - 1] === '!';
  const href = safeUrl(m[1]);
  const end = j + 1 + m[0].length;
  const children = isImage ? [{ t: /** @type {const} */ ('text'), v: label || 'image' }] : parseInline(label, depth + 1);
  // an unsafe or relative target keeps the words and drops the link
  if (!href) return { nodes: children, end };
  return { nodes: [{ t: 'link', href, c: children }], end };
}

/**
 * `*x*`, `_x_`, `**x**`, `__x__`, `***x***`, `~~x~~` starting at i.
 * @param {string} s
 * @param {number} i
 * @param {number} depth
 * @param {Map<string, number>} noCloser
 * @returns {{node: Inline, end: number}|null}
 */
function parseEmphasisAt(s, i, depth, noCloser) {
  const ch = s[i];
  let n = 1;
  while (s[i + n] === ch) n++;
  if (ch === '~' && n !== 2) return null;
  if (n > 3) return null;
  const after = s[i + n];
  if (after === undefined || /\s/.test(after)) return null; // must be followed by non-space
  if (ch === '_' && i > 0 && /[\p{L}\p{N}]/u.test(s[i - 1])) return null; // snake_case stays text
  const delim = ch.repeat(n);
  const hopeless = noCloser.get(delim);
  if (hopeless !== undefined && i >= hopeless) return null;
  let j = i + n;
  while (true) {
    j = s.indexOf(delim, j);
    if (j === -1) {
      // whether a closer qualifies does not depend on the opener: later openers will not find one either
      noCloser.set(delim, i);
      return null;
    }
    const before = s[j - 1];
    const next = s[j + n];
    const closes = !/\s/.test(before) && next !== ch && j > i + n
      && !(ch === '_' && next !== undefined && /[\p{L}\p{N}]/u.test(next));
    if (closes && !(n === 1 && s[j - 1] === ch)) break;
    j += 1;
  }
  const inner = s.slice(i + n, j);
  if (inner.includes('\n\n')) return null;
  const children = parseInline(inner, depth + 1);
  /** @type {Inline} */
  let node;
  if (ch === '~') node = { t: 'del', c: children };
  else if (n === 1) node = { t: 'em', c: children };
  else if (n === 2) node = { t: 'strong', c: children };
  else node = { t: 'strong', c: [{ t: 'em', c: children }] };
  return { node, end: j + n };
}

/**
 * Plain text of inline nodes (for titles, previews and tests).
 * @param {Inline[]} nodes
 * @returns {string}
 */
export function inlineText(nodes) {
  return nodes.map((n) => (n.t === 'text' || n.t === 'code' ? n.v : n.t === 'br' ? '\n' : inlineText(n.c))).join('');
}
