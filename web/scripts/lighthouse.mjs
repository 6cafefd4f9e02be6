// Lighthouse performance runs against a running salesdb (pinned lighthouse 12.2.3, Debian Chromium).
//   SALESDB_URL=http://127.0.0.1:8080 SALESDB_ADMIN_EMAIL=admin@example.com SALESDB_ADMIN_PASSWORD=... \
//   CHROME_PATH=/usr/bin/chromium npm run bench:lighthouse
// Logs in through the API, passes the session cookie to Lighthouse as an extra header, runs the
// desktop and mobile presets on / (dashboard) and /customers, prints a markdown table.
// LH_OUTPUT=dir writes each report (.json) and its observed Chromium trace (.trace.json) there.
// Exit code 1 when a score is below the targets (desktop 98, mobile 90) or CLS is not below 0.05,
// unless LH_NO_FAIL=1.
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';
import { writeFileSync, mkdirSync } from 'node:fs';

const base = (process.env.SALESDB_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const email = process.env.SALESDB_ADMIN_EMAIL ?? 'admin@example.com';
const password = process.env.SALESDB_ADMIN_PASSWORD;
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const paths = (process.env.LH_PATHS ?? '/,/customers').split(',');
const targets = { desktop: 98, mobile: 90 };
const clsTarget = 0.05;
const outDir = process.env.LH_OUTPUT;

if (!password) {
  console.error('lighthouse: set SALESDB_ADMIN_PASSWORD (and SALESDB_URL, SALESDB_ADMIN_EMAIL)');
  process.exit(2);
}

async function login() {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login failed: HTTP ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (cookies.length === 0) throw new Error('login answered without a session cookie');
  return cookies.join('; ');
}

const meets = (preset, score, cls) => score >= targets[preset] && cls !== undefined && cls < clsTarget;
const ms = (v) => (v === undefined ? '—' : `${Math.round(v)} ms`);

async function main() {
  const cookie = await login();
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
  });
  const rows = [];
  let failed = false;
  try {
    for (const preset of ['desktop', 'mobile']) {
      for (const path of paths) {
        const flags = { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], extraHeaders: { Cookie: cookie } };
        const result = await lighthouse(`${base}${path}`, flags, preset === 'desktop' ? desktopConfig : undefined);
        const lhr = result.lhr;
        if (lhr.runtimeError) throw new Error(`${preset} ${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        const score = Math.round((lhr.categories.performance.score ?? 0) * 100);
        const a = lhr.audits;
        if (lhr.finalDisplayedUrl && new URL(lhr.finalDisplayedUrl).pathname.startsWith('/login')) {
          throw new Error(`${preset} ${path}: ended on the login page; the session cookie was not accepted`);
        }
        rows.push({ preset, path, score, lcp: a['largest-contentful-paint']?.numericValue, tbt: a['total-blocking-time']?.numericValue, cls: a['cumulative-layout-shift']?.numericValue, fcp: a['first-contentful-paint']?.numericValue });
        if (!meets(preset, score, a['cumulative-layout-shift']?.numericValue)) failed = true;
        if (outDir) {
          mkdirSync(outDir, { recursive: true });
          const name = `lighthouse-${preset}-${path.replace(/\W+/g, '_') || 'root'}`;
          writeFileSync(`${outDir}/${name}.json`, JSON.stringify(lhr));
          // The observed trace (load it in Chrome DevTools' Performance panel) behind the simulated figures.
          const trace = result.artifacts?.Trace ?? result.artifacts?.traces?.defaultPass;
          if (trace) writeFileSync(`${outDir}/${name}.trace.json`, JSON.stringify(trace));
        }
      }
    }
  } finally {
    await chrome.kill();
  }
  console.log(`\nLighthouse ${'12.2.3'} on ${base} (targets: desktop ≥ ${targets.desktop}, mobile ≥ ${targets.mobile}, CLS < ${clsTarget})\n`);
  console.log('| preset | page | score | FCP | LCP | TBT | CLS | target | meets |');
  console.log('|---|---|---:|---:|---:|---:|---:|---|---|');
  for (const r of rows) {
    console.log(`| ${r.preset} | ${r.path} | ${r.score} | ${ms(r.fcp)} | ${ms(r.lcp)} | ${ms(r.tbt)} | ${r.cls === undefined ? '—' : r.cls.toFixed(3)} | ≥ ${targets[r.preset]}, CLS < ${clsTarget} | ${meets(r.preset, r.score, r.cls) ? 'yes' : 'no'} |`);
  }
  if (failed && process.env.LH_NO_FAIL !== '1') {
    console.error('\nlighthouse: a page misses its target');
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`lighthouse: ${e.message}`);
  process.exit(1);
});
