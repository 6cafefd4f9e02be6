// The sales team's day in the browser, against the real server (started by run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, VIEWER, apiCall, launch, loginUI, newContext, shot } from '../lib/harness.mjs';

let browser;
let context;
let page;
const stamp = Date.now().toString(36);
const customerName = `E2E Customer ${stamp}`;
let customerId;

before(async () => {
  browser = await launch();
  context = await newContext(browser);
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

after(async () => {
  await browser?.close();
});

test('an anonymous visit goes to the login page and back after login', async () => {
  await page.goto('/customers?status=active');
  await page.waitForURL(/\/login\?next=/);
  await shot(page, '01-login');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('wrong password!!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/customers' && u.search.includes('status=active'));
});

test('the dashboard shows KPI cards and charts', async () => {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  await page.getByRole('region', { name: 'Customers by status' }).waitFor();
  await page.getByRole('region', { name: 'Active licences' }).waitFor();
  await page.locator('.chart-box canvas').first().waitFor();
  await shot(page, '02-dashboard');
});

test('the customer list pages through the server with filters in the URL', async () => {
  await page.goto('/customers');
  const table = page.getByRole('table', { name: 'Customers' });
  await table.getByRole('row').nth(2).waitFor();
  await shot(page, '03-customers');
  await page.getByRole('searchbox', { name: 'Search' }).or(page.getByLabel('Search')).first().fill('zzzz-no-such-customer');
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=zzzz-no-such-customer/);
  await page.getByText('No customers match these filters.').waitFor();
});

test('create a customer', async () => {
  await page.goto('/customers');
  await page.getByRole('button', { name: 'New customer' }).click();
  await page.waitForURL(/\/customers\/new/);
  const drawer = page.getByRole('dialog');
  await drawer.getByLabel('Name').fill(customerName);
  await drawer.getByLabel('Industry').fill('software');
  await drawer.getByLabel('Website').fill('https://e2e.example.com');
  await drawer.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/customers\/\d+$/);
  customerId = Number(new URL(page.url()).pathname.split('/').pop());
  await page.getByRole('heading', { name: customerName }).waitFor();
  await shot(page, '04-customer-detail');
});

test('add a contact', async () => {
  await page.getByRole('tab', { name: /Contacts/ }).click();
  await page.getByRole('button', { name: 'New contact' }).click();
  const modal = page.getByRole('dialog');
  await modal.getByLabel('Name').fill('Li Lei');
  await modal.getByLabel('Title').fill('CTO');
  await modal.getByLabel('Email').fill(`li.lei.${stamp}@example.com`);
  await modal.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('table', { name: 'Contacts' }).getByText('Li Lei').waitFor();
});

test('issue a licence', async () => {
  await page.getByRole('tab', { name: /Licences/ }).click();
  await page.getByRole('button', { name: 'Issue licence' }).first().click();
  const modal = page.getByRole('dialog');
  await modal.getByLabel('Seats').fill('25');
  await modal.getByLabel('Annual value').fill('120000');
  await modal.getByRole('button', { name: 'Issue licence' }).click();
  await modal.waitFor({ state: 'hidden' });
  const key = page.getByRole('table', { name: 'Licences' }).getByRole('link', { name: /^DIFY-/ });
  await key.waitFor();
  const licenceKey = (await key.textContent()).trim();
  await key.click();
  await page.waitForURL(/\/licenses\/\d+$/);
  await page.getByText('CN¥120,000.00').waitFor();
  await shot(page, '05-licence-detail');
  await page.goto(`/licenses?expiring=400&key=${encodeURIComponent(licenceKey)}`);
  await page.getByRole('table', { name: 'Licences' }).getByText(customerName).waitFor();
  await page.goto('/licenses?expiring=30');
  await page.getByRole('table', { name: 'Licences' }).getByRole('link', { name: /^DIFY-/ }).first().waitFor();
  await shot(page, '06-licences');
});

test('log an activity', async () => {
  await page.goto(`/customers/${customerId}`);
  await page.getByLabel('Subject').fill('Kick-off call with the CTO');
  await page.getByRole('button', { name: 'Log an activity' }).click();
  await page.getByRole('list', { name: 'Timeline' }).getByText('Kick-off call with the CTO').waitFor();
});

test('move an opportunity across stages on the pipeline', async () => {
  await page.getByRole('tab', { name: /Opportunities/ }).click();
  await page.getByRole('button', { name: 'New opportunity' }).click();
  const modal = page.getByRole('dialog');
  const oppName = `Deal ${stamp}`;
  await modal.getByLabel('Name').fill(oppName);
  await modal.getByLabel('Amount').fill('50000');
  await modal.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('table', { name: 'Opportunities' }).getByText(oppName).waitFor();

  await page.goto('/pipeline');
  const prospect = page.getByRole('region', { name: 'Prospect', exact: true });
  const qualified = page.getByRole('region', { name: 'Qualified', exact: true });
  const card = prospect.getByRole('listitem', { name: oppName });
  await card.waitFor();
  await card.dragTo(qualified);
  await qualified.getByRole('listitem', { name: oppName }).waitFor();
  await shot(page, '07-pipeline');
  const list = await apiCall(page, 'GET', `/opportunities?customer_id=${customerId}`);
  assert.equal(list.status, 200);
  assert.equal(list.json.items.find((o) => o.name === oppName)?.stage, 'qualified');
});

test('editing the same customer in two tabs shows the conflict dialog', async () => {
  const tabA = page;
  const tabB = await context.newPage();
  await tabA.goto(`/customers/${customerId}/edit`);
  await tabB.goto(`/customers/${customerId}/edit`);
  const drawerA = tabA.getByRole('dialog');
  const drawerB = tabB.getByRole('dialog');
  await drawerA.getByLabel('Name').waitFor();
  await drawerB.getByLabel('Name').waitFor();

  await drawerA.getByLabel('Notes').fill('Changed in tab A');
  await drawerA.getByRole('button', { name: 'Save' }).click();
  await tabA.waitForURL(new RegExp(`/customers/${customerId}$`));

  await drawerB.getByLabel('Notes').fill('Changed in tab B');
  await drawerB.getByRole('button', { name: 'Save' }).click();
  const conflict = tabB.getByRole('dialog').filter({ hasText: 'Someone else changed this record' });
  await conflict.waitFor();
  await conflict.getByText('Changed in tab A').waitFor();
  await conflict.getByText('Changed in tab B').waitFor();
  await shot(tabB, '08-conflict');
  await conflict.getByRole('button', { name: 'Discard mine, reload theirs' }).click();
  await tabB.close();
  const fresh = await apiCall(page, 'GET', `/customers/${customerId}`);
  assert.equal(fresh.json.notes, 'Changed in tab A');
});

test('admins see users and roles', async () => {
  await page.goto('/admin/users');
  await page.getByRole('table', { name: 'Users & roles' }).getByText(VIEWER.email).waitFor();
  await shot(page, '09-admin-users');
});

test('a viewer sees no edit buttons and the server refuses the edit anyway', async () => {
  const viewerContext = await newContext(browser);
  const vp = await viewerContext.newPage();
  try {
    await loginUI(vp, VIEWER);
    await vp.getByRole('link', { name: 'Users & roles' }).waitFor({ state: 'detached', timeout: 1000 }).catch(() => {});
    assert.equal(await vp.getByRole('link', { name: 'Users & roles' }).count(), 0);
    await vp.goto(`/customers/${customerId}`);
    await vp.getByRole('heading', { name: customerName }).waitFor();
    assert.equal(await vp.getByRole('button', { name: 'Edit' }).count(), 0);
    assert.equal(await vp.getByRole('button', { name: 'Move to trash' }).count(), 0);
    assert.equal(await vp.getByRole('button', { name: 'Log an activity' }).count(), 0);
    await vp.getByRole('tab', { name: /Contacts/ }).click();
    assert.equal(await vp.getByRole('button', { name: 'New contact' }).count(), 0);
    await shot(vp, '10-viewer-customer');
    const current = await apiCall(vp, 'GET', `/customers/${customerId}`);
    const res = await apiCall(vp, 'PATCH', `/customers/${customerId}`, { name: 'Hacked' }, { 'If-Match': `"v${current.json.version}"` });
    assert.equal(res.status, 403);
    assert.match(res.headers['content-type'] ?? '', /problem\+json/);
    await vp.goto('/customers/new');
    await vp.getByText('Your role may not open this page.').waitFor();
  } finally {
    await viewerContext.close();
  }
});

test('an admin backs up now and restores that backup through the typed-confirmation dialog', async () => {
  await page.goto('/admin/backups');
  const table = page.getByRole('table', { name: 'Backups' });
  const rows = table.locator('tbody tr');
  // The list has loaded once every row names a file (no skeleton rows left).
  await rows.filter({ has: page.locator('code') }).first().waitFor();
  const before = new Set(await table.locator('tbody tr code').allTextContents());

  await page.getByRole('button', { name: 'Back up now' }).click();
  // The new backup appears once it is written and verified (the list polls while the job runs).
  const fresh = rows.filter({ hasText: 'On demand' }).filter({ hasText: 'Passed' });
  await fresh.first().waitFor({ timeout: 120_000 });
  const file = (await fresh.first().locator('code').textContent()).trim();
  assert.ok(!before.has(file), `a new backup file, not one of ${[...before]}`);
  assert.match(file, /^salesdb-\d{8}T\d{6}Z-\d+\.sdbk$/);
  const row = rows.filter({ hasText: file });
  const cells = await row.locator('td').allTextContents();
  assert.equal(cells[1], 'Verified');
  assert.match(cells[2], /^\d+(\.\d)? (B|KB|MB)$/);
  assert.match(cells[3], /ago|now/);
  assert.equal(cells[5], 'Passed');
  await shot(page, '12-backups');

  // A customer created after the backup: the restore must take it away again.
  const later = await apiCall(page, 'POST', '/customers', { name: `After the backup ${stamp}`, region: 'east_china', industry: 'internet', tier: 'key', status: 'lead' });
  assert.equal(later.status, 201, JSON.stringify(later.json));

  await row.getByRole('button', { name: 'Restore' }).click();
  const dialog = page.getByRole('dialog').filter({ hasText: 'Restore this backup?' });
  await dialog.waitFor();
  const confirm = dialog.getByRole('button', { name: 'Replace the data and restore' });
  const name = dialog.getByRole('textbox', { name: 'Backup name' });
  assert.equal(await confirm.isDisabled(), true);
  await name.fill(file.slice(0, -1));
  assert.equal(await confirm.isDisabled(), true, 'a name one character short does not enable the restore');
  await name.fill(`${file} `);
  assert.equal(await confirm.isDisabled(), true, 'a name with a trailing space does not enable the restore');
  await name.fill(file);
  await confirm.waitFor({ state: 'visible' });
  assert.equal(await confirm.isEnabled(), true);
  await shot(page, '13-restore-confirm');
  await confirm.click();

  const done = page.getByRole('dialog').filter({ hasText: 'Backup restored' });
  await done.waitFor({ timeout: 180_000 });
  await done.getByText(`Restored ${file}`).waitFor();
  await done.getByRole('table', { name: 'Rows per table' }).getByRole('row', { name: /customers/ }).first().waitFor();
  await shot(page, '14-restore-done');
  // The admin's session predates the backup, so it is still signed in.
  await done.getByRole('button', { name: 'Close' }).click();
  await done.waitFor({ state: 'hidden' });

  // The safety backup of the replaced state is listed, and the app serves the restored data.
  await rows.filter({ hasText: 'Before a restore' }).first().waitFor();
  assert.equal((await apiCall(page, 'GET', `/customers/${later.json.id}`)).status, 404);
  await page.goto(`/customers?q=${encodeURIComponent(`After the backup ${stamp}`)}`);
  await page.getByText('No customers match these filters.').waitFor();
  await page.goto(`/customers/${customerId}`);
  await page.getByRole('heading', { name: customerName }).waitFor();
});

test('switch language to Chinese and back', async () => {
  await page.goto('/customers');
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { name: '客户', level: 1 }).waitFor();
  await page.getByRole('link', { name: '销售管道' }).waitFor();
  await shot(page, '11-customers-zh');
  await page.reload();
  await page.getByRole('heading', { name: '客户', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
});

test('log out', async () => {
  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
  await page.getByText('You have been signed out.').waitFor();
  const me = await page.request.get('/api/v1/auth/me');
  assert.equal(me.status(), 401);
  await page.goto('/customers');
  await page.waitForURL(/\/login\?next=%2Fcustomers/);
});
