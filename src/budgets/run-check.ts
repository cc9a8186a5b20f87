/**
 * `dlpack check` as a library call: load the config, get the reports (read with --from, or
 * measured by running bundle and bench), read the baselines, judge every budget.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { DlpackError } from '../errors/dlpack-error.js';
import { loadConfig } from '../config/load-config.js';
import type { CheckReport } from '../report/report-schemas.js';
import { readReport, type LoadedReport } from '../report/formats/read-report.js';
import { evaluateBudgets } from './evaluate-budgets.js';
import { resolveLoaded, type ResolvedConfig } from './resolve-budgets.js';
import { parsePercent } from './parse-limit.js';

export interface CheckOptions {
  cwd?: string;
  config?: string;
  /** Reports to read instead of measuring. */
  from?: string[];
  baseline?: string[];
  /** "5%" */
  tolerance?: string;
  /** "10%" */
  maxRegression?: string;
  /** Bench sizes when measuring (override the config's bench section). */
  cold?: number;
  warm?: number;
  /** Bench runs when measuring (median over runs). */
  runs?: number;
  progress?: (message: string) => void;
}

export interface CheckRun {
  report: CheckReport;
  config: ResolvedConfig;
  /** The config file relative to cwd (for annotations). */
  configFile: string;
}

function percentFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parsePercent(value);
  } catch {
    throw new DlpackError('USAGE', `--${name} must be a percentage like "5%", got "${value}"`);
  }
}

export async function runCheck(options: CheckOptions = {}): Promise<CheckRun> {
  const cwd = options.cwd ?? process.cwd();
  const tolerance = percentFlag('tolerance', options.tolerance);
  const maxRegression = percentFlag('max-regression', options.maxRegression);
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
  if (options.from?.length) {
    reports = [];
    for (const f of options.from) {
      const r = await readReport(f);
      if (r.kind === 'check') throw new DlpackError('USAGE', 'a check report holds no measurements: pass it as --baseline, not --from', { file: f });
      reports.push(r);
    }
  } else {
    const { measureConfig } = await import('./measure-config.js');
    reports = await measureConfig(config, { cold: options.cold, warm: options.warm, runs: options.runs, progress: options.progress });
  }
  const report = evaluateBudgets(config, reports, baselines, { tolerance, maxRegression });
  return { report, config, configFile: relative(cwd, loaded.file) || loaded.file };
}
