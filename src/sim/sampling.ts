/**
 * Adaptive sampling, in the spirit of tachometer's auto-sampling and criterion: take at least the
 * minimum number of samples, then keep going until the 95% confidence interval of the median is
 * within ±precision of it, or the time cap (or the sample cap) is reached. `maxTimeMs: 0` turns it
 * off (exactly the minimum).
 */
import { percentileInterval } from '../core/stats/describe.js';
import type { SamplingStop } from '../core/reports/schemas.js';

export interface SamplingOptions {
  /** Relative half-width of the median's 95% CI to reach (0.05 = ±5%). */
  precision: number;
  /** Time cap for one configuration, ms (0 = take the minimum only). */
  maxTimeMs: number;
  /** Upper bounds on the samples taken. */
  maxCold: number;
  maxWarm: number;
}

export const DEFAULT_SAMPLING: SamplingOptions = { precision: 0.1, maxTimeMs: 10_000, maxCold: 40, maxWarm: 400 };

export type StopReason = SamplingStop;

/** Whether to stop sampling a figure now: undefined = take another sample. */
export function stopReason(values: readonly number[], min: number, max: number, elapsedMs: number, capMs: number, precision: number): StopReason | undefined {
  if (values.length < min) return undefined;
  if (capMs <= 0) return 'fixed';
  const ci = percentileInterval(values, 50);
  // Only an interval that reaches 90% confidence counts (5 samples and more).
  if (ci.confidence >= 0.9 && ci.relHalfWidth <= precision) return 'precision';
  if (values.length >= max) return 'max-samples';
  if (elapsedMs >= capMs) return 'time-cap';
  return undefined;
}
