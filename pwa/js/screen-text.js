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

/** @param {string} title  the conversation's title, '' for none */
export function pageTitle(title) {
  return title ? `${oneLine(title, 40)} · swe-swe` : 'swe-swe';
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

/**
 * "claude agent · server 0.1.0", or nothing before the server said which agent it runs.
 * @param {string|null} agent
 * @param {string|null} serverVersion
 */
export function sidebarFoot(agent, serverVersion) {
  if (!agent) return '';
  return `${agent} agent${serverVersion ? ` · server ${serverVersion}` : ''}`;
}
