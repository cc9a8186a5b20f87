import { Args, Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { platformsHelp } from '../src/cli/platform-flags.js';
import { createProgress } from '../src/cli/progress.js';
import { DlpackError } from '../src/core/errors/dlpack-error.js';
import { parseDuration } from '../src/core/units.js';
import { numberFlag, percentFlag } from '../src/cli/number-flags.js';
import { runBench, type BenchRunReport } from '../src/sim/run-bench.js';
import { renderForTerminal } from '../src/cli/render.js';
import { parseShard, readReport, type BenchReport } from '../src/index.js';

export default class Bench extends DlpackCommand {
  static summary = 'Simulate cold starts, memory limits and CPU share per platform and memory size, locally.';
  static description =
    'Runs a bundle (folder or zip from `dlpack bundle`), a model (bundled on the fly) or your own handler module the way the platform would: a fresh Node process per cold start with the platform\'s Node flags and environment, a real memory limit (cgroup, else an RSS watchdog) and CPU share (CFS quota, else a projection), the platform\'s timeouts. Reports INIT, cold and warm latency percentiles, peak memory, billed duration and cost per 1M requests per configuration, and recommends a memory size (cheapest, fastest, balanced, cheapest within --max-latency). Samples adaptively (more cold starts and warm calls until the medians\' 95% CI is within --precision, or --max-time). Figures are the load-robust estimate by default (CPU time replayed through the platform\'s vCPU share plus I/O waits, leaving out time the function waited for a CPU other work on this machine held), with CPU time and that contention share shown, and a warning when other load was material; "fastest" is judged on cold p50 × --cold-share + warm p50 × the rest, cost is a 20% trimmed mean, and differences within the noise are ties broken by a stated rule, so identical runs recommend the same. --shard i/n runs one part of the target × memory list (the same split on every runner, balanced on --shard-costs or an estimate) and marks the report with the shard, a fingerprint of the input and options, and the dlpack version; `dlpack report merge` joins the parts and recommends over all of them.';
  static examples = [
    '<%= config.bin %> <%= command.id %> dist/aws-lambda --memory 512,1024,1769',
    '<%= config.bin %> <%= command.id %> model.onnx --target aws-lambda --memory sweep --max-latency 200ms',
    '<%= config.bin %> <%= command.id %> --handler handler.mjs --target aws-lambda --memory 256 --cold 3 --warm 10 --verbose',
    '<%= config.bin %> <%= command.id %> bundle.zip --cpu scale --json > bench.json',
    '<%= config.bin %> <%= command.id %> model.onnx --target aws-lambda --memory 128,512,1769 --cold-share 5% --balance 0.7',
    '<%= config.bin %> <%= command.id %> dist/aws-lambda --host real --memory 1024   # in aws-lambda-ric, beside the emulator\'s figures',
    '<%= config.bin %> <%= command.id %> model.onnx --target aws-lambda,gcp-functions --memory sweep --shard 1/4 --json > bench-1.json   # then dlpack report merge bench-*.json -o bench.json',
  ];
  static args = {
    input: Args.string({ description: 'bundle folder or zip from dlpack bundle, or a model file (.onnx, TF.js .json)' }),
  };
  static flags = {
    handler: Flags.string({ description: 'bench your own handler module (.mjs/.js/.cjs) instead; needs --target' }),
    target: Flags.string({ description: `${platformsHelp('platform(s)')} (repeat or comma list)`, multiple: true }),
    memory: Flags.string({ description: 'memory sizes in MB (comma list), "sweep" or "default"', default: 'sweep' }),
    cold: Flags.integer({ description: 'cold starts per configuration', default: 5, min: 1 }),
    warm: Flags.integer({ description: 'warm invocations per configuration', default: 20, min: 0 }),
    concurrency: Flags.integer({ description: 'requests in flight per instance (where the platform allows it)', default: 1, min: 1 }),
    event: Flags.string({ description: 'JSON file with the event/request body (default: generated from the model inputs, else {})' }),
    arch: Flags.string({ description: 'architecture to price', options: ['x64', 'arm64'], default: 'x64' }),
    cpu: Flags.string({ description: 'CPU share: cgroup (real CFS quota), scale (projection), off, or auto', options: ['auto', 'cgroup', 'scale', 'off'], default: 'auto' }),
    'memory-limit': Flags.string({ description: 'memory limit: cgroup (kernel), watchdog (RSS sampling), or auto', options: ['auto', 'cgroup', 'watchdog'], default: 'auto' }),
    timeout: Flags.string({ description: 'function timeout, e.g. 30s (default: the platform\'s maximum)' }),
    'max-latency': Flags.string({ description: 'latency goal for the recommendation (warm p90), e.g. 200ms' }),
    estimate: Flags.string({ description: 'figure for the table and recommendations: stable (load-robust: CPU time through the vCPU share + I/O waits) or wall', options: ['stable', 'wall'], default: 'stable' }),
    'max-time': Flags.string({ description: 'adaptive sampling: time cap per configuration; --cold/--warm are minimums (0 = exactly --cold/--warm)', default: '10s' }),
    precision: Flags.string({ description: 'adaptive sampling: stop when the medians\' 95% CI is within ± this', default: '10%' }),
    'cold-share': Flags.string({ description: 'share of requests that are cold starts in the latency "fastest" and "balanced" judge', default: '1%' }),
    balance: Flags.string({ description: 'weight of cost against latency in the "balanced" recommendation (0 = latency only, 1 = cost only)', default: '0.5' }),
    host: Flags.string({
      description:
        "where instances run: emulator (dlpack's runtime host) or real (the platform's own local runtime, installed from npm: aws-lambda-ric, @google-cloud/functions-framework, @vercel/node, workerd); same limits, same report",
      options: ['emulator', 'real'],
      default: 'emulator',
    }),
    shard: Flags.string({ description: 'run only shard i of n of the target × memory list, e.g. 1/4 (merge the reports with dlpack report merge)' }),
    'shard-costs': Flags.string({ description: 'an earlier bench report of this input whose measured times balance the shards (default: an estimate from size, counts and vCPU share)' }),
    verbose: Flags.boolean({ description: 'print Lambda-style REPORT lines and errors for every invocation, and every column of the table', default: false }),
  };

  async run(): Promise<BenchRunReport> {
    const { args, flags } = await this.parse(Bench);
    if (Boolean(args.input) === Boolean(flags.handler)) {
      throw new DlpackError('USAGE', 'give either a bundle/model or --handler <file>', { hint: 'dlpack bench dist/aws-lambda, or dlpack bench --handler h.mjs --target aws-lambda' });
    }
    if (flags['shard-costs'] && !flags.shard) throw new DlpackError('USAGE', '--shard-costs balances a split: give --shard i/n too');
    const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
    let costs: BenchReport[] | undefined;
    if (flags['shard-costs']) {
      const r = await readReport(flags['shard-costs']);
      if (r.kind !== 'bench') throw new DlpackError('USAGE', `--shard-costs needs a bench report, not a ${r.kind} report`, { file: flags['shard-costs'] });
      costs = [r.report];
    }
    const progress = createProgress({ enabled: this.showProgress() && !flags.verbose });
    try {
      const report = await runBench({
        input: (flags.handler ?? args.input)!,
        handler: Boolean(flags.handler),
        targets: flags.target,
        memory: flags.memory,
        cold: flags.cold,
        warm: flags.warm,
        concurrency: flags.concurrency,
        eventFile: flags.event,
        arch: flags.arch as 'x64' | 'arm64',
        cpu: flags.cpu as 'auto',
        memoryLimit: flags['memory-limit'] as 'auto',
        timeoutMs: flags.timeout ? parseDuration(flags.timeout) : undefined,
        maxLatencyMs: flags['max-latency'] ? parseDuration(flags['max-latency']) : undefined,
        estimate: flags.estimate as 'stable' | 'wall',
        host: flags.host as 'emulator' | 'real',
        sampling: { maxTimeMs: parseDuration(flags['max-time']), precision: percentFlag('precision', flags.precision) },
        coldShare: percentFlag('cold-share', flags['cold-share']),
        balanceWeight: numberFlag('balance', flags.balance),
        shard: shard && { spec: shard, costs },
        log: flags.verbose && !this.jsonEnabled() ? (line) => this.log(line) : undefined,
        progress: (m) => progress.update(m),
      });
      progress.done();
      if (!this.jsonEnabled()) this.log(renderForTerminal(report, { verbose: flags.verbose, verboseFlag: '--verbose' }));
      if (report.configurations.length && !report.configurations.some((c) => c.errors.oom + c.errors.timeout + c.errors.error === 0)) {
        // nothing to deploy: a failure, whatever was printed
        this.logToStderr('Error: no configuration ran without errors (out of memory, timeouts or handler faults: see the errors above)');
        process.exitCode = 1;
      }
      return report;
    } finally {
      progress.done();
    }
  }
}
