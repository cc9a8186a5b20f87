/**
 * The same `dlpack check` verdict on a quiet and a busy machine (`npm run bench verdicts`), on the
 * MLP fixture: `dlpack init` sets budgets on this machine as it is, then `dlpack check` runs 10 times
 * as it is and 10 times with a CPU hog on every core (started here and always killed). The machine
 * is shared, so "as it is" includes other developers' load, which is the point.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from '../harness.js';
import type { CheckReport } from '../../src/core/reports/schemas.js';
import { dlpack, initFolder, json, startHogs, verdictOf } from '../verdict-helpers.js';

const section: BenchSection = {
  name: 'verdicts',
  description: 'dlpack check on the MLP fixture, budgets from dlpack init: 10 runs as the machine is, 10 with a CPU hog on every core — same verdict?',
  async run(ctx) {
    const n = ctx.quick ? 3 : 10;
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-verdicts-'));
    try {
      await initFolder(ctx.root, dir, ctx.log);
      const verdicts: { load: string; verdict: string }[] = [];
      const check = async (load: string) => {
        const r = json<CheckReport>(await dlpack(ctx.root, dir, ['check', '--json']), 'dlpack check');
        verdicts.push({ load, verdict: verdictOf(r) });
        const init = r.results.find((x) => x.budget === 'initP50');
        ctx.log(`check (${load}): ${r.pass ? 'PASS' : 'FAIL'} init p50 ${init?.actual} ms of ${init?.limit} ms${r.results.filter((x) => x.status !== 'pass').map((x) => `; ${x.budget} ${x.status} ${x.actual} > ${x.limit}`).join('')}${r.loadWarnings?.length ? ` [${r.loadWarnings[0].slice(0, 80)}…]` : ''}`);
      };
      for (let i = 0; i < n; i++) await check('as is');
      const hogs = startHogs();
      try {
        for (let i = 0; i < n; i++) await check('hog');
      } finally {
        hogs.stop();
      }
      const reference = verdicts[0].verdict;
      const same = (load?: string) => verdicts.filter((v) => (!load || v.load === load) && v.verdict === reference).length;
      return [
        {
          metric: `dlpack check verdict same as the first run (${n} as is + ${n} with ${availableParallelism()} CPU hogs)`,
          value: same(),
          unit: 'runs',
          baseline: verdicts.length,
          baselineLabel: 'runs',
          target: `${verdicts.length} of ${verdicts.length}`,
          pass: same() === verdicts.length,
          note: `as is ${same('as is')}/${n}, hog ${same('hog')}/${n}; ${reference.split(' ')[0]}`,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;
