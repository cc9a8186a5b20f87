import { join } from 'node:path';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { p50, timeCommands, type BenchSection } from '../harness.js';

/**
 * CLI start-up against a bare `node -e 0`, interleaved rounds, medians. NODE_EXTRA_CA_CERTS is
 * removed from every child's environment (it adds ~80 ms to each Node start and would hide the
 * gap). The help path's V8 code cache is warmed by one untimed run (what every run after a user's
 * first one gets); a separate row measures the first run, with an empty cache folder each round.
 */
const section: BenchSection = {
  name: 'startup',
  description: 'CLI start-up: `dlpack --version` and `dlpack inspect --help` against a bare `node -e 0`',
  async run(ctx) {
    const bin = join(ctx.root, 'bin', 'run.js');
    if (!existsSync(join(ctx.root, 'dist', 'oclif-core.cjs'))) throw new Error('dist/ missing: run `npm run build` first');
    const n = ctx.quick ? 5 : 21;
    const node = process.execPath;
    const scratch = mkdtempSync(join(tmpdir(), 'dlpack-startup-'));
    const base: NodeJS.ProcessEnv = { ...process.env, DLPACK_CACHE_DIR: join(scratch, 'warm') };
    delete base.NODE_EXTRA_CA_CERTS;
    let cold = 0;
    const env = () => base;
    const coldEnv = () => ({ ...base, DLPACK_CACHE_DIR: join(scratch, `cold-${cold++}`) });
    try {
      timeCommands([{ label: 'warm-up', argv: [node, bin, 'inspect', '--help'], cwd: ctx.root, env }], 1);
      const t = timeCommands(
        [
          { label: 'node', argv: [node, '-e', '0'], cwd: ctx.root, env },
          { label: 'version', argv: [node, bin, '--version'], cwd: ctx.root, env },
          { label: 'help', argv: [node, bin, 'inspect', '--help'], cwd: ctx.root, env },
          { label: 'help-first', argv: [node, bin, 'inspect', '--help'], cwd: ctx.root, env: coldEnv },
        ],
        n,
      );
      const b = p50(t.node);
      const row = (metric: string, value: number, goal?: number) => ({
        metric,
        value,
        unit: 'ms',
        baseline: b,
        baselineLabel: 'node -e 0',
        ratio: value / b,
        target: goal ? `≤ ${goal.toFixed(1)}×` : undefined,
        pass: goal ? value / b <= goal : undefined,
      });
      return [
        row(`dlpack --version (p50 wall of ${n}, interleaved)`, p50(t.version), 2.0),
        row('dlpack inspect --help (code cache warm)', p50(t.help), 2.5),
        row('dlpack inspect --help, first run (no code cache)', p50(t['help-first'])),
      ];
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
export default section;
