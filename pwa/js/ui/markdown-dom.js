// Markdown tree (pwa/js/markdown.js) → DOM nodes. Text only via text nodes; hrefs already vetted.
// The parser (markdown-it) is not part of the first load: until it has arrived, text is drawn as
// plain text (a text node, so just as safe) and the load is started; the controller redraws on
// onFeatureLoaded('markdown').

import { markdown } from '../lazy.js';
import { h } from './dom.js';

/**
 * @param {string} text
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text) {
  const frag = document.createDocumentFragment();
  const md = markdown.get();
  if (!md) {
    frag.appendChild(plainText(text));
    return frag;
  }
  for (const block of md.parseMarkdown(text)) frag.appendChild(renderBlock(block));
  return frag;
}

/**
 * The text as it is, line breaks kept, while the parser loads.
 * @param {string} text
 * @returns {HTMLElement}
 */
function plainText(text) {
  markdown.load().catch(() => {}); // offline and not cached yet: the text stays plain
  return h('p', { class: 'md-plain' }, text);
}

/**
 * A streaming reply rendered into `el`: finished blocks are appended once and kept; only the nodes of
 * the unfinished tail are replaced on each update.
 */
export class LiveMarkdownView {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {import('../markdown.js').LiveMarkdown|null} made once the parser has arrived */
    this.parser = null;
    /** @type {Node[]} */
    this.tailNodes = [];
  }

  /** @param {string} text the whole reply so far */
  update(text) {
    const md = markdown.get();
    if (!md) {
      this.el.replaceChildren(plainText(text));
      return;
    }
    if (!this.parser) {
      this.parser = new md.LiveMarkdown();
      this.el.replaceChildren(); // the plain text drawn before
    }
    const { settledAdded, tail, reset } = this.parser.update(text);
    if (reset) this.el.replaceChildren();
    for (const n of this.tailNodes) n.parentNode?.removeChild(n);
    const frag = document.createDocumentFragment();
    for (const b of settledAdded) frag.appendChild(renderBlock(b));
    this.tailNodes = tail.map(renderBlock);
    for (const n of this.tailNodes) frag.appendChild(n);
    this.el.appendChild(frag);
  }
}

/**
 * @param {import('../markdown.js').Block} b
 * @returns {Node}
 */
function renderBlock(b) {
  switch (b.t) {
    case 'p': return h('p', null, renderInlines(b.c));
    case 'h': return h(`h${Math.min(6, Math.max(1, b.level))}`, null, renderInlines(b.c));
    case 'hr': return h('hr');
    case 'code': {
      const code = h('code', b.lang ? { 'data-lang': b.lang } : null, b.v);
      const wrap = h('div', { class: 'codeblock' }, b.lang ? h('span', { class: 'code-lang', text: b.lang }) : null, h('pre', { tabindex: '0' }, code));
      return wrap;
    }
    case 'quote': return h('blockquote', null, b.c.map(renderBlock));
    case 'list': {
      const items = b.items.map((blocks) => h('li', null, blocks.map((x) => (x.t === 'p' && (x.tight || blocks.length === 1) ? renderInlinesFrag(x.c) : renderBlock(x)))));
      return b.ordered ? h('ol', b.start !== 1 ? { start: String(b.start) } : null, items) : h('ul', null, items);
    }
    case 'table': {
      const cell = (/** @type {string} */ tag, /** @type {any[]} */ c, /** @type {number} */ k) => {
        const el = h(tag, null, renderInlines(c));
        if (b.align[k]) el.style.textAlign = b.align[k]; // a CSSOM property: allowed by a strict CSP
        return el;
      };
      return h('div', { class: 'table-wrap' }, h('table', null,
        h('thead', null, h('tr', null, b.head.map((c, k) => cell('th', c, k)))),
        h('tbody', null, b.rows.map((row) => h('tr', null, row.map((c, k) => cell('td', c, k)))))));
    }
    default: return document.createTextNode('');
  }
}

/** @param {import('../markdown.js').Inline[]} nodes */
function renderInlinesFrag(nodes) {
  const frag = document.createDocumentFragment();
  for (const n of renderInlines(nodes)) frag.appendChild(n);
  return frag;
}

/**
 * @param {import('../markdown.js').Inline[]} nodes
 * @returns {Node[]}
 */
function renderInlines(nodes) {
  return nodes.map((n) => {
    switch (n.t) {
      case 'text': return document.createTextNode(n.v);
      case 'code': return h('code', null, n.v);
      case 'br': return h('br');
      case 'em': return h('em', null, renderInlines(n.c));
      case 'strong': return h('strong', null, renderInlines(n.c));
      case 'del': return h('del', null, renderInlines(n.c));
      case 'link': return h('a', { href: n.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, renderInlines(n.c));
      default: return document.createTextNode('');
    }
  });
}
