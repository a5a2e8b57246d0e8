// The sign-in screen's box: a pairing code (POST /api/pair sets the cookie), or a link or token
// pasted (the server's ?token= redirect sets it). The installed app on iOS shares no cookies with
// Safari, so this is how it signs in without the token being typed. Loaded on the first submit.

import * as api from '../api.js';
import { parseSignIn } from '../push.js';
import { SIGN_IN } from '../screen-text.js';
import { $ } from './elements.js';

/**
 * The box was submitted (controller/on-demand.js binds the form and prevents its default at once).
 * @param {() => Promise<void>} retry  what "Try again" does: list the conversations, reconnect
 */
export async function submitSignIn(retry) {
  const input = /** @type {HTMLInputElement} */ ($('auth-input'));
  const error = $('auth-error');
  const say = (/** @type {string} */ text) => { error.textContent = text; error.hidden = !text; };
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
}
