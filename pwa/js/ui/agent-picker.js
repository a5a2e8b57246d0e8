// The agent picker of a new conversation: one button per agent the server offers, the chosen one
// pressed (agent-choice.js decides; the words are screen-text.js's). Buttons carry
// data-action="pick-agent" and data-agent; controller/agent-picker.js handles them.

import { clear, h } from './dom.js';
import { AGENT_PICKER, agentName } from '../screen-text.js';

/**
 * @param {HTMLElement} container
 * @param {import('../agent-choice.js').AgentPicker} picker
 */
export function renderAgentPicker(container, picker) {
  container.hidden = !picker.show;
  clear(container);
  if (!picker.show) return;
  container.append(
    h('span', { class: 'agent-picker-label', id: 'agent-picker-label', text: AGENT_PICKER.label }),
    h('div', { class: 'agent-options', role: 'radiogroup', 'aria-labelledby': 'agent-picker-label', title: AGENT_PICKER.help },
      picker.options.map((o) => h('button', {
        type: 'button',
        class: `agent-option${o.selected ? ' on' : ''}`,
        role: 'radio',
        'aria-checked': o.selected ? 'true' : 'false',
        dataset: { action: 'pick-agent', agent: o.id },
        text: agentName(o.id),
      }))));
}
