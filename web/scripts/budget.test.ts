// @vitest-environment node
// Performance budgets, read from Vite's build manifest (run `npm run build` first: a missing
// build fails this test). Sizes are gzip sizes of the built files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

type Chunk = { file: string; name?: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] };

const DIST = join(__dirname, '..', 'dist');
const MANIFEST = join(DIST, '.vite', 'manifest.json');
const KB = 1024;

const BUDGET_ENTRY = 200 * KB;
const BUDGET_DASHBOARD_FIRST_PAINT = 300 * KB;
const BUDGET_CHUNK = 300 * KB;

function loadManifest(): Record<string, Chunk> {
  if (!existsSync(MANIFEST)) throw new Error(`${MANIFEST} is missing: run "npm run build" before "npm test"`);
  return JSON.parse(readFileSync(MANIFEST, 'utf8'));
}

const gzipCache = new Map<string, number>();
function gzipSize(file: string): number {
  let n = gzipCache.get(file);
  if (n === undefined) {
    n = gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
    gzipCache.set(file, n);
  }
  return n;
}

/** Files loaded up front when `keys` load: their static imports, recursively, and their CSS. */
function staticClosure(manifest: Record<string, Chunk>, keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no ${key}`);
    files.add(chunk.file);
    chunk.css?.forEach((c) => files.add(c));
    chunk.imports?.forEach(visit);
  };
  keys.forEach(visit);
  return files;
}

const total = (files: Iterable<string>) => [...files].reduce((s, f) => s + gzipSize(f), 0);
const describeFiles = (files: Iterable<string>) =>
  [...files].map((f) => `${f} ${(gzipSize(f) / KB).toFixed(1)} KB`).join('\n');

describe('bundle budgets', () => {
  const manifest = loadManifest();
  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  const findKey = (src: string) => {
    const key = Object.keys(manifest).find((k) => k === src || manifest[k]!.src === src);
    if (!key) throw new Error(`manifest has no chunk for ${src}`);
    return key;
  };

  it('has one entry, index.html', () => {
    expect(entryKey).toBe('index.html');
  });

  it('keeps everything index.html loads within 200 KB gzip', () => {
    const files = staticClosure(manifest, [entryKey!]);
    // index.html itself and what it references: entry, preloaded chunks, CSS.
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    for (const f of files) expect(html, `index.html should reference ${f}`).toContain(f);
    const size = total(files) + gzipSync(html).length;
    expect(size, describeFiles(files)).toBeLessThanOrEqual(BUDGET_ENTRY);
  });

  it('carries no antd and no echarts in the entry', () => {
    const files = [...staticClosure(manifest, [entryKey!])];
    expect(files.some((f) => /antd|echarts/.test(f))).toBe(false);
  });

  it("keeps the dashboard's first paint (layout, KPI cards) within 300 KB gzip, charts after it", () => {
    const firstPaint = staticClosure(manifest, [entryKey!, findKey('src/app/routes/dashboard.tsx')]);
    expect(total(firstPaint), describeFiles(firstPaint)).toBeLessThanOrEqual(BUDGET_DASHBOARD_FIRST_PAINT);
    const charts = manifest[findKey('src/features/dashboard/components/dashboard-charts.tsx')]!;
    expect(charts.isDynamicEntry).toBe(true);
    expect([...firstPaint].some((f) => f.includes('echarts'))).toBe(false);
    // The dashboard is a plain screen: no antd at all before its first paint.
    expect([...firstPaint].some((f) => f.includes('antd'))).toBe(false);
    expect(firstPaint.has(charts.file)).toBe(false);
  });

  it('keeps the customer list plain: no antd before it paints', () => {
    const list = staticClosure(manifest, [entryKey!, findKey('src/app/routes/customers.tsx')]);
    expect([...list].some((f) => f.includes('antd')), describeFiles(list)).toBe(false);
  });

  it('loads echarts only in chart routes', () => {
    const echartsKeys = Object.keys(manifest).filter((k) => k.includes('echarts'));
    expect(echartsKeys.length).toBeGreaterThan(0);
    for (const [key, chunk] of Object.entries(manifest)) {
      if (!chunk.isDynamicEntry && !chunk.isEntry) continue;
      const closure = staticClosure(manifest, [key]);
      const hasEcharts = [...closure].some((f) => f.includes('echarts'));
      if (hasEcharts) expect(chunk.src ?? key, 'only chart modules may pull in echarts').toMatch(/charts/);
    }
  });

  it('keeps react, antd and echarts in separate vendor chunks', () => {
    const files = Object.values(manifest).map((c) => c.file);
    expect(files.some((f) => /vendor-react/.test(f))).toBe(true);
    expect(files.some((f) => /vendor-antd/.test(f))).toBe(true);
    expect(files.some((f) => /vendor-echarts/.test(f))).toBe(true);
  });

  it('has no chunk over 300 KB gzip', () => {
    for (const chunk of Object.values(manifest)) {
      expect(gzipSize(chunk.file), chunk.file).toBeLessThanOrEqual(BUDGET_CHUNK);
    }
  });

  it('makes every route lazy (a dynamic entry)', () => {
    const routes = Object.keys(manifest).filter((k) => k.startsWith('src/app/routes/'));
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const r of routes) expect(manifest[r]!.isDynamicEntry, r).toBe(true);
  });

  it('ships precompressed .gz and .br next to every script and stylesheet', () => {
    const files = new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]));
    files.add('index.html');
    for (const f of files) {
      if (readFileSync(join(DIST, f)).length < 256) continue;
      expect(existsSync(join(DIST, `${f}.gz`)), `${f}.gz`).toBe(true);
      expect(existsSync(join(DIST, `${f}.br`)), `${f}.br`).toBe(true);
    }
  });
});
