// The "Notify me" switch of the details sheet: drawn from what controller/notify.js knows.

import { h } from './dom.js';
import { NOTIFY } from '../screen-text.js';

/**
 * @param {{on: boolean, busy: boolean, blocker: import('../push.js').PushBlocker, error: string|null}} s
 * @param {(on: boolean) => void} onToggle
 * @returns {HTMLElement}
 */
export function notifySwitch(s, onToggle) {
  const input = /** @type {HTMLInputElement} */ (h('input', {
    type: 'checkbox', id: 'notify-switch', role: 'switch', class: 'switch',
    'aria-describedby': 'notify-help',
  }));
  input.checked = s.on;
  input.disabled = s.busy || (!!s.blocker && !s.on);
  input.addEventListener('change', () => onToggle(input.checked));
  const help = s.error ? `${NOTIFY.failed} ${s.error}` : s.blocker ? NOTIFY[s.blocker] : s.on ? NOTIFY.on : NOTIFY.off;
  return h('div', { id: 'notify', class: 'notify' },
    h('label', { class: 'switch-row', for: 'notify-switch' }, h('span', { text: NOTIFY.label }), input),
    h('p', { id: 'notify-help', class: 'help', text: help }));
}
