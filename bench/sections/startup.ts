import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { median, timeCommands, type BenchSection } from '../harness.js';

const section: BenchSection = {
  name: 'startup',
  description: 'CLI start-up: `dlpack --version` and `dlpack inspect --help` against a bare `node -e 0`',
  async run(ctx) {
    const bin = join(ctx.root, 'bin', 'run.js');
    if (!existsSync(join(ctx.root, 'dist', 'commands'))) throw new Error('dist/ missing: run `npm run build` first');
    const n = ctx.quick ? 5 : 15;
    const node = process.execPath;
    const t = timeCommands(
      [
        { label: 'node', argv: [node, '-e', '0'], cwd: ctx.root },
        { label: 'version', argv: [node, bin, '--version'], cwd: ctx.root },
        { label: 'help', argv: [node, bin, 'inspect', '--help'], cwd: ctx.root },
      ],
      n,
    );
    const base = median(t.node);
    const version = median(t.version);
    const help = median(t.help);
    return [
      { metric: 'dlpack --version (median wall)', value: version, unit: 'ms', baseline: base, baselineLabel: 'node -e 0', ratio: version / base },
      { metric: 'dlpack inspect --help (median wall)', value: help, unit: 'ms', baseline: base, baselineLabel: 'node -e 0', ratio: help / base },
    ];
  },
};
export default section;
