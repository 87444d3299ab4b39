import { del, get, list, post } from '../api.js';
import {
  busy, button, card, clear, crudCard, enabledPill, errorBox, form, h, pageHead, showSecret, tabs, toast, yesNo,
} from '../ui.js';

async function orgsAndTeams() {
  const orgs = await list('/admin/orgs');
  const teams = (await Promise.all(orgs.map((o) => list(`/admin/orgs/${o.id}/teams`).catch(() => [])))).flat();
  return { orgs, teams };
}

export async function render(root, ctx) {
  if (ctx.args[0]) return renderUser(root, ctx, ctx.args[0]);
  const tab = ctx.query.get('tab') || 'users';
  root.append(pageHead('Users & keys', 'People and services that call the gateway, and their orgs and teams.'),
    tabs([{ id: 'users', label: 'Users' }, { id: 'orgs', label: 'Orgs & teams' }], tab, (id) => ctx.navigate(`users?tab=${id}`)));
  let ot;
  try {
    ot = await orgsAndTeams();
  } catch (e) {
    root.append(errorBox(e));
    return undefined;
  }
  if (tab === 'orgs') return renderOrgs(root, ot);
  const orgName = (id) => (ot.orgs.find((o) => Number(o.id) === Number(id)) || {}).name || id;
  const teamName = (id) => (id === null || id === undefined ? '' : (ot.teams.find((t) => Number(t.id) === Number(id)) || {}).name || id);
  root.append(crudCard({
    title: 'Users', noun: 'user', testid: 'users-table',
    load: () => list('/admin/users'),
    onRow: (u) => ctx.navigate(`users/${u.id}`),
    columns: [
      { label: 'Name', get: (u) => h('a', { href: `#/users/${u.id}` }, u.name) },
      { label: 'Org', get: (u) => orgName(u.org_id) },
      { label: 'Team', get: (u) => teamName(u.team_id) },
      { label: 'Admin', get: (u) => yesNo(u.is_admin) },
      { label: 'Password', get: (u) => yesNo(u.has_password) },
      { label: 'Status', get: (u) => enabledPill(u.enabled) },
    ],
    defaults: { is_admin: false },
    fields: (row) => userFields(ot, row),
    save: (v, row) => post('/admin/users', userBody(v, row)),
    remove: (u) => del(`/admin/users/${u.id}`),
    describe: (u) => `user ${u.name}`,
  }));
  return undefined;
}

function userFields(ot, row) {
  return [
    { name: 'name', label: 'Name', required: true },
    { name: 'org_id', label: 'Org', type: 'select', numeric: true, required: true, options: ot.orgs.map((o) => [o.id, o.name]) },
    { name: 'team_id', label: 'Team', type: 'select', numeric: true, options: [['', '— none —'], ...ot.teams.map((t) => [t.id, `${t.name} (${(ot.orgs.find((o) => Number(o.id) === Number(t.org_id)) || {}).name || t.org_id})`])] },
    { name: 'password', label: row ? 'New password' : 'Password', type: 'password', omitEmpty: true,
      help: row ? 'Leave empty to keep the current password' : 'Needed to sign in to the console or portal' },
    { name: 'is_admin', label: 'Administrator', type: 'checkbox' },
    { name: 'enabled', label: 'Enabled', type: 'checkbox' },
  ];
}

function userBody(v, row) {
  const body = { ...v }; // team "none" is sent as null, a kept password is left out
  if (row) body.id = row.id;
  return body;
}

function renderOrgs(root, ot) {
  root.append(crudCard({
    title: 'Orgs', noun: 'org', testid: 'orgs-table',
    load: () => list('/admin/orgs'),
    columns: [
      { label: 'Id', get: (o) => o.id },
      { label: 'Name', get: (o) => o.name },
      { label: 'Description', cls: 'wrap', get: (o) => o.description },
      { label: 'Status', get: (o) => enabledPill(o.enabled) },
    ],
    fields: () => [
      { name: 'name', label: 'Name', required: true },
      { name: 'description', label: 'Description', wide: true },
      { name: 'enabled', label: 'Enabled', type: 'checkbox' },
    ],
    save: (v, row) => post('/admin/orgs', row ? { ...v, id: row.id } : v),
    remove: (o) => del(`/admin/orgs/${o.id}`),
    describe: (o) => `org ${o.name}`,
  }));
  root.append(crudCard({
    title: 'Teams', noun: 'team', testid: 'teams-table',
    load: async () => (await orgsAndTeams()).teams,
    columns: [
      { label: 'Id', get: (t) => t.id },
      { label: 'Name', get: (t) => t.name },
      { label: 'Org', get: (t) => (ot.orgs.find((o) => Number(o.id) === Number(t.org_id)) || {}).name || t.org_id },
      { label: 'Status', get: (t) => enabledPill(t.enabled) },
    ],
    // orgs are read again when the form opens: one created a moment ago on this page must be offered
    fields: async () => {
      const orgs = await list('/admin/orgs').catch(() => ot.orgs);
      return [
        { name: 'org_id', label: 'Org', type: 'select', numeric: true, required: true, options: orgs.map((o) => [o.id, o.name]) },
        { name: 'name', label: 'Name', required: true },
        { name: 'enabled', label: 'Enabled', type: 'checkbox' },
      ];
    },
    save: (v, row) => post(`/admin/orgs/${v.org_id}/teams`, row ? { ...v, id: row.id } : v),
    remove: (t) => del(`/admin/teams/${t.id}`),
    describe: (t) => `team ${t.name}`,
  }));
}

async function renderUser(root, ctx, id) {
  let user;
  let ot;
  try {
    [user, ot] = await Promise.all([get(`/admin/users/${encodeURIComponent(id)}`), orgsAndTeams()]);
  } catch (e) {
    root.append(pageHead('User', null, button('← All users', () => ctx.navigate('users'))), errorBox(e));
    return;
  }
  root.append(pageHead(`User: ${user.name}`, `id ${user.id}`, button('← All users', () => ctx.navigate('users'))));
  const settings = card('Profile', null, h('div', {}));
  const show = (u) => clear(settings.querySelector('.card-body'), form(userFields(ot, u), u, async (v) => {
    const saved = await post('/admin/users', userBody(v, u));
    toast('User saved');
    show(saved || u);
  }));
  show(user);
  root.append(settings);
  root.append(keysCard({
    load: () => list(`/admin/users/${user.id}/keys`),
    create: (label) => post(`/admin/users/${user.id}/keys`, { label }),
    update: (k, fields) => post(`/admin/users/${user.id}/keys`, { id: k.id, label: k.label, enabled: k.enabled, ...fields }),
    remove: (k) => del(`/admin/user-keys/${k.id}`),
    reveal: async (k) => (await get(`/admin/user-keys/${k.id}/reveal`)).api_key,
  }));
  root.append(card('Usage', null, h('a', { href: `#/usage?user_id=${user.id}` }, `Usage of ${user.name} →`)));
}

/** The API keys of one user (admin view or the portal's own keys). */
export function keysCard({ load, create, update, remove, reveal }) {
  return crudCard({
    title: 'API keys', noun: 'key', testid: 'keys-table', newLabel: 'Create key',
    load,
    columns: [
      { label: 'Id', get: (k) => k.id },
      { label: 'Label', get: (k) => k.label },
      { label: 'Key', get: (k) => h('span', { class: 'mono' }, k.key_preview || 'sk-…') },
      { label: 'Status', get: (k) => enabledPill(k.enabled) },
    ],
    editable: false,
    rowActions: (k, reload) => [
      reveal && button('Reveal', (e) => busy(e.target, async () => showSecret('API key', `Key ${k.label || k.id}`, await reveal(k))), 'btn-small'),
      button(k.enabled === false ? 'Enable' : 'Disable', (e) => busy(e.target, async () => {
        await update(k, { enabled: k.enabled === false });
        toast(k.enabled === false ? 'Key enabled' : 'Key disabled');
        await reload();
      }), 'btn-small'),
    ],
    fields: () => [{ name: 'label', label: 'Label', required: true, placeholder: 'e.g. laptop, CI' }],
    save: async (v) => {
      const created = await create(v.label);
      showSecret('New API key', 'Copy this key now: it is shown only once.', created.api_key);
      return created;
    },
    remove,
    describe: (k) => `key ${k.label || k.id}`,
  });
}
