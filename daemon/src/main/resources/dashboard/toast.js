// A short message in the corner, read out by screen readers (role=status).
import {$} from './dom.js';

let timer = null;

export function toast(message, bad = false) {
  const el = $('toast');
  el.textContent = message;
  el.classList.toggle('bad', bad);
  el.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => (el.hidden = true), bad ? 8000 : 3500);
}
