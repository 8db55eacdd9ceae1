// The task table (filters, cursor paging, live row updates) and the task detail dialog.
import {get, post, items, query, enc} from './api.js';
import {h, fill, $} from './dom.js';
import {ago, clock, iso, json, brief, duration} from './format.js';
import {toast} from './toast.js';

const CANCELLABLE = new Set(['queued', 'waiting', 'running']);
const RETRYABLE = new Set(['failed', 'cancelled']);

const state = {
  filters: {status: '', type: '', assignedTo: '', limit: '25'},
  cursors: [null], // cursors[i] opens page i; the last entry is the page shown
  next: null,
  rows: new Map(), // id -> task shown in the table
  detailId: null,
  detailText: null, // the task as the detail view shows it, to skip re-rendering the same
  loadedOnce: false, // rows that appear after the first load flash once
};

export function statusBadge(status) {
  return h('span', {class: 'status ' + String(status || '')}, status || '');
}

/** Loads the current page; called on filter changes, paging and live updates. */
export async function loadTasks() {
  const cursor = state.cursors[state.cursors.length - 1];
  const answer = await get('/api/tasks' + query({...state.filters, cursor}));
  state.next = (answer && answer.next) || null;
  renderRows(items(answer));
}

function renderRows(tasks) {
  const old = state.rows;
  state.rows = new Map(tasks.map((t) => [t.id, t]));
  const body = $('task-table').tBodies[0];
  const focused = document.activeElement?.closest?.('tr')?.dataset?.id;
  if (tasks.length === 0) {
    const filtered = state.filters.status || state.filters.type || state.filters.assignedTo;
    const text = filtered ? 'No tasks match these filters.' : state.cursors.length > 1 ? 'No older tasks.' : 'No tasks yet.';
    fill(body, h('tr', {}, h('td', {class: 'empty', colspan: 8}, text)));
  } else {
    // Unchanged rows keep their elements (no flicker, a pointer or focus on them stays put).
    const shown = new Map([...body.querySelectorAll('tr[data-id]')].map((tr) => [tr.dataset.id, tr]));
    const same = (t) => shown.has(t.id) && JSON.stringify(old.get(t.id)) === JSON.stringify(t);
    fill(body, tasks.map((t) => (same(t) ? shown.get(t.id) : row(t, old.get(t.id)))));
  }
  state.loadedOnce = true;
  if (focused) body.querySelector(`tr[data-id="${CSS.escape(focused)}"]`)?.focus();
  const page = state.cursors.length;
  $('page-info').textContent = `page ${page} · ${tasks.length} shown`;
  $('page-prev').disabled = page === 1;
  $('page-first').disabled = page === 1;
  $('page-next').disabled = !state.next;
}

function row(t, before) {
  const changed = before && (before.status !== t.status || before.attempts !== t.attempts);
  return h(
    'tr',
    {
      class: 'clickable' + (changed || (!before && state.loadedOnce) ? ' flash' : ''),
      tabindex: 0,
      dataset: {id: t.id, status: t.status},
      'aria-label': `Task ${t.id}, ${t.type}, ${t.status}`,
      onclick: (e) => {
        if (!e.target.closest('button')) openDetail(t.id);
      },
      onanimationend: (e) => e.currentTarget.classList.remove('flash'), // once, not on every move
      onkeydown: (e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          openDetail(t.id);
        } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const sibling = e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
          sibling?.focus();
        }
      },
    },
    h('td', {class: 'id', title: t.id}, shortId(t.id)),
    h('td', {}, t.type),
    h('td', {}, statusBadge(t.status)),
    h('td', {class: 'desc', title: t.description || ''}, brief(t.description, 120)),
    h('td', {}, t.assignedTo || h('span', {class: 'muted'}, 'anyone')),
    h('td', {}, `${t.attempts} / ${t.maxAttempts}`),
    h('td', {title: iso(t.createdAt), class: 'age', dataset: {at: t.createdAt}}, ago(t.createdAt)),
    h('td', {class: 'actions'}, actionButtons(t, 'small')),
  );
}

function shortId(id) {
  return id && id.length > 14 ? id.slice(0, 13) + '…' : id;
}

function actionButtons(t, size) {
  const buttons = [];
  if (CANCELLABLE.has(t.status)) {
    buttons.push(h('button', {type: 'button', class: `danger ${size}`, 'data-action': 'cancel', 'aria-label': `Cancel task ${t.id}`, onclick: () => act(t.id, 'cancel')}, 'Cancel'));
  }
  if (RETRYABLE.has(t.status)) {
    buttons.push(h('button', {type: 'button', class: `secondary ${size}`, 'data-action': 'retry', 'aria-label': `Retry task ${t.id}`, onclick: () => act(t.id, 'retry')}, 'Retry'));
  }
  return buttons;
}

async function act(id, action) {
  try {
    const task = await post(`/api/tasks/${enc(id)}/${action}`);
    toast(`Task ${shortId(id)}: ${action === 'cancel' ? 'cancelled' : 'queued again'}`);
    if (task && task.id) replaceTask(task);
    else await refreshTasks([id]);
  } catch (e) {
    toast(`Could not ${action} task ${shortId(id)}: ${e.message}`, true);
  }
}

function replaceTask(task) {
  const body = $('task-table').tBodies[0];
  const tr = body.querySelector(`tr[data-id="${CSS.escape(task.id)}"]`);
  if (tr) {
    const hadFocus = tr.contains(document.activeElement);
    const fresh = row(task, state.rows.get(task.id));
    state.rows.set(task.id, task);
    tr.replaceWith(fresh);
    if (hadFocus) fresh.focus();
  }
  if (state.detailId === task.id) openDetail(task.id, false);
}

/**
 * Brings the table up to date after live changes to these task ids: the first page is re-read
 * whole (a new task belongs on it); on later pages only the rows shown are re-read.
 */
export async function refreshTasks(ids) {
  if (state.detailId && ids.includes(state.detailId)) openDetail(state.detailId, false);
  if (state.cursors.length === 1) {
    await loadTasks();
    return;
  }
  const shown = ids.filter((id) => state.rows.has(id)).slice(0, 25);
  await Promise.all(shown.map(async (id) => replaceTask(await get('/api/tasks/' + enc(id)))));
}

export function initTasks() {
  const form = $('task-filters');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    for (const key of Object.keys(state.filters)) state.filters[key] = String(data.get(key) || '').trim();
    state.cursors = [null];
    loadTasks().catch(showLoadError);
  });
  form.addEventListener('reset', () => setTimeout(() => form.requestSubmit(), 0));
  form.querySelector('select[name=status]').addEventListener('change', () => form.requestSubmit());
  form.querySelector('select[name=limit]').addEventListener('change', () => form.requestSubmit());
  $('page-next').addEventListener('click', () => {
    if (!state.next) return;
    state.cursors.push(state.next);
    loadTasks().catch(showLoadError);
  });
  $('page-prev').addEventListener('click', () => {
    if (state.cursors.length > 1) state.cursors.pop();
    loadTasks().catch(showLoadError);
  });
  $('page-first').addEventListener('click', () => {
    state.cursors = [null];
    loadTasks().catch(showLoadError);
  });
  const dialog = $('detail');
  $('detail-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    const id = state.detailId;
    state.detailId = null;
    state.detailText = null;
    if (id) $('task-table').querySelector(`tr[data-id="${CSS.escape(id)}"]`)?.focus();
  });
}

function showLoadError(e) {
  const body = $('task-table').tBodies[0];
  fill(body, h('tr', {}, h('td', {class: 'empty error-text', colspan: 8}, 'Could not load tasks: ' + e.message)));
  if (e.field) toast(e.message, true);
}

/** Opens (or, with show=false, refreshes if open) the detail dialog for one task. */
export async function openDetail(id, show = true) {
  const dialog = $('detail');
  if (!show && !dialog.open) return;
  let task;
  try {
    task = await get('/api/tasks/' + enc(id));
  } catch (e) {
    toast(`Could not load task ${shortId(id)}: ${e.message}`, true);
    return;
  }
  const text = JSON.stringify(task);
  // a live update that changed nothing leaves the view (and the reader's place in it) alone
  if (state.detailId !== id || state.detailText !== text) {
    state.detailId = id;
    state.detailText = text;
    fill('detail-h', `Task ${task.id}`);
    fill('detail-body', detail(task));
  }
  if (show && !dialog.open) {
    dialog.showModal();
    $('detail-close').focus();
  }
}

function detail(t) {
  // Fields that do not apply to this task (no lease, no timeout...) are left out.
  const field = (name, value) => (value === null || value === undefined || value === '' ? null : [h('dt', {}, name), h('dd', {}, value)]);
  const runs = t.runs || [];
  return [
    h('div', {class: 'detail-actions'}, statusBadge(t.status), actionButtons(t, '')),
    h(
      'dl',
      {class: 'fields'},
      field('Type', t.type),
      field('Description', t.description),
      field('Assigned to', t.assignedTo || 'anyone'),
      field('Created by', t.createdBy),
      field('Priority', t.priority),
      field('Attempts', `${t.attempts} of ${t.maxAttempts}`),
      field('Created', `${clock(t.createdAt)} (${ago(t.createdAt)})`),
      field('Run at', t.runAt > t.createdAt ? `${clock(t.runAt)} (${ago(t.runAt)})` : null),
      field('Started', t.startedAt ? `${clock(t.startedAt)} (${ago(t.startedAt)})` : null),
      field('Finished', t.finishedAt ? `${clock(t.finishedAt)} (${ago(t.finishedAt)})` : null),
      field('Lease', t.leaseOwner ? `${t.leaseOwner}, ends ${ago(t.leaseExpiresAt)}` : null),
      field('Waiting for', t.waitingFor ? `${t.waitingFor}${t.waitUntil ? ', until ' + clock(t.waitUntil) : ''}` : null),
      field('Timeout', t.timeoutMs ? duration(t.timeoutMs) : null),
      field('Idempotency key', t.idempotencyKey),
    ),
    t.error ? [h('h3', {}, 'Error'), h('pre', {class: 'json error-text'}, `${t.error.kind || 'error'} (attempt ${t.error.attempt}): ${t.error.message}`)] : null,
    h('h3', {}, 'Data'),
    h('pre', {class: 'json'}, json(t.data)),
    h('h3', {}, 'Result'),
    h('pre', {class: 'json'}, json(t.result)),
    h('h3', {}, `Attempts (${runs.length})`),
    runs.length === 0
      ? h('p', {class: 'muted'}, 'No finished attempt yet.')
      : h(
          'div',
          {class: 'table-wrap'},
          h(
            'table',
            {class: 'grid runs'},
            h('thead', {}, h('tr', {}, ['#', 'Worker', 'Outcome', 'Started', 'Took', 'Error / result'].map((c) => h('th', {scope: 'col'}, c)))),
            h(
              'tbody',
              {},
              runs.map((r) =>
                h(
                  'tr',
                  {},
                  h('td', {}, r.attempt),
                  h('td', {}, r.worker || '—'),
                  h('td', {}, statusBadge(r.outcome)),
                  h('td', {title: iso(r.startedAt)}, clock(r.startedAt)),
                  h('td', {}, r.startedAt ? duration(r.finishedAt - r.startedAt) : ''),
                  h('td', {class: 'desc'}, r.error ? h('span', {class: 'error-text'}, `${r.error.kind}: ${r.error.message}`) : brief(r.result, 200)),
                ),
              ),
            ),
          ),
        ),
  ];
}
