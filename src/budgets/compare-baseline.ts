/**
 * A budget row against the same row of a baseline run: distributions when both sides carry
 * samples (Mann-Whitney for "is there a change", a seeded bootstrap CI for "how large"), the bare
 * figures otherwise. The sentence it returns is what every report format shows.
 */
import type { BaselineComparison, Estimate } from '../core/reports/schemas.js';
import { compareSamples } from '../core/stats/compare.js';
import { formatPercent } from '../core/units.js';

/** Fewer samples than this on a side: no significance test, the figures are compared as they are. */
export const MIN_SAMPLES = 5;

/**
 * Timing changes under 1 ms are never regressions: no platform bills below 1 ms, and a sub-ms call
 * moves by tens of % when a neighbour shares its core (a 0.25 ms warm call measured +31% in one of
 * ten self-comparisons on this machine).
 */
export const MIN_ABSOLUTE: Partial<Record<string, number>> = { ms: 1 };

export interface Side {
  actual: number;
  samples?: number[];
  estimate?: Estimate;
}

const pct = (x: number) => formatPercent(x, true);

/**
 * `direction` max: larger is worse (time, size, cost); min: smaller is worse (cosine). The change is
 * signed for the worse. A regression is a significant change for the worse whose 95% interval lies
 * wholly beyond `maxRegression` (distribution method), or any change for the worse beyond it (point
 * method).
 */
export function compareWithBaseline(
  base: Side & { source: string },
  current: Side,
  o: { direction: 'max' | 'min'; percentile?: number; maxRegression: number; minAbsolute?: number; unit?: string },
): BaselineComparison & { sentence: string } {
  const flip = o.direction === 'max' ? 1 : -1;
  // A change smaller than this (in the row's unit) is never a regression, however large in %.
  const tiny = (change: number) => o.minAbsolute !== undefined && Math.abs(change * base.actual) < o.minAbsolute;
  const tinyText = (change: number) => `${change * base.actual >= 0 ? '+' : '−'}${Math.abs(change * base.actual).toPrecision(2)} ${o.unit ?? ''}`.trim();
  const common = { actual: base.actual, source: base.source, estimate: base.estimate };
  if ((base.samples?.length ?? 0) >= MIN_SAMPLES && (current.samples?.length ?? 0) >= MIN_SAMPLES) {
    const c = compareSamples(base.samples!, current.samples!, { percentile: o.percentile ?? 50 });
    // For a min budget a larger figure is better: the interval flips with the sign.
    const [change, low, high] = flip === 1 ? [c.change, c.low, c.high] : [-c.change, -c.high, -c.low];
    // A regression is a change for the worse that is significant and beyond the allowed amount with
    // 95% confidence (the whole interval above it): machine-state drift between runs minutes apart
    // (page cache, CPU clock) moves INIT figures by 10–20% on a shared machine.
    const regression = c.significant && low > o.maxRegression && !tiny(change);
    const ci = `95% CI ${pct(low)} to ${pct(high)}`;
    const sentence = !c.significant
      ? `no significant change vs baseline (${pct(change)}, ${ci}, p=${c.p})`
      : change > 0 && tiny(change)
        ? `changed ${pct(change)} vs baseline (${tinyText(change)}, ${ci}, p=${c.p}), under the ${o.minAbsolute} ${o.unit ?? ''} that counts`
        : regression
        ? `regressed by ${pct(change)} vs baseline (${ci}, p=${c.p}; max ${pct(o.maxRegression)})`
        : change > 0
          ? `changed ${pct(change)} vs baseline (${ci}, p=${c.p}), not clearly over the ${pct(o.maxRegression)} allowed`
          : `improved by ${formatPercent(-change)} vs baseline (${ci}, p=${c.p})`;
    return { ...common, change, low, high, p: c.p, significant: c.significant, regression, method: 'distribution', baselineN: c.baselineN, currentN: c.currentN, sentence };
  }
  const worse = flip * (current.actual - base.actual);
  const change = base.actual !== 0 ? worse / Math.abs(base.actual) : worse > 0 ? Infinity : 0;
  const regression = change > o.maxRegression && !tiny(change);
  const sentence = regression
    ? `regressed ${pct(change)} vs baseline (max ${pct(o.maxRegression)}; too few samples for a significance test)`
    : `${pct(change)} vs baseline (too few samples for a significance test)`;
  return { ...common, change, regression, method: 'point', sentence };
}
