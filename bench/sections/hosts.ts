/**
 * `npm run bench hosts`: the emulator held to the platforms' own local runtimes. The MLP fixture
 * bundle's cold start (INIT + first invocation, the load-robust estimate: CPU time replayed through
 * the platform's vCPU share plus waits, so other load on the machine does not decide it) measured by
 * `dlpack bench` in the emulator and with `--host real` — aws-lambda-ric on dlpack's Runtime API at
 * 1,769 MB (1 vCPU), workerd for Workers — alternated in one run; the ratio must be within 20%.
 * Rows are skipped (with a log line) where the host is not installed (.ci/install-tools.sh).
 */
import { join } from 'node:path';
import type { BenchRow, BenchSection } from '../harness.js';
import { p50 } from '../harness.js';
import { runBench } from '../../src/sim/run-bench.js';
import { findLocalHosts, missingHost } from '../../src/sim/local-hosts.js';
import type { PlatformId } from '../../src/core/platform-facts.js';

const section: BenchSection = {
  name: 'hosts',
  description: 'emulator vs the platforms\' own local runtimes (bench --host real): MLP bundle cold start on Lambda (RIC) and Workers (workerd)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const hosts = findLocalHosts();
    const model = join(ctx.root, 'fixtures', 'models', 'mlp.onnx');
    const rounds = ctx.quick ? 2 : 4;
    const cases: [PlatformId, string, string][] = [
      ['aws-lambda', '1769', 'aws-lambda-ric'],
      ['cloudflare-workers', '128', 'workerd'],
    ];
    for (const [target, memory, name] of cases) {
      const missing = missingHost(hosts, target, 'bench');
      if (missing) {
        ctx.log(`SKIP ${target}: ${missing}`);
        continue;
      }
      const figures: Record<'emulator' | 'real', number[]> = { emulator: [], real: [] };
      const wall: Record<'emulator' | 'real', number[]> = { emulator: [], real: [] };
      for (let i = 0; i < rounds; i++) {
        for (const host of ['emulator', 'real'] as const) {
          const r = await runBench({ input: model, targets: [target], memory, cold: 5, warm: 3, host });
          const c = r.configurations[0];
          const failures = c.errors.oom + c.errors.timeout + c.errors.error;
          if (failures) throw new Error(`${target} ${host}: ${c.errors.messages.join('; ')}`);
          figures[host].push(c.stable!.coldTotalMs.p50);
          wall[host].push(c.wall!.coldTotalMs.p50);
        }
      }
      const real = p50(figures.real);
      const emulated = p50(figures.emulator);
      const ratio = emulated / real;
      rows.push({
        metric: `${target} ${memory} MB, MLP bundle cold start (INIT + first), emulator vs --host real (${name})`,
        value: emulated,
        unit: 'ms',
        baseline: real,
        baselineLabel: name,
        ratio,
        target: '1 ± 20%',
        pass: Math.abs(ratio - 1) <= 0.2,
        note: `load-robust estimate, median of ${rounds} runs × 5 cold starts; wall ${p50(wall.emulator).toFixed(0)} vs ${p50(wall.real).toFixed(0)} ms`,
      });
    }
    return rows;
  },
};
export default section;
