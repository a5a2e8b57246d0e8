// The conversation list as a drawer on narrow screens: opened by the menu button, closed by its
// close button, the scrim, Escape, or opening a conversation. (On wide screens it is always shown.)

import { $, els } from './elements.js';

function openSidebar() {
  els.app.classList.add('sidebar-open');
  els.scrim.hidden = false;
  $('open-sidebar').setAttribute('aria-expanded', 'true');
}

export function closeSidebar() {
  els.app.classList.remove('sidebar-open');
  els.scrim.hidden = true;
  $('open-sidebar').setAttribute('aria-expanded', 'false');
}

export function bindSidebar() {
  $('open-sidebar').addEventListener('click', openSidebar);
  $('close-sidebar').addEventListener('click', closeSidebar);
  els.scrim.addEventListener('click', closeSidebar);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && els.app.classList.contains('sidebar-open')) closeSidebar();
  });
}
