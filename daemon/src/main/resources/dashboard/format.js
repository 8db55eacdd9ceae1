// Formatting of times, durations and JSON for display. Pure functions, text out.

export function ago(ms, now = Date.now()) {
  if (ms === null || ms === undefined) return '';
  const d = now - ms;
  return d >= 0 ? duration(d) + ' ago' : 'in ' + duration(-d);
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return Math.round(ms) + ' ms';
  const s = ms / 1000;
  if (s < 60) return (s < 10 ? s.toFixed(1) : Math.round(s)) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 < 1 ? m + ' min' : m + ' min ' + Math.floor(s % 60) + ' s';
  const hours = Math.floor(m / 60);
  if (hours < 48) return m % 60 ? hours + ' h ' + (m % 60) + ' min' : hours + ' h';
  return Math.floor(hours / 24) + ' d';
}

export function clock(ms) {
  if (ms === null || ms === undefined) return '';
  const d = new Date(ms);
  const today = new Date();
  const time = d.toLocaleTimeString([], {hour12: false});
  return d.toDateString() === today.toDateString() ? time : d.toLocaleDateString() + ' ' + time;
}

export function iso(ms) {
  return ms === null || ms === undefined ? '' : new Date(ms).toISOString();
}

export function json(value) {
  if (value === null || value === undefined) return '—';
  return JSON.stringify(value, null, 2);
}

/** One line of JSON, cut to n characters, for table cells. */
export function brief(value, n = 80) {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

export function count(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString();
}
