// The console's shell: who is logged in, the login form, the navigation and a hash router (#/page/arg?x=y), so
// the server only ever serves /console and its fixed files.
import { ApiError, get, onUnauthorized, post } from './api.js';
import { button, clear, errorBox, h } from './ui.js';

const ADMIN_PAGES = [
  { id: 'dashboard', label: 'Dashboard', load: () => import('./pages/dashboard.js') },
  { id: 'providers', label: 'Providers', load: () => import('./pages/providers.js') },
  { id: 'routes', label: 'Routes & aliases', load: () => import('./pages/routes.js') },
  { id: 'users', label: 'Users & keys', load: () => import('./pages/users.js') },
  { id: 'access', label: 'Access & limits', load: () => import('./pages/access.js') },
  { id: 'usage', label: 'Usage', load: () => import('./pages/usage.js') },
  { id: 'logs', label: 'Logs', load: () => import('./pages/logs.js') },
  { id: 'settings', label: 'Settings', load: () => import('./pages/settings.js') },
];
const PORTAL_PAGES = [
  { id: 'portal', label: 'My account', load: () => import('./pages/portal.js') },
];

const root = document.getElementById('app');
let me = null;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || '', args: parts.slice(1), query: new URLSearchParams(query || '') };
}

export function navigate(path) {
  location.hash = `#/${path}`;
}

async function whoAmI() {
  try {
    return await get('/user/me');
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) {
      return get('/admin/me'); // an older gateway without the portal
    }
    throw e;
  }
}

async function boot() {
  try {
    me = await whoAmI();
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      me = null;
      return showLogin();
    }
    clear(root, h('main', { class: 'login' }, errorBox(e), button('Retry', boot)));
    return undefined;
  }
  return route();
}

function showLogin(message) {
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('div', { class: 'form-error' }, message && errorBox(message));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
  const f = h('form', { class: 'login-card', 'data-testid': 'login-form' },
    h('div', { class: 'brand brand-big' }, h('img', { src: '/console/favicon.svg', alt: '' }), 'gproxy'),
    h('p', { class: 'muted' }, 'Sign in to the gateway console.'),
    h('div', { class: 'field' }, h('label', { for: 'login-user' }, 'User name'), user),
    h('div', { class: 'field' }, h('label', { for: 'login-pass' }, 'Password'), pass),
    err, submit);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(err);
    submit.disabled = true;
    try {
      await post('/admin/login', { username: user.value.trim(), password: pass.value });
      await boot();
    } catch (ex) {
      err.append(errorBox(ex.status === 401 ? 'Wrong user name or password.' : ex));
    } finally {
      submit.disabled = false;
    }
  });
  document.title = 'Sign in · gproxy';
  clear(root, h('main', { class: 'login' }, f));
  user.focus();
}

async function logout() {
  try {
    await post('/admin/logout');
  } catch {
    // the session may already be gone; the login form is the right place either way
  }
  me = null;
  history.replaceState(null, '', '/console');
  showLogin();
}

let renderSeq = 0;

async function route() {
  if (!me) return showLogin();
  const pages = me.is_admin ? ADMIN_PAGES : PORTAL_PAGES;
  const { page, args, query } = parseHash();
  const current = pages.find((p) => p.id === page) || pages[0];
  if (current.id !== page) {
    history.replaceState(null, '', `#/${current.id}`);
  }
  document.querySelector('.toasts')?.replaceChildren(); // messages about the previous page
  const main = h('main', { class: 'content', id: 'content' });
  const nav = h('nav', { class: 'sidebar' },
    h('div', { class: 'brand' }, h('img', { src: '/console/favicon.svg', alt: '' }), 'gproxy'),
    h('ul', {}, pages.map((p) => h('li', {}, h('a', {
      href: `#/${p.id}`, class: p.id === current.id ? 'active' : '', 'data-page': p.id,
    }, p.label)))),
    h('div', { class: 'whoami' },
      h('div', { class: 'muted' }, 'Signed in as'),
      h('strong', { 'data-testid': 'whoami' }, me.name), me.is_admin ? h('span', { class: 'pill pill-on' }, 'admin') : null,
      button('Log out', logout, 'btn-small btn-block')));
  clear(root, h('div', { class: 'shell' }, nav, main));
  document.title = `${current.label} · gproxy`;
  const seq = ++renderSeq;
  main.append(h('p', { class: 'muted' }, 'Loading…'));
  try {
    const mod = await current.load();
    if (seq !== renderSeq) return;
    clear(main);
    await mod.render(main, { me, args, query, navigate, refresh: route });
  } catch (e) {
    if (seq !== renderSeq) return;
    clear(main, errorBox(e));
  }
}

onUnauthorized(() => {
  if (me) {
    me = null;
    showLogin('Your session has ended. Please sign in again.');
  }
});
window.addEventListener('hashchange', () => { if (me) route(); });
boot();
