/**
 * The catalogue of budgets: what each config key measures, in which unit, which report it comes
 * from, and whether smaller or larger is better. Everything else (config validation, comparison,
 * rendering) reads this one table.
 */
import type { QuantityUnit } from '../core/units.js';

export type BudgetKey =
  | 'zipped'
  | 'unzipped'
  | 'initP50'
  | 'initP90'
  | 'coldP50'
  | 'coldP90'
  | 'warmP50'
  | 'warmP90'
  | 'warmP95'
  | 'warmP99'
  | 'peakMemory'
  | 'costPer1M'
  | 'minCosine'
  | 'maxAbsError';

export type BudgetSource = 'bundle' | 'bench' | 'transform';

export interface BudgetSpec {
  key: BudgetKey;
  label: string;
  unit: QuantityUnit;
  /** max: the actual must stay at or under the limit; min: at or over it. */
  direction: 'max' | 'min';
  source: BudgetSource;
  /** Timing-derived (noisy): judged with --tolerance. */
  noisy: boolean;
}

const spec = (key: BudgetKey, label: string, unit: QuantityUnit, source: BudgetSource, noisy = false, direction: 'max' | 'min' = 'max'): BudgetSpec => ({
  key,
  label,
  unit,
  direction,
  source,
  noisy,
});

export const BUDGETS: Record<BudgetKey, BudgetSpec> = {
  zipped: spec('zipped', 'zipped size', 'bytes', 'bundle'),
  unzipped: spec('unzipped', 'unzipped size', 'bytes', 'bundle'),
  initP50: spec('initP50', 'init p50', 'ms', 'bench', true),
  initP90: spec('initP90', 'init p90', 'ms', 'bench', true),
  coldP50: spec('coldP50', 'cold start p50', 'ms', 'bench', true),
  coldP90: spec('coldP90', 'cold start p90', 'ms', 'bench', true),
  warmP50: spec('warmP50', 'warm p50', 'ms', 'bench', true),
  warmP90: spec('warmP90', 'warm p90', 'ms', 'bench', true),
  warmP95: spec('warmP95', 'warm p95', 'ms', 'bench', true),
  warmP99: spec('warmP99', 'warm p99', 'ms', 'bench', true),
  peakMemory: spec('peakMemory', 'peak memory', 'MB', 'bench'),
  costPer1M: spec('costPer1M', 'cost per 1M requests', 'usd', 'bench', true),
  minCosine: spec('minCosine', 'min cosine', 'number', 'transform', false, 'min'),
  maxAbsError: spec('maxAbsError', 'max abs error', 'number', 'transform'),
};

export const BUDGET_KEYS = Object.keys(BUDGETS) as BudgetKey[];

export function isBudgetKey(key: string): key is BudgetKey {
  return Object.prototype.hasOwnProperty.call(BUDGETS, key);
}
