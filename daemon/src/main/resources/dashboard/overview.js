// Live counts and the two charts. The daemon gives totals (/api/stats); the page keeps the last
// ten minutes itself: throughput from the growth of the finished totals between polls, latency
// from a sample of the most recently finished tasks. History starts when the page opens.
import {get, items} from './api.js';
import {h, fill, $} from './dom.js';
import {count, duration} from './format.js';
import {stackedBars, lines} from './charts.js';

const BUCKET_MS = 10_000;
const BUCKETS = 60;
const SAMPLE = 100;

const buckets = []; // {start, succeeded, failed, waits: [], runs: []}
let lastTotals = null;
let firstTotalsAt = null; // finishes before the first read of the totals are counted from samples
const seenFinished = new Map(); // task id -> finishedAt, to count each sampled task once

/** The bucket holding time t, after moving the window up to now; null when t left the window. */
function bucketFor(t) {
  const now = Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS;
  let next = buckets.length ? buckets[buckets.length - 1].start + BUCKET_MS : now - (BUCKETS - 1) * BUCKET_MS;
  for (next = Math.max(next, now - (BUCKETS - 1) * BUCKET_MS); next <= now; next += BUCKET_MS) {
    buckets.push({start: next, succeeded: 0, failed: 0, waits: [], runs: []});
  }
  while (buckets.length > BUCKETS) buckets.shift();
  const start = Math.floor(t / BUCKET_MS) * BUCKET_MS;
  return buckets.find((b) => b.start === start) || null;
}

export function renderCounts(stats) {
  const c = stats.coordination || {};
  const a = stats.agents || {};
  const d = stats.daemon || {};
  const cards = [
    ['queued', c.queuedTasks],
    ['running', c.activeTasks],
    ['waiting', c.waitingTasks],
    ['succeeded', c.completedTasks],
    ['failed', c.failedTasks],
    ['cancelled', c.cancelledTasks],
    ['agents', a.activeAgents, `agents active, of ${count(a.knownAgents)}`],
  ];
  fill(
    'counts',
    cards.map(([key, n, label]) =>
      h('li', {class: key, dataset: {count: key}}, h('span', {class: 'n'}, count(n)), h('span', {class: 'label'}, label || key)),
    ),
  );
  fill('daemon-name', d.name ? `daemon “${d.name}”` : '');
  fill('uptime', d.uptime !== undefined ? `up ${d.uptime < 60 ? d.uptime + ' s' : duration(d.uptime * 1000)}` : '');
}

/** Reads the totals, shows them, and adds what finished since the last read to the chart. */
export async function pollStats() {
  const stats = await get('/api/stats');
  renderCounts(stats);
  const c = stats.coordination || {};
  const now = Date.now();
  const b = bucketFor(now);
  if (lastTotals && b) {
    b.succeeded += Math.max(0, c.completedTasks - lastTotals.completedTasks);
    b.failed += Math.max(0, c.failedTasks - lastTotals.failedTasks);
  }
  lastTotals = c;
  if (firstTotalsAt === null) firstTotalsAt = now;
  return stats;
}

/** Samples the latest finished tasks for their queue wait and run time. */
export async function sampleLatency() {
  const [ok, failed] = await Promise.all([
    get(`/api/tasks?status=succeeded&limit=${SAMPLE}`).then(items),
    get(`/api/tasks?status=failed&limit=${SAMPLE}`).then(items),
  ]);
  const horizon = Date.now() - BUCKETS * BUCKET_MS;
  for (const t of [...ok, ...failed]) {
    if (!t.finishedAt || t.finishedAt < horizon || seenFinished.get(t.id) === t.finishedAt) continue;
    seenFinished.set(t.id, t.finishedAt);
    const b = bucketFor(t.finishedAt);
    if (!b) continue;
    if (firstTotalsAt === null || t.finishedAt < firstTotalsAt) {
      // History from before the page opened: the totals' growth cannot show it, the sample can
      // (up to its size). Counted once: seenFinished keeps it from being counted again.
      b[t.status === 'failed' ? 'failed' : 'succeeded'] += 1;
    }
    if (!t.startedAt) continue;
    b.waits.push(Math.max(0, t.startedAt - Math.max(t.createdAt, t.runAt || 0)));
    b.runs.push(Math.max(0, t.finishedAt - t.startedAt));
  }
  for (const [id, at] of seenFinished) if (at < horizon) seenFinished.delete(id);
}

function median(list) {
  if (list.length === 0) return null;
  const s = [...list].sort((x, y) => x - y);
  return s[Math.floor((s.length - 1) / 2)];
}

export function renderCharts() {
  bucketFor(Date.now());
  const shown = buckets.map((b) => ({
    succeeded: b.succeeded,
    failed: b.failed,
    wait: median(b.waits),
    run: median(b.runs),
  }));
  const total = shown.reduce((s, b) => s + b.succeeded + b.failed, 0);
  stackedBars(
    $('chart-throughput'),
    shown,
    [
      {field: 'succeeded', label: 'succeeded', cls: 's0'},
      {field: 'failed', label: 'failed', cls: 's1'},
    ],
    BUCKET_MS,
    `${total} tasks finished in the last ${(BUCKETS * BUCKET_MS) / 60000} minutes`,
  );
  const lastWait = [...shown].reverse().find((b) => b.wait !== null);
  lines(
    $('chart-latency'),
    shown,
    [
      {field: 'wait', label: 'queue wait', cls: 's2', dot: 'k2'},
      {field: 'run', label: 'run time', cls: 's3', dot: 'k3'},
    ],
    BUCKET_MS,
    lastWait ? `latest median queue wait ${duration(lastWait.wait)}, run time ${duration(lastWait.run)}` : 'no finished task sampled yet',
  );
}
