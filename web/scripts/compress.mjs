// Writes .gz and .br next to every compressible file of the build, for the server to send
// precompressed (Content-Encoding) without compressing on each request.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.json', '.svg', '.txt', '.xml', '.map', '.webmanifest', '.ico', '.wasm']);
const MIN_BYTES = 256;

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

const root = process.argv[2] ?? 'dist';
try {
  await stat(join(root, 'index.html'));
} catch {
  console.error(`compress: ${root}/index.html not found; run vite build first`);
  process.exit(1);
}

let files = 0;
let raw = 0;
let gz = 0;
let br = 0;
for await (const path of walk(root)) {
  if (!COMPRESSIBLE.has(extname(path))) continue;
  const data = await readFile(path);
  if (data.length < MIN_BYTES) continue;
  const g = gzipSync(data, { level: 9 });
  const b = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [constants.BROTLI_PARAM_MODE]: extname(path) === '.woff2' ? constants.BROTLI_MODE_FONT : constants.BROTLI_MODE_TEXT,
    },
  });
  await writeFile(`${path}.gz`, g);
  await writeFile(`${path}.br`, b);
  files += 1;
  raw += data.length;
  gz += g.length;
  br += b.length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`compress: ${files} files, ${kb(raw)} → gzip ${kb(gz)}, brotli ${kb(br)}`);
