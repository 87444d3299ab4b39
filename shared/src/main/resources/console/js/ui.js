// Small DOM helpers. Everything is built with createElement and text nodes (never parsed from strings), so API data can never
// become markup, and nothing needs an inline style or script (the console's CSP forbids both).

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// ---- formatting

const nf = new Intl.NumberFormat('en-US');
export const fmtNum = (n) => (n === undefined || n === null || n === '' ? '—' : nf.format(Number(n)));
export function fmtCost(c) {
  if (c === undefined || c === null || c === '') return '—';
  const n = Number(c);
  if (!Number.isFinite(n)) return String(c);
  return `$${n < 1 && n > 0 ? n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '') : n.toFixed(2)}`;
}
export function fmtTime(t) {
  if (t === undefined || t === null || t === '') return '—';
  const d = typeof t === 'number' ? new Date(t) : new Date(String(t));
  if (Number.isNaN(d.getTime())) return String(t);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
export function fmtCompact(n) {
  n = Number(n) || 0;
  if (Math.abs(n) >= 1e9) return `${+(n / 1e9).toFixed(1)}B`;
  if (Math.abs(n) >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (Math.abs(n) >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return `${+n.toFixed(n < 10 && n % 1 ? 4 : 0)}`;
}

export const yesNo = (b) => h('span', { class: `pill ${b ? 'pill-on' : 'pill-off'}` }, b ? 'yes' : 'no');
export const enabledPill = (b) => h('span', { class: `pill ${b !== false ? 'pill-on' : 'pill-off'}` },
  b !== false ? 'enabled' : 'disabled');

// ---- feedback

let toastBox;
export function toast(message, kind = 'ok') {
  if (!toastBox) {
    toastBox = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastBox);
  }
  const t = h('div', { class: `toast toast-${kind}` }, message);
  toastBox.append(t);
  while (toastBox.children.length > 3) toastBox.firstChild.remove();
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 2500);
}

export function errorBox(err) {
  const status = err && err.status ? `${err.status}: ` : '';
  return h('div', { class: 'alert alert-error', role: 'alert' }, `${status}${(err && err.message) || err}`);
}

export function notice(text) {
  return h('div', { class: 'alert alert-info' }, text);
}

/** Runs an async action from a button: disables it meanwhile, shows an error toast on failure. */
export async function busy(button, action) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (e) {
    toast(e.message || String(e), 'error');
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

// ---- layout

export function card(title, actions, ...body) {
  return h('section', { class: 'card' },
    (title || actions) && h('div', { class: 'card-head' }, h('h2', {}, title || ''), h('div', { class: 'actions' }, actions)),
    h('div', { class: 'card-body' }, body));
}

export function pageHead(title, subtitle, ...actions) {
  return h('header', { class: 'page-head' },
    h('div', {}, h('h1', {}, title), subtitle && h('p', { class: 'muted' }, subtitle)),
    h('div', { class: 'actions' }, actions));
}

export function button(label, onClick, kind = '') {
  return h('button', { type: 'button', class: `btn ${kind}`.trim(), onClick }, label);
}

export function stat(label, value, hint) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value),
    hint && h('div', { class: 'stat-hint muted' }, hint));
}

/**
 * A table. columns: [{label, get(row) -> string|Node, cls}]. onRow(row): makes rows clickable.
 */
export function table(columns, rows, { empty = 'Nothing here yet.', onRow, testid } = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty muted' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', { 'data-testid': testid },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.cls }, c.label)))),
    h('tbody', {}, rows.map((r) => {
      const tr = h('tr', { class: onRow ? 'clickable' : '' }, columns.map((c) => {
        const v = c.get(r);
        return h('td', { class: c.cls }, v === undefined || v === null || v === '' ? '—' : v);
      }));
      if (onRow) {
        tr.addEventListener('click', (e) => {
          if (!e.target.closest('button, a, input, select')) onRow(r);
        });
      }
      return tr;
    }))));
}

// ---- dialogs

export function modal(title, content, { wide = false } = {}) {
  const dlg = h('dialog', { class: `modal ${wide ? 'modal-wide' : ''}` },
    h('div', { class: 'modal-head' }, h('h2', {}, title),
      h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': 'Close', onClick: () => close() }, '✕')),
    h('div', { class: 'modal-body' }, content));
  const close = () => {
    dlg.close();
    dlg.remove();
  };
  dlg.addEventListener('cancel', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  return { close, dialog: dlg };
}

export async function confirmAction(text) {
  return new Promise((resolve) => {
    const m = modal('Please confirm', h('div', {},
      h('p', {}, text),
      h('div', { class: 'form-actions' },
        button('Cancel', () => { m.close(); resolve(false); }),
        button('Confirm', () => { m.close(); resolve(true); }, 'btn-danger'))));
    m.dialog.addEventListener('cancel', () => resolve(false));
  });
}

/** Shows a secret once (new API key) with a copy button. */
export function showSecret(title, label, secret) {
  const input = h('input', { class: 'mono secret-value', readonly: true, value: secret, 'data-testid': 'secret-value' });
  const m = modal(title, h('div', {},
    h('p', {}, label),
    h('div', { class: 'copy-row' }, input,
      button('Copy', async () => {
        try {
          await navigator.clipboard.writeText(secret);
          toast('Copied');
        } catch {
          input.select();
        }
      })),
    h('div', { class: 'form-actions' }, button('Done', () => m.close(), 'btn-primary'))));
  return m;
}

// ---- forms

/**
 * A form from field specs: {name, label, type: text|password|number|decimal|checkbox|select|textarea|json|datetime,
 * options: [[value, label]], required, help, placeholder}. onSubmit(values) may throw: the message is shown in the
 * form. Values: number -> Number or null, checkbox -> boolean, json -> parsed object (or null), others -> string
 * (null when empty, unless keepEmpty).
 */
export function form(fields, initial, onSubmit, { submitLabel = 'Save', onCancel } = {}) {
  initial = initial || {};
  const errors = h('div', { class: 'form-error' });
  const inputs = {};
  const rows = fields.map((f) => {
    const id = `f-${f.name}-${Math.random().toString(36).slice(2, 8)}`;
    const v = initial[f.name] !== undefined ? initial[f.name] : f.default;
    let input;
    switch (f.type) {
      case 'checkbox':
        input = h('input', { id, type: 'checkbox', name: f.name, checked: v === undefined ? true : !!v });
        break;
      case 'select':
        input = h('select', { id, name: f.name, required: f.required },
          (f.options || []).map(([val, lab]) => {
            const o = h('option', { value: String(val) }, lab);
            if (v !== undefined && v !== null && String(v) === String(val)) o.selected = true;
            return o;
          }));
        break;
      case 'textarea':
      case 'json':
        input = h('textarea', {
          id, name: f.name, rows: f.rows || 4, class: f.type === 'json' ? 'mono' : '', placeholder: f.placeholder,
          required: f.required,
        });
        input.value = v === undefined || v === null ? '' : (f.type === 'json' && typeof v !== 'string' ? JSON.stringify(v, null, 2) : String(v));
        break;
      default:
        input = h('input', {
          id, name: f.name, required: f.required, placeholder: f.placeholder,
          type: f.type === 'password' ? 'password' : (f.type === 'number' ? 'number' : (f.type === 'datetime' ? 'datetime-local' : 'text')),
          autocomplete: f.autocomplete || (f.type === 'password' ? 'new-password' : 'off'),
          step: f.type === 'number' ? (f.step || '1') : undefined,
        });
        input.value = v === undefined || v === null ? '' : String(v);
    }
    if (f.onChange) input.addEventListener('change', () => f.onChange(input.value, inputs));
    inputs[f.name] = input;
    const label = h('label', { for: id }, f.label || f.name, f.required ? h('span', { class: 'req' }, ' *') : null);
    return h('div', { class: `field ${f.type === 'checkbox' ? 'field-check' : ''} ${f.wide ? 'field-wide' : ''}` },
      f.type === 'checkbox' ? [input, label] : [label, input], f.help && h('small', { class: 'muted' }, f.help));
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
  const el = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'form-grid' }, rows), errors,
    h('div', { class: 'form-actions' }, onCancel && button('Cancel', onCancel), submit));
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(errors);
    let values;
    try {
      values = collect(fields, inputs);
    } catch (err) {
      errors.append(errorBox(err));
      return;
    }
    submit.disabled = true;
    try {
      await onSubmit(values);
    } catch (err) {
      errors.append(errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  el.inputs = inputs;
  // dependent fields (e.g. the secret fields of the chosen credential kind) start in the right state
  for (const f of fields) if (f.onChange) f.onChange(inputs[f.name].value, inputs);
  return el;
}

function collect(fields, inputs) {
  const out = {};
  for (const f of fields) {
    const input = inputs[f.name];
    if (input.closest('.field')?.hidden) continue; // not part of the current choice
    if (f.type === 'checkbox') {
      out[f.name] = input.checked;
      continue;
    }
    const raw = input.value.trim();
    if (raw === '') {
      if (f.required) throw new Error(`${f.label || f.name} is required`);
      if (f.omitEmpty) continue;
      out[f.name] = null;
      continue;
    }
    if (f.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${f.label || f.name} must be a number`);
      out[f.name] = n;
    } else if (f.type === 'json') {
      try {
        out[f.name] = JSON.parse(raw);
      } catch {
        throw new Error(`${f.label || f.name} is not valid JSON`);
      }
    } else if (f.type === 'datetime') {
      out[f.name] = new Date(raw).toISOString();
    } else if (f.type === 'select' && f.numeric) {
      out[f.name] = Number(raw);
    } else {
      out[f.name] = raw;
    }
  }
  return out;
}

/** Opens a form in a dialog; onSubmit(values) then closes it and calls done(). */
export function formDialog(title, fields, initial, onSubmit, done, opts = {}) {
  let m;
  const f = form(fields, initial, async (values) => {
    const result = await onSubmit(values);
    m.close();
    if (done) await done(result);
  }, { ...opts, onCancel: () => m.close() });
  m = modal(title, f, opts);
  return m;
}

/**
 * A CRUD card over one list endpoint: table with edit/delete, a "New" button, forms in dialogs.
 * spec: {title, load() -> rows, columns, fields(row|null) -> specs, save(values, row|null), remove(row), onRow, newLabel,
 *        toBody(values,row)}
 */
export function crudCard(spec) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const reload = async () => {
    let rows;
    try {
      rows = await spec.load();
    } catch (e) {
      clear(body, errorBox(e));
      return;
    }
    const cols = [...spec.columns];
    if (spec.save || spec.remove || spec.rowActions) {
      cols.push({
        label: '', cls: 'row-actions', get: (r) => h('div', { class: 'actions' },
          spec.rowActions && spec.rowActions(r, reload),
          spec.save && spec.editable !== false && button('Edit', () => openForm(r), 'btn-small'),
          spec.remove && button('Delete', async (e) => {
            if (!(await confirmAction(`Delete ${spec.describe ? spec.describe(r) : `#${r.id}`}?`))) return;
            await busy(e.target, async () => {
              await spec.remove(r);
              toast('Deleted');
              await reload();
            });
          }, 'btn-small btn-danger')),
      });
    }
    clear(body, table(cols, rows, { empty: spec.empty, onRow: spec.onRow, testid: spec.testid }));
  };
  const openForm = async (row) => {
    const fields = await spec.fields(row);
    const initial = row ? (spec.initial ? spec.initial(row) : row) : (spec.defaults || {});
    formDialog(row ? `Edit ${spec.noun || ''}`.trim() : `New ${spec.noun || ''}`.trim(), fields, initial,
      async (values) => {
        const result = await spec.save(values, row);
        toast(row ? 'Saved' : 'Created');
        if (spec.afterSave) spec.afterSave(result, row);
        return result;
      }, reload, { wide: spec.wide });
  };
  const el = card(spec.title, [spec.extraActions, spec.save && spec.creatable !== false && button(spec.newLabel || `New ${spec.noun || ''}`.trim(), () => openForm(null), 'btn-primary')], body);
  el.reload = reload;
  reload();
  return el;
}

/** Tabs: [{id, label, render(container)}]; the active one is kept in the hash query (?tab=). */
export function tabs(items, active, onSelect) {
  return h('nav', { class: 'tabs', role: 'tablist' }, items.map((t) => h('button', {
    type: 'button', role: 'tab', class: `tab ${t.id === active ? 'tab-active' : ''}`, 'aria-selected': t.id === active ? 'true' : 'false',
    onClick: () => onSelect(t.id),
  }, t.label)));
}
