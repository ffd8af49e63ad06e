// Prints the SDK's size: as written, minified (esbuild) and minified + gzipped (zlib, level 9).
// Run from the SDK folder after `npm ci`: node scripts/size.mjs
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const path = new URL('../crier.js', import.meta.url);
const source = await readFile(path, 'utf8');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch (e) {
  console.error(`esbuild is missing (${e.code || e.message}): run 'npm ci' in ${new URL('..', import.meta.url).pathname}`);
  process.exit(1);
}
const { code } = await esbuild.transform(source, { minify: true, format: 'esm', target: 'es2022' });
const kib = (bytes) => `${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB)`;
const sizes = [
  ['crier.js', Buffer.byteLength(source)],
  ['minified', Buffer.byteLength(code)],
  ['minified + gzip', gzipSync(code, { level: 9 }).length],
];
for (const [what, bytes] of sizes) console.log(`${what.padEnd(16)} ${kib(bytes)}`);
