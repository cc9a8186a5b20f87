import { Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { createProgress } from '../src/cli/progress.js';
import { runInit, type InitReport } from '../src/init/run-init.js';
import { renderInit } from '../src/init/render-init.js';
import { ttyAsk } from '../src/init/ask-tty.js';

export default class Init extends DlpackCommand {
  static summary = 'Measure a model once and write a starter dlpack.config.json with budgets, plus a GitHub Actions workflow.';
  static description =
    'Asks for (on a terminal) or takes the model, target and memory size; bundles and benches once (a few cold starts and warm calls); writes dlpack.config.json with budgets from the measurement plus headroom (+10% size; +20% warm latency, memory and cost; +50% INIT and cold start, with absolute floors) and .github/workflows/dlpack.yml, which runs `dlpack check` on pull requests against a baseline from main and posts the Markdown as a comment. Nothing is overwritten without --force.';
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --model model.onnx --target aws-lambda --memory 1024',
    '<%= config.bin %> <%= command.id %> --model web_model/model.json --target cloudflare-workers --no-workflow',
  ];
  static flags = {
    model: Flags.string({ char: 'm', description: 'model file (.onnx or TF.js model.json)' }),
    target: Flags.string({ char: 't', description: 'platform: aws-lambda, gcp-functions, azure-functions, cloudflare-workers, vercel' }),
    memory: Flags.string({ description: 'memory size(s) in MB, comma-separated (default 1024 where allowed)' }),
    runtime: Flags.string({ description: 'runtime (default: per target and model)' }),
    arch: Flags.string({ description: 'CPU architecture', options: ['x64', 'arm64'] }),
    cold: Flags.integer({ description: 'cold starts to measure', default: 3, min: 1 }),
    warm: Flags.integer({ description: 'warm invocations to measure', default: 10, min: 1 }),
    workflow: Flags.boolean({ description: 'write .github/workflows/dlpack.yml', default: true, allowNo: true }),
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
        memory: flags.memory?.split(',').map((s) => Number(s.trim())),
        runtime: flags.runtime,
        arch: flags.arch as 'x64' | 'arm64' | undefined,
        cold: flags.cold,
        warm: flags.warm,
        workflow: flags.workflow,
        force: flags.force,
        ask: 'ask' in tty ? tty.ask : undefined,
        progress: (m) => progress.update(m),
      });
      progress.done();
      if (!this.jsonEnabled()) this.log(renderInit(report));
      return report;
    } finally {
      progress.done();
      tty.close();
    }
  }
}
