import { del, get, list, post } from '../api.js';
import {
  busy, button, card, clear, confirmAction, crudCard, enabledPill, errorBox, fmtNum, form, h, modal, pageHead, toast, yesNo,
} from '../ui.js';

let channelsCache;
async function channels() {
  if (!channelsCache) channelsCache = await list('/admin/channels');
  return channelsCache;
}

/** The credential kinds of a channel as [{kind, label, fields:[{name,label,type,required}]}]. */
function kindsOf(channel) {
  const secretFields = (channel && channel.secret_fields) || [];
  const kinds = (channel && channel.credential_kinds) || [];
  const norm = kinds.map((k) => (typeof k === 'string'
    ? { kind: k, label: k, fields: secretFields.map((f) => (typeof f === 'string' ? { name: f, label: f, type: 'secret' } : f)) }
    : { kind: k.kind, label: k.label || k.kind, fields: k.fields || [] }));
  return norm.length ? norm : [{ kind: 'api_key', label: 'API key', fields: [{ name: 'api_key', label: 'API key', type: 'secret', required: true }] }];
}

const fieldType = (t) => ({ secret: 'password', text: 'textarea', bool: 'checkbox', json: 'json' }[t] || 'text');

export async function render(root, ctx) {
  if (ctx.args[0]) return renderProvider(root, ctx, ctx.args[0]);
  root.append(pageHead('Providers', 'Upstream accounts (a channel, its settings and credentials) and the prices that cost their usage.'));
  let chs = [];
  try {
    chs = await channels();
  } catch (e) {
    root.append(errorBox(e));
  }
  const chName = (id) => (chs.find((c) => c.id === id) || {}).display_name || id;
  root.append(crudCard({
    title: 'Providers', noun: 'provider', testid: 'providers-table',
    load: () => list('/admin/providers'),
    onRow: (r) => ctx.navigate(`providers/${r.id}`),
    columns: [
      { label: 'Name', get: (r) => h('a', { href: `#/providers/${r.id}` }, r.name) },
      { label: 'Channel', get: (r) => chName(r.channel) },
      { label: 'Label', get: (r) => r.label },
      { label: 'Base URL', get: (r) => h('span', { class: 'mono' }, (r.settings_json && r.settings_json.base_url) || 'default') },
      { label: 'Strategy', get: (r) => r.credential_strategy },
      { label: 'Status', get: (r) => enabledPill(r.enabled) },
    ],
    editable: false,
    fields: () => providerFields(chs, null),
    save: (v) => post('/admin/providers', providerBody(v, chs, null)),
    afterSave: (created) => created && created.id && ctx.navigate(`providers/${created.id}`),
    remove: (r) => del(`/admin/providers/${r.id}`),
    describe: (r) => `provider ${r.name}`,
  }));
  root.append(priceRulesCard());
  return undefined;
}

/** Prices per million tokens (USD), matched on the upstream model name; a provider's own rule wins over a global one. */
function priceRulesCard() {
  let providers = [];
  const pname = (id) => (id === null || id === undefined ? 'all providers' : (providers.find((p) => Number(p.id) === Number(id)) || {}).name || `#${id}`);
  const price = (name, label) => ({ name, label, placeholder: '—', help: 'USD per 1M tokens' });
  return crudCard({
    title: 'Prices', noun: 'price rule', testid: 'price-rules-table',
    load: async () => {
      providers = await list('/admin/providers').catch(() => []);
      return list('/admin/price-rules');
    },
    columns: [
      { label: 'Provider', get: (r) => pname(r.provider_id) },
      { label: 'Model', get: (r) => h('span', { class: 'mono' }, `${r.match_type === 'contains' ? '*' : ''}${r.model_match}${r.match_type === 'contains' ? '*' : ''}`) },
      { label: 'Input', cls: 'num', get: (r) => r.input_price },
      { label: 'Output', cls: 'num', get: (r) => r.output_price },
      { label: 'Cache read', cls: 'num', get: (r) => r.cache_read_price },
      { label: 'Cache write 5m', cls: 'num', get: (r) => r.cache_creation_5m_price },
      { label: 'Status', get: (r) => enabledPill(r.enabled) },
    ],
    defaults: { match_type: 'exact' },
    // the list is read again when the form opens: the card's own load may not have finished yet
    fields: async () => {
      providers = await list('/admin/providers').catch(() => providers);
      return priceRuleFields(providers, price);
    },
    save: (v, row) => post('/admin/price-rules', row ? { ...v, id: row.id } : v),
    remove: (r) => del(`/admin/price-rules/${r.id}`),
    describe: (r) => `price rule for ${r.model_match}`,
  });
}

function priceRuleFields(providers, price) {
  return [
      { name: 'provider_id', label: 'Provider', type: 'select', numeric: true, options: [['', 'all providers'], ...providers.map((p) => [p.id, p.name])] },
      { name: 'match_type', label: 'Match', type: 'select', options: [['exact', 'exact model name'], ['contains', 'model name contains']] },
      { name: 'model_match', label: 'Model', required: true },
      price('input_price', 'Input'), price('output_price', 'Output'), price('cache_read_price', 'Cache read'),
      price('cache_creation_5m_price', 'Cache write (5 min)'), price('cache_creation_1h_price', 'Cache write (1 h)'),
      { name: 'enabled', label: 'Enabled', type: 'checkbox' },
  ];
}

function providerFields(chs, row) {
  const ch = row ? chs.find((c) => c.id === row.channel) : null;
  const settings = (row && row.settings_json) || {};
  const fields = [
    { name: 'name', label: 'Name', required: true, help: 'Used in model ids: name/model' },
    row
      ? { name: 'channel', label: 'Channel (fixed)', type: 'select', options: [[row.channel, ch ? ch.display_name : row.channel]] }
      : { name: 'channel', label: 'Channel', type: 'select', required: true, options: chs.map((c) => [c.id, `${c.display_name} (${c.id})`]) },

    { name: 'label', label: 'Label' },
    { name: 'credential_strategy', label: 'Credential strategy', type: 'select', options: [['round_robin', 'round robin'], ['sticky', 'sticky']] },
    { name: 'base_url', label: 'Base URL', placeholder: 'channel default', default: settings.base_url, wide: true },
    { name: 'settings_extra', label: 'Other settings (JSON)', type: 'json', wide: true, rows: 3,
      default: Object.keys(settings).filter((k) => k !== 'base_url').length
        ? Object.fromEntries(Object.entries(settings).filter(([k]) => k !== 'base_url')) : '',
      help: settingsHelp(ch || chs[0]) },
    { name: 'enabled', label: 'Enabled', type: 'checkbox' },
  ];
  // the base URL placeholder follows the chosen channel's default
  fields[1].onChange = (id, inputs) => {
    const c = chs.find((x) => x.id === id);
    const field = ((c && c.settings_fields) || []).find((f) => f.name === 'base_url');
    if (c && c.default_base_url) inputs.base_url.placeholder = `default: ${c.default_base_url}`;
    else inputs.base_url.placeholder = field && field.required ? 'required for this channel' : 'channel default';
  };
  return fields;
}

function settingsHelp(ch) {
  const fs = ((ch && ch.settings_fields) || []).filter((f) => (f.name || f) !== 'base_url');
  return fs.length ? `Known settings: ${fs.map((f) => f.name || f).join(', ')}` : undefined;
}

function providerBody(v, chs, row) {
  const settings = { ...(v.settings_extra || {}) };
  if (v.base_url) settings.base_url = v.base_url;
  const body = {
    name: v.name, channel: v.channel, label: v.label, credential_strategy: v.credential_strategy,
    settings_json: settings, enabled: v.enabled,
  };
  if (row) body.id = row.id;
  return body;
}

async function renderProvider(root, ctx, id) {
  let p;
  let chs;
  try {
    [p, chs] = await Promise.all([get(`/admin/providers/${encodeURIComponent(id)}`), channels().catch(() => [])]);
  } catch (e) {
    root.append(pageHead('Provider', null, button('← All providers', () => ctx.navigate('providers'))), errorBox(e));
    return;
  }
  const ch = chs.find((c) => c.id === p.channel);
  root.append(pageHead(`Provider: ${p.name}`, `${ch ? ch.display_name : p.channel} · id ${p.id}`,
    button('← All providers', () => ctx.navigate('providers'))));

  const settingsCard = card('Settings', null, h('div', {}));
  const renderSettings = (row) => {
    clear(settingsCard.querySelector('.card-body'), formFor(row));
  };
  const formFor = (row) => {
    return form(providerFields(chs, row), { ...row, base_url: (row.settings_json || {}).base_url }, async (v) => {
      const saved = await post('/admin/providers', providerBody(v, chs, row));
      toast('Provider saved');
      renderSettings(saved || row);
    });
  };
  renderSettings(p);
  root.append(settingsCard);

  // credentials with health
  const kinds = kindsOf(ch);
  let statuses = new Map();
  let healthKnown = false;
  const loadStatuses = async () => {
    try {
      const rows = await list('/admin/credential-statuses');
      statuses = new Map(rows.map((s) => [Number(s.credential_id), s]));
      healthKnown = true;
    } catch {
      statuses = new Map(); // health store not available on this gateway
      healthKnown = false;
    }
  };
  const health = (c) => {
    const s = statuses.get(Number(c.id));
    if (!s) return healthKnown ? h('span', { class: 'pill pill-on' }, 'healthy') : h('span', { class: 'muted', title: 'health not reported' }, 'n/a');
    return h('span', { class: 'pill pill-warn', title: JSON.stringify(s) }, s.status || s.state || 'cooling');
  };
  const modes = (ch && ch.login_modes) || [];
  let credentialsCard;
  const loginActions = [
    modes.includes('authcode') && button('Log in…', () => oauthLogin(p, () => credentialsCard.reload()), 'btn-small'),
    modes.includes('device') && button('Device login…', () => deviceLogin(p, () => credentialsCard.reload()), 'btn-small'),
  ].filter(Boolean);
  root.append(credentialsCard = crudCard({
    title: 'Credentials', noun: 'credential', testid: 'credentials-table',
    extraActions: loginActions.length ? h('span', { class: 'actions' }, ...loginActions) : null,
    load: async () => {
      await loadStatuses();
      return list(`/admin/providers/${p.id}/credentials`);
    },
    columns: [
      { label: 'Id', get: (c) => c.id },
      { label: 'Name', get: (c) => c.name || c.label },
      { label: 'Kind', get: (c) => c.kind },
      { label: 'Weight', cls: 'num', get: (c) => fmtNum(c.weight) },
      { label: 'Secret', get: (c) => yesNo(c.has_secret) },
      { label: 'Health', get: health },
      { label: 'Status', get: (c) => enabledPill(c.enabled) },
    ],
    rowActions: (c, reload) => statuses.has(Number(c.id)) && button('Reset health', (e) => busy(e.target, async () => {
      await del(`/admin/credentials/${c.id}/status`);
      toast('Health reset');
      await reload();
    }), 'btn-small'),
    fields: (row) => credentialFields(kinds, row),
    save: (v, row) => post(`/admin/providers/${p.id}/credentials`, credentialBody(v, kinds, row)),
    remove: (c) => del(`/admin/credentials/${c.id}`),
    describe: (c) => `credential ${c.name || c.id}`,
  }));

  // models + upstream pull
  const modelsCard = crudCard({
    title: 'Models', noun: 'model', testid: 'models-table',
    load: () => list(`/admin/providers/${p.id}/models`),
    columns: [
      { label: 'Model id', get: (m) => h('span', { class: 'mono' }, m.model_id) },
      { label: 'Display name', get: (m) => m.display_name },
      { label: 'Status', get: (m) => enabledPill(m.enabled) },
    ],
    fields: () => [
      { name: 'model_id', label: 'Model id', required: true },
      { name: 'display_name', label: 'Display name' },
      { name: 'enabled', label: 'Enabled', type: 'checkbox' },
    ],
    save: (v, row) => post(`/admin/providers/${p.id}/models`, row ? { ...v, id: row.id } : v),
    remove: (m) => del(`/admin/provider-models/${m.id}`),
    describe: (m) => `model ${m.model_id}`,
    extraActions: button('Pull upstream models', (e) => busy(e.target, async () => {
      const r = await get(`/admin/providers/${p.id}/upstream-models`);
      toast(`${(r.items || []).length} models from ${r.source || 'upstream'}; ${r.added || 0} new`);
      await modelsCard.reload();
    })),
  });
  root.append(modelsCard);

  // routing rules
  const rulesCard = crudCard({
    title: 'Routing rules', noun: 'routing rule', testid: 'routing-rules-table',
    load: () => list(`/admin/providers/${p.id}/routing-rules`),
    columns: [
      { label: 'Operation', get: (r) => r.operation },
      { label: 'Kind', get: (r) => r.kind },
      { label: 'Implementation', get: (r) => r.implementation },
      { label: 'Destination', get: (r) => {
        if (!r.dest_operation && !r.dest_kind) return '';
        return r.dest_operation && r.dest_operation !== r.operation ? `${r.dest_operation} / ${r.dest_kind || ''}` : `→ ${r.dest_kind}`;
      } },
      { label: 'Status', get: (r) => enabledPill(r.enabled) },
    ],
    fields: () => [
      { name: 'operation', label: 'Operation', required: true },
      { name: 'kind', label: 'Kind', required: true },
      { name: 'implementation', label: 'Implementation', type: 'select', options: ['passthrough', 'transform_to', 'local', 'unsupported'].map((x) => [x, x]) },
      { name: 'dest_operation', label: 'Destination operation' },
      { name: 'dest_kind', label: 'Destination kind' },
      { name: 'enabled', label: 'Enabled', type: 'checkbox' },
    ],
    save: (v, row) => post(`/admin/providers/${p.id}/routing-rules`, row ? { ...v, id: row.id } : v),
    remove: (r) => del(`/admin/routing-rules/${r.id}`),
    describe: (r) => `rule ${r.operation}/${r.kind}`,
    extraActions: button('Reset to channel defaults', async (e) => {
      if (!(await confirmAction('Replace this provider\'s routing rules with the channel defaults?'))) return;
      await busy(e.target, async () => {
        await post(`/admin/providers/${p.id}/routing-rules/reset`);
        toast('Routing rules reset');
        await rulesCard.reload();
      });
    }),
  });
  root.append(rulesCard);

  root.append(card('Danger zone', null, button('Delete provider', async (e) => {
    if (!(await confirmAction(`Delete provider ${p.name}? Routes that use it must be changed first.`))) return;
    await busy(e.target, async () => {
      await del(`/admin/providers/${p.id}`);
      toast('Provider deleted');
      ctx.navigate('providers');
    });
  }, 'btn-danger')));
}

function credentialFields(kinds, row) {
  const kind = kinds.find((k) => k.kind === (row ? row.kind : kinds[0].kind)) || kinds[0];
  const fields = [
    { name: 'name', label: 'Name' },
    row
      ? { name: 'kind', label: 'Kind', type: 'select', options: [[row.kind, row.kind]] }
      : { name: 'kind', label: 'Kind', type: 'select', options: kinds.map((k) => [k.kind, k.label]) },
    { name: 'weight', label: 'Weight', type: 'number', default: 100 },
    { name: 'rpm_limit', label: 'RPM limit', type: 'number' },
    { name: 'tpm_limit', label: 'TPM limit', type: 'number' },
    { name: 'enabled', label: 'Enabled', type: 'checkbox' },
  ];
  const all = new Map();
  for (const k of kinds) for (const f of k.fields) if (!all.has(f.name)) all.set(f.name, f);
  const shown = row ? kind.fields : [...all.values()];
  for (const f of shown) {
    fields.push({
      name: `secret:${f.name}`, label: f.label || f.name,
      type: fieldType(f.type) === 'checkbox' ? 'text' : fieldType(f.type), wide: f.type === 'text',
      placeholder: row && row.has_secret ? 'unchanged' : (f.default || ''), help: f.help, omitEmpty: true,
      autocomplete: 'new-password',
    });
  }
  // only the secret fields of the chosen kind are shown (and sent)
  fields[1].onChange = (chosen, inputs) => {
    const k = kinds.find((x) => x.kind === chosen) || kind;
    for (const f of all.values()) {
      const input = inputs[`secret:${f.name}`];
      if (input) input.closest('.field').hidden = !k.fields.some((x) => x.name === f.name);
    }
  };
  return fields;
}

function credentialBody(v, kinds, row) {
  const body = {};
  const secret = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith('secret:')) {
      if (val !== null && val !== undefined && val !== '') secret[k.slice(7)] = val;
    } else if (val !== null) {
      body[k] = val;
    }
  }
  if (Object.keys(secret).length) body.secret_json = secret;
  else if (!row) throw new Error('Enter the secret (for example the API key)');
  if (row) body.id = row.id;
  return body;
}


/**
 * OAuth login (authorization code with PKCE): the provider's page opens in a new tab, the operator pastes back what it
 * shows (a code, code#state, or the callback URL), and the gateway creates the credential.
 */
async function oauthLogin(p, done) {
  let started;
  try {
    started = await post('/admin/login-flows/start', { provider_id: p.id });
  } catch (e) {
    modal('Log in', errorBox(e));
    return;
  }
  const m = modal('Log in to add a credential', h('div', {},
    h('p', {}, '1. Sign in at the provider (a new tab):'),
    h('p', {}, h('a', { href: started.authorize_url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'oauth-authorize-link' },
      'Open the sign-in page')),
    h('p', {}, '2. Paste what the provider shows at the end: the code, or the whole address of the page it ends on.'),
    form([
      { name: 'pasted', label: 'Code or callback URL', type: 'text', required: true },
      { name: 'name', label: 'Credential name', type: 'text' },
    ], {}, async (v) => {
      const pasted = v.pasted.trim();
      const body = { login_session_id: started.login_session_id, provider_id: p.id, name: v.name || undefined };
      if (/^https?:\/\//.test(pasted)) body.callback_url = pasted; else body.code = pasted;
      await post('/admin/login-flows/complete', body);
      toast('Credential added');
      m.close();
      await done();
    }, { submitLabel: 'Add credential', onCancel: () => m.close() })));
}

/** Device login: show the code and the page to enter it on, then poll until the provider confirms. */
async function deviceLogin(p, done) {
  let started;
  try {
    started = await post('/admin/login-flows/device/start', { provider_id: p.id });
  } catch (e) {
    modal('Device login', errorBox(e));
    return;
  }
  const status = h('p', { class: 'muted' }, 'Waiting for the sign-in…');
  const m = modal('Device login', h('div', {},
    h('p', {}, 'Enter this code at ', h('a', { href: started.verification_url, target: '_blank', rel: 'noopener noreferrer' },
      started.verification_url), ':'),
    h('p', { class: 'mono device-code', 'data-testid': 'device-code' }, started.user_code),
    status));
  const interval = Math.max(1, Number(started.interval_secs) || 5) * 1000;
  const poll = async () => {
    if (!m.dialog.isConnected) return; // closed: stop polling
    try {
      const r = await post('/admin/login-flows/device/poll', { login_session_id: started.login_session_id });
      if (r.status === 'ready') {
        toast('Credential added');
        m.close();
        await done();
        return;
      }
      setTimeout(poll, interval);
    } catch (e) {
      clear(status, errorBox(e));
    }
  };
  setTimeout(poll, interval);
}
