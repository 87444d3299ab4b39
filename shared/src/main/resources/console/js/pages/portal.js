// What a user without admin rights sees: their keys, usage, limits and password. Only /user/* endpoints.
import { del, get, list, patch, post, qs } from '../api.js';
import { card, clear, errorBox, fmtCost, fmtNum, form, h, pageHead, table, tabs, toast } from '../ui.js';
import { RANGES, rangeBuckets, usageCharts, usageColumns } from './common.js';
import { keysCard } from './users.js';

export async function render(root, ctx) {
  const me = ctx.me;
  const tab = ctx.query.get('tab') || 'keys';
  root.append(pageHead(`Hello, ${me.name}`, [me.org_name && `org ${me.org_name}`, me.team_name && `team ${me.team_name}`].filter(Boolean).join(' · ')),
    tabs([{ id: 'keys', label: 'API keys' }, { id: 'usage', label: 'Usage' }, { id: 'limits', label: 'Limits' }, { id: 'password', label: 'Password' }],
      tab, (id) => ctx.navigate(`portal?tab=${id}`)));
  if (tab === 'usage') return usage(root, ctx);
  if (tab === 'limits') return limits(root);
  if (tab === 'password') return password(root);
  root.append(keysCard({
    load: () => list('/user/keys'),
    create: (label) => post('/user/keys', { label }),
    update: (k, fields) => patch(`/user/keys/${k.id}`, fields),
    remove: (k) => del(`/user/keys/${k.id}`),
  }));
  return undefined;
}

async function usage(root) {
  const range = RANGES[1];
  const { from, to } = rangeBuckets(range);
  const box = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  root.append(box);
  try {
    const [rollups, recent] = await Promise.all([
      list(`/user/usage-rollups${qs({ granularity: range.granularity, from, to })}`),
      get(`/user/usage${qs({ from, to, limit: 50 })}`),
    ]);
    const total = rollups.reduce((a, r) => ({ requests: a.requests + (Number(r.requests) || 0), cost: a.cost + (Number(r.cost) || 0) }), { requests: 0, cost: 0 });
    clear(box,
      h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, 'Requests (7 days)'), h('div', { class: 'stat-value' }, fmtNum(total.requests))),
        h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, 'Cost (7 days)'), h('div', { class: 'stat-value' }, fmtCost(total.cost)))),
      usageCharts(range, rollups),
      h('div', { class: 'section-gap' }),
      card('Recent requests', null, table(usageColumns().filter((c) => c.label !== 'User'), recent.items || [], { empty: 'No requests yet.' })));
  } catch (e) {
    clear(box, errorBox(e));
  }
}

async function limits(root) {
  const box = h('div', {});
  root.append(box);
  const section = async (title, path, columns) => {
    const c = card(title, null, h('p', { class: 'muted' }, 'Loading…'));
    box.append(c);
    try {
      clear(c.querySelector('.card-body'), table([{ label: 'From', get: (r) => r.source }, ...columns], await list(path), { empty: 'None.' }));
    } catch (e) {
      clear(c.querySelector('.card-body'), errorBox(e));
    }
  };
  await Promise.all([
    section('Quotas', '/user/quota', [
      { label: 'Total', cls: 'num', get: (r) => fmtCost(r.quota_total) },
      { label: 'Daily', cls: 'num', get: (r) => fmtCost(r.quota_daily) },
      { label: 'Weekly', cls: 'num', get: (r) => fmtCost(r.quota_weekly) },
      { label: 'Monthly', cls: 'num', get: (r) => fmtCost(r.quota_monthly) },
      { label: 'Used', cls: 'num', get: (r) => fmtCost(r.used ?? r.spent) },
    ]),
    section('Rate limits', '/user/rate-limits', [
      { label: 'Routes', get: (r) => h('span', { class: 'mono' }, r.route_pattern) },
      { label: 'Requests / min', cls: 'num', get: (r) => fmtNum(r.rpm) },
      { label: 'Requests / day', cls: 'num', get: (r) => fmtNum(r.rpd) },
      { label: 'Tokens / day', cls: 'num', get: (r) => fmtNum(r.total_tokens) },
    ]),
    section('Routes you may call', '/user/route-permissions', [
      { label: 'Pattern', get: (r) => h('span', { class: 'mono' }, r.route_pattern) },
    ]),
  ]);
}

function password(root) {
  root.append(card('Change password', null, form([
    { name: 'current', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password' },
    { name: 'new', label: 'New password', type: 'password', required: true },
    { name: 'repeat', label: 'Repeat new password', type: 'password', required: true },
  ], {}, async (v) => {
    if (v.new !== v.repeat) throw new Error('The new passwords differ');
    await post('/user/change-password', { current: v.current, new: v.new });
    toast('Password changed');
  }, { submitLabel: 'Change password' })));
}
