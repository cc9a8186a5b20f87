/**
 * `dlpack check` as a library call: load the config, get the reports (read with --from, or
 * measured by running bundle and bench), read the baselines, judge every budget.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { loadConfig } from '../config/load-config.js';
import type { CheckReport, Estimate } from '../core/reports/schemas.js';
import { readReport, type LoadedReport } from '../core/reports/read-report.js';
import { evaluateBudgets } from './evaluate-budgets.js';
import { resolveLoaded, type ResolvedConfig } from '../config/resolve-budgets.js';

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
  if (options.from?.length) {
    reports = [];
    for (const f of options.from) {
      const r = await readReport(f);
      if (r.kind === 'check') throw new DlpackError('USAGE', 'a check report holds no measurements: pass it as --baseline, not --from', { file: f });
      reports.push(r);
    }
  } else {
    const { measureConfig, defaultRuns } = await import('./measure-config.js');
    runs = options.runs ?? config.bench.runs ?? defaultRuns(config);
    reports = await measureConfig(config, { cold: options.cold, warm: options.warm, runs, estimate, maxTimeMs, precision, progress: options.progress });
  }
  const report = evaluateBudgets(config, reports, baselines, { tolerance, maxRegression, estimate, runs });
  return { report, config, configFile: relative(cwd, loaded.file) || loaded.file };
}
