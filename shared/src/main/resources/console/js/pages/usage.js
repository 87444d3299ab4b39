import { get, list, qs } from '../api.js';
import { busy, button, card, clear, errorBox, h, pageHead, table } from '../ui.js';
import { nameMaps, summaryStats, usageColumns } from './common.js';

const FILTERS = ['from', 'to', 'user_id', 'provider_id', 'credential_id', 'route_name', 'model'];
const PAGE = 50;

// datetime-local works in local time; the API takes ISO instants
const toLocalInput = (iso) => {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
};

export async function render(root, ctx) {
  const filters = {};
  for (const f of FILTERS) if (ctx.query.get(f)) filters[f] = ctx.query.get(f);
  if (!filters.from) filters.from = new Date(Date.now() - 7 * 86400e3).toISOString();
  root.append(pageHead('Usage', 'Every request the gateway settled, newest first. Filters and totals are computed by the server.'));
  const names = await nameMaps(list);

  const input = (name, props) => h('input', { name, id: `u-${name}`, ...props });
  const fromIn = input('from', { type: 'datetime-local', value: toLocalInput(filters.from) });
  const toIn = input('to', { type: 'datetime-local', value: toLocalInput(filters.to) });
  const userIn = h('select', { name: 'user_id', id: 'u-user_id' }, h('option', { value: '' }, 'all users'),
    names.userList.map((u) => h('option', { value: String(u.id), selected: String(u.id) === filters.user_id }, u.name)));
  const provIn = h('select', { name: 'provider_id', id: 'u-provider_id' }, h('option', { value: '' }, 'all providers'),
    names.providerList.map((p) => h('option', { value: String(p.id), selected: String(p.id) === filters.provider_id }, p.name)));
  const routeIn = input('route_name', { value: filters.route_name || '', placeholder: 'any' });
  const modelIn = input('model', { value: filters.model || '', placeholder: 'any' });
  const field = (label, el) => h('div', { class: 'field' }, h('label', { for: el.id }, label), el);
  const filterForm = h('form', { class: 'filters', 'data-testid': 'usage-filters' },
    field('From', fromIn), field('To', toIn), field('User', userIn), field('Provider', provIn),
    field('Route', routeIn), field('Model', modelIn),
    h('div', { class: 'filter-buttons' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Apply'),
      button('Reset', () => ctx.navigate('usage'))));
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = {
      from: fromIn.value ? new Date(fromIn.value).toISOString() : '',
      to: toIn.value ? new Date(toIn.value).toISOString() : '',
      user_id: userIn.value, provider_id: provIn.value, route_name: routeIn.value.trim(), model: modelIn.value.trim(),
      credential_id: filters.credential_id,
    };
    ctx.navigate(`usage${qs(next)}`);
  });

  const summaryBox = h('div', {});
  const rows = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const pageInfo = h('span', { class: 'muted' });
  const prev = button('← Newer', () => go(-1));
  const next = button('Older →', () => go(1));
  root.append(card('Filters', null, filterForm), summaryBox,
    card('Requests', null, rows, h('div', { class: 'pager' }, pageInfo, h('div', { class: 'actions' }, prev, next))));

  // server-side pagination: a stack of cursors, one per page shown so far
  const cursors = [null];
  let page = 0;
  let nextCursor = null;
  async function load() {
    try {
      const data = await get(`/admin/usage${qs({ ...filters, limit: PAGE, cursor: cursors[page] })}`);
      nextCursor = data.next_cursor || null;
      clear(rows, table(usageColumns(names), data.items || [], { empty: 'No requests match these filters.', testid: 'usage-table' }));
      pageInfo.textContent = `Page ${page + 1}`;
      prev.disabled = page === 0;
      next.disabled = !nextCursor;
    } catch (e) {
      clear(rows, errorBox(e));
    }
  }
  async function go(delta) {
    if (delta > 0) {
      if (!nextCursor) return;
      cursors[page + 1] = nextCursor;
    }
    page = Math.max(0, page + delta);
    await busy(delta > 0 ? next : prev, load);
  }
  const summary = get(`/admin/usage-summary${qs(filters)}`)
    .then((s) => clear(summaryBox, summaryStats(s)))
    .catch((e) => clear(summaryBox, errorBox(e)));
  await Promise.all([load(), summary]);
}
