/**
 * Turns the per-sample durations of one configuration (under one estimate) into the figures a
 * report carries: percentiles, medians' confidence intervals, billed duration and the cost per
 * 1M requests as a trimmed mean (Lambda Power Tuning drops the top and bottom 20%: one slow
 * outlier no longer makes a memory size look dearer).
 */
import type { CiRange, FigureSet, Percentiles } from '../core/reports/schemas.js';
import { percentileInterval, trimmedMean } from '../core/stats/describe.js';
import { percentiles, round } from '../core/stats/percentiles.js';

export interface PhaseDurations {
  /** Every INIT that succeeded. */
  initMs: number[];
  /** INIT and first invocation of each cold instance whose first invocation succeeded. */
  cold: { initMs: number; firstMs: number }[];
  warmMs: number[];
}

export interface CostModel {
  /** Billed duration for a warm duration. */
  billed(ms: number): number;
  /** Cost of one warm request of this duration (index of the warm sample, for its CPU time). */
  warm(ms: number, index: number): number;
  /** Cost of one cold request: its INIT (where billed) and first invocation (index of the cold instance). */
  cold(initMs: number, firstMs: number, index: number): number;
}

export function ciOf(values: number[]): CiRange | undefined {
  if (values.length < 2) return undefined;
  const i = percentileInterval(values, 50);
  return { low: round(i.low), high: round(i.high), rel: Number.isFinite(i.relHalfWidth) ? round(i.relHalfWidth, 4) : 1, confidence: i.confidence };
}

export function buildFigures(d: PhaseDurations, cost: CostModel, trim: number): FigureSet {
  const warm: Percentiles = percentiles(d.warmMs);
  const coldTotalMs = d.cold.map((c) => c.initMs + c.firstMs);
  const warmCosts = d.warmMs.map((ms, i) => cost.warm(ms, i));
  const coldCosts = d.cold.map((c, i) => cost.cold(c.initMs, c.firstMs, i));
  const costs = warmCosts.length ? warmCosts : coldCosts;
  return {
    initMs: percentiles(d.initMs),
    coldTotalMs: percentiles(coldTotalMs),
    warmMs: warm,
    samples: { initMs: d.initMs.map((x) => round(x)), coldTotalMs: coldTotalMs.map((x) => round(x)), warmMs: d.warmMs.map((x) => round(x)) },
    billedMs: d.warmMs.length ? cost.billed(warm.p50) : 0,
    costPerMillion: round(trimmedMean(costs, trim) * 1e6, 6),
    costPerColdStart: coldCosts.length ? round(trimmedMean(coldCosts, trim), 10) : undefined,
    ci: { initP50: ciOf(d.initMs), coldP50: ciOf(coldTotalMs), warmP50: ciOf(d.warmMs) },
  };
}
