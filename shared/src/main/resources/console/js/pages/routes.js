import { del, get, list, post } from '../api.js';
import { button, card, clear, crudCard, enabledPill, errorBox, fmtNum, form, h, pageHead, toast } from '../ui.js';

const STRATEGIES = [['round_robin', 'round robin'], ['weighted', 'weighted'], ['failover', 'failover (by tier)']];

export async function render(root, ctx) {
  if (ctx.args[0]) return renderRoute(root, ctx, ctx.args[0]);
  root.append(pageHead('Routes & aliases', 'Model names clients call, and the provider models behind them.'));
  root.append(crudCard({
    title: 'Routes', noun: 'route', testid: 'routes-table',
    load: () => list('/admin/routes'),
    onRow: (r) => ctx.navigate(`routes/${r.id}`),
    columns: [
      { label: 'Name', get: (r) => h('a', { href: `#/routes/${r.id}` }, r.name) },
      { label: 'Strategy', get: (r) => r.strategy },
      { label: 'Description', cls: 'wrap', get: (r) => r.description },
      { label: 'Status', get: (r) => enabledPill(r.enabled) },
    ],
    fields: routeFields,
    save: (v, row) => post('/admin/routes', row ? { ...v, id: row.id } : v),
    afterSave: (created, row) => !row && created && created.id && ctx.navigate(`routes/${created.id}`),
    remove: (r) => del(`/admin/routes/${r.id}`),
    describe: (r) => `route ${r.name}`,
  }));
  root.append(crudCard({
    title: 'Aliases', noun: 'alias', testid: 'aliases-table',
    load: () => list('/admin/aliases'),
    columns: [
      { label: 'Provider', get: (r) => r.provider },
      { label: 'Alias (regex)', get: (r) => h('span', { class: 'mono' }, r.alias) },
      { label: 'Target', get: (r) => h('span', { class: 'mono' }, r.target) },
      { label: 'Order', cls: 'num', get: (r) => r.sort_order },
      { label: 'Status', get: (r) => enabledPill(r.enabled) },
    ],
    defaults: { provider: '*', sort_order: 0 },
    fields: () => [
      { name: 'provider', label: 'Provider', required: true, help: '* for every provider, or a provider name' },
      { name: 'alias', label: 'Alias pattern', required: true, help: 'A regular expression over the model name' },
      { name: 'target', label: 'Target', required: true, help: 'A route name or provider/model' },
      { name: 'sort_order', label: 'Order', type: 'number' },
      { name: 'enabled', label: 'Enabled', type: 'checkbox' },
    ],
    save: (v, row) => post('/admin/aliases', row ? { ...v, id: row.id } : v),
    remove: (r) => del(`/admin/aliases/${r.id}`),
    describe: (r) => `alias ${r.alias}`,
  }));
  return undefined;
}

function routeFields() {
  return [
    { name: 'name', label: 'Name', required: true, help: 'The model name clients send' },
    { name: 'strategy', label: 'Strategy', type: 'select', options: STRATEGIES },
    { name: 'description', label: 'Description', wide: true },
    { name: 'enabled', label: 'Enabled', type: 'checkbox' },
  ];
}

async function renderRoute(root, ctx, id) {
  let route;
  let providers;
  try {
    [route, providers] = await Promise.all([get(`/admin/routes/${encodeURIComponent(id)}`), list('/admin/providers')]);
  } catch (e) {
    root.append(pageHead('Route', null, button('← All routes', () => ctx.navigate('routes'))), errorBox(e));
    return;
  }
  root.append(pageHead(`Route: ${route.name}`, `Clients call it as model "${route.name}".`,
    button('← All routes', () => ctx.navigate('routes'))));
  const settings = card('Route', null, h('div', {}));
  const show = (r) => clear(settings.querySelector('.card-body'), form(routeFields(), r, async (v) => {
    const saved = await post('/admin/routes', { ...v, id: r.id });
    toast('Route saved');
    show(saved || r);
  }));
  show(route);
  root.append(settings);
  const pname = (pid) => (providers.find((p) => Number(p.id) === Number(pid)) || {}).name || `#${pid}`;
  root.append(crudCard({
    title: 'Members', noun: 'member', testid: 'members-table',
    load: async () => (await list(`/admin/routes/${route.id}/members`))
      .sort((a, b) => (a.tier - b.tier) || (b.weight - a.weight)),
    columns: [
      { label: 'Tier', cls: 'num', get: (m) => m.tier },
      { label: 'Provider', get: (m) => h('a', { href: `#/providers/${m.provider_id}` }, pname(m.provider_id)) },
      { label: 'Upstream model', get: (m) => h('span', { class: 'mono' }, m.upstream_model_id) },
      { label: 'Weight', cls: 'num', get: (m) => fmtNum(m.weight) },
      { label: 'Status', get: (m) => enabledPill(m.enabled) },
    ],
    defaults: { tier: 0, weight: 100 },
    empty: 'No members: requests to this route fail until one is added.',
    fields: () => [
      { name: 'provider_id', label: 'Provider', type: 'select', numeric: true, required: true, options: providers.map((p) => [p.id, p.name]) },
      { name: 'upstream_model_id', label: 'Upstream model', required: true },
      { name: 'tier', label: 'Tier', type: 'number', help: 'Lower tiers are tried first' },
      { name: 'weight', label: 'Weight', type: 'number' },
      { name: 'enabled', label: 'Enabled', type: 'checkbox' },
    ],
    save: (v, row) => post(`/admin/routes/${route.id}/members`, row ? { ...v, id: row.id } : v),
    remove: (m) => del(`/admin/route-members/${m.id}`),
    describe: (m) => `member ${pname(m.provider_id)}/${m.upstream_model_id}`,
  }));
}
