// Formatting helpers shared by the view model and the views. Pure.

/**
 * 850 → "0.9 s", 3400 → "3.4 s", 125000 → "2 min 5 s", 3_720_000 → "1 h 2 min".
 * @param {number} ms
 */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 60000) {
    const s = ms / 1000;
    return `${s < 10 ? (Math.round(ms / 100) / 10).toFixed(1) : Math.round(s)} s`;
  }
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60), s = totalS % 60;
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const h = Math.floor(totalS / 3600), m = Math.floor((totalS % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/**
 * 0 → "$0.00", 0.0042 → "$0.0042", 0.123 → "$0.12", 12.5 → "$12.50".
 * @param {number} usd
 */
export function formatCost(usd) {
  if (!Number.isFinite(usd) || usd < 0) return '';
  if (usd > 0 && usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/**
 * 950 → "950 tokens", 12345 → "12.3k tokens", 2_500_000 → "2.5M tokens".
 * @param {number} n
 */
export function formatTokens(n) {
  if (!Number.isFinite(n) || n < 0) return '';
  const round = (/** @type {number} */ x) => (x < 100 ? Math.round(x * 10) / 10 : Math.round(x));
  const words = n < 1000 ? String(Math.round(n)) : n < 1e6 ? `${round(n / 1000)}k` : `${round(n / 1e6)}M`;
  return `${words} token${n === 1 ? '' : 's'}`;
}

/**
 * "just now", "5 min ago", "3 h ago", "yesterday", or a date.
 * @param {number} ts
 * @param {number} now
 */
export function formatRelative(ts, now) {
  if (!Number.isFinite(ts) || ts <= 0) return '';
  const d = Math.max(0, now - ts);
  if (d < 45000) return 'just now';
  if (d < 3600000) return `${Math.max(1, Math.round(d / 60000))} min ago`;
  if (d < 86400000) return `${Math.round(d / 3600000)} h ago`;
  if (d < 2 * 86400000) return 'yesterday';
  const date = new Date(ts);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(undefined, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
}

/** One formatter for every clock shown (toLocaleTimeString would build one per call, per item). */
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * "14:05"
 * @param {number} ts
 */
export function formatClock(ts) {
  if (!Number.isFinite(ts) || ts <= 0) return '';
  return CLOCK.format(ts);
}

/**
 * First line, whitespace collapsed, cut to `max` characters with an ellipsis.
 * @param {unknown} value
 * @param {number} [max]
 */
export function oneLine(value, max = 100) {
  if (value == null) return '';
  const s = String(value).replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1).trimEnd() + '…' : s;
}

/** "src/app/main.js" → "main.js". @param {string} path */
export function baseName(path) {
  return String(path).split('/').filter(Boolean).pop() ?? String(path);
}

/**
 * A path as the user reads it in their project: relative to the project's folder when under it
 * ("/home/me/app/src/a.js" under "/home/me/app" → "src/a.js"), else as given. Agents name files by
 * absolute path, which on a phone is mostly the folder the user already knows.
 * @param {string} path
 * @param {string|null|undefined} root  the project's folder
 */
export function relativePath(path, root) {
  const p = String(path ?? '');
  const r = typeof root === 'string' ? root.replace(/\/+$/, '') : '';
  if (!r || !p.startsWith(r + '/')) return p;
  return p.slice(r.length + 1) || p;
}

/** @param {string} path */
function shortPath(path) {
  const parts = String(path).split('/').filter(Boolean);
  return parts.length > 3 ? '…/' + parts.slice(-3).join('/') : String(path);
}

/**
 * A one-line summary of a tool call's input, e.g. Bash → its description or command.
 * @param {string} name
 * @param {any} input
 */
export function toolSummary(name, input) {
  if (!input || typeof input !== 'object') return oneLine(input ?? '');
  const pick = (/** @type {string[]} */ ...keys) => {
    for (const k of keys) if (typeof input[k] === 'string' && input[k].trim()) return input[k];
    return '';
  };
  switch (name) {
    case 'Bash': {
      const desc = pick('description');
      const cmd = pick('command');
      return oneLine(desc && cmd ? `${desc}: ${cmd}` : desc || cmd);
    }
    case 'Read': case 'Write': case 'Edit': case 'MultiEdit': case 'NotebookEdit': case 'NotebookRead':
      return oneLine(shortPath(pick('file_path', 'notebook_path', 'path')));
    case 'Glob':
      return oneLine(pick('pattern') + (input.path ? ` in ${shortPath(input.path)}` : ''));
    case 'Grep':
      return oneLine(`“${pick('pattern')}”` + (input.path ? ` in ${shortPath(input.path)}` : ''));
    case 'LS':
      return oneLine(shortPath(pick('path')));
    case 'WebFetch':
      return oneLine(pick('url'));
    case 'WebSearch':
      return oneLine(pick('query'));
    case 'Task': case 'Agent':
      return oneLine(pick('description', 'prompt'));
    case 'AskUserQuestion':
      return oneLine(Array.isArray(input.questions) ? input.questions[0]?.question ?? '' : '');
    case 'ExitPlanMode':
      return oneLine(String(input.plan ?? '').split('\n').map((l) => l.replace(/^[#>*\-\d.\s]+/, '').trim()).find(Boolean) ?? '');
    case 'ApplyPatch': {
      const paths = Array.isArray(input.changes) ? input.changes.map((/** @type {any} */ c) => baseName(String(c?.path ?? ''))) : [];
      return oneLine(paths.length > 2 ? `${paths.slice(0, 2).join(', ')} and ${paths.length - 2} more` : paths.join(', '));
    }
    case 'TodoWrite':
      return Array.isArray(input.todos) ? `${input.todos.length} item${input.todos.length === 1 ? '' : 's'}` : '';
    default: {
      const first = Object.values(input).find((v) => typeof v === 'string' && v.trim());
      return oneLine(first ?? JSON.stringify(input));
    }
  }
}

/**
 * The readable text of a tool_result's content (a string, or a list of blocks).
 * @param {any} content
 */
export function toolResultText(content) {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) => (b && typeof b === 'object' ? (b.type === 'text' ? String(b.text ?? '') : b.type === 'image' ? '[image]' : '') : String(b)))
      .filter(Boolean)
      .join('\n');
  }
  if (typeof content === 'object' && typeof content.text === 'string') return content.text;
  return JSON.stringify(content);
}

/**
 * A conversation's title for lists.
 * @param {{title?: string}|null|undefined} conversation
 */
export function conversationTitle(conversation) {
  const t = oneLine(conversation?.title ?? '', 80);
  return t || 'New conversation';
}
