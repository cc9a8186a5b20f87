/**
 * Identical runs, identical recommendations (`npm run bench verdicts-recommend`): `dlpack bench` of
 * the MLP fixture on aws-lambda at 128, 512 and 1769 MB (the case: once "fastest: 128 MB"
 * with 1.5 s cold starts), 10 times on this machine as it is.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from '../harness.js';
import type { BenchReport } from '../../src/core/reports/schemas.js';
import { dlpack, json, mode } from '../verdict-helpers.js';

const section: BenchSection = {
  name: 'verdicts-recommend',
  description: 'dlpack bench mlp.onnx --memory 128,512,1769, 10 times: identical recommendations?',
  async run(ctx) {
    const n = ctx.quick ? 3 : 10;
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-recommend-'));
    try {
      copyFileSync(join(ctx.root, 'fixtures', 'models', 'mlp.onnx'), join(dir, 'mlp.onnx'));
      const recs: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = json<BenchReport>(await dlpack(ctx.root, dir, ['bench', 'mlp.onnx', '--target', 'aws-lambda', '--memory', '128,512,1769', '--json']), 'dlpack bench');
        recs.push(r.recommendations.map((x) => `${x.strategy}=${x.memoryMb}`).join(' '));
        const cold = r.configurations.map((c) => `${c.memoryMb} MB cold p50 ${c.coldTotalMs.p50.toFixed(0)} ms (wall ${c.wall?.coldTotalMs.p50.toFixed(0)})`).join(', ');
        ctx.log(`bench ${i + 1}: ${recs[recs.length - 1]} — ${cold}`);
      }
      const rec = mode(recs);
      return [{ metric: 'dlpack bench --memory 128,512,1769: identical recommendations', value: rec.count, unit: 'runs', baseline: n, baselineLabel: 'runs', target: `${n} of ${n}`, pass: rec.count === n, note: rec.value }];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;
