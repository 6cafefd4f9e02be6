// Shared helpers for the browser tests: Debian Chromium via playwright-core (never a downloaded
// browser), a fresh profile per launch, login through the UI or the API, screenshots to output/.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = process.env.SALESDB_URL ?? 'http://127.0.0.1:8080';
export const OUT = process.env.E2E_OUTPUT ?? new URL('../output', import.meta.url).pathname;
export const ADMIN = { email: process.env.SALESDB_ADMIN_EMAIL ?? 'admin@example.com', password: process.env.SALESDB_ADMIN_PASSWORD ?? '' };
export const VIEWER = { email: 'viewer@example.com', password: 'viewer-pass-123' };

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launch() {
  // playwright-core gives every launch() its own temporary user-data-dir: a fresh profile.
  return chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: FLAGS, headless: true });
}

export async function newContext(browser, opts = {}) {
  const context = await browser.newContext({ baseURL: BASE, locale: 'en-US', viewport: { width: 1400, height: 900 }, ...opts });
  context.setDefaultTimeout(15_000);
  return context;
}

export async function shot(page, name) {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
}

export async function loginUI(page, { email, password }) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Calls the API with the page's session cookie and CSRF token (as the UI would). */
export async function apiCall(page, method, path, body, headers = {}) {
  const me = await page.request.get('/api/v1/auth/me');
  const { csrf_token } = await me.json();
  const res = await page.request.fetch(`/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf_token, ...headers },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = null;
  try {
    json = await res.json();
  } catch {
    /* empty body */
  }
  return { status: res.status(), json, headers: res.headers() };
}
