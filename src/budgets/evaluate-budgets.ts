/**
 * Judges every budget of a resolved config against a set of reports and builds the CheckReport:
 * budget / actual / delta / status per row, tolerance on timing and cost budgets, and regressions
 * against baseline reports (a CheckReport from an earlier run, or raw bundle/bench/transform reports).
 */
import type { BudgetResult, CheckReport } from '../report/report-schemas.js';
import type { LoadedReport } from '../report/formats/read-report.js';
import { formatPercent } from './parse-limit.js';
import { formatBudgetValue } from './format-budget-value.js';
import { belongsTo, collectMeasurements } from './collect-actuals.js';
import type { ResolvedBudget, ResolvedConfig } from './resolve-budgets.js';

export interface EvaluateOptions {
  /** Overrides the config's tolerance (0.05 = 5%). */
  tolerance?: number;
  /** Overrides the config's regression threshold (0.1 = 10%). */
  maxRegression?: number;
}

function baselineIndex(config: ResolvedConfig, baselines: LoadedReport[]): Map<string, { actual: number; source: string }> {
  const index = new Map<string, { actual: number; source: string }>();
  for (const b of baselines) {
    if (b.kind !== 'check') continue;
    for (const r of b.report.results) if (typeof r.actual === 'number') index.set(r.id, { actual: r.actual, source: b.file });
  }
  const raw = baselines.filter((b) => b.kind !== 'check');
  if (raw.length) {
    const only = config.models.length === 1;
    for (const model of config.models) {
      const mine = raw.filter((r) => belongsTo(model, r, only));
      for (const budget of model.budgets) {
        for (const m of collectMeasurements(model, budget, mine)) {
          if (m.actual !== undefined) index.set(m.id, { actual: m.actual, source: m.source ?? '' });
        }
      }
    }
  }
  return index;
}

function judge(budget: ResolvedBudget, limit: number, actual: number, tolerance: number): { breach: boolean; reason?: string } {
  const { spec } = budget;
  const over = spec.direction === 'max' ? actual - limit : limit - actual;
  if (over <= 0) return { breach: false };
  const allowed = Math.abs(limit) * tolerance;
  const rel = limit !== 0 ? over / Math.abs(limit) : Infinity;
  const word = spec.direction === 'max' ? 'over' : 'under';
  if (over <= allowed) return { breach: false, reason: `${word} by ${formatPercent(rel)}, within the ${formatPercent(tolerance)} tolerance` };
  return { breach: true, reason: `${word} budget by ${formatBudgetValue(spec.unit, over)} (${formatPercent(rel)})` };
}

export function evaluateBudgets(
  config: ResolvedConfig,
  reports: LoadedReport[],
  baselines: LoadedReport[] = [],
  options: EvaluateOptions = {},
): CheckReport {
  const tolerance = options.tolerance ?? config.tolerance;
  const maxRegression = options.maxRegression ?? config.regression.max;
  const base = baselineIndex(config, baselines);
  const only = config.models.length === 1;
  const results: BudgetResult[] = [];

  for (const model of config.models) {
    const mine = reports.filter((r) => belongsTo(model, r, only));
    for (const budget of model.budgets) {
      const { spec } = budget;
      const tol = spec.noisy ? tolerance : 0;
      for (const m of collectMeasurements(model, budget, mine)) {
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
        };
        if (m.actual === undefined || (budget.ofMemory && m.memoryMb === undefined)) {
          row.status = 'missing';
          row.reason = m.missing ?? 'no memory size to take the percentage of';
          results.push(row);
          continue;
        }
        row.actual = m.actual;
        row.delta = m.actual - limit;
        const verdict = judge(budget, limit, m.actual, tol);
        row.reason = verdict.reason;
        if (verdict.breach) row.status = budget.level === 'error' ? 'fail' : 'warn';

        const b = base.get(m.id);
        if (b) {
          const worse = spec.direction === 'max' ? m.actual - b.actual : b.actual - m.actual;
          const change = b.actual !== 0 ? worse / Math.abs(b.actual) : worse > 0 ? Infinity : 0;
          const regression = change > maxRegression;
          row.baseline = { actual: b.actual, change, regression, source: b.source };
          if (regression) {
            const note = `regressed ${formatPercent(change, true)} vs baseline ${formatBudgetValue(spec.unit, b.actual)} (max ${formatPercent(maxRegression, true)})`;
            row.reason = row.status === 'pass' ? note : `${row.reason}; ${note}`;
            // A regression is never more severe than the budget itself: a warn-level budget only warns.
            if (config.regression.level === 'error' && budget.level === 'error') row.status = 'fail';
            else if (row.status === 'pass') row.status = 'warn';
          }
        }
        results.push(row);
      }
    }
  }

  const count = (s: BudgetResult['status']) => results.filter((r) => r.status === s).length;
  const summary = {
    total: results.length,
    passed: count('pass'),
    failed: count('fail'),
    warned: count('warn'),
    missing: count('missing'),
    regressions: results.filter((r) => r.baseline?.regression).length,
  };
  return {
    schema: 'dlpack.check/1',
    createdAt: new Date().toISOString(),
    config: config.file,
    sources: [...new Set(reports.map((r) => r.file))],
    baselines: baselines.map((b) => b.file),
    tolerance,
    maxRegression,
    results,
    summary,
    pass: summary.failed === 0 && summary.missing === 0,
  };
}
