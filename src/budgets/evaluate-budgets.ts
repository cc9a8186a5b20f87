/**
 * Judges every budget of a resolved config against a set of reports and builds the CheckReport:
 * budget / actual / delta / status per row; timing and cost budgets on the chosen estimate (the
 * load-robust one by default) with the tolerance and a noise margin from the measured spread; and
 * regressions against baseline reports (a CheckReport from an earlier run, or raw
 * bundle/bench/transform reports), compared as distributions where both sides have samples.
 */
import type { BudgetResult, CheckReport, Estimate } from '../core/reports/schemas.js';
import type { LoadedReport } from '../core/reports/read-report.js';
import { percentileInterval } from '../core/stats/describe.js';
import { formatPercent, formatBudgetValue } from '../core/units.js';
import { belongsTo, collectMeasurements, type Measurement } from './collect-actuals.js';
import { compareWithBaseline, MIN_ABSOLUTE, type Side } from './compare-baseline.js';
import type { ResolvedBudget, ResolvedConfig, ResolvedModel } from '../config/resolve-budgets.js';

export interface EvaluateOptions {
  /** Overrides the config's tolerance (0.05 = 5%). */
  tolerance?: number;
  /** Overrides the config's regression threshold (0.1 = 10%). */
  maxRegression?: number;
  /** Overrides the config's estimate for timing and cost budgets. */
  estimate?: Estimate;
  /** Bench runs that were measured (recorded in the report). */
  runs?: number;
  /** `--shard i/n`: judge only the rows this shard owns (the rest are another shard's). */
  keep?: (row: BudgetResult) => boolean;
  /** Called with every row of the run, before `keep` (shard reports record them, in order). */
  allRows?: (rows: BudgetResult[]) => void;
}

/** The noise margin never exceeds this: a spread so wide that it would excuse anything is shown, not allowed. */
export const MAX_NOISE_MARGIN = 0.25;

type BaselineSide = Side & { source: string };

/** Baseline rows by id; raw reports are measured on every estimate a row might ask for. */
function baselineIndex(config: ResolvedConfig, baselines: LoadedReport[]): (id: string, estimate: Estimate) => BaselineSide | undefined {
  const fromCheck = new Map<string, BaselineSide>();
  for (const b of baselines) {
    if (b.kind !== 'check') continue;
    for (const r of b.report.results) {
      if (typeof r.actual !== 'number') continue;
      const estimate = r.estimate ?? (r.unit === 'ms' || r.unit === 'usd' ? b.report.estimate ?? 'wall' : undefined);
      fromCheck.set(r.id, { actual: r.actual, samples: r.samples, estimate, source: b.file });
    }
  }
  const raw = baselines.filter((b) => b.kind !== 'check');
  const measured = new Map<string, BaselineSide>();
  const only = config.models.length === 1;
  const measure = (estimate: Estimate) => {
    for (const model of config.models) {
      const mine = raw.filter((r) => belongsTo(model, r, only));
      for (const budget of model.budgets) {
        for (const m of collectMeasurements(model, budget, mine, estimate)) {
          if (m.actual !== undefined) measured.set(`${estimate} ${m.id}`, { actual: m.actual, samples: m.samples, estimate: m.estimate, source: m.source ?? '' });
        }
      }
    }
  };
  if (raw.length) {
    measure('stable');
    measure('wall');
  }
  return (id, estimate) => measured.get(`${estimate} ${id}`) ?? fromCheck.get(id);
}

interface Verdict {
  breach: boolean;
  reason?: string;
}

function judge(budget: ResolvedBudget, limit: number, actual: number, tolerance: number, noise = 0): Verdict {
  const { spec } = budget;
  const over = spec.direction === 'max' ? actual - limit : limit - actual;
  if (over <= 0) return { breach: false };
  const rel = limit !== 0 ? over / Math.abs(limit) : Infinity;
  const word = spec.direction === 'max' ? 'over' : 'under';
  if (over <= Math.abs(limit) * tolerance) return { breach: false, reason: `${word} by ${formatPercent(rel)}, within the ${formatPercent(tolerance)} tolerance` };
  if (over <= Math.abs(limit) * noise) return { breach: false, reason: `${word} by ${formatPercent(rel)}, within the measured noise (±${formatPercent(noise)})` };
  return { breach: true, reason: `${word} budget by ${formatBudgetValue(spec.unit, over)} (${formatPercent(rel)})` };
}

/** The 95% CI of the actual from its samples, and the margin it gives (capped). */
function noiseOf(m: Measurement): BudgetResult['noise'] {
  if (!m.samples || m.samples.length < 2 || m.actual === undefined) return undefined;
  const ci = percentileInterval(m.samples, m.percentile ?? 50);
  const margin = Number.isFinite(ci.relHalfWidth) ? Math.min(MAX_NOISE_MARGIN, ci.relHalfWidth) : MAX_NOISE_MARGIN;
  return { low: ci.low, high: ci.high, margin: Math.round(margin * 1e4) / 1e4, n: m.samples.length };
}

export function evaluateBudgets(
  config: ResolvedConfig,
  reports: LoadedReport[],
  baselines: LoadedReport[] = [],
  options: EvaluateOptions = {},
): CheckReport {
  const tolerance = options.tolerance ?? config.tolerance;
  const maxRegression = options.maxRegression ?? config.regression.max;
  const estimate: Estimate = options.estimate ?? config.bench.estimate ?? 'stable';
  const base = baselineIndex(config, baselines);
  const only = config.models.length === 1;
  const results: BudgetResult[] = [];

  for (const model of config.models) {
    const mine = reports.filter((r) => belongsTo(model, r, only));
    for (const budget of model.budgets) {
      for (const m of collectMeasurements(model, budget, mine, estimate)) results.push(judgeRow(config, model, budget, m, tolerance, maxRegression, base, mine, estimate));
    }
  }
  options.allRows?.([...results]);
  if (options.keep) results.splice(0, results.length, ...results.filter(options.keep));

  const summary = summarizeResults(results);
  const loadWarnings = [...new Set(reports.flatMap((r) => (r.kind === 'bench' ? r.report.loadWarnings ?? [] : [])))];
  return {
    schema: 'dlpack.check/1',
    createdAt: new Date().toISOString(),
    config: config.file,
    sources: [...new Set(reports.map((r) => r.file))],
    baselines: baselines.map((b) => b.file),
    tolerance,
    maxRegression,
    estimate,
    runs: options.runs,
    loadWarnings: loadWarnings.length ? loadWarnings : undefined,
    results,
    summary,
    pass: summary.failed === 0 && summary.missing === 0,
  };
}

/** The summary line of a check report (also recomputed when shard reports are merged). */
export function summarizeResults(results: BudgetResult[]): CheckReport['summary'] {
  const count = (s: BudgetResult['status']) => results.filter((r) => r.status === s).length;
  return {
    total: results.length,
    passed: count('pass'),
    failed: count('fail'),
    warned: count('warn'),
    missing: count('missing'),
    regressions: results.filter((r) => r.baseline?.regression).length,
  };
}

function judgeRow(
  config: ResolvedConfig,
  model: ResolvedModel,
  budget: ResolvedBudget,
  m: Measurement,
  tolerance: number,
  maxRegression: number,
  base: ReturnType<typeof baselineIndex>,
  mine: LoadedReport[],
  estimate: Estimate,
): BudgetResult {
  const { spec } = budget;
  const tol = spec.noisy ? tolerance : 0;
  const limit = budget.ofMemory ? budget.limit * (m.memoryMb ?? NaN) : budget.limit;
  const row: BudgetResult = {
    id: m.id,
    model: model.name,
    target: m.target,
    memoryMb: m.memoryMb,
    budget: budget.key,
    label: spec.label,
    unit: spec.unit,
    direction: spec.direction,
    level: budget.level,
    limitText: budget.text,
    limit,
    tolerance: tol,
    status: 'pass',
    source: m.source,
    estimate: m.estimate,
  };
  if (m.actual === undefined || (budget.ofMemory && m.memoryMb === undefined)) {
    row.status = 'missing';
    row.reason = m.missing ?? 'no memory size to take the percentage of';
    return row;
  }
  row.actual = m.actual;
  row.delta = m.actual - limit;
  if (spec.noisy) {
    row.noise = noiseOf(m);
    if (m.samples) row.samples = m.samples;
    if (m.percentile !== undefined) row.percentile = m.percentile;
  }
  const verdict = judge(budget, limit, m.actual, tol, row.noise?.margin ?? 0);
  // A fallback estimate (m.note) is said once for the report (checkNotes), not on every row.
  const notes = [verdict.reason].filter(Boolean);
  if (verdict.breach) row.status = budget.level === 'error' ? 'fail' : 'warn';

  const b = base(m.id, m.estimate ?? estimate);
  if (b) {
    // Compare like with like: the current figure under the baseline's estimate when they differ.
    let current: Side = { actual: m.actual, samples: m.samples, estimate: m.estimate };
    if (b.estimate && m.estimate && b.estimate !== m.estimate) {
      const other = collectMeasurements(model, budget, mine, b.estimate).find((x) => x.id === m.id);
      if (other?.actual !== undefined) current = { actual: other.actual, samples: other.samples, estimate: other.estimate };
    }
    const cmp = compareWithBaseline(b, current, { direction: spec.direction, percentile: m.percentile, maxRegression, minAbsolute: MIN_ABSOLUTE[spec.unit], unit: spec.unit });
    const { sentence, ...comparison } = cmp;
    row.baseline = comparison;
    if (cmp.regression) {
      // A regression is never more severe than the budget itself: a warn-level budget only warns.
      if (config.regression.level === 'error' && budget.level === 'error') row.status = 'fail';
      else if (row.status === 'pass') row.status = 'warn';
    }
    if (cmp.regression || cmp.method === 'distribution' || cmp.change !== 0) notes.push(sentence);
  }
  if (notes.length) row.reason = notes.join('; ');
  return row;
}
