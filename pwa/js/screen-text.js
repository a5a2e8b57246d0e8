// What the screen says around the conversation, in plain words: the header, the empty screen, the
// "working" bar, the connection chip and banner, the sidebar's footer, and the toasts (NOTICE).
// Pure: controller/render.js and controller/notices.js put these strings on the page.

import { describe as describeConnection } from './connection-machine.js';
import { oneLine } from './format.js';

/** Toasts: short notices that go away by themselves. */
export const NOTICE = Object.freeze({
  historyReplaced: 'The server’s history was replaced; this conversation was reloaded from it.',
  refusedRequest: 'The server refused a request.',
  notStored: 'This device could not store the message, so it was not sent. Check the browser’s storage settings.',
  noStorage: 'This browser does not let the app store data, so nothing survives a reload.',
  recoverOffline: 'Not connected. Try again once the connection is back.',
  recoverRetry: 'Looking for the previous session…',
  recoverNew: 'Starting a new session…',
  stopOffline: 'Not connected: the agent keeps working. Try Stop again once the connection is back.',
  deleteOffline: 'Deleting needs a connection to the server.',
  checkingUpdate: 'Checking for a new version…',
  serverUnreachable: 'The server cannot be reached right now.',
  answerNotStored: 'This device could not store your answer, so it was not sent. Check the browser’s storage settings.',
  approvalGone: 'That request is no longer waiting for an answer.',
  answeredElsewhere: 'Answered on another device first:',
  modeOffline: 'The new mode is sent once the connection is back.',
  revokeOffline: 'Revoking a rule needs a connection to the server.',
});

/** The project picker of a new conversation and the list's project filter. */
export const PROJECT_WORDS = Object.freeze({
  all: 'All projects',
  pick: 'Project',
  filter: 'Show',
});

export const SESSION_WORDS = Object.freeze({
  show: 'Continue a terminal session',
  heading: 'Sessions in this project',
  hint: 'Claude sessions started in a terminal in this project. Continuing one brings its whole conversation here.',
  loading: 'Looking for sessions…',
  none: 'No Claude sessions in this project yet.',
  failed: 'The sessions could not be listed. Check the connection and try again.',
  untitled: '(no prompt)',
  oneMessage: '1 message',
  messages: '{n} messages',
  continue: 'Continue here',
  open: 'Open',
});

export const STATUS_WORDS = Object.freeze({
  idle: 'Idle',
  running: 'Working…',
  interrupted: 'Last turn interrupted',
  expired: 'Inactive: a new message wakes it',
});

/**
 * The line under the title: "claude agent · Idle".
 * @param {{agent: string|null, pendingNew: boolean, hasMessages: boolean, status: string}} c
 *   hasMessages: a new conversation holds queued messages
 */
export function headerSubtitle({ agent, pendingNew, hasMessages, status }) {
  const words = pendingNew
    ? (hasMessages ? 'Waiting for the server' : 'New')
    : STATUS_WORDS[/** @type {keyof typeof STATUS_WORDS} */ (status)] ?? status;
  return [agent ? `${agent} agent` : '', words].filter(Boolean).join(' · ');
}

/**
 * The tab's title: the conversation's, or, while the agent waits for an answer, that first.
 * @param {string} title  the conversation's title, '' for none
 * @param {number} [waiting]  approvals waiting for an answer
 */
export function pageTitle(title, waiting = 0) {
  if (waiting > 0) return `(${waiting}) Approval needed · swe-swe`;
  return title ? `${oneLine(title, 40)} · swe-swe` : 'swe-swe';
}

// ---- approvals and permission modes

/** The permission modes in words: the header chip, and the menu's line about each. */
export const MODE_WORDS = Object.freeze({
  default: { chip: 'Asks first', title: 'Ask first', help: 'The agent asks before it edits a file or runs a command.' },
  acceptEdits: { chip: 'Accepts edits', title: 'Accept edits', help: 'Edits files in the project without asking; asks before other commands.' },
  plan: { chip: 'Plan', title: 'Plan only', help: 'Reads and plans, changes nothing; asks you to approve the plan first.' },
  bypassPermissions: { chip: 'Bypass', title: 'Bypass approvals', help: 'Never asks: every edit and command runs at once.' },
});

/**
 * @param {string} mode
 * @returns {{chip: string, title: string, help: string}}
 */
export function modeWords(mode) {
  return /** @type {Record<string, {chip: string, title: string, help: string}>} */ (MODE_WORDS)[mode] ?? { chip: mode, title: mode, help: '' };
}

/** The words on an approval card. */
export const APPROVAL = Object.freeze({
  allow: 'Allow',
  allowAlways: 'Allow always',
  deny: 'Deny',
  denySend: 'Deny',
  back: 'Back',
  reasonLabel: 'Reason (optional, told to the agent)',
  reasonPlaceholder: 'e.g. not now, run the unit tests only',
  submit: 'Submit',
  skip: 'Don’t answer',
  other: 'Other',
  otherPlaceholder: 'Type another answer',
  approvePlan: 'Approve',
  keepPlanning: 'Keep planning',
  planReasonLabel: 'What should change? (optional, told to the agent)',
  pickOne: 'Choose one',
  pickMany: 'Choose any',
  more: (/** @type {number} */ n) => `${n} more waiting`,
});

/**
 * The card's heading: what the agent asks.
 * @param {{tool: string, approval_kind: string}} a
 */
export function approvalHeading({ tool, approval_kind: kind }) {
  if (kind === 'question') return 'The agent asks';
  if (kind === 'plan') return 'Approve the plan?';
  switch (tool) {
    case 'Bash': return 'Run this command?';
    case 'Write': return 'Write this file?';
    case 'Edit': case 'MultiEdit': return 'Edit this file?';
    case 'ApplyPatch': return 'Apply these changes?';
    case 'WebFetch': return 'Fetch this page?';
    case 'WebSearch': return 'Search the web?';
    default: return `Allow ${tool}?`;
  }
}

/** What a tapped answer waits for, on the card. */
export const ANSWER_STATE = Object.freeze({
  queued: 'waits for the network',
  sending: 'sending…',
  acked: 'sent',
});

/**
 * The card once answered here and not yet in the log: "Allow — sending…".
 * @param {string} decision
 * @param {'queued'|'sending'|'acked'} state
 * @param {string} kind  the approval's kind
 */
export function answerPending(decision, state, kind) {
  return `${decisionWord(decision, kind)} — ${ANSWER_STATE[state]}`;
}

/**
 * @param {string} decision
 * @param {string} kind
 */
function decisionWord(decision, kind) {
  if (kind === 'plan') return decision === 'deny' ? APPROVAL.keepPlanning : APPROVAL.approvePlan;
  if (kind === 'question') return decision === 'deny' ? APPROVAL.skip : 'Answer';
  return decision === 'deny' ? APPROVAL.deny : decision === 'allow_always' ? APPROVAL.allowAlways : APPROVAL.allow;
}

const CANCEL_REASON = Object.freeze({
  withdrawn: 'the agent withdrew the request',
  stopped: 'the turn was stopped',
  interrupted: 'the agent’s process ended',
});

/**
 * An approval in the log, in one line: "Allowed: npm test", "Denied: rm -rf build — not now",
 * "Cancelled: the turn was stopped", "Allowed (always): npm test".
 * @param {import('./view-model.js').ApprovalItem} a
 * @returns {{text: string, tone: 'wait'|'ok'|'bad'|'muted'}}
 */
export function approvalRecord(a) {
  const subject = a.subject;
  const on = (/** @type {string} */ verb) => (subject ? `${verb}: ${subject}` : verb);
  if (a.state === 'pending') {
    const what = a.approval_kind === 'plan' ? 'the plan' : a.approval_kind === 'question' ? subject : subject ? `${a.tool} · ${subject}` : a.tool;
    return { text: `Waiting for your answer: ${what || a.tool}`, tone: 'wait' };
  }
  if (a.state === 'cancelled') return { text: `Cancelled: ${CANCEL_REASON[/** @type {keyof typeof CANCEL_REASON} */ (a.reason ?? 'withdrawn')] ?? a.reason}`, tone: 'muted' };
  const reason = a.message ? ` — ${oneLine(a.message, 200)}` : '';
  if (a.approval_kind === 'question') {
    if (a.state === 'denied') return { text: `Not answered${reason}`, tone: 'muted' };
    const answers = a.answers && typeof a.answers === 'object' ? Object.values(a.answers).map((v) => (Array.isArray(v) ? v.join(', ') : String(v))) : [];
    return { text: `Answered: ${oneLine(answers.join('; '), 160) || subject}`, tone: 'ok' };
  }
  if (a.approval_kind === 'plan') {
    return a.state === 'denied' ? { text: `Kept planning${reason}`, tone: 'muted' } : { text: 'Plan approved', tone: 'ok' };
  }
  if (a.state === 'denied') {
    if (a.by === 'timeout') return { text: `${on('Denied (no answer in time)')}${reason}`, tone: 'bad' };
    return { text: `${on('Denied')}${reason}`, tone: 'bad' };
  }
  if (a.by === 'rule') return { text: on('Allowed (always)'), tone: 'ok' };
  return { text: on(a.state === 'allowed_always' ? 'Allowed always' : 'Allowed'), tone: 'ok' };
}

/**
 * The empty conversation: an invitation, or (for one the server has but this device not yet) a wait.
 * @param {{pendingNew: boolean, headSeq: number}} c
 * @returns {{heading: string, text: string}}
 */
export function emptyScreen({ pendingNew, headSeq }) {
  if (!pendingNew && headSeq > 0) {
    return {
      heading: 'Not on this device yet',
      text: 'This conversation’s history loads as soon as the server can be reached.',
    };
  }
  return {
    heading: 'What should the agent do?',
    text: 'Describe a task. Replies stream in here, and the conversation stays on this device: close the app, lose the network, come back later.',
  };
}

/**
 * The bar shown while a turn runs, and its Stop button.
 * @param {{stopping: boolean, queuedTurns: number}} c
 * @returns {{label: string, stop: string}}
 */
export function workingText({ stopping, queuedTurns }) {
  if (stopping) return { label: 'Stopping…', stop: 'Stopping…' };
  return { label: `The agent is working…${queuedTurns ? ` (${queuedTurns} more queued)` : ''}`, stop: 'Stop' };
}

/**
 * @typedef {object} ConnectionText
 * @property {string} label  the chip's words
 * @property {'ok'|'busy'|'warn'|'bad'|'idle'} tone
 * @property {string} title  the chip's tooltip
 * @property {{show: boolean, tone: 'bad'|'warn', text: string}} banner  the bar under the header
 */

/**
 * The connection chip and banner. A new conversation has no socket until it has something to
 * send: it reads "Ready" (or "Offline"), not "idle".
 * @param {import('./connection-machine.js').ConnState} state
 * @param {number} now
 * @param {{pendingNew: boolean, online: boolean}} c
 * @returns {ConnectionText}
 */
export function connectionText(state, now, { pendingNew, online }) {
  const d = describeConnection(state, now);
  let { label, tone } = d;
  if (state.phase === 'idle' && pendingNew) {
    label = online ? 'Ready' : 'Offline';
    tone = online ? 'idle' : 'warn';
  }
  const phase = state.phase;
  const show = phase === 'failed' || phase === 'offline' || (phase === 'reconnecting' && state.attempt >= 3);
  const text = phase === 'failed'
    ? 'Cannot reach the server. Your messages stay on this device until it answers.'
    : phase === 'offline'
      ? 'You are offline. Messages you send wait on this device and go out when the network is back.'
      : `The server does not answer. ${label}.`;
  return {
    label,
    tone,
    title: d.retry ? `${label}. Tap to retry now.` : label,
    banner: { show, tone: phase === 'failed' ? 'bad' : 'warn', text },
  };
}

/** The agents' names, as people call them. */
const AGENT_NAMES = Object.freeze({ claude: 'Claude', codex: 'Codex', demo: 'Demo' });

/**
 * "codex" → "Codex"; an agent this app does not know keeps its id.
 * @param {string} id
 */
export function agentName(id) {
  return /** @type {Record<string, string>} */ (AGENT_NAMES)[id] ?? id;
}

/** The agent picker of a new conversation (ui/agent-picker.js). */
export const AGENT_PICKER = Object.freeze({
  label: 'Agent',
  help: 'Which agent answers in this conversation. It keeps it.',
});

/**
 * What the server offers: "claude agent · server 0.1.0", or with several "claude and codex agents ·
 * server 0.1.0" (its default first); nothing before the server said which agents it runs.
 * @param {string[]} agents
 * @param {string|null} serverVersion
 */
export function sidebarFoot(agents, serverVersion) {
  if (!agents.length) return '';
  const names = agents.length === 1 ? `${agents[0]} agent` : `${agents.slice(0, -1).join(', ')} and ${agents[agents.length - 1]} agents`;
  return `${names}${serverVersion ? ` · server ${serverVersion}` : ''}`;
}

/** The "Notify me" switch in the details sheet (controller/notify.js), and why it may be off. */
export const NOTIFY = Object.freeze({
  label: 'Notify me when the agent needs me or finishes',
  on: 'Notifications are on for this device. They come only for conversations you are not looking at.',
  off: 'Get a notification when the agent asks for an approval or finishes a turn while the app is closed.',
  denied: 'Notifications are blocked for this site. Allow them in the browser’s site settings, then try again.',
  insecure: 'Notifications need HTTPS. Reach swe-swe over https:// (see “Use it from your phone” in the README).',
  ios_not_installed: 'On iPhone and iPad, notifications work only in the installed app: Share → Add to Home Screen, then open it from there.',
  unsupported: 'This browser cannot show push notifications.',
  no_push_contact: 'Notifications are off on this server. Start swe-swe with --push-contact mailto:you@your-domain (a real address: Apple refuses placeholders).',
  failed: 'Notifications could not be turned on:',
});

/** The sign-in screen's box: a link, the token, or a pairing code from `swe-swe pair`. */
export const SIGN_IN = Object.freeze({
  label: 'Sign-in link, token or pairing code',
  placeholder: 'e.g. K7M3Q-X9PAB',
  button: 'Sign in',
  help: 'In the installed app, run swe-swe pair on the computer and type the code it prints. Or paste the link swe-swe printed.',
  empty: 'Type the pairing code, or paste the link or the token.',
  invalid: 'That is not a sign-in link, a token or a pairing code.',
  wrongCode: 'That code is wrong, used or expired. Run swe-swe pair for a new one.',
  locked: 'Too many wrong codes. Run swe-swe pair on the computer for a new one.',
});

/** The composer's suggestions: `@` files of the project, `/` the agent's commands (controller/suggestions.js). */
export const SUGGEST_WORDS = Object.freeze({
  files: 'Files in this project',
  commands: 'Commands',
  searching: 'Looking for files…',
  noFiles: 'No file matches.',
  offline: 'Files cannot be listed offline.',
  noProject: 'This conversation’s project is not known on this device yet.',
  failed: 'The files could not be listed.',
  noCommands: 'No command matches.',
  commandsUnknown: 'The agent’s commands are listed here once it has answered a message.',
  more: 'More match: type more of the name.',
});
