import { createDelta as create, applyDelta as apply } from 'fossil-delta';
import fs from 'node:fs';
const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });
const enc = new TextEncoder();
function rnd(seed) { let s = seed; return () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s; }; }
const cases = [];
// 1: a 2 KB price document with 5% of its entries changed
{ const r = rnd(7); let e = []; for (let i = 0; i < 150; i++) { e.push(String.fromCharCode(65 + r() % 26, 65 + r() % 26, 65 + r() % 26, 65 + r() % 26) + ':' + String(1000 + r() % 9000) + '.' + String(10 + r() % 90) + ';'); }
  const a = '{"p":"' + e.join('') + '"}'; for (let k = 0; k < 7; k++) { e[r() % 150] = 'ZZZZ:' + String(1000 + r() % 9000) + '.' + String(10 + r() % 90) + ';'; }
  cases.push(['prices', a, '{"p":"' + e.join('') + '"}']); }
cases.push(['small', 'hello', 'hello, world']);
cases.push(['empty-target', 'some base text that is long enough to be indexed', '']);
cases.push(['unrelated', 'a'.repeat(100), 'The quick brown fox jumps over the lazy dog, again and again and again.']);
cases.push(['moved', 'first block of text here; second block of text there; third block of text everywhere.', 'third block of text everywhere. first block of text here; second block of text there; '])
for (const [name, a, b] of cases) {
  const A = enc.encode(a), B = enc.encode(b);
  const d = create(A, B);
  const back = apply(A, d);
  if (Buffer.compare(Buffer.from(back), Buffer.from(B)) !== 0) throw new Error('js round trip failed ' + name);
  fs.writeFileSync(`${out}/${name}.base`, A); fs.writeFileSync(`${out}/${name}.target`, B); fs.writeFileSync(`${out}/${name}.delta`, Buffer.from(d));
  console.log(name, A.length, B.length, d.length);
}
