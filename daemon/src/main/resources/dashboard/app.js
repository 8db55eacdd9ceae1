// Entry point: loads every view, then keeps them current from the live feed and a slow poll.
import {onReachability} from './api.js';
import {$} from './dom.js';
import {Live} from './live.js';
import {initTasks, loadTasks, refreshTasks} from './tasks.js';
import {pollStats, sampleLatency, renderCharts} from './overview.js';
import {loadQueues, loadAgents, loadInvocations, loadLocks, loadSchedules, loadEvents, tickAges} from './panels.js';
import {toast} from './toast.js';

const STATS_POLL_MS = 5_000;
const LATENCY_POLL_MS = 10_000;
const SLOW_POLL_MS = 30_000; // schedules' next runs and agents' staleness move with the clock

// Side views follow a busy queue at most this often: under thousands of changes a second the
// task table and counts stay live, while the heavier lists are not re-read on every burst.
const SIDE_VIEW_MS = 1_000;

let busy = false;
let pending = null;
const lastRead = new Map();
const owed = new Set();

/** Runs fn unless the view named was read less than SIDE_VIEW_MS ago (then marks it owed). */
function side(name, fn, force) {
  const now = Date.now();
  if (!force && now - (lastRead.get(name) || 0) < SIDE_VIEW_MS) {
    owed.add(name);
    return Promise.resolve();
  }
  lastRead.set(name, now);
  owed.delete(name);
  return fn();
}
const SIDE = {queue: loadQueues, agent: loadAgents, invocation: loadInvocations, lock: loadLocks, event: loadEvents};

/** Re-reads the stale views; overlapping calls are merged so a view is never read twice at once. */
async function refresh(stale) {
  if (busy) {
    pending = merge(pending, stale);
    return;
  }
  busy = true;
  try {
    const all = stale.all === true;
    const has = (k) => all || stale.kinds.has(k);
    const jobs = [pollStats()];
    if (all) jobs.push(loadTasks());
    else if (has('task')) jobs.push(refreshTasks([...stale.taskIds]));
    // what each kind of change can move besides itself
    const views = new Set();
    if (has('task') || has('queue')) views.add('queue');
    if (has('agent') || has('task') || has('lock')) views.add('agent');
    if (has('invocation') || has('task')) views.add('invocation');
    if (has('lock')) views.add('lock');
    if (has('event')) views.add('event');
    for (const v of views) jobs.push(side(v, SIDE[v], all));
    if (has('schedule') || all) jobs.push(loadSchedules());
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed && failed.reason?.status === 401) loggedOut();
  } finally {
    busy = false;
    if (pending) {
      const next = pending;
      pending = null;
      refresh(next);
    }
  }
}

function merge(a, b) {
  if (!a) return b;
  if (a.all || b.all) return {all: true};
  return {kinds: new Set([...a.kinds, ...b.kinds]), taskIds: new Set([...a.taskIds, ...b.taskIds])};
}

function loggedOut() {
  $('banner').hidden = false;
  $('banner-text').textContent = 'Your session is not valid (the daemon restarted or the link expired): run `coordd dashboard` for a new login link.';
}

function every(ms, fn) {
  setInterval(() => fn().catch(() => {}), ms);
}

function start() {
  initTasks();
  const live = new Live(refresh);
  onReachability((ok) => live.readResult(ok));
  refresh({all: true});
  live.start();
  every(STATS_POLL_MS, async () => {
    await pollStats();
    renderCharts();
  });
  every(LATENCY_POLL_MS, async () => {
    await sampleLatency();
    renderCharts();
  });
  every(SLOW_POLL_MS, () => Promise.all([loadSchedules(), loadAgents()]));
  // views skipped by the throttle are read once the burst is over
  every(SIDE_VIEW_MS, () => Promise.all([...owed].map((v) => side(v, SIDE[v]))));
  setInterval(tickAges, 1000);
  sampleLatency().catch(() => {}).finally(renderCharts);
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(renderCharts, 100);
  });
  window.addEventListener('unhandledrejection', (e) => toast(String(e.reason?.message || e.reason), true));
}

start();
