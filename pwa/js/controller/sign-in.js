// The sign-in screen's box: a pairing code (POST /api/pair sets the cookie), or a link or token
// pasted (the server's ?token= redirect sets it). The installed app on iOS shares no cookies with
// Safari, so this is how it signs in without the token being typed.

import * as api from '../api.js';
import { parseSignIn } from '../push.js';
import { SIGN_IN } from '../screen-text.js';
import { $ } from './elements.js';

/**
 * @param {() => Promise<void>} retry  what "Try again" does: list the conversations, reconnect
 */
export function bindSignIn(retry) {
  const form = /** @type {HTMLFormElement} */ ($('auth-form'));
  const input = /** @type {HTMLInputElement} */ ($('auth-input'));
  const error = $('auth-error');
  const say = (/** @type {string} */ text) => { error.textContent = text; error.hidden = !text; };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const parsed = parseSignIn(input.value);
    if (parsed.kind === 'empty') return say(SIGN_IN.empty);
    if (parsed.kind === 'invalid') return say(SIGN_IN.invalid);
    if (parsed.kind === 'token') {
      location.assign(`/?token=${encodeURIComponent(parsed.token)}${location.hash}`);
      return;
    }
    const res = await api.call('/api/pair', { method: 'POST', body: JSON.stringify({ code: parsed.code }) });
    if (res.ok) {
      input.value = '';
      say('');
      await retry();
    } else if (res.status === 429) say(SIGN_IN.locked);
    else if (res.reason === 'offline') say(res.message);
    else say(SIGN_IN.wrongCode);
  });
}
