/**
 * The statistics behind verdicts, on deterministic data: nearest-rank percentiles, trimmed means,
 * order-statistic confidence intervals, the Mann-Whitney test and the seeded bootstrap of a change.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percentileInterval, trimmedMean } from '../../../src/core/stats/describe.js';
import { percentile } from '../../../src/core/stats/percentiles.js';
import { compareSamples, mannWhitney } from '../../../src/core/stats/compare.js';
import { seededRandom } from '../../../src/core/seeded-random.js';

/** n draws around `centre` with a relative spread (normal, seeded). */
function sample(n: number, centre: number, spread: number, seed: number): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => centre * (1 + spread * r.normal()));
}

test('trimmed mean drops 20% at each end (Lambda Power Tuning) and keeps at least one value', () => {
  assert.is(trimmedMean([1, 2, 3, 4, 100]), 3, 'one outlier of five is dropped with its mirror');
  assert.is(trimmedMean([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]), 5.5);
  assert.is(trimmedMean([7]), 7);
  assert.is(trimmedMean([1, 9], 0.4), 5);
  assert.is(trimmedMean([]), 0);
  assert.throws(() => trimmedMean([1, 2], 0.5), /trim must be in \[0, 0\.5\)/);
});

test('nearest-rank percentiles as CloudWatch reports them', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal([percentile(xs, 50), percentile(xs, 90), percentile(xs, 99), percentile(xs, 100)], [50, 90, 99, 100]);
  assert.is(percentile([], 50), 0);
});

test('median CI from order statistics: [min, max] for 5 samples (93.75%), narrower and ≥ 95% with more', () => {
  const five = percentileInterval([5, 1, 4, 2, 3]);
  assert.equal([five.value, five.low, five.high, five.confidence], [3, 1, 5, 0.9375]);
  assert.is(five.relHalfWidth, 2 / 3);
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  const ci = percentileInterval(xs);
  assert.ok(ci.confidence >= 0.95, `confidence ${ci.confidence}`);
  assert.ok(ci.low >= 38 && ci.low <= 42 && ci.high >= 59 && ci.high <= 63, `[${ci.low}, ${ci.high}]`);
  const p99 = percentileInterval(xs, 99);
  assert.is(p99.high, 100);
  assert.ok(p99.low < 99);
  assert.is(percentileInterval([]).relHalfWidth, Infinity);
});

test('Mann-Whitney: identical samples p = 1; fully separated samples p small; ties handled', () => {
  assert.is(mannWhitney([1, 2, 3], [1, 2, 3]).p, 1);
  const apart = mannWhitney([10, 11, 12, 13, 14, 15, 16, 17], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.is(apart.u, 64);
  assert.ok(apart.p < 0.001, `p ${apart.p}`);
  const tied = mannWhitney([1, 1, 1, 2, 2], [1, 1, 2, 2, 2]);
  assert.ok(tied.p > 0.3 && tied.p <= 1, `p ${tied.p}`);
  assert.is(mannWhitney([], [1]).p, 1);
});

test('same distribution twice: no significant change, CI around 0, the answer repeats exactly', () => {
  const a = sample(60, 80, 0.1, 1);
  const b = sample(60, 80, 0.1, 2);
  const c = compareSamples(a, b);
  assert.is(c.significant, false);
  assert.ok(c.low < 0 && c.high > 0, `CI ${c.low}…${c.high}`);
  assert.equal(compareSamples(a, b), c, 'seeded bootstrap: identical input, identical output');
});

test('30% slower with 10% noise: significant, change and CI about +30%', () => {
  const base = sample(40, 80, 0.1, 3);
  const slow = sample(40, 104, 0.1, 4);
  const c = compareSamples(base, slow);
  assert.is(c.significant, true);
  assert.ok(c.change > 0.2 && c.change < 0.4, `change ${c.change}`);
  assert.ok(c.low > 0.15 && c.high < 0.45 && c.low < c.change && c.change < c.high, `CI ${c.low}…${c.high}`);
  assert.ok(c.p < 0.001);
  const faster = compareSamples(slow, base);
  assert.ok(faster.significant && faster.change < 0);
});

test('a p95 is compared as a p95', () => {
  const base = Array.from({ length: 100 }, (_, i) => 10 + (i === 99 ? 0 : i % 10) * 0.1);
  const tail = base.map((x, i) => (i % 10 === 9 ? x * 2 : x));
  const c = compareSamples(base, tail, { percentile: 95 });
  assert.ok(c.change > 0.5, `p95 change ${c.change}`);
});

test.run();
