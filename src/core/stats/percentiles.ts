/**
 * The one percentile definition in dlpack: nearest rank — the ⌈p/100 · n⌉-th smallest sample, as
 * CloudWatch and Lambda Power Tuning report percentiles. Every printed figure is therefore a sample
 * that happened (p50 of an even count is the lower middle one, never an average of two). Bench
 * reports, transform latency, budgets, baselines and the HTML box plots all use it.
 */
import type { Percentiles } from '../reports/schemas.js';

/** Nearest-rank percentile of **sorted** values (p in 0..100); 0 for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** A sorted copy (ascending), for percentile(). */
export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The Percentiles of a report (p50, p90, p95, p99, min, max, mean), rounded to 3 decimals. */
export function percentiles(values: readonly number[]): Percentiles {
  const s = sortedCopy(values);
  return {
    p50: round(percentile(s, 50)),
    p90: round(percentile(s, 90)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    min: round(s[0] ?? 0),
    max: round(s[s.length - 1] ?? 0),
    mean: round(mean(s)),
  };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}
