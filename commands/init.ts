import { Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { platformsHelp } from '../src/cli/platform-flags.js';
import { createProgress } from '../src/cli/progress.js';
import { runInit, type InitReport } from '../src/init/run-init.js';
import { renderForTerminal } from '../src/cli/render.js';
import { ttyAsk } from '../src/init/ask-tty.js';
import { durationFlag } from '../src/cli/number-flags.js';

export default class Init extends DlpackCommand {
  static summary = 'Measure a model once and write a starter dlpack.config.json with budgets, plus a GitHub Actions workflow.';
  static description =
    'Asks for (on a terminal) or takes the model, target and memory size; bundles and benches once (a few cold starts and warm calls); writes dlpack.config.json with budgets from the measurement plus headroom (timings from the load-robust estimate, which other load on the machine barely moves; headroom the larger of a fixed share — +10% size, +20% warm latency, memory and cost, +30% INIT and cold start — and 3 × the figure\'s measured spread, with absolute floors; the output says how each budget was set) and .github/workflows/dlpack.yml, which runs `dlpack check` on pull requests against a baseline from main and posts the Markdown as a comment (with --shards N: a matrix job per shard running `dlpack check --shard i/N` and a merge job that joins the shard reports with `dlpack report merge`, posts one comment and gates the PR). Nothing is overwritten without --force.';
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --model model.onnx --target aws-lambda --memory 1024',
    '<%= config.bin %> <%= command.id %> --model web_model/model.json --target cloudflare-workers --no-workflow',
    '<%= config.bin %> <%= command.id %> --model model.onnx --memory 512,1024,1769 --shards 4   # workflow: a matrix job per shard + a merge job',
  ];
  static flags = {
    model: Flags.string({ char: 'm', description: 'model file (.onnx or TF.js model.json)' }),
    target: Flags.string({ char: 't', description: platformsHelp('platform') }),
    memory: Flags.string({ description: 'memory size(s) in MB, comma-separated (default 1024 where allowed)' }),
    runtime: Flags.string({ description: 'runtime (default: per target and model)' }),
    arch: Flags.string({ description: 'CPU architecture', options: ['x64', 'arm64'] }),
    cold: Flags.integer({ description: 'cold starts to measure (at least; more until the figures are stable or --max-time)', default: 5, min: 1 }),
    warm: Flags.integer({ description: 'warm invocations to measure (at least)', default: 20, min: 1 }),
    'max-time': Flags.string({ description: 'adaptive sampling time cap per memory size (0 = exactly --cold/--warm)', default: '10s' }),
    estimate: Flags.string({ description: 'figure timing budgets are set from and judged on: stable (load-robust) or wall', options: ['stable', 'wall'], default: 'stable' }),
    workflow: Flags.boolean({ description: 'write .github/workflows/dlpack.yml', default: true, allowNo: true }),
    shards: Flags.integer({ description: 'split the workflow\'s check over N runners: a matrix job per shard (dlpack check --shard i/N, reports uploaded as artifacts) and a merge job that joins them, posts one comment and gates the PR', min: 1, max: 256 }),
    force: Flags.boolean({ description: 'replace an existing config or workflow', default: false }),
  };

  async run(): Promise<InitReport> {
    const { flags } = await this.parse(Init);
    const progress = createProgress({ enabled: this.showProgress() });
    const tty = this.jsonEnabled() ? { close() {} } : ttyAsk();
    try {
      const report = await runInit({
        model: flags.model,
        target: flags.target,
        memory: flags.memory,
        runtime: flags.runtime,
        arch: flags.arch as 'x64' | 'arm64' | undefined,
        cold: flags.cold,
        warm: flags.warm,
        maxTimeMs: durationFlag('max-time', flags['max-time']),
        estimate: flags.estimate as 'stable' | 'wall',
        workflow: flags.workflow,
        shards: flags.shards,
        force: flags.force,
        ask: 'ask' in tty ? tty.ask : undefined,
        progress: (m) => progress.update(m),
      });
      progress.done();
      if (!this.jsonEnabled()) this.log(renderForTerminal(report));
      return report;
    } finally {
      progress.done();
      tty.close();
    }
  }
}
