// Talks to the daemon's REST API with the session cookie the login link set. Requests that change
// something carry the header the daemon asks of cookie requests (http/Auth.CSRF_HEADER): another
// page cannot send a custom header here without a CORS preflight, which the daemon never grants.

const CSRF = ['X-Coordd', '1'];

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

/** Listeners told about every answer (ok or not) so the page can show the daemon's reachability. */
const reachability = new Set();
export function onReachability(fn) {
  reachability.add(fn);
}
function tell(ok, status) {
  for (const fn of reachability) fn(ok, status);
}

async function request(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers[CSRF[0]] = CSRF[1];
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    tell(false, 0);
    throw new ApiError(0, 'cannot reach the daemon: ' + e.message);
  }
  tell(response.status !== 502 && response.status !== 503 && response.status !== 504, response.status);
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = {error: text};
    }
  }
  if (!response.ok) {
    // the daemon's errors are {"error": {"code", "message", "field"?}}
    const message = data?.error?.message || data?.error || response.statusText;
    throw new ApiError(response.status, String(message), data?.error?.field);
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body ?? {});

/** The items of a page ({items, next}); a bare array as it is. */
export function items(answer) {
  if (Array.isArray(answer)) return answer;
  if (!answer) return [];
  return Array.isArray(answer.items) ? answer.items : [];
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const enc = encodeURIComponent;
