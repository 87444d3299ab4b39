import { ApiError, get, list, qs } from '../api.js';
import { button, card, clear, errorBox, fmtTime, h, modal, notice, pageHead, table, tabs } from '../ui.js';

export async function render(root, ctx) {
  const tab = ctx.query.get('tab') || 'audit';
  root.append(pageHead('Logs', 'Who changed what, and the captured request logs.'),
    tabs([{ id: 'audit', label: 'Audit log' }, { id: 'requests', label: 'Request logs' }, { id: 'health', label: 'Credential health' }],
      tab, (id) => ctx.navigate(`logs?tab=${id}`)));
  if (tab === 'requests') return requestLogs(root);
  if (tab === 'health') return healthRows(root);
  return audit(root);
}

async function audit(root) {
  const box = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const prev = button('← Newer', () => go(-1));
  const next = button('Older →', () => go(1));
  const info = h('span', { class: 'muted' });
  root.append(card('Audit log', null, box, h('div', { class: 'pager' }, info, h('div', { class: 'actions' }, prev, next))));
  const cursors = [null];
  let page = 0;
  let nextCursor = null;
  async function load() {
    try {
      const data = await get(`/admin/audit${qs({ limit: 50, cursor: cursors[page] })}`);
      nextCursor = data.next_cursor || null;
      clear(box, table([
        { label: 'Time (UTC)', get: (r) => fmtTime(r.at) },
        { label: 'Actor', get: (r) => r.actor_name || r.actor_id },
        { label: 'Action', get: (r) => h('span', { class: 'mono' }, r.action) },
        { label: 'Target', get: (r) => h('span', { class: 'mono' }, r.target) },
        { label: 'Status', cls: 'num', get: (r) => h('span', { class: `pill ${Number(r.status) < 400 ? 'pill-on' : 'pill-off'}` }, r.status) },
        { label: 'Source IP', get: (r) => r.source_ip },
      ], data.items || [], { empty: 'No changes recorded yet.', testid: 'audit-table' }));
      info.textContent = `Page ${page + 1}`;
      prev.disabled = page === 0;
      next.disabled = !nextCursor;
    } catch (e) {
      clear(box, errorBox(e));
    }
  }
  async function go(delta) {
    if (delta > 0) {
      if (!nextCursor) return;
      cursors[page + 1] = nextCursor;
    }
    page = Math.max(0, page + delta);
    await load();
  }
  await load();
}

async function requestLogs(root) {
  const box = h('div', {});
  root.append(card('Captured request logs', null, box));
  try {
    const data = await get(`/admin/logs${qs({ limit: 50 })}`);
    const items = Array.isArray(data) ? data : (data.items || []);
    clear(box, table([
      { label: 'Time (UTC)', get: (r) => fmtTime(r.at) },
      { label: 'Request id', get: (r) => h('span', { class: 'mono' }, r.request_id) },
      { label: 'Request', get: (r) => h('span', { class: 'mono' }, `${r.method || ''} ${r.path || ''}`) },
      { label: 'Status', cls: 'num', get: (r) => r.status },
      { label: 'Attempts', cls: 'num', get: (r) => r.attempts },
      { label: 'Last attempt', get: (r) => (r.provider ? `${r.provider} · ${r.disposition}` : '') },
    ], items, {
      empty: 'No captured logs. Turn on request logging in Settings to capture them.',
      onRow: (r) => showLog(r.request_id),
    }));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 501 || e.status === 404)) {
      clear(box, notice('Request log capture is not available on this gateway yet.'));
    } else {
      clear(box, errorBox(e));
    }
  }
}

async function showLog(requestId) {
  try {
    const data = await get(`/admin/logs/${encodeURIComponent(requestId)}`);
    modal(`Request ${requestId}`, h('pre', { class: 'block mono' }, JSON.stringify(data, null, 2)), { wide: true });
  } catch (e) {
    modal(`Request ${requestId}`, errorBox(e));
  }
}

async function healthRows(root) {
  const box = h('div', {});
  root.append(card('Credential health', null, box));
  try {
    const items = await list('/admin/credential-statuses');
    clear(box, table(Object.keys(items[0] || { credential_id: 0 }).map((k) => ({ label: k.replace(/_/g, ' '), get: (r) => (typeof r[k] === 'object' ? JSON.stringify(r[k]) : r[k]) })),
      items, { empty: 'Every credential is healthy.' }));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 501 || e.status === 404)) {
      clear(box, notice('Credential health is not available on this gateway yet.'));
    } else {
      clear(box, errorBox(e));
    }
  }
}
