/**
 * int8-static calibration arithmetic (calibration-math.ts): min/max, percentile and the KL
 * ("entropy") threshold on known distributions.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Histogram, calibratedRange, entropyThreshold, percentileRange } from '../../../src/transforms/onnx/calibration-math.js';
import { seededRandom } from '../../../fixtures/make-onnx.js';

/** N(0,1) samples (Box–Muller) plus the given outliers. */
function gaussian(n: number, outliers: number[] = []): Float32Array {
  const rand = seededRandom(3);
  const out = new Float32Array(n + outliers.length);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  out.set(outliers, n);
  return out;
}

function observed(v: Float32Array) {
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { min, max };
}

test('minmax is the observed range; percentile and entropy cut a far outlier, never widen', () => {
  const v = gaussian(200_000, [60]);
  const o = observed(v);
  assert.equal(calibratedRange('minmax', o), o);
  const h = new Histogram(0, Math.max(-o.min, o.max), true);
  h.add(v);
  assert.is(h.counts.reduce((a, b) => a + b, 0), v.length);
  const p = percentileRange(h, o, 99.99);
  // 99.99% of |x| for N(0,1) is ≈ 3.9: the outlier at 60 is cut
  assert.ok(p.max > 3.5 && p.max < 4.5, `percentile max ${p.max}`);
  assert.ok(p.min < -3.5 && p.min >= o.min, `percentile min ${p.min}`);
  const t = entropyThreshold(h, 128);
  assert.ok(t > 2 && t < 10, `entropy threshold ${t}`);
  const e = calibratedRange('entropy', o, h);
  assert.ok(e.max <= o.max && e.min >= o.min && e.max === t);
});

test('entropy on a non-negative tensor keeps 0 as the lower bound; a constant tensor keeps its range', () => {
  const v = gaussian(50_000).map(Math.abs);
  const o = observed(v);
  const h = new Histogram(0, o.max, true);
  h.add(v);
  const r = calibratedRange('entropy', o, h);
  assert.is(r.min, o.min);
  assert.ok(r.max > 1.5 && r.max <= o.max, `max ${r.max}`);
  const flat = new Histogram(0, 0, true);
  flat.add([0, 0, 0]);
  assert.equal(calibratedRange('percentile', { min: 0, max: 0 }, flat), { min: 0, max: 0 });
});

test('percentile on a signed histogram cuts both tails evenly', () => {
  const v = gaussian(100_000, [-40, 40]);
  const o = observed(v);
  const h = new Histogram(o.min, o.max, false);
  h.add(v);
  const r = percentileRange(h, o, 99.9);
  assert.ok(r.min < -2.5 && r.min > -4.5 && r.max > 2.5 && r.max < 4.5, JSON.stringify(r));
});

test.run();
