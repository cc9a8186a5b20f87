/**
 * Two samples of the same figure (a baseline run and this run): did it change, and by how much?
 * Significance from the Mann-Whitney U test (rank-based: no normality assumed, robust to the
 * outliers a shared machine produces), magnitude from a bootstrap confidence interval of the
 * relative change of the chosen percentile. The bootstrap is seeded: identical samples give an
 * identical answer on every run.
 */
import { errorFunction, sampleWithReplacement, wilcoxonRankSum } from 'simple-statistics';
import { seededRandom } from '../seeded-random.js';
import { percentile, sortedCopy } from './percentiles.js';

export interface MannWhitney {
  u: number;
  z: number;
  /** Two-sided p-value (normal approximation with tie and continuity corrections). */
  p: number;
}

/** Mann-Whitney U of `x` against `y` (U counts pairs where x > y, ties ½). */
export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (!n1 || !n2) return { u: 0, z: 0, p: 1 };
  const u = wilcoxonRankSum(x, y) - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const pooled = sortedCopy([...x, ...y]);
  let ties = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && pooled[j + 1] === pooled[i]) j++;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  const centre = (n1 * n2) / 2;
  if (variance <= 0) return { u, z: 0, p: 1 };
  const diff = Math.abs(u - centre);
  const z = Math.max(0, diff - 0.5) / Math.sqrt(variance);
  // Two-sided: 2 · (1 − Φ(z)) = 1 − erf(z / √2).
  const p = Math.min(1, Math.max(0, 1 - errorFunction(z / Math.SQRT2)));
  return { u, z: Math.sign(u - centre) * z, p: Number(p.toPrecision(3)) };
}

export interface Change {
  /** Relative change of the percentile, current / baseline − 1 (0.3 = 30% larger). */
  change: number;
  /** Bootstrap confidence interval of `change`. */
  low: number;
  high: number;
  confidence: number;
  /** Mann-Whitney two-sided p-value. */
  p: number;
  /** The distributions differ at level `alpha` and the interval excludes no change. */
  significant: boolean;
  baselineN: number;
  currentN: number;
}

export interface CompareOptions {
  /** Percentile compared (50 = median). */
  percentile?: number;
  confidence?: number;
  /** Significance level of the Mann-Whitney test. */
  alpha?: number;
  resamples?: number;
  seed?: number;
}

/** Compares `current` with `baseline` (both raw samples of one figure; larger = larger figure). */
export function compareSamples(baseline: readonly number[], current: readonly number[], o: CompareOptions = {}): Change {
  const pct = o.percentile ?? 50;
  const confidence = o.confidence ?? 0.95;
  const alpha = o.alpha ?? 0.05;
  const resamples = o.resamples ?? 2000;
  const b = sortedCopy(baseline);
  const c = sortedCopy(current);
  const ratio = (cur: readonly number[], base: readonly number[]) => {
    const denominator = percentile(base, pct);
    const numerator = percentile(cur, pct);
    return denominator !== 0 ? numerator / denominator - 1 : numerator === 0 ? 0 : Infinity;
  };
  const change = ratio(c, b);
  const rng = seededRandom(o.seed ?? 0x5eed);
  const random = () => rng.next();
  const draws: number[] = [];
  for (let i = 0; i < resamples; i++) {
    draws.push(ratio(sortedCopy(sampleWithReplacement(c, c.length, random)), sortedCopy(sampleWithReplacement(b, b.length, random))));
  }
  draws.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  const low = percentile(draws, tail * 100);
  const high = percentile(draws, (1 - tail) * 100);
  const { p } = mannWhitney(c, b);
  const significant = p < alpha && (low > 0 || high < 0);
  return { change, low, high, confidence, p, significant, baselineN: b.length, currentN: c.length };
}
