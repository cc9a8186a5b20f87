/**
 * `npm run bench [section ...] [--quick]`: runs the named sections (all by default), prints a table of
 * figures and ratios measured in this one run, and writes bench/results/latest.json.
 */
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import type { BenchRow, BenchSection } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));

const sectionsDir = join(root, 'bench', 'sections');
const sections: BenchSection[] = [];
for (const f of readdirSync(sectionsDir).sort()) {
  if (!f.endsWith('.ts')) continue;
  const mod = await import(pathToFileURL(join(sectionsDir, f)).href);
  sections.push(mod.default as BenchSection);
}
const order = ['startup', 'quantize', 'accuracy', 'int8-static', 'tfjs', 'bundle', 'sim', 'handlers', 'encoding', 'hosts', 'verdicts', 'verdicts-recommend', 'verdicts-baseline'];
sections.sort((a, b) => (order.indexOf(a.name) + 1 || 99) - (order.indexOf(b.name) + 1 || 99));
const chosen = wanted.length ? sections.filter((s) => wanted.includes(s.name)) : sections;
if (wanted.length && chosen.length !== wanted.length) {
  console.error(`unknown section(s); have: ${sections.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined ? '' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(digits));
const results: Record<string, BenchRow[] | { error: string }> = {};
const table = new Table({ head: ['section', 'metric', 'value', 'baseline', 'ratio', 'target', 'ok'], style: { head: [], border: [] } });
let failed = false;
for (const s of chosen) {
  process.stderr.write(`bench: ${s.name} — ${s.description}\n`);
  try {
    const rows = await s.run({ root, quick, log: (m) => process.stderr.write(`  ${m}\n`) });
    results[s.name] = rows;
    for (const r of rows) {
      table.push([
        s.name,
        r.metric + (r.note ? ` (${r.note})` : ''),
        `${fmt(r.value)} ${r.unit}`,
        r.baseline === undefined ? '' : `${fmt(r.baseline)} ${r.unit}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}`,
        r.ratio === undefined ? '' : `${fmt(r.ratio)}×`,
        r.target ?? '',
        r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
      ]);
    }
  } catch (err) {
    failed = true;
    results[s.name] = { error: String((err as Error).message ?? err) };
    table.push([s.name, `error: ${(err as Error).message}`, '', '', '', '', 'NO']);
  }
}
console.log(table.toString());
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const out = join(root, 'bench', 'results', 'latest.json');
writeFileSync(
  out,
  JSON.stringify({ schema: 'dlpack.bench/1', date: new Date().toISOString(), node: process.version, quick, results }, null, 2) + '\n',
);
console.log(`written: ${out}`);
process.exitCode = failed ? 1 : 0;
