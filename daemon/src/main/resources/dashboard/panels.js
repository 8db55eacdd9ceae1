// The smaller views: queues (pause/resume), agents (heartbeat age, what each holds), pending
// invocations, locks, schedules and recent events. Each loads its endpoint and renders rows.
import {get, post, items, enc} from './api.js';
import {h, fill, $} from './dom.js';
import {ago, clock, iso, brief, duration} from './format.js';
import {statusBadge, openDetail} from './tasks.js';
import {toast} from './toast.js';

const EVENTS_SHOWN = 50;
// The daemon's largest page. These lists are small by nature; past this the view says so.
const SHOWN = 500;

/** The first page of a list, with a note row to add when it has more than one page. */
async function firstPage(path, cols) {
  const answer = await get(`${path}?limit=${SHOWN}`);
  const list = items(answer);
  const more = answer?.next ? emptyRow(cols, `Only the first ${SHOWN} are shown.`) : null;
  return {list, more};
}

function emptyRow(cols, text) {
  return h('tr', {}, h('td', {class: 'empty', colspan: cols}, text));
}

function taskLink(id) {
  if (!id) return '—';
  return h('button', {type: 'button', class: 'secondary small id', title: `Open task ${id}`, onclick: () => openDetail(id)}, id.length > 14 ? id.slice(0, 13) + '…' : id);
}

/** A cell whose text says how long ago `ms` was, kept current by tickAges(). */
function ageCell(ms) {
  return h('td', {class: 'age', title: iso(ms), dataset: {at: ms}}, ago(ms));
}

export function tickAges() {
  const now = Date.now();
  for (const el of document.querySelectorAll('.age[data-at]')) {
    const at = Number(el.dataset.at);
    if (at) el.textContent = ago(at, now);
  }
}

export async function loadQueues() {
  const {list: queues, more} = await firstPage('/api/queues', 6);
  fill(
    'queue-rows',
    queues.length === 0
      ? emptyRow(6, 'No queues yet: a queue appears with its first task.')
      : queues.map((q) =>
          h(
            'tr',
            {dataset: {type: q.type}},
            h('td', {}, q.type),
            h('td', {}, q.queued),
            h('td', {}, q.running),
            h('td', {}, q.maxConcurrency ?? '—'),
            h('td', {}, statusBadge(q.paused ? 'paused' : 'active')),
            h(
              'td',
              {class: 'actions'},
              h(
                'button',
                {type: 'button', class: 'secondary small', 'data-action': q.paused ? 'resume' : 'pause', 'aria-label': `${q.paused ? 'Resume' : 'Pause'} queue ${q.type}`, onclick: () => toggleQueue(q)},
                q.paused ? 'Resume' : 'Pause',
              ),
            ),
          ),
        ),
    more,
  );
}

async function toggleQueue(q) {
  const action = q.paused ? 'resume' : 'pause';
  try {
    await post(`/api/queues/${enc(q.type)}/${action}`);
    toast(`Queue ${q.type} ${q.paused ? 'resumed' : 'paused'}`);
    await loadQueues();
    $('queue-rows').querySelector(`tr[data-type="${CSS.escape(q.type)}"] button`)?.focus();
  } catch (e) {
    toast(`Could not ${action} queue ${q.type}: ${e.message}`, true);
  }
}

export async function loadAgents() {
  // What each agent holds: its running tasks (by lease owner) and its locks.
  const [{list: agents, more}, running, locks] = await Promise.all([
    firstPage('/api/agents', 5),
    get(`/api/tasks?status=running&limit=${SHOWN}`).then(items),
    get(`/api/locks?limit=${SHOWN}`).then(items),
  ]);
  const holds = new Map();
  const add = (name, node) => {
    if (!holds.has(name)) holds.set(name, []);
    holds.get(name).push(node);
  };
  for (const t of running) if (t.leaseOwner) add(t.leaseOwner, taskLink(t.id));
  for (const l of locks) add(l.holder, h('span', {class: 'mono', title: 'lock'}, 'lock ' + l.resource));
  fill(
    'agent-rows',
    agents.length === 0
      ? emptyRow(5, 'No agents have registered.')
      : agents.map((a) =>
          h(
            'tr',
            {},
            h('td', {}, a.name),
            h('td', {}, a.kind || '—'),
            h('td', {}, statusBadge(a.status)),
            ageCell(a.lastHeartbeat),
            h('td', {class: 'holds'}, holdsOf(holds.get(a.name))),
          ),
        ),
    more,
  );
}

function holdsOf(list) {
  if (!list || list.length === 0) return h('span', {class: 'muted'}, 'nothing');
  const shown = list.slice(0, 6);
  const out = [];
  shown.forEach((node, i) => out.push(i ? ' ' : '', node));
  if (list.length > shown.length) out.push(h('span', {class: 'muted'}, ` and ${list.length - shown.length} more`));
  return out;
}

export async function loadInvocations() {
  const {list, more} = await firstPage('/api/invocations', 6);
  fill(
    'invocation-rows',
    list.length === 0
      ? emptyRow(6, 'No invocation waits for an agent session.')
      : list.map((i) =>
          h(
            'tr',
            {},
            h('td', {class: 'id', title: i.id}, brief(i.id, 16)),
            h('td', {}, i.agentType || '—'),
            h('td', {}, taskLink(i.taskId)),
            h('td', {}, statusBadge(i.status)),
            ageCell(i.createdAt),
            h('td', {title: iso(i.expiresAt)}, i.expiresAt ? ago(i.expiresAt) : 'never'),
          ),
        ),
    more,
  );
}

export async function loadLocks() {
  const {list, more} = await firstPage('/api/locks', 5);
  fill(
    'lock-rows',
    list.length === 0
      ? emptyRow(5, 'No locks are held.')
      : list.map((l) =>
          h(
            'tr',
            {},
            h('td', {class: 'mono desc'}, l.resource),
            h('td', {}, l.holder),
            h('td', {}, l.shared ? 'shared' : 'exclusive'),
            ageCell(l.acquiredAt),
            ageCell(l.expiresAt),
          ),
        ),
    more,
  );
}

export async function loadSchedules() {
  const {list, more} = await firstPage('/api/schedules', 6);
  fill(
    'schedule-rows',
    list.length === 0
      ? emptyRow(6, 'No schedules.')
      : list.map((s) =>
          h(
            'tr',
            {},
            h('td', {}, s.name),
            h('td', {class: 'mono'}, s.cron ? `${s.cron}${s.zone ? ' (' + s.zone + ')' : ''}` : `every ${duration(s.everyMs)}`),
            h('td', {}, s.task?.type || '—'),
            s.paused ? h('td', {class: 'muted'}, 'paused') : h('td', {title: clock(s.nextRunAt), class: 'age', dataset: {at: s.nextRunAt}}, ago(s.nextRunAt)),
            s.lastRunAt ? ageCell(s.lastRunAt) : h('td', {class: 'muted'}, 'never'),
            h('td', {}, statusBadge(s.paused ? 'paused' : 'active')),
          ),
        ),
    more,
  );
}

export async function loadEvents() {
  const list = items(await get(`/api/events?limit=${EVENTS_SHOWN}`));
  // Newest first, whatever order the endpoint uses.
  list.sort((a, b) => b.seq - a.seq);
  fill(
    'event-rows',
    list.length === 0
      ? emptyRow(5, 'No events yet.')
      : list.slice(0, EVENTS_SHOWN).map((e) =>
          h(
            'tr',
            {},
            h('td', {}, e.seq),
            h('td', {class: 'mono'}, e.topic),
            h('td', {}, e.source || '—'),
            h('td', {class: 'mono desc', title: brief(e.data, 2000)}, brief(e.data, 100)),
            ageCell(e.createdAt),
          ),
        ),
  );
}
