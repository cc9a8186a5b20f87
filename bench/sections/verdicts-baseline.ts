/**
 * `dlpack check --baseline` on the MLP fixture (`npm run bench verdicts-baseline`): a baseline check
 * report, then 10 checks of the same handler against it (no regression expected), then 10 checks of
 * the handler made 30% slower — CPU spun for 30% of the baseline's INIT and warm figures (a
 * regression expected every time).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow, BenchSection } from '../harness.js';
import type { CheckReport } from '../../src/core/reports/schemas.js';
import { dlpack, initFolder, json, slowHandler } from '../verdict-helpers.js';

const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(0)}%`;

const section: BenchSection = {
  name: 'verdicts-baseline',
  description: 'dlpack check --baseline: the same handler 10 times (no significant change?), the handler made 30% slower 10 times (regression?)',
  async run(ctx) {
    const n = ctx.quick ? 3 : 10;
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-baseline-'));
    const rows: BenchRow[] = [];
    try {
      const config = await initFolder(ctx.root, dir, ctx.log);
      const base = await dlpack(ctx.root, dir, ['check', '--json']);
      writeFileSync(join(dir, 'baseline.json'), base.stdout);
      const baseline = json<CheckReport>(base, 'baseline check');
      const figure = (key: string) => baseline.results.find((r) => r.budget === key)?.actual ?? 0;
      const compare = async (label: string) => {
        const r = json<CheckReport>(await dlpack(ctx.root, dir, ['check', '--json', '--baseline', 'baseline.json']), label);
        const flagged = r.results.filter((x) => x.baseline?.regression);
        const timing = r.results.filter((x) => x.baseline?.method === 'distribution');
        ctx.log(`${label}: ${flagged.length ? flagged.map((x) => `${x.budget} regressed +${pct(x.baseline!.change)} (CI ${pct(x.baseline!.low)}–${pct(x.baseline!.high)})`).join(', ') : 'no regression'}; ${timing.map((x) => `${x.budget} ${pct(x.baseline!.change)} p=${x.baseline!.p}`).join(', ')}`);
        return flagged.length > 0;
      };
      let quiet = 0;
      for (let i = 0; i < n; i++) if (!(await compare(`same handler ${i + 1}`))) quiet++;
      rows.push({ metric: 'check --baseline on the same handler: no regression reported', value: quiet, unit: 'runs', baseline: n, baselineLabel: 'runs', target: `${n} of ${n}`, pass: quiet === n });

      writeFileSync(join(dir, 'slow-handler.mjs'), slowHandler(ctx.root, 0.3 * figure('initP50'), 0.3 * figure('warmP50')));
      config.models[0].handler = 'slow-handler.mjs';
      writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify(config, null, 2));
      let caught = 0;
      for (let i = 0; i < n; i++) if (await compare(`30% slower ${i + 1}`)) caught++;
      rows.push({ metric: 'check --baseline on the handler made 30% slower: regression reported', value: caught, unit: 'runs', baseline: n, baselineLabel: 'runs', target: `${n} of ${n}`, pass: caught === n });
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;
