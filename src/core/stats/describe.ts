/**
 * Estimators beside the percentile (percentiles.ts), each named as what it is: trimmed means
 * (Power Tuning trims 20% at each end for cost) and distribution-free confidence intervals of a
 * percentile from order statistics (no assumption about the shape of the distribution,
 * deterministic for the same samples). None of them is ever printed as a p50.
 * Generic arithmetic comes from simple-statistics; what is here is what it does not offer.
 */
import { binomialDistribution, mean } from 'simple-statistics';
import { percentile, sortedCopy } from './percentiles.js';

/**
 * Mean of the values left after dropping `trim` of them at each end (0.2 = the lowest and highest
 * 20%, Lambda Power Tuning's default for cost). At least one value is always kept.
 */
export function trimmedMean(values: readonly number[], trim = 0.2): number {
  if (!values.length) return 0;
  if (!(trim >= 0 && trim < 0.5)) throw new RangeError(`trim must be in [0, 0.5), got ${trim}`);
  const s = sortedCopy(values);
  const k = Math.min(Math.floor(s.length * trim), Math.floor((s.length - 1) / 2));
  return mean(s.slice(k, s.length - k));
}

export interface Interval {
  /** The percentile itself (nearest rank). */
  value: number;
  low: number;
  high: number;
  /** Confidence actually reached with these order statistics (≤ the one asked for when n is small). */
  confidence: number;
  /** Half the interval's width relative to the value: 0.05 = ±5%. Infinity for a zero value. */
  relHalfWidth: number;
}

/** P(B ≤ k) for B ~ Binomial(n, q), k = −1 … n. */
function binomialCdf(n: number, q: number): (k: number) => number {
  const pmf = binomialDistribution(n, q) ?? [];
  const cdf: number[] = [];
  let acc = 0;
  for (let k = 0; k <= n; k++) cdf.push((acc += pmf[k] ?? 0));
  return (k) => (k < 0 ? 0 : k >= n ? 1 : Math.min(1, cdf[k]));
}

/**
 * Distribution-free confidence interval of the p-th percentile: order statistics x(l) ≤ x(u) with
 * P(x(l) ≤ true percentile ≤ x(u)) ≥ confidence, from the binomial distribution of how many samples
 * fall below it. With few samples the interval is [min, max] and the confidence reached is reported.
 */
export function percentileInterval(values: readonly number[], p = 50, confidence = 0.95): Interval {
  const s = sortedCopy(values);
  const n = s.length;
  const value = percentile(s, p);
  if (n === 0) return { value: 0, low: 0, high: 0, confidence: 0, relHalfWidth: Infinity };
  if (n === 1) return { value, low: value, high: value, confidence: 0, relHalfWidth: Infinity };
  const q = p / 100;
  const cdf = binomialCdf(n, q);
  const tail = (1 - confidence) / 2;
  // Lower: the largest rank l with P(B ≤ l − 1) ≤ tail; upper: the smallest u with P(B ≤ u − 1) ≥ 1 − tail.
  let l = 1;
  for (let k = 1; k <= n; k++) if (cdf(k - 1) <= tail) l = k;
  let u = n;
  for (let k = n; k >= 1; k--) if (cdf(k - 1) >= 1 - tail) u = k;
  if (u < l) u = l;
  const reached = cdf(u - 1) - cdf(l - 1);
  const low = s[l - 1];
  const high = s[u - 1];
  const relHalfWidth = value > 0 ? (high - low) / 2 / value : high === low ? 0 : Infinity;
  return { value, low, high, confidence: Math.round(reached * 1e4) / 1e4, relHalfWidth };
}
