// The live feed: Server-Sent Events from /api/stream. Each change marks what it touches as stale;
// stale views are re-read together shortly after (debounced), so a burst of changes costs one
// read per view. The connection is judged lost when the stream errors, the daemon says it is
// stopping, or a read of the API fails; the banner shows until both work again, and then every
// view is re-read.
import {$} from './dom.js';

const DEBOUNCE_MS = 150;
const RETRY_MS = [500, 1000, 2000, 4000, 8000];
// The stream's own kinds of change (the daemon's http/StreamEvent): what each makes stale.
const KINDS = {task: 'task', agent: 'agent', event: 'event', lock: 'lock', invocation: 'invocation', queue: 'queue'};

export class Live {
  /**
   * @param refresh called with {kinds: Set, taskIds: Set} of what went stale, or {all: true}
   */
  constructor(refresh) {
    this.refresh = refresh;
    this.stale = {kinds: new Set(), taskIds: new Set()};
    this.timer = null;
    this.source = null;
    this.retries = 0;
    this.streamOpen = false;
    this.reachable = true;
    this.up = null;
  }

  start() {
    this.connect();
  }

  connect() {
    this.source?.close();
    clearTimeout(this.retryTimer);
    const source = new EventSource('/api/stream');
    this.source = source;
    source.onopen = () => {
      const wasDown = this.up === false;
      this.retries = 0;
      this.streamOpen = true;
      this.reachable = true;
      this.show();
      // Changes made while away are not replayed one by one: every view is read again.
      if (wasDown) this.refresh({all: true});
    };
    source.onerror = () => {
      this.streamOpen = false;
      this.show();
      // EventSource retries by itself after a stream broke; after a failed answer (401, 503,
      // refused) it stops for good, so the page opens a new one, backing off.
      if (source.readyState === EventSource.CLOSED) this.reconnectLater();
    };
    for (const kind of Object.keys(KINDS)) source.addEventListener(kind, (e) => this.onChange(kind, e));
    source.addEventListener('reset', () => this.refresh({all: true}));
    source.addEventListener('stopping', () => {
      this.streamOpen = false;
      this.show();
    });
  }

  reconnectLater() {
    clearTimeout(this.retryTimer);
    const wait = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)];
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  /**
   * What a read of the API said about the daemon. The stream's heartbeats are SSE comments, which
   * a page cannot see, so a stream that died without an error (a vanished machine) shows here
   * first: the page then opens the stream again.
   */
  readResult(ok) {
    if (ok === this.reachable) return;
    this.reachable = ok;
    if (!ok) this.connect();
    this.show();
  }

  onChange(kind, e) {
    let data = null;
    try {
      data = e.data ? JSON.parse(e.data) : null;
    } catch {
      data = null;
    }
    this.stale.kinds.add(KINDS[kind]);
    if (kind === 'task' && data && data.id) this.stale.taskIds.add(data.id);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  flush() {
    this.timer = null;
    const stale = this.stale;
    this.stale = {kinds: new Set(), taskIds: new Set()};
    this.refresh(stale);
  }

  /** Shows or hides the lost-connection banner. */
  show() {
    const up = this.streamOpen && this.reachable;
    if (this.up === up) return;
    this.up = up;
    $('banner').hidden = up;
    const badge = $('live');
    badge.textContent = up ? 'live' : 'disconnected';
    badge.classList.toggle('ok', up);
    badge.classList.toggle('down', !up);
  }
}
