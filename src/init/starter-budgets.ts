/**
 * Starter budgets from one measurement plus headroom. Timing and cost figures are the bench
 * report's headline estimate — the load-robust one unless asked otherwise — so a budget set on a
 * quiet machine still holds on a busy CI runner. Headroom per figure is the larger of a fixed
 * share (sizes +10%; warm latency, memory and cost +20%; INIT and cold starts +30%) and three
 * times the figure's measured spread (the relative half-width of its 95% confidence interval from
 * the samples): a noisy figure gets room for its noise, a steady one keeps a tight budget. Each
 * time budget also has an absolute floor (+2 ms warm, +50 ms init/cold p50, +100 ms cold p90), so
 * a 0.2 ms call does not get a 0.24 ms budget. Values are rounded up and written in human units by
 * core/units' budgetText, which parses back (parseQuantity) to at least the value: binary MB/KB.
 */
import type { BenchConfigResult, BudgetBasis, BundleReport } from '../core/reports/schemas.js';
import type { BudgetKey } from '../config/budget-keys.js';
import { percentileInterval } from '../core/stats/describe.js';
import { budgetText, roundUpNice } from '../core/units.js';

export type { BudgetBasis } from '../core/reports/schemas.js';

export interface Headroom {
  /** Relative headroom on sizes (0.1 = +10%). */
  size: number;
  /** Relative headroom on warm latency, memory and cost (0.2 = +20%). */
  time: number;
  /** Relative headroom on INIT and cold-start times (0.3 = +30%). */
  cold: number;
  /** Headroom is at least this many times a figure's measured spread. */
  spreadFactor: number;
}

export const DEFAULT_HEADROOM: Headroom = { size: 0.1, time: 0.2, cold: 0.3, spreadFactor: 3 };

/** Relative half-width of the p-th percentile's 95% CI in `samples` (capped at 100%). */
function spreadOf(samples: readonly number[] | undefined, p: number): number | undefined {
  if (!samples || samples.length < 2) return undefined;
  const r = percentileInterval(samples, p).relHalfWidth;
  return Number.isFinite(r) ? Math.min(1, r) : 1;
}

/** Budgets for one target at one memory size from its bundle and bench results, and how each was set. */
export function starterBudgetsWithBasis(
  bundle: BundleReport | undefined,
  bench: BenchConfigResult | undefined,
  headroom = DEFAULT_HEADROOM,
): { budgets: Partial<Record<BudgetKey, string>>; basis: Partial<Record<BudgetKey, BudgetBasis>> } {
  const budgets: Partial<Record<BudgetKey, string>> = {};
  const basis: Partial<Record<BudgetKey, BudgetBasis>> = {};
  const grow = (key: BudgetKey, v: number, base: number, floor: number, samples?: readonly number[], p = 50, unit: BudgetBasis['unit'] = 'ms') => {
    const spread = spreadOf(samples, p);
    const h = Math.max(base, headroom.spreadFactor * (spread ?? 0));
    const relative = v * (1 + h);
    basis[key] = { measured: v, spread, headroom: h, floor: v + floor > relative || undefined, unit };
    return Math.max(relative, v + floor);
  };
  if (bundle) {
    if (bundle.zipBytes !== undefined) {
      budgets.zipped = budgetText('bytes', bundle.zipBytes * (1 + headroom.size));
      basis.zipped = { measured: bundle.zipBytes, headroom: headroom.size, unit: 'bytes' };
    }
    budgets.unzipped = budgetText('bytes', bundle.unzippedBytes * (1 + headroom.size));
    basis.unzipped = { measured: bundle.unzippedBytes, headroom: headroom.size, unit: 'bytes' };
  }
  if (bench) {
    const s = bench.samples;
    budgets.initP50 = budgetText('ms', grow('initP50', bench.initMs.p50, headroom.cold, 50, s.initMs));
    budgets.coldP50 = budgetText('ms', grow('coldP50', bench.coldTotalMs.p50, headroom.cold, 50, s.coldTotalMs));
    budgets.coldP90 = budgetText('ms', grow('coldP90', bench.coldTotalMs.p90, headroom.cold, 100, s.coldTotalMs, 90));
    budgets.warmP50 = budgetText('ms', grow('warmP50', bench.warmMs.p50, headroom.time, 2, s.warmMs));
    budgets.warmP95 = budgetText('ms', grow('warmP95', bench.warmMs.p95 ?? bench.warmMs.p90, headroom.time, 4, s.warmMs, 95));
    budgets.peakMemory = `${Math.min(bench.memoryMb, roundUpNice(grow('peakMemory', bench.peakMemoryMb, headroom.time, 16, undefined, 50, 'MB')))} MB`;
    budgets.costPer1M = budgetText('usd', grow('costPer1M', bench.costPerMillion, headroom.time, 0, undefined, 50, 'usd'));
  }
  return { budgets, basis };
}

/** Budgets for one target at one memory size (see starterBudgetsWithBasis). */
export function starterBudgets(bundle: BundleReport | undefined, bench: BenchConfigResult | undefined, headroom = DEFAULT_HEADROOM): Partial<Record<BudgetKey, string>> {
  return starterBudgetsWithBasis(bundle, bench, headroom).budgets;
}
