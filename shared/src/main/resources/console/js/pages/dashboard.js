import { get, list, qs } from '../api.js';
import { card, clear, errorBox, h, pageHead, table, tabs, fmtNum, fmtCost } from '../ui.js';
import { RANGES, nameMaps, rangeBuckets, summaryStats, usageCharts, usageColumns } from './common.js';

export async function render(root, ctx) {
  const range = RANGES.find((r) => r.id === ctx.query.get('range')) || RANGES[0];
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  root.append(
    pageHead('Dashboard', 'Traffic, tokens and cost through the gateway (times in UTC).'),
    tabs(RANGES.map((r) => ({ id: r.id, label: r.label })), range.id, (id) => ctx.navigate(`dashboard?range=${id}`)),
    body);
  const { from, to } = rangeBuckets(range);
  try {
    const [summary, rollups, recent, names] = await Promise.all([
      get(`/admin/usage-summary${qs({ from, to })}`),
      list(`/admin/usage-rollups${qs({ granularity: range.granularity, from, to })}`),
      get(`/admin/usage${qs({ from, to, limit: 10 })}`),
      nameMaps(list),
    ]);
    const byModel = new Map();
    for (const r of rollups) {
      const key = `${r.route_name || '—'}\u0000${r.model || '—'}`;
      const m = byModel.get(key) || { route: r.route_name, model: r.model, requests: 0, tokens: 0, cost: 0 };
      m.requests += Number(r.requests) || 0;
      m.tokens += (Number(r.input_tokens) || 0) + (Number(r.output_tokens) || 0);
      m.cost += Number(r.cost) || 0;
      byModel.set(key, m);
    }
    const top = [...byModel.values()].sort((a, b) => b.requests - a.requests).slice(0, 10);
    clear(body,
      summaryStats(summary),
      usageCharts(range, rollups),
      h('div', { class: 'section-gap' }),
      card('Top routes and models', null, table([
        { label: 'Route', get: (r) => r.route },
        { label: 'Model', get: (r) => h('span', { class: 'mono' }, r.model || '—') },
        { label: 'Requests', cls: 'num', get: (r) => fmtNum(r.requests) },
        { label: 'Tokens', cls: 'num', get: (r) => fmtNum(r.tokens) },
        { label: 'Cost', cls: 'num', get: (r) => fmtCost(r.cost) },
      ], top, { empty: 'No traffic in this range.' })),
      card('Recent requests', h('a', { href: '#/usage' }, 'Open usage explorer →'),
        table(usageColumns(names).filter((c) => c.label !== 'Operation' && c.label !== 'Request'), (recent && recent.items) || [], { empty: 'No requests yet.', testid: 'recent-requests' })));
  } catch (e) {
    clear(body, errorBox(e));
  }
}
