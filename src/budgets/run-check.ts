/**
 * `dlpack check` as a library call: load the config, get the reports (read with --from, or
 * measured by running bundle and bench), read the baselines, judge every budget.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { loadConfig } from '../config/load-config.js';
import type { CheckReport, Estimate, ShardRow } from '../core/reports/schemas.js';
import { readReport, type LoadedReport } from '../core/reports/read-report.js';
import { evaluateBudgets } from './evaluate-budgets.js';
import { resolveLoaded, type ResolvedConfig } from '../config/resolve-budgets.js';
import type { ShardSpec } from '../core/shard-plan.js';
import { carried, planCheckShard } from './shard-check.js';

export interface CheckOptions {
  cwd?: string;
  config?: string;
  /** Reports to read instead of measuring. */
  from?: string[];
  baseline?: string[];
  /** Slack on timing and cost budgets as a share (0.05 = 5%); default: the config's. */
  tolerance?: number;
  /** Largest change for the worse against a baseline as a share (0.1 = 10%); default: the config's. */
  maxRegression?: number;
  /** Bench sizes when measuring (override the config's bench section). */
  cold?: number;
  warm?: number;
  /** Bench runs when measuring (default: the config's, else 3 with timing budgets, else 1). */
  runs?: number;
  /** Figure for timing and cost budgets: "stable" (load-robust, default) or "wall". */
  estimate?: string;
  /** Adaptive sampling per configuration: time cap in ms (0 = exactly cold/warm) and CI target (0.1 = ±10%). */
  maxTimeMs?: number;
  precision?: number;
  /**
   * Measure and judge one part of the configuration list (shard-check.ts); the report carries the
   * shard, the run's fingerprint and its measurements for `dlpack report merge`.
   */
  shard?: ShardSpec;
  /** Reports whose measured costs balance the split (default: the baselines). */
  shardCosts?: string[];
  progress?: (message: string) => void;
}

export interface CheckRun {
  report: CheckReport;
  config: ResolvedConfig;
  /** The config file relative to cwd (for annotations). */
  configFile: string;
}

export async function runCheck(options: CheckOptions = {}): Promise<CheckRun> {
  const cwd = options.cwd ?? process.cwd();
  const { tolerance, maxRegression, precision, maxTimeMs } = options;
  if (options.estimate !== undefined && options.estimate !== 'stable' && options.estimate !== 'wall') {
    throw new DlpackError('USAGE', `--estimate must be "stable" or "wall", got "${options.estimate}"`);
  }
  const estimate = options.estimate as Estimate | undefined;
  if (options.shardCosts?.length && !options.shard) throw new DlpackError('USAGE', '--shard-costs balances a split: give --shard i/n too');
  const loaded = await loadConfig({ explicit: options.config, cwd });
  const config = resolveLoaded(loaded);
  const baselines: LoadedReport[] = [];
  for (const b of options.baseline ?? []) baselines.push(await readReport(b));

  if (!options.from?.length) {
    // Every model the config names must exist, budgets or not (a missing model is never a pass).
    for (const m of config.models) {
      for (const file of [m.model, m.original]) {
        if (file && !existsSync(file)) {
          throw new DlpackError('FILE_NOT_FOUND', `no such file (named in ${relative(cwd, loaded.file) || loaded.file})`, { file: relative(cwd, file) || file });
        }
      }
    }
  }
  let reports: LoadedReport[];
  let runs: number | undefined;
  let shard: ReturnType<typeof planCheckShard> | undefined;
  // judging a merged report again: say which shards it was joined from (and which are missing)
  let mergedFrom: CheckReport['merged'];
  if (options.from?.length) {
    if (options.shard) throw new DlpackError('USAGE', '--shard splits what check measures; with --from nothing is measured', { hint: 'merge shard reports with dlpack report merge, then check --from merged.json' });
    reports = [];
    for (const f of options.from) {
      const r = await readReport(f);
      if (r.kind === 'check') {
        // a sharded (or merged) check report carries its measurements: judge them again
        if (!r.report.measurements?.length) throw new DlpackError('USAGE', 'this check report holds no measurements (only --shard runs and merged reports do): pass it as --baseline, not --from', { file: f });
        mergedFrom ??= r.report.merged;
        reports.push(...(r.report.measurements as LoadedReport[]));
        continue;
      }
      reports.push(r);
    }
  } else {
    const { measureConfig, defaultRuns } = await import('./measure-config.js');
    runs = options.runs ?? config.bench.runs ?? defaultRuns(config);
    if (options.shard) {
      const costSources: LoadedReport[] = [];
      for (const f of options.shardCosts ?? []) costSources.push(await readReport(f));
      shard = planCheckShard(loaded.config, config, options.shard, { cold: options.cold, warm: options.warm, runs, estimate, maxTimeMs, precision, tolerance, maxRegression }, options.shardCosts?.length ? costSources : baselines);
    }
    reports = await measureConfig(config, { cold: options.cold, warm: options.warm, runs, estimate, maxTimeMs, precision, progress: options.progress, select: shard?.selection });
  }
  let rows: ShardRow[] = [];
  const report = evaluateBudgets(config, reports, baselines, {
    tolerance,
    maxRegression,
    estimate,
    runs,
    keep: shard ? (row) => shard.owns(row) : undefined,
    allRows: (all) =>
      (rows = all.map(({ id, model, target, memoryMb, budget, label, unit, direction, level, limitText, limit, tolerance }) => ({ id, model, target, memoryMb, budget, label, unit, direction, level, limitText, limit, tolerance }))),
  });
  if (mergedFrom) report.merged = mergedFrom;
  if (shard) {
    report.shard = { ...shard.info, rows };
    report.measurements = carried(reports);
  }
  return { report, config, configFile: relative(cwd, loaded.file) || loaded.file };
}
