// Issue 8, acceptance 5: an admin sets the gateway up in the web console, a key made there carries a request, and
// the request shows up on the dashboard and in the usage explorer. Drives the system Chromium with playwright-core
// (no browser download). Started by ConsoleBrowserTest with:
//   GPROXY_BASE_URL, GPROXY_ADMIN_USER, GPROXY_ADMIN_PASSWORD   the gateway and its admin
//   MOCK_OPENAI_URL, MOCK_OPENAI_KEY                            the mock upstream the new provider points at
//   SCREENSHOT_DIR                                              where each page's screenshot goes
//   CHROMIUM (default /usr/bin/chromium)
// Prints one line per step; exits non-zero with the reason (and a screenshot of the page) on the first failure.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (name, dflt) => {
  const v = process.env[name] ?? dflt;
  if (v === undefined) throw new Error(`missing env ${name}`);
  return v;
};
const base = env('GPROXY_BASE_URL').replace(/\/$/, '');
const adminUser = env('GPROXY_ADMIN_USER', 'admin');
const adminPassword = env('GPROXY_ADMIN_PASSWORD');
const mockUrl = env('MOCK_OPENAI_URL');
const mockKey = env('MOCK_OPENAI_KEY');
const oauthTokenUrl = env('MOCK_OAUTH_TOKEN_URL');
const shots = env('SCREENSHOT_DIR');
const executablePath = env('CHROMIUM', '/usr/bin/chromium');
mkdirSync(shots, { recursive: true });

const PROVIDER = 'console-mock';
const ROUTE = 'console-route';
const USER = 'console-user';
const USER_PASSWORD = 'console-user-password-1';
const UPSTREAM_MODEL = 'gpt-4o-mini';

const step = (msg) => console.log(`[console-scenario] ${msg}`);
const userDataDir = mkdtempSync(join(tmpdir(), 'gproxy-console-chromium-'));
const problems = [];

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1360, height: 860 },
  timeout: 60_000,
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(15_000);
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  const text = m.text();
  // a 401/403/404 the console handles itself is logged by Chromium as a failed resource load: not a problem
  if (m.type() === 'error' && !/Failed to load resource/.test(text)) problems.push(`console error: ${text}`);
  if (/Content Security Policy|Refused to/.test(text)) problems.push(`CSP violation: ${text}`);
});

let shotNo = 0;
async function shot(name) {
  shotNo += 1;
  const file = join(shots, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky sidebar is drawn where the page was scrolled to
  await page.waitForTimeout(150); // let charts and toasts settle
  await page.screenshot({ path: file, fullPage: true });
  step(`screenshot ${file}`);
}

async function nav(pageId) {
  await page.click(`.sidebar a[data-page="${pageId}"]`);
  await page.waitForSelector(`.sidebar a.active[data-page="${pageId}"]`);
  await page.waitForSelector('.content .page-head');
}

/** Fills the open dialog's form fields by name and submits it. */
async function fillDialog(values) {
  const dlg = page.locator('dialog[open]').last();
  await dlg.waitFor();
  for (const [name, value] of Object.entries(values)) {
    const field = dlg.locator(`[name="${name}"]`);
    const tag = await field.evaluate((el) => el.tagName.toLowerCase());
    const type = await field.evaluate((el) => el.type);
    if (tag === 'select') await field.selectOption(String(value));
    else if (type === 'checkbox') await field.setChecked(!!value);
    else await field.fill(String(value));
  }
  return dlg;
}

async function submitDialog(dlg) {
  await dlg.locator('button[type=submit]').click();
  const err = dlg.locator('.form-error .alert');
  await Promise.race([
    dlg.waitFor({ state: 'detached' }),
    err.waitFor().then(async () => { throw new Error(`form refused: ${await err.textContent()}`); }),
  ]);
}

/** Waits for a toast with this text; an error toast instead fails with its message. */
async function expectToast(text) {
  const ok = page.locator('.toast:not(.toast-error)', { hasText: text });
  const bad = page.locator('.toast-error');
  await Promise.race([
    ok.first().waitFor(),
    bad.first().waitFor().then(async () => { throw new Error(`expected "${text}", got error: ${await bad.first().textContent()}`); }),
  ]);
}

async function cardByTitle(title) {
  const card = page.locator('section.card', { has: page.locator('.card-head h2', { hasText: title }) }).first();
  await card.waitFor();
  return card;
}

try {
  // ---- login
  step(`open ${base}/console`);
  const resp = await page.goto(`${base}/console`);
  if (!resp.ok()) throw new Error(`/console answered ${resp.status()}`);
  const csp = resp.headers()['content-security-policy'] || '';
  if (!csp.includes("default-src 'self'")) throw new Error(`no CSP on /console: ${csp}`);
  await page.waitForSelector('[data-testid=login-form]');
  await page.fill('#login-user', adminUser);
  await page.fill('#login-pass', 'wrong password');
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=login-form] .alert-error');
  await shot('login-error');
  await page.fill('#login-pass', adminPassword);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=whoami]');
  step('logged in as admin');
  await page.waitForSelector('[data-testid=summary]');
  await shot('dashboard-before');

  // ---- provider pointing at the mock upstream
  await nav('providers');
  await page.waitForSelector('[data-testid=providers-table]');
  await shot('providers');
  await (await cardByTitle('Providers')).locator('.card-head button', { hasText: 'New provider' }).click();
  let dlg = await fillDialog({ name: PROVIDER, channel: 'openai', label: 'Mock OpenAI (console test)', base_url: mockUrl });
  await shot('provider-new');
  await submitDialog(dlg);
  await page.waitForSelector(`.page-head h1:has-text("Provider: ${PROVIDER}")`);
  step('provider created');

  // ---- credential
  const creds = await cardByTitle('Credentials');
  await creds.locator('.card-head button', { hasText: 'New credential' }).click();
  dlg = await fillDialog({ name: 'console-key', 'secret:api_key': mockKey });
  await submitDialog(dlg);
  await creds.locator('[data-testid=credentials-table] td', { hasText: 'console-key' }).waitFor();
  const secretCell = await creds.locator('[data-testid=credentials-table] tbody tr').first().locator('.pill').first().textContent();
  if (secretCell.trim() !== 'yes') throw new Error(`credential has_secret shows "${secretCell}"`);
  step('credential created (has_secret yes)');
  const settingsCard = await cardByTitle('Settings');
  await settingsCard.locator('[name=label]').fill('Mock OpenAI (edited in the console)');
  await settingsCard.locator('button[type=submit]').click();
  await expectToast('Provider saved');
  await (await cardByTitle('Models')).locator('.card-head button', { hasText: 'Pull upstream models' }).click();
  await expectToast('models from');
  await (await cardByTitle('Routing rules')).locator('.card-head button', { hasText: 'Reset to channel defaults' }).click();
  await page.locator('dialog[open] button', { hasText: 'Confirm' }).click();
  await expectToast('Routing rules reset');
  step('provider edited, upstream models pulled, routing rules reset');
  await shot('provider-detail');
  await nav('providers');
  await (await cardByTitle('Prices')).locator('.card-head button', { hasText: 'New price rule' }).click();
  dlg = page.locator('dialog[open]').last();
  await dlg.locator('select[name=provider_id]').selectOption({ label: PROVIDER });
  await fillDialog({ model_match: UPSTREAM_MODEL, input_price: '1.00', output_price: '2.00' });
  await submitDialog(dlg);
  await page.locator('[data-testid=price-rules-table] tbody tr', { hasText: PROVIDER }).waitFor();
  step('price rule created');
  await shot('providers-and-prices');

  // ---- route with one member on the new provider
  await nav('routes');
  await page.waitForSelector('[data-testid=routes-table]');
  await (await cardByTitle('Routes')).locator('.card-head button', { hasText: 'New route' }).click();
  dlg = await fillDialog({ name: ROUTE, strategy: 'failover', description: 'made by the console browser test' });
  await submitDialog(dlg);
  await page.waitForSelector(`.page-head h1:has-text("Route: ${ROUTE}")`);
  const members = await cardByTitle('Members');
  await members.locator('.card-head button', { hasText: 'New member' }).click();
  dlg = page.locator('dialog[open]').last();
  await dlg.locator('select[name=provider_id]').selectOption({ label: PROVIDER });
  await fillDialog({ upstream_model_id: UPSTREAM_MODEL, tier: 0, weight: 100 });
  await submitDialog(dlg);
  await members.locator('[data-testid=members-table] td', { hasText: UPSTREAM_MODEL }).waitFor();
  step('route and member created');
  await shot('route-detail');
  await nav('routes');
  await page.locator('[data-testid=routes-table] td', { hasText: ROUTE }).waitFor();
  await shot('routes');

  // ---- a user with a password, and a key for them
  await nav('users');
  await page.waitForSelector('[data-testid=users-table]');
  await (await cardByTitle('Users')).locator('.card-head button', { hasText: 'New user' }).click();
  dlg = await fillDialog({ name: USER, password: USER_PASSWORD });
  await dlg.locator('select[name=org_id]').selectOption({ index: 0 });
  await submitDialog(dlg);
  await page.locator('[data-testid=users-table] a', { hasText: USER }).click();
  await page.waitForSelector(`.page-head h1:has-text("User: ${USER}")`);
  await (await cardByTitle('API keys')).locator('.card-head button', { hasText: 'Create key' }).click();
  dlg = await fillDialog({ label: 'browser test' });
  await dlg.locator('button[type=submit]').click();
  const secret = page.locator('[data-testid=secret-value]');
  await secret.waitFor();
  const apiKey = await secret.inputValue();
  if (!/^sk-/.test(apiKey)) throw new Error(`the new key does not look like a key: ${apiKey.slice(0, 6)}…`);
  await shot('key-created');
  await page.locator('dialog[open] button', { hasText: 'Done' }).click();
  const keyRow = page.locator('[data-testid=keys-table] tbody tr', { hasText: 'browser test' });
  await keyRow.waitFor();
  await keyRow.locator('button', { hasText: 'Reveal' }).click();
  if ((await page.locator('dialog[open] [data-testid=secret-value]').inputValue()) !== apiKey) throw new Error('reveal shows another key');
  await page.locator('dialog[open] button', { hasText: 'Done' }).click();
  await keyRow.locator('button', { hasText: 'Disable' }).click();
  await expectToast('Key disabled');
  await keyRow.locator('.pill', { hasText: 'disabled' }).waitFor();
  await keyRow.locator('button', { hasText: 'Enable' }).click();
  await expectToast('Key enabled');
  await keyRow.locator('.pill', { hasText: 'enabled' }).waitFor();
  step('user and key created; key revealed, disabled and enabled again');
  await shot('user-detail');
  await nav('users');
  await page.locator('[data-testid=users-table] a', { hasText: USER }).waitFor();
  await shot('users');

  // ---- a request through the gateway with that key
  const started = Date.now();
  const chat = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: ROUTE, messages: [{ role: 'user', content: 'hello from the console test' }] }),
  });
  const chatBody = await chat.text();
  if (chat.status !== 200) throw new Error(`chat completion through ${ROUTE} answered ${chat.status}: ${chatBody.slice(0, 300)}`);
  step(`request through the gateway: 200 in ${Date.now() - started} ms`);

  // ---- the request on the dashboard
  await nav('dashboard');
  const recentRow = page.locator('[data-testid=recent-requests] tbody tr', { hasText: ROUTE });
  for (let i = 0; i < 20 && !(await recentRow.count()); i++) {
    await page.waitForTimeout(500);
    await page.reload();
    await page.waitForSelector('[data-testid=summary]');
  }
  await recentRow.first().waitFor();
  const requests = Number((await page.textContent('[data-testid=summary-requests]')).replace(/[^0-9]/g, ''));
  if (!(requests >= 1)) throw new Error(`dashboard summary shows ${requests} requests`);
  // the rollups feed the charts: a drawn column in the requests and cost charts
  for (const chart of ['requests over time', 'cost over time']) {
    if (!(await page.locator(`svg[aria-label="${chart}"] rect.series-0`).count())) throw new Error(`no column in the ${chart} chart`);
  }
  step(`dashboard shows the request (${requests} in the last 24 h, charted from the rollups)`);
  await shot('dashboard-after');
  await page.click('.tabs button:has-text("Last 7 days")');
  await page.waitForSelector('[data-testid=summary]');
  await shot('dashboard-7d');

  // ---- ... and in the usage explorer, filtered by route
  await nav('usage');
  await page.waitForSelector('[data-testid=usage-filters]');
  await page.fill('#u-route_name', ROUTE);
  await page.click('[data-testid=usage-filters] button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('route_name='));
  const usageRow = page.locator('[data-testid=usage-table] tbody tr', { hasText: ROUTE });
  await usageRow.first().waitFor();
  if (!(await usageRow.first().textContent()).includes(USER)) throw new Error('usage row does not name the user');
  // the price rule made in the console applies: $1 per 1M input and $2 per 1M output tokens
  const cells = await usageRow.first().locator('td').allTextContents();
  const [tokensIn, tokensOut] = [Number(cells[6].replace(/,/g, '')), Number(cells[7].replace(/,/g, ''))];
  const expectedCost = (tokensIn * 1 + tokensOut * 2) / 1e6;
  if (Math.abs(Number(cells[8].replace('$', '')) - expectedCost) > 1e-9) {
    throw new Error(`cost ${cells[8]} for ${tokensIn} in / ${tokensOut} out is not the console's price rule (${expectedCost})`);
  }
  const filtered = Number((await page.textContent('[data-testid=summary-requests]')).replace(/[^0-9]/g, ''));
  if (filtered !== 1) throw new Error(`usage summary for ${ROUTE} shows ${filtered} requests, expected 1`);
  step(`usage explorer shows the request, costed by the console's price rule (${cells[8]})`);
  await shot('usage');

  // ---- the other pages render without errors
  // a scoped row: created for the new user, then deleted
  await nav('access');
  await (await cardByTitle('Route permissions')).locator('.card-head button', { hasText: 'New permission' }).click();
  dlg = page.locator('dialog[open]').last();
  await dlg.locator('select[name=target]').selectOption({ label: `user · ${USER}` });
  await fillDialog({ route_pattern: 'console-*' });
  await submitDialog(dlg);
  const permRow = page.locator('[data-testid=permissions-table] tbody tr', { hasText: 'console-*' });
  await permRow.waitFor();
  if (!(await permRow.textContent()).includes(USER)) throw new Error('the permission row does not name the user');
  await permRow.locator('button', { hasText: 'Delete' }).click();
  await page.locator('dialog[open] button', { hasText: 'Confirm' }).click();
  await expectToast('Deleted');
  await permRow.waitFor({ state: 'detached' });
  step('route permission created for the user and deleted');

  const pages = [['access', null], ['access', 'Rate limits'], ['access', 'Quotas'], ['logs', null], ['logs', 'Request logs'],
    ['logs', 'Credential health'], ['settings', null]];
  for (const [id, tab] of pages) {
    await nav(id);
    if (tab) await page.click(`.tabs button:has-text("${tab}")`);
    await page.waitForSelector('.content .card');
    await page.waitForFunction(() => ![...document.querySelectorAll('.content p.muted')].some((p) => p.textContent.startsWith('Loading')));
    const errors = await page.locator('.content .alert-error').allTextContents();
    if (errors.length) throw new Error(`${id}${tab ? ` (${tab})` : ''} shows an error: ${errors.join(' | ')}`);
    await shot(tab ? `${id}-${tab.toLowerCase().replace(/\s+/g, '-')}` : id);
  }
  await page.locator('.content form button[type=submit]', { hasText: 'Save' }).click();
  await expectToast('Settings saved');
  await nav('logs');
  await page.locator('[data-testid=audit-table] td', { hasText: '/admin/providers' }).first().waitFor();
  step('audit log lists the console\'s changes');

  // ---- an OAuth credential by login: Claude Code provider whose token endpoint is the test's loopback server
  const cc = await page.evaluate(async (tokenUrl) => {
    const r = await fetch('/admin/providers', { method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'console-claude-code', channel: 'claudecode', settings_json: { oauth_token_url: tokenUrl } }) });
    return { status: r.status, body: await r.json() };
  }, oauthTokenUrl);
  if (cc.status !== 201) throw new Error(`claude code provider: ${cc.status} ${JSON.stringify(cc.body)}`);
  await page.goto(`${base}/console#providers/${cc.body.id}`);
  await page.waitForSelector('.page-head h1:has-text("Provider: console-claude-code")');
  const oauthCreds = await cardByTitle('Credentials');
  await oauthCreds.locator('.card-head button', { hasText: 'Log in…' }).click();
  const link = page.locator('dialog[open] [data-testid=oauth-authorize-link]');
  await link.waitFor();
  const href = await link.getAttribute('href');
  if (!href.startsWith('https://claude.com/cai/oauth/authorize?')) throw new Error(`authorize link ${href}`);
  const state = new URL(href).searchParams.get('state');
  if (!new URL(href).searchParams.get('code_challenge')) throw new Error('no PKCE challenge in the authorize link');
  dlg = await fillDialog({ pasted: `console-code#${state}`, name: 'console-oauth' });
  await shot('oauth-login');
  await submitDialog(dlg);
  await expectToast('Credential added');
  await oauthCreds.locator('[data-testid=credentials-table] td', { hasText: 'console-oauth' }).waitFor();
  step('OAuth login: authorize link with PKCE, pasted code exchanged, credential listed');

  // ---- log out; the new (non-admin) user gets the portal
  await page.click('.whoami button:has-text("Log out")');
  await page.waitForSelector('[data-testid=login-form]');
  await page.fill('#login-user', USER);
  await page.fill('#login-pass', USER_PASSWORD);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=whoami]');
  if (await page.locator('.sidebar a[data-page=providers]').count()) throw new Error('a non-admin sees the admin pages');
  await page.locator('[data-testid=keys-table] td', { hasText: 'browser test' }).waitFor();
  step('portal shows the user\'s own key');
  await shot('portal-keys');
  await page.click('.tabs button:has-text("Usage")');
  await page.locator('.content table tbody tr', { hasText: ROUTE }).first().waitFor();
  await shot('portal-usage');
  await page.click('.tabs button:has-text("Limits")');
  await page.waitForSelector('.content .card');
  await shot('portal-limits');
  await page.click('.tabs button:has-text("Password")');
  await page.fill('[name=current]', USER_PASSWORD);
  await page.fill('[name=new]', `${USER_PASSWORD}-changed`);
  await page.fill('[name=repeat]', `${USER_PASSWORD}-changed`);
  await page.click('.content form button[type=submit]');
  await expectToast('Password changed');
  await page.click('.whoami button:has-text("Log out")');
  await page.waitForSelector('[data-testid=login-form]');
  await page.fill('#login-user', USER);
  await page.fill('#login-pass', `${USER_PASSWORD}-changed`);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=whoami]');
  step('password changed in the portal; the new one signs in');
  await page.click('.whoami button:has-text("Log out")');
  await page.waitForSelector('[data-testid=login-form]');

  if (problems.length) throw new Error(`the browser reported problems:\n  ${problems.join('\n  ')}`);
  step('OK');
} catch (e) {
  console.error(`[console-scenario] FAILED: ${e.stack || e}`);
  if (problems.length) console.error(`[console-scenario] browser problems:\n  ${problems.join('\n  ')}`);
  try {
    await page.screenshot({ path: join(shots, 'zz-failure.png'), fullPage: true });
    console.error(`[console-scenario] failure screenshot ${join(shots, 'zz-failure.png')}`);
  } catch {
    // the page may be gone
  }
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
