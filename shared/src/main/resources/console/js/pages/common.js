// Pieces several pages share: time ranges, rollup aggregation, the usage table.
import { columnChart, legend } from '../chart.js';
import { card, fmtCompact, fmtCost, fmtNum, fmtTime, h } from '../ui.js';

export const RANGES = [
  { id: '24h', label: 'Last 24 hours', granularity: 'hour', count: 24 },
  { id: '7d', label: 'Last 7 days', granularity: 'day', count: 7 },
  { id: '30d', label: 'Last 30 days', granularity: 'day', count: 30 },
];

/** The bucket starts (ms) of a range ending now, and its from/to as ISO strings. */
export function rangeBuckets(range, now = new Date()) {
  const step = range.granularity === 'hour' ? 3600e3 : 86400e3;
  const end = new Date(now);
  if (range.granularity === 'hour') end.setUTCMinutes(0, 0, 0);
  else end.setUTCHours(0, 0, 0, 0);
  const starts = [];
  for (let i = range.count - 1; i >= 0; i--) starts.push(end.getTime() - i * step);
  return { starts, step, from: new Date(starts[0]).toISOString(), to: new Date(now.getTime() + 60e3).toISOString() };
}

/** Sums rollup rows (any dimensions) per bucket start. */
export function sumByBucket(items, starts) {
  const index = new Map(starts.map((t, i) => [t, i]));
  const zero = () => ({ requests: 0, input_tokens: 0, output_tokens: 0, cost: 0 });
  const out = starts.map(zero);
  for (const it of items) {
    const t = new Date(it.bucket).getTime();
    let i = index.get(t);
    if (i === undefined) {
      // a bucket the server labels differently (e.g. a day bucket in another zone): put it in the slot it falls in
      i = starts.findIndex((s, k) => t >= s && (k === starts.length - 1 || t < starts[k + 1]));
      if (i < 0) continue;
    }
    out[i].requests += Number(it.requests) || 0;
    out[i].input_tokens += Number(it.input_tokens) || 0;
    out[i].output_tokens += Number(it.output_tokens) || 0;
    out[i].cost += Number(it.cost) || 0;
  }
  return out;
}

export function bucketLabel(range, t) {
  const d = new Date(t);
  if (range.granularity === 'hour') return `${String(d.getUTCHours()).padStart(2, '0')}:00`;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}`;
}

/** Three chart cards (requests, tokens, cost) from rollup items. */
export function usageCharts(range, items) {
  const { starts } = rangeBuckets(range);
  const sums = sumByBucket(items, starts);
  const labels = starts.map((t) => bucketLabel(range, t));
  const tip = (i) => `${fmtTime(starts[i])} (UTC)`;
  const tokens = [
    { name: 'input tokens', values: sums.map((x) => x.input_tokens) },
    { name: 'output tokens', values: sums.map((x) => x.output_tokens) },
  ];
  return h('div', { class: 'charts' },
    card('Requests', null, columnChart({ buckets: labels, series: [{ name: 'requests', values: sums.map((x) => x.requests) }], format: fmtCompact, tooltipLabel: tip, ariaLabel: 'requests over time', integer: true, width: 1120, height: 200 })),
    h('div', { class: 'grid-2' }, card('Tokens', null, columnChart({ buckets: labels, series: tokens, format: fmtCompact, tooltipLabel: tip, ariaLabel: 'tokens over time', integer: true }), legend(tokens)),
    card('Cost (USD)', null, columnChart({ buckets: labels, series: [{ name: 'cost', values: sums.map((x) => x.cost) }], format: (v) => fmtCost(v), tooltipLabel: tip, ariaLabel: 'cost over time' }))));
}

const pick = (r, ...names) => {
  for (const n of names) if (r[n] !== undefined && r[n] !== null) return r[n];
  return undefined;
};

export const usageColumns = (names = {}) => [
  { label: 'Time (UTC)', get: (r) => fmtTime(pick(r, 'at', 'timestamp', 'created_at')) },
  { label: 'User', get: (r) => names.users?.get(Number(r.user_id)) || pick(r, 'user_name', 'user_id') },
  { label: 'Route', get: (r) => pick(r, 'route_name', 'route') },
  { label: 'Provider', get: (r) => pick(r, 'provider', 'provider_name') || names.providers?.get(Number(r.provider_id)) || r.provider_id },
  { label: 'Model', get: (r) => h('span', { class: 'mono' }, pick(r, 'model', 'upstream_model') || '—') },
  { label: 'Operation', get: (r) => pick(r, 'operation') },
  { label: 'In', cls: 'num', get: (r) => fmtNum(r.input_tokens) },
  { label: 'Out', cls: 'num', get: (r) => fmtNum(r.output_tokens) },
  { label: 'Cost', cls: 'num', get: (r) => fmtCost(r.cost) },
  { label: 'Latency', cls: 'num', get: (r) => (r.latency_ms !== undefined ? `${fmtNum(r.latency_ms)} ms` : '—') },
  { label: 'Request', get: (r) => {
    const id = String(pick(r, 'request_id', 'id') || '');
    return h('span', { class: 'mono muted', title: id }, id.length > 10 ? `${id.slice(0, 8)}…` : id);
  } },
];

export function summaryStats(s) {
  s = s || {};
  return h('div', { class: 'stats', 'data-testid': 'summary' },
    h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, 'Requests'), h('div', { class: 'stat-value', 'data-testid': 'summary-requests' }, fmtNum(s.requests || 0))),
    h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, 'Input tokens'), h('div', { class: 'stat-value' }, fmtNum(s.input_tokens || 0))),
    h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, 'Output tokens'), h('div', { class: 'stat-value' }, fmtNum(s.output_tokens || 0))),
    h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, 'Cache read / write'), h('div', { class: 'stat-value' }, `${fmtCompact(s.cache_read_tokens || 0)} / ${fmtCompact(s.cache_write_tokens || 0)}`)),
    h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, 'Cost'), h('div', { class: 'stat-value', 'data-testid': 'summary-cost' }, fmtCost(s.cost || 0))));
}

/** id -> name maps for users and providers (best effort: an error leaves them empty). */
export async function nameMaps(listFn) {
  const [users, providers] = await Promise.all([
    listFn('/admin/users').catch(() => []), listFn('/admin/providers').catch(() => [])]);
  return {
    users: new Map(users.map((u) => [Number(u.id), u.name])),
    providers: new Map(providers.map((p) => [Number(p.id), p.name])),
    userList: users,
    providerList: providers,
  };
}
