// The live feed: Server-Sent Events from /api/stream. Each change marks what it touches as stale;
// stale views are re-read together shortly after (debounced), so a burst of changes costs one
// read per view. The connection is judged lost when the stream errors or stays silent past the
// heartbeat timeout; the banner shows until the stream is open again, and then every view is
// re-read (changes missed while away are not replayed one by one).
import {$} from './dom.js';

const DEBOUNCE_MS = 150;
const SILENCE_MS = 35_000; // the daemon sends a heartbeat well within this
const RETRY_MS = [500, 1000, 2000, 4000, 8000];

export class Live {
  /**
   * @param refresh called with {kinds: Set, taskIds: Set} of what went stale, or {all: true}
   */
  constructor(refresh) {
    this.refresh = refresh;
    this.stale = {kinds: new Set(), taskIds: new Set()};
    this.timer = null;
    this.source = null;
    this.silence = null;
    this.retries = 0;
    this.up = null;
  }

  start() {
    this.connect();
  }

  connect() {
    this.source?.close();
    const source = new EventSource('/api/stream');
    this.source = source;
    source.onopen = () => {
      const wasDown = this.up === false;
      this.retries = 0;
      this.setUp(true);
      this.heard();
      if (wasDown) this.refresh({all: true});
    };
    source.onerror = () => {
      this.setUp(false);
      // EventSource retries by itself while the answer was a stream; after a failed answer
      // (401, 503, refused) it stops for good, so the page opens a new one with backoff.
      if (source.readyState === EventSource.CLOSED) this.reconnectLater();
    };
    source.onmessage = (e) => this.onChange('message', e);
    for (const kind of ['task', 'agent', 'invocation', 'lock', 'event', 'queue', 'schedule', 'stats']) {
      source.addEventListener(kind, (e) => this.onChange(kind, e));
    }
    for (const beat of ['heartbeat', 'ping', 'hello']) source.addEventListener(beat, () => this.heard());
    source.addEventListener('reset', () => this.refresh({all: true}));
  }

  reconnectLater() {
    clearTimeout(this.retryTimer);
    const wait = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)];
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  heard() {
    clearTimeout(this.silence);
    this.silence = setTimeout(() => {
      this.setUp(false);
      this.connect();
    }, SILENCE_MS);
  }

  onChange(kind, e) {
    this.heard();
    let data = null;
    try {
      data = e.data ? JSON.parse(e.data) : null;
    } catch {
      data = null;
    }
    const what = (data && (data.kind || data.type || data.entity)) || kind;
    const k = String(what).toLowerCase();
    if (k.startsWith('task')) {
      this.stale.kinds.add('task');
      if (data && (data.id || data.taskId)) this.stale.taskIds.add(data.id || data.taskId);
    } else if (k.startsWith('agent')) this.stale.kinds.add('agent');
    else if (k.startsWith('invocation')) this.stale.kinds.add('invocation');
    else if (k.startsWith('lock')) this.stale.kinds.add('lock');
    else if (k.startsWith('event')) this.stale.kinds.add('event');
    else if (k.startsWith('queue') || k.startsWith('capacity')) this.stale.kinds.add('queue');
    else if (k.startsWith('schedule')) this.stale.kinds.add('schedule');
    else if (k.startsWith('heartbeat') || k.startsWith('time') || k.startsWith('ping')) return;
    else this.stale.kinds.add('task');
    if (!this.timer) this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  flush() {
    this.timer = null;
    const stale = this.stale;
    this.stale = {kinds: new Set(), taskIds: new Set()};
    this.refresh(stale);
  }

  /** Shows or hides the lost-connection banner; other signals (a failed read) may call it too. */
  setUp(up) {
    if (this.up === up) return;
    this.up = up;
    $('banner').hidden = up;
    const badge = $('live');
    badge.textContent = up ? 'live' : 'disconnected';
    badge.classList.toggle('ok', up);
    badge.classList.toggle('down', !up);
  }
}
