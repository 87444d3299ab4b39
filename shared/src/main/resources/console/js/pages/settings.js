import { get, post } from '../api.js';
import { busy, button, card, errorBox, form, h, pageHead, toast } from '../ui.js';

const FIELDS = [
  { name: 'instance_name', label: 'Instance name', required: true },
  { name: 'proxy', label: 'Outbound proxy URL', placeholder: 'none' },
  { name: 'retention_days', label: 'Usage retention (days)', type: 'number' },
  { name: 'max_database_size_mb', label: 'Database size cap (MB)', type: 'number' },
  { name: 'update_channel', label: 'Update channel' },
  { name: 'enable_usage', label: 'Record usage', type: 'checkbox' },
  { name: 'enable_downstream_log', label: 'Capture client requests', type: 'checkbox' },
  { name: 'enable_downstream_log_body', label: '…with bodies', type: 'checkbox' },
  { name: 'enable_upstream_log', label: 'Capture upstream requests', type: 'checkbox' },
  { name: 'enable_upstream_log_body', label: '…with bodies', type: 'checkbox' },
  { name: 'disable_log_redaction', label: 'Disable log redaction', type: 'checkbox' },
  { name: 'spoof_emulation', label: 'Client emulation', type: 'checkbox' },
  { name: 'enable_tokenizer_download', label: 'Download tokenizers', type: 'checkbox' },
];

export async function render(root) {
  root.append(pageHead('Settings', 'Instance-wide settings.'));
  let current;
  try {
    current = await get('/admin/instance-settings');
    if (current && Array.isArray(current.items)) current = current.items[0] || {};
  } catch (e) {
    root.append(errorBox(e));
    return;
  }
  const defaults = { enable_usage: true, retention_days: 30 };
  const initial = { ...defaults, ...current };
  for (const f of FIELDS) if (f.type === 'checkbox' && initial[f.name] === undefined) initial[f.name] = false;
  root.append(card('Instance settings', null, form(FIELDS, initial, async (v) => {
    const saved = await post('/admin/instance-settings', { ...current, ...v });
    if (saved) current = saved;
    toast('Settings saved');
  })));
  root.append(card('Export', null,
    h('p', { class: 'muted' }, 'Download the whole configuration as an import bundle (the --import format). Secrets stay out unless you ask for them.'),
    h('div', { class: 'actions actions-left' },
      button('Export without secrets', (e) => busy(e.target, () => download(false))),
      button('Export with secrets', (e) => busy(e.target, () => download(true)), 'btn-danger'))));
}

async function download(secrets) {
  const bundle = await get(`/admin/export?secrets=${secrets}`);
  const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: `gproxy-bundle${secrets ? '-with-secrets' : ''}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
