import { del, list, post } from '../api.js';
import { crudCard, errorBox, fmtCost, fmtNum, h, pageHead, tabs } from '../ui.js';

async function scopes() {
  const [orgs, users] = await Promise.all([list('/admin/orgs'), list('/admin/users')]);
  const teams = (await Promise.all(orgs.map((o) => list(`/admin/orgs/${o.id}/teams`).catch(() => [])))).flat();
  const options = [
    ...orgs.map((o) => [`org:${o.id}`, `org · ${o.name}`]),
    ...teams.map((t) => [`team:${t.id}`, `team · ${t.name}`]),
    ...users.map((u) => [`user:${u.id}`, `user · ${u.name}`]),
  ];
  const label = (scope, id) => (options.find(([v]) => v === `${scope}:${id}`) || [null, `${scope} #${id}`])[1];
  return { options, label };
}

const scopeField = (sc) => ({ name: 'target', label: 'Applies to', type: 'select', required: true, options: sc.options });
const withTarget = (row) => (row ? { ...row, target: `${row.scope}:${row.scope_id}` } : null);
function body(v, row) {
  const { target, ...rest } = v;
  const [scope, id] = target.split(':');
  const out = { ...rest, scope, scope_id: Number(id) };
  if (row) out.id = row.id;
  return out;
}

const TABS = [
  { id: 'permissions', label: 'Route permissions' },
  { id: 'rate-limits', label: 'Rate limits' },
  { id: 'quotas', label: 'Quotas' },
];

export async function render(root, ctx) {
  const tab = ctx.query.get('tab') || 'permissions';
  root.append(pageHead('Access & limits', 'Who may call which routes, how often, and for how much. Rows apply to an org, a team or a user.'),
    tabs(TABS, tab, (id) => ctx.navigate(`access?tab=${id}`)));
  let sc;
  try {
    sc = await scopes();
  } catch (e) {
    root.append(errorBox(e));
    return;
  }
  const scopeCol = { label: 'Applies to', get: (r) => sc.label(r.scope, r.scope_id) };
  const common = (path, noun) => ({
    noun,
    load: () => list(path),
    save: (v, row) => post(path, body(v, row)),
    remove: (r) => del(`${path}/${r.id}`),
    describe: (r) => `${noun} #${r.id}`,
  });
  // the scope select's value is "scope:id"
  const editWith = (spec) => ({ ...spec, fields: (row) => spec.fieldsFor(row), initial: withTarget });
  if (tab === 'permissions') {
    root.append(crudCard(editWith({
      ...common('/admin/route-permissions', 'permission'), title: 'Route permissions', testid: 'permissions-table',
      columns: [scopeCol, { label: 'Route pattern', get: (r) => h('span', { class: 'mono' }, r.route_pattern) }],
      defaults: { route_pattern: '*' },
      fieldsFor: () => [scopeField(sc), { name: 'route_pattern', label: 'Route pattern', required: true, help: 'Glob over route names, provider or provider/model; * for all' }],
    })));
  } else if (tab === 'rate-limits') {
    root.append(crudCard(editWith({
      ...common('/admin/rate-limits', 'rate limit'), title: 'Rate limits', testid: 'rate-limits-table',
      columns: [scopeCol, { label: 'Route pattern', get: (r) => h('span', { class: 'mono' }, r.route_pattern) },
        { label: 'Requests / min', cls: 'num', get: (r) => fmtNum(r.rpm) },
        { label: 'Requests / day', cls: 'num', get: (r) => fmtNum(r.rpd) },
        { label: 'Tokens / day', cls: 'num', get: (r) => fmtNum(r.total_tokens) }],
      defaults: { route_pattern: '*' },
      fieldsFor: () => [scopeField(sc), { name: 'route_pattern', label: 'Route pattern' },
        { name: 'rpm', label: 'Requests per minute', type: 'number' }, { name: 'rpd', label: 'Requests per day', type: 'number' },
        { name: 'total_tokens', label: 'Tokens per day', type: 'number' }],
    })));
  } else {
    const money = (name, label) => ({ name, label, placeholder: 'no limit', help: 'USD' });
    root.append(crudCard(editWith({
      ...common('/admin/quotas', 'quota'), title: 'Quotas (spending budgets)', testid: 'quotas-table',
      columns: [scopeCol,
        { label: 'Total', cls: 'num', get: (r) => fmtCost(r.quota_total) },
        { label: 'Daily', cls: 'num', get: (r) => fmtCost(r.quota_daily) },
        { label: 'Weekly', cls: 'num', get: (r) => fmtCost(r.quota_weekly) },
        { label: 'Monthly', cls: 'num', get: (r) => fmtCost(r.quota_monthly) }],
      fieldsFor: () => [scopeField(sc), money('quota_total', 'Total'), money('quota_daily', 'Daily'),
        money('quota_weekly', 'Weekly'), money('quota_monthly', 'Monthly')],
    })));
  }
}
