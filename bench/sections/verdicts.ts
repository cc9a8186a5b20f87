/**
 * Verdicts that hold on a noisy machine (`npm run bench verdicts`), on the MLP fixture:
 * - `dlpack init` sets budgets on this machine as it is; `dlpack check` then runs 10 times as it is
 *   and 10 times with a CPU hog on every core (started and always killed here): same verdict 20/20;
 * - `dlpack bench --memory 128,512,1769` 10 times: identical recommendations 10/10;
 * - a baseline check, then 10 checks of the same handler against it: no significant change 10/10;
 *   10 checks of the handler made 30% slower (CPU spun for 30% of the baseline's INIT and warm
 *   figures): regression reported 10/10.
 * The machine is shared: "as it is" includes other developers' load, which is the point.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow, BenchSection } from '../harness.js';
import type { BenchReport, CheckReport } from '../../src/report/report-schemas.js';

const TSX = import.meta.resolve('tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function dlpack(root: string, cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const child = spawn(process.execPath, ['--import', TSX, join(root, 'bin', 'dev.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function json<T>(r: Run, what: string): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`${what}: exit ${r.code}, no JSON: ${(r.stderr || r.stdout).slice(-400)}`);
  }
}

/** One busy loop per core, killed by `stop()` and in any case when this process exits. */
function startHogs(): { stop(): void } {
  const hogs: ChildProcess[] = Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  const stop = () => {
    for (const h of hogs) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  };
  process.once('exit', stop);
  return { stop };
}

/** The most common value and how many times it occurred. */
function mode(values: string[]): { value: string; count: number } {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const [value, count] = [...counts].sort((a, b) => b[1] - a[1])[0];
  return { value, count };
}

const verdictOf = (r: CheckReport) => `${r.pass ? 'PASS' : 'FAIL'} ${r.results.map((x) => `${x.budget}=${x.status}`).join(',')}`;

/** A handler that is the template made slower: spins CPU time for `initMs` at INIT and `warmMs` per call. */
function slowHandler(root: string, initMs: number, warmMs: number): string {
  const template = join(root, 'src', 'bundle', 'targets', 'aws-lambda.ts');
  return `import { handler as inner, ready as loaded } from ${JSON.stringify(template)};
const spin = (ms) => { const t0 = process.cpuUsage(); for (;;) { const u = process.cpuUsage(t0); if ((u.user + u.system) / 1000 >= ms) return; } };
export const ready = loaded.then(() => spin(${initMs.toFixed(3)}));
export const handler = async (event, context) => { const out = await inner(event, context); spin(${warmMs.toFixed(3)}); return out; };
`;
}

const section: BenchSection = {
  name: 'verdicts',
  description: 'dlpack check/bench verdicts on the MLP fixture: idle vs CPU hog on every core, repeated recommendations, baseline self-compare vs a 30% slower handler',
  async run(ctx) {
    const n = ctx.quick ? 3 : 10;
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-verdicts-'));
    const rows: BenchRow[] = [];
    try {
      copyFileSync(join(ctx.root, 'fixtures', 'models', 'mlp.onnx'), join(dir, 'mlp.onnx'));
      const init = await dlpack(ctx.root, dir, ['init', '--model', 'mlp.onnx', '--target', 'aws-lambda', '--no-workflow']);
      if (init.code !== 0) throw new Error(`dlpack init: exit ${init.code}: ${init.stderr.slice(-400)}`);
      const config = JSON.parse(readFileSync(join(dir, 'dlpack.config.json'), 'utf8'));
      ctx.log(`budgets set by dlpack init: ${JSON.stringify(config.models[0].budgets)}`);

      // 1. The same verdict idle and under a CPU hog.
      const verdicts: { load: string; verdict: string; contention: number }[] = [];
      const check = async (load: string) => {
        const r = json<CheckReport>(await dlpack(ctx.root, dir, ['check', '--json']), 'dlpack check');
        const v = verdictOf(r);
        verdicts.push({ load, verdict: v, contention: 0 });
        ctx.log(`check (${load}): ${r.pass ? 'PASS' : 'FAIL'} ${r.results.filter((x) => x.status !== 'pass').map((x) => `${x.budget} ${x.status} ${x.actual} > ${x.limit}`).join('; ')}${r.loadWarnings?.length ? ` [load: ${r.loadWarnings[0].slice(0, 90)}…]` : ''}`);
        return r;
      };
      for (let i = 0; i < n; i++) await check('idle');
      const hogs = startHogs();
      try {
        for (let i = 0; i < n; i++) await check('hog');
      } finally {
        hogs.stop();
      }
      const reference = verdicts[0].verdict;
      const same = verdicts.filter((v) => v.verdict === reference).length;
      const idleSame = verdicts.filter((v) => v.load === 'idle' && v.verdict === reference).length;
      const hogSame = verdicts.filter((v) => v.load === 'hog' && v.verdict === reference).length;
      rows.push({
        metric: `dlpack check verdict same as the first run (${n} idle + ${n} with ${availableParallelism()} CPU hogs)`,
        value: same,
        unit: 'runs',
        baseline: verdicts.length,
        baselineLabel: 'runs',
        target: `${verdicts.length} of ${verdicts.length}`,
        pass: same === verdicts.length,
        note: `idle ${idleSame}/${n}, hog ${hogSame}/${n}; ${reference.split(' ')[0]}`,
      });

      // 2. Identical recommendations for identical runs.
      const recs: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = json<BenchReport>(await dlpack(ctx.root, dir, ['bench', 'mlp.onnx', '--target', 'aws-lambda', '--memory', '128,512,1769', '--json']), 'dlpack bench');
        recs.push(r.recommendations.map((x) => `${x.strategy}=${x.memoryMb}`).join(' '));
        ctx.log(`bench ${i + 1}: ${recs[recs.length - 1]}`);
      }
      const rec = mode(recs);
      rows.push({ metric: 'dlpack bench --memory 128,512,1769: identical recommendations', value: rec.count, unit: 'runs', baseline: n, baselineLabel: 'runs', target: `${n} of ${n}`, pass: rec.count === n, note: rec.value });

      // 3. Baseline self-compare and a 30% slower handler.
      const base = await dlpack(ctx.root, dir, ['check', '--json']);
      writeFileSync(join(dir, 'baseline.json'), base.stdout);
      const baseline = json<CheckReport>(base, 'baseline check');
      const figure = (key: string) => baseline.results.find((r) => r.budget === key)?.actual ?? 0;
      let quiet = 0;
      for (let i = 0; i < n; i++) {
        const r = json<CheckReport>(await dlpack(ctx.root, dir, ['check', '--json', '--baseline', 'baseline.json']), 'self-compare');
        const flagged = r.results.filter((x) => x.baseline?.regression);
        if (!flagged.length) quiet++;
        ctx.log(`self-compare ${i + 1}: ${flagged.length ? `REGRESSION ${flagged.map((x) => `${x.budget} ${((x.baseline!.change) * 100).toFixed(0)}%`).join(', ')}` : 'no significant change'}`);
      }
      rows.push({ metric: 'check --baseline on the same handler: no regression reported', value: quiet, unit: 'runs', baseline: n, baselineLabel: 'runs', target: `${n} of ${n}`, pass: quiet === n });

      writeFileSync(join(dir, 'slow-handler.mjs'), slowHandler(ctx.root, 0.3 * figure('initP50'), 0.3 * figure('warmP50')));
      config.models[0].handler = 'slow-handler.mjs';
      writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify(config, null, 2));
      let caught = 0;
      for (let i = 0; i < n; i++) {
        const r = json<CheckReport>(await dlpack(ctx.root, dir, ['check', '--json', '--baseline', 'baseline.json']), 'slow handler');
        const flagged = r.results.filter((x) => x.baseline?.regression);
        if (flagged.length) caught++;
        ctx.log(`30% slower ${i + 1}: ${flagged.map((x) => `${x.budget} +${(x.baseline!.change * 100).toFixed(0)}% (CI ${((x.baseline!.low ?? 0) * 100).toFixed(0)}–${((x.baseline!.high ?? 0) * 100).toFixed(0)}%)`).join(', ') || 'not caught'}`);
      }
      rows.push({ metric: 'check --baseline on the handler made 30% slower: regression reported', value: caught, unit: 'runs', baseline: n, baselineLabel: 'runs', target: `${n} of ${n}`, pass: caught === n });
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;
