import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import type { BenchRow, BenchSection } from '../harness.js';
import { runBench, type BenchOptions } from '../../src/sim/run-bench.js';
import { detectCgroups } from '../../src/sim/cgroup.js';
import { timeCommands, p50 } from '../harness.js';

/** Calibration of the emulator with handlers of known cost, side by side (`npm run bench sim`). */
const section: BenchSection = {
  name: 'sim',
  description: 'dlpack bench emulator: harness overhead, calibration at full CPU, 0.25 vCPU by CFS quota vs projection, real-model cold/warm',
  async run(ctx) {
    const fixtures = join(ctx.root, 'test', 'fixtures-sim');
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-sim-'));
    const event = (e: unknown) => {
      const f = join(dir, `${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(f, JSON.stringify(e));
      return f;
    };
    const warm = ctx.quick ? 5 : 15;
    const bench = async (file: string, o: Partial<BenchOptions>) =>
      (await runBench({ input: join(fixtures, file), handler: true, targets: ['aws-lambda'], memory: '1769', cold: 1, warm, ...o })).configurations[0];
    const cg = detectCgroups();
    const rows: BenchRow[] = [];

    const empty = await bench('empty.mjs', { cpu: 'off', warm: 50 });
    rows.push({ metric: 'empty handler, reported warm p50 (harness overhead)', value: empty.warmMs.p50, unit: 'ms', target: '< 1 ms', pass: empty.warmMs.p50 < 1 });
    const boot = p50(empty.runtimeStartMs ? [empty.runtimeStartMs.p50] : [0]);
    const node = p50(timeCommands([{ label: 'node', argv: [process.execPath, '-e', '0'], cwd: ctx.root }], 5).node);
    rows.push({ metric: 'instance start (spawn → host ready), cgroup placed', value: boot, unit: 'ms', baseline: node, baselineLabel: 'node -e 0', ratio: boot / node });

    const cost = 200;
    const full = await bench('busy.mjs', { cpu: 'off', eventFile: event({ busyMs: cost }) });
    const contentionFree = p50(full.wall!.samples.warmMs.map((ms, i) => ms - (full.contentionMs?.samples[i] ?? 0)));
    rows.push({ metric: `busy loop ${cost} ms CPU, full CPU, warm p50`, value: full.wall!.warmMs.p50, unit: 'ms', baseline: cost, baselineLabel: 'known cost', ratio: full.wall!.warmMs.p50 / cost, target: '±5% + 2 ms', pass: Math.abs(full.wall!.warmMs.p50 - cost) <= cost * 0.05 + 2, note: `without run-queue delay ${contentionFree.toFixed(1)} ms, load-robust estimate ${full.stable!.warmMs.p50.toFixed(1)} ms` });
    const sleep = await bench('sleep.mjs', { cpu: 'off', eventFile: event({ sleepMs: 100 }) });
    rows.push({ metric: 'sleep 100 ms, warm p50', value: sleep.wall!.warmMs.p50, unit: 'ms', baseline: 100, baselineLabel: 'known cost', ratio: sleep.wall!.warmMs.p50 / 100, target: '±5% + 2 ms', pass: Math.abs(sleep.wall!.warmMs.p50 - 100) <= 7 });

    const scaled = await bench('busy.mjs', { cpu: 'scale', memory: '442', eventFile: event({ busyMs: cost }) });
    rows.push({ metric: `busy loop at 0.25 vCPU (442 MB), --cpu scale`, value: scaled.wall!.warmMs.p50, unit: 'ms', baseline: cost, baselineLabel: 'known cost', ratio: scaled.wall!.warmMs.p50 / cost, target: '4× ± 15%', pass: Math.abs(scaled.wall!.warmMs.p50 / cost - 4) <= 0.6 });
    if (cg.cpuParent) {
      const quota = await bench('busy.mjs', { cpu: 'cgroup', memory: '442', eventFile: event({ busyMs: cost }) });
      const q = quota.wall!.warmMs.p50;
      rows.push({ metric: `busy loop at 0.25 vCPU (442 MB), --cpu cgroup`, value: q, unit: 'ms', baseline: cost, baselineLabel: 'known cost', ratio: q / cost, target: '4× ± 15%', pass: Math.abs(q / cost - 4) <= 0.6 });
      rows.push({ metric: 'scale projection vs cgroup measurement', value: scaled.wall!.warmMs.p50, unit: 'ms', baseline: q, baselineLabel: 'cgroup', ratio: scaled.wall!.warmMs.p50 / q, target: '1 ± 15%', pass: Math.abs(scaled.wall!.warmMs.p50 / q - 1) <= 0.15 });
      rows.push({ metric: 'load-robust estimate (quota replay) vs cgroup measurement', value: quota.stable!.warmMs.p50, unit: 'ms', baseline: q, baselineLabel: 'cgroup', ratio: quota.stable!.warmMs.p50 / q, target: '1 ± 15%', pass: Math.abs(quota.stable!.warmMs.p50 / q - 1) <= 0.15 });
    } else {
      ctx.log(`--cpu cgroup not measured: ${cg.cpuProblem}`);
    }

    const model = join(ctx.root, '..', 'shared', 'models', 'onnx', 'ppocr_cls.onnx');
    if (existsSync(model)) {
      const r = await runBench({ input: model, targets: ['aws-lambda'], memory: '512,1769', cold: 3, warm: 10 });
      for (const c of r.configurations) {
        rows.push({ metric: `ppocr_cls.onnx on aws-lambda ${c.memoryMb} MB: cold (init + first invoke) p50`, value: c.coldTotalMs.p50, unit: 'ms', baseline: c.warmMs.p50, baselineLabel: 'warm p50', ratio: c.coldTotalMs.p50 / c.warmMs.p50, note: `init ${c.initMs.p50.toFixed(0)} ms, peak ${c.peakMemoryMb} MB` });
      }
    }
    return rows;
  },
};
export default section;
