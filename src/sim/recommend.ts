/**
 * Recommendations in the manner of AWS Lambda Power Tuning's strategies: cheapest, fastest,
 * balanced (cost and latency, each normalized to the largest, weighted by `balanceWeight`) and the
 * cheapest configuration whose warm p90 meets `maxLatencyMs`. Only configurations without OOM,
 * timeout or errors qualify.
 *
 * Made to give the same answer for identical runs on the same machine:
 * - latency is judged on the figure a user pays in: cold p50 × coldShare + warm p50 × (1 − coldShare)
 *   (default 1% cold starts), not on a warm p50 that is the same at every size for a small model;
 * - two configurations are told apart only when their difference is larger than MIN_EFFECT (5%)
 *   and either outside the noise (the medians' box-plot notches do not overlap) or a factor of 2;
 *   otherwise they are tied, and ties are broken by a stated rule (the other figure, then the
 *   smaller memory size), never by which float came out lower this time.
 */
import type { BenchConfigResult, Recommendation } from '../core/reports/schemas.js';
import { percentile } from '../core/stats/percentiles.js';

export const DEFAULT_COLD_SHARE = 0.01;
export const DEFAULT_BALANCE_WEIGHT = 0.5;
/** Differences below this share are noise whatever the intervals say. */
export const MIN_EFFECT = 0.05;
/**
 * The balanced score adds two normalized figures that often pull in opposite directions, so two
 * sizes can sit close to each other for real: under 10% apart they tie and the smaller is chosen.
 */
export const BALANCED_MIN_EFFECT = 0.1;

export interface RecommendOptions {
  maxLatencyMs?: number;
  coldShare?: number;
  balanceWeight?: number;
  minEffect?: number;
}

/** A figure with its uncertainty. */
export interface Figure {
  value: number;
  low: number;
  high: number;
}

/**
 * A median with its box-plot notch, median ± 1.58 · IQR / √n (McGill, Tukey & Larsen 1978: notches
 * that do not overlap are strong evidence that the medians differ). Unlike the order-statistic
 * interval of a handful of cold starts ([min, max]), one outlier barely moves it.
 */
export function notched(median: number, samples: readonly number[] | undefined): Figure {
  if (!samples || samples.length < 2) return { value: median, low: median, high: median };
  const s = [...samples].sort((a, b) => a - b);
  const iqr = percentile(s, 75) - percentile(s, 25);
  const half = (1.58 * iqr) / Math.sqrt(s.length);
  return { value: median, low: median - half, high: median + half };
}

/** The latency a configuration is judged on, with an interval from its medians' notches. */
export function latencyOf(c: BenchConfigResult, coldShare: number): Figure {
  const warm = notched(c.warmMs.p50, c.samples.warmMs);
  if (!c.samples.coldTotalMs.length || coldShare === 0) return warm;
  const cold = notched(c.coldTotalMs.p50, c.samples.coldTotalMs);
  const mix = (w: number, k: number) => coldShare * k + (1 - coldShare) * w;
  return { value: mix(warm.value, cold.value), low: mix(warm.low, cold.low), high: mix(warm.high, cold.high) };
}

/** Whether `a` is really lower than `b`: by more than `minEffect`, and beyond the noise or by half. */
export function clearlyLower(a: Figure, b: Figure, minEffect = MIN_EFFECT): boolean {
  return a.value < b.value * (1 - minEffect) && (a.high < b.low || a.value < b.value / 2);
}

/**
 * The winner of a figure (lower is better): every configuration not clearly worse than the best
 * one is tied with it, and `tieBreak` orders the tied ones.
 */
export function pick<T>(items: readonly T[], figure: (x: T) => Figure, tieBreak: (a: T, b: T) => number, minEffect = MIN_EFFECT): { best: T; tied: T[] } {
  const best = [...items].sort((a, b) => figure(a).value - figure(b).value || tieBreak(a, b))[0];
  const tied = items.filter((x) => !clearlyLower(figure(best), figure(x), minEffect)).sort(tieBreak);
  return { best: tied[0], tied };
}

const bySize = (a: BenchConfigResult, b: BenchConfigResult) => a.memoryMb - b.memoryMb || a.target.localeCompare(b.target);
const exact = (v: number): Figure => ({ value: v, low: v, high: v });
const usd = (x: number) => `$${x.toFixed(4)}`;
const ms = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(2)} ms`;
const name = (c: BenchConfigResult) => `${c.memoryMb} MB`;

export function recommend(configs: BenchConfigResult[], options: RecommendOptions = {}): Recommendation[] {
  const coldShare = options.coldShare ?? DEFAULT_COLD_SHARE;
  const w = options.balanceWeight ?? DEFAULT_BALANCE_WEIGHT;
  const minEffect = options.minEffect ?? MIN_EFFECT;
  const healthy = configs.filter((c) => c.errors.oom + c.errors.timeout + c.errors.error === 0 && c.warmInvocations > 0);
  if (!healthy.length) return [];
  const latency = new Map(healthy.map((c) => [c, latencyOf(c, coldShare)]));
  const lat = (c: BenchConfigResult) => latency.get(c)!;
  const cost = (c: BenchConfigResult) => exact(c.costPerMillion);
  const tiedCost = (a: BenchConfigResult, b: BenchConfigResult) => (clearlyLower(cost(a), cost(b), minEffect) ? -1 : clearlyLower(cost(b), cost(a), minEffect) ? 1 : 0);
  const tiedLat = (a: BenchConfigResult, b: BenchConfigResult) => (clearlyLower(lat(a), lat(b), minEffect) ? -1 : clearlyLower(lat(b), lat(a), minEffect) ? 1 : 0);
  const mixText = coldShare > 0 ? `cold p50 × ${+(coldShare * 100).toFixed(2)}% + warm p50 × ${+((1 - coldShare) * 100).toFixed(2)}%` : 'warm p50';
  const rec = (strategy: Recommendation['strategy'], c: BenchConfigResult, tied: BenchConfigResult[], reason: string): Recommendation => ({
    strategy,
    target: c.target,
    memoryMb: c.memoryMb,
    costPerMillion: c.costPerMillion,
    warmP50Ms: c.warmMs.p50,
    reason: tied.length > 1 ? `${reason}; within noise of ${tied.filter((t) => t !== c).map(name).join(', ')}, ${tieRule[strategy]}` : reason,
    latencyMs: Math.round(lat(c).value * 1000) / 1000,
    coldP50Ms: c.samples.coldTotalMs.length ? c.coldTotalMs.p50 : undefined,
    tiedWith: tied.length > 1 ? tied.filter((t) => t !== c).map((t) => ({ target: t.target, memoryMb: t.memoryMb })) : undefined,
  });
  const tieRule: Record<Recommendation['strategy'], string> = {
    cheapest: 'the faster (then the smaller) chosen',
    fastest: 'the cheaper (then the smaller) chosen',
    balanced: 'the smaller chosen (scores within 10% tie)',
    'cheapest-within-latency': 'the faster (then the smaller) chosen',
  };

  const cheapest = pick(healthy, cost, (a, b) => tiedLat(a, b) || bySize(a, b), minEffect);
  const fastest = pick(healthy, lat, (a, b) => tiedCost(a, b) || bySize(a, b), minEffect);
  const out: Recommendation[] = [
    rec('cheapest', cheapest.best, cheapest.tied, `lowest cost per 1M warm requests (${usd(cheapest.best.costPerMillion)}, trimmed mean)`),
    rec('fastest', fastest.best, fastest.tied, `lowest latency at ${mixText} (${ms(lat(fastest.best).value)})`),
  ];
  const maxCost = Math.max(...healthy.map((c) => c.costPerMillion)) || 1;
  const maxTime = Math.max(...healthy.map((c) => lat(c).value)) || 1;
  const score = (c: BenchConfigResult): Figure => {
    const l = lat(c);
    const s = (t: number) => w * (c.costPerMillion / maxCost) + (1 - w) * (t / maxTime);
    return { value: s(l.value), low: s(l.low), high: s(l.high) };
  };
  const balanced = pick(healthy, score, bySize, Math.max(minEffect, BALANCED_MIN_EFFECT));
  out.push(rec('balanced', balanced.best, balanced.tied, `best ${w}·cost + ${+(1 - w).toFixed(2)}·latency, each normalized to the largest`));
  if (options.maxLatencyMs !== undefined) {
    const limit = options.maxLatencyMs;
    const within = healthy.filter((c) => c.warmMs.p90 <= limit);
    if (within.length) {
      const best = pick(within, cost, (a, b) => tiedLat(a, b) || bySize(a, b), minEffect);
      out.push(rec('cheapest-within-latency', best.best, best.tied, `cheapest with warm p90 ${ms(best.best.warmMs.p90)} ≤ ${limit} ms`));
    }
  }
  return out;
}
