import { Errors, Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { createProgress } from '../src/cli/progress.js';
import { runCheck } from '../src/budgets/run-check.js';
import { durationFlag, percentFlag } from '../src/cli/number-flags.js';
import { emitReport, terminalOptions, TEXT_FORMATS } from '../src/cli/render.js';
import type { CheckReport } from '../src/core/reports/schemas.js';
import { parseShard } from '../src/index.js';

export default class Check extends DlpackCommand {
  static summary = 'Check size, latency, memory, cost and accuracy budgets; exit 1 when one is broken.';
  static description =
    'Reads budgets from dlpack.config.json (or the "dlpack" key of package.json), measures what they need (bundle and bench) or reads existing reports (--from), and prints budget / actual / delta / status for each. Exit codes: 0 all met (warn-level breaches are shown), 1 an error-level budget broken or a measurement missing, 2 a usage or config error. Timing and cost budgets are judged on the load-robust estimate (CPU time through the platform\'s vCPU share plus I/O waits, without the time other work on the machine kept the function from a CPU; --estimate wall for raw wall time), pooled over 3 bench runs, with --tolerance and a noise margin from the measured spread; --baseline compares the sample distributions with an earlier run (Mann-Whitney test, bootstrap CI of the change) and fails on significant regressions whose 95% interval lies over --max-regression, even within budget. In GitHub Actions the Markdown goes to the step summary and breaches become ::error/::warning annotations. --shard i/n splits the configurations (model × platform × memory size) over CI runners: every shard computes the same split (balanced on measured times from --shard-costs or --baseline, else an estimate; a configuration keeps its shard when a model is added), measures and judges only its own, and writes a report carrying the shard, a fingerprint of the config and run options, the dlpack version and its measurements; `dlpack report merge` joins them, and `check --from merged.json` judges the whole run again.';
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --from bundle.json --from bench.json',
    '<%= config.bin %> <%= command.id %> --baseline main-check.json --max-regression 10%',
    '<%= config.bin %> <%= command.id %> --format junit -o dlpack-junit.xml',
    '<%= config.bin %> <%= command.id %> --format markdown --tolerance 5%',
    '<%= config.bin %> <%= command.id %> --runs 5 --max-time 20s --estimate wall',
    '<%= config.bin %> <%= command.id %> --shard 2/3 --baseline main-check.json --format json -o shard-2.json   # one CI runner of three',
    '<%= config.bin %> <%= command.id %> --from merged.json --baseline main-check.json   # after dlpack report merge',
  ];
  static flags = {
    config: Flags.string({ char: 'c', description: 'config file (default: ./dlpack.config.json, else package.json "dlpack")' }),
    from: Flags.string({ description: 'read this JSON report (bundle, bench, transform) instead of measuring; repeatable', multiple: true }),
    baseline: Flags.string({ description: 'earlier report(s) to compare with (a check report, or bundle/bench/transform reports); repeatable', multiple: true }),
    tolerance: Flags.string({ description: 'slack on timing and cost budgets, e.g. 5% (default: config "tolerance", else 0%)' }),
    'max-regression': Flags.string({ description: 'largest change for the worse against --baseline, e.g. 10% (default: config, else 10%)' }),
    format: Flags.string({ char: 'f', description: 'output format', options: [...TEXT_FORMATS], default: 'table' }),
    output: Flags.string({ char: 'o', description: 'write the formatted output to this file (atomic) and print the table' }),
    cold: Flags.integer({ description: 'cold starts per configuration when measuring', min: 1 }),
    warm: Flags.integer({ description: 'warm invocations per configuration when measuring', min: 1 }),
    runs: Flags.integer({ description: 'bench runs when measuring; timing budgets pool their samples (default: config, else 3 with timing budgets, else 1)', min: 1 }),
    estimate: Flags.string({ description: 'figure timing and cost budgets are judged on: stable (load-robust, default) or wall', options: ['stable', 'wall'] }),
    'max-time': Flags.string({ description: 'adaptive sampling: time cap per configuration when measuring, e.g. 10s (0 = exactly --cold/--warm)' }),
    precision: Flags.string({ description: 'adaptive sampling: stop when the medians\' 95% CI is within ± this, e.g. 10%' }),
    shard: Flags.string({ description: 'measure and judge only shard i of n of the model × platform × memory list, e.g. 2/3; the report carries the measurements for `dlpack report merge`' }),
    'shard-costs': Flags.string({ description: 'earlier reports whose measured times balance the shards (default: the --baseline reports; else an estimate from model size and counts); repeatable', multiple: true }),
  };

  async run(): Promise<CheckReport | undefined> {
    const { flags } = await this.parse(Check);
    const progress = createProgress({ enabled: this.showProgress() });
    const { report, configFile } = await runCheck({
      config: flags.config,
      from: flags.from,
      baseline: flags.baseline,
      tolerance: percentFlag('tolerance', flags.tolerance),
      maxRegression: percentFlag('max-regression', flags['max-regression']),
      cold: flags.cold,
      warm: flags.warm,
      runs: flags.runs,
      estimate: flags.estimate,
      precision: percentFlag('precision', flags.precision),
      maxTimeMs: durationFlag('max-time', flags['max-time']),
      shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
      shardCosts: flags['shard-costs'],
      progress: (m) => progress.update(m),
    }).finally(() => progress.done());
    await emitReport(
      { kind: 'check', file: configFile, report },
      { format: flags.format as (typeof TEXT_FORMATS)[number], output: flags.output, json: this.jsonEnabled(), log: (t) => this.log(t), annotationFile: configFile, human: terminalOptions() },
    );
    if (report.pass) return report;
    if (this.jsonEnabled()) this.logJson(report);
    this.exit(1);
  }

  protected async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    // A failed check has already printed its report: leave with code 1, nothing more to say.
    if (err instanceof Errors.ExitError) throw err;
    return super.catch(err);
  }
}
