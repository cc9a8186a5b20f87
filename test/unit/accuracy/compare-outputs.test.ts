import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OutputComparison, looksLikeClassScores } from '../../../src/accuracy/compare-outputs.js';
import { percentiles } from '../../../src/core/stats/percentiles.js';
import type { TensorData } from '../../../src/runtimes/runtime.js';
import { float32ToFloat16Bits } from '../../../src/core/tensor/to-float16.js';

const f = (shape: number[], values: number[]): TensorData => ({ dtype: 'float32', shape, data: Float32Array.from(values) });

test('identical outputs: zero error, cosine 1, full top-1 agreement', () => {
  const c = new OutputComparison('y');
  c.add(f([2, 3], [1, 5, 2, 0, -1, 3]), f([2, 3], [1, 5, 2, 0, -1, 3]));
  assert.equal(c.result(), {
    name: 'y',
    maxAbsError: 0,
    meanAbsError: 0,
    cosine: 1,
    maxErrorOfRange: 0,
    top1Agreement: 1,
    reference: { min: -1, max: 5, mean: Number((10 / 6).toPrecision(6)), std: Number(Math.sqrt((1 + 25 + 4 + 0 + 1 + 9) / 6 - (10 / 6) ** 2).toPrecision(6)) },
  });
  assert.is(c.result().sqnrDb, undefined, 'no noise: no SQNR');
});

test('SQNR and the error relative to the range stay meaningful for small outputs', () => {
  const big = new OutputComparison('big');
  const small = new OutputComparison('small');
  const ref = [0.2, -0.4, 0.9, 0.1];
  const got = ref.map((x, i) => x + (i % 2 ? 0.01 : -0.01));
  big.add(f([4], ref), f([4], got));
  small.add(f([4], ref.map((x) => x * 1e-6)), f([4], got.map((x) => x * 1e-6)));
  const [b, s] = [big.result(), small.result()];
  assert.ok(Math.abs(b.sqnrDb! - 10 * Math.log10((0.04 + 0.16 + 0.81 + 0.01) / 0.0004)) < 1e-3, String(b.sqnrDb));
  assert.ok(Math.abs(b.sqnrDb! - s.sqnrDb!) < 1e-3, 'scale-free');
  assert.ok(Math.abs(b.maxErrorOfRange! - 0.01 / 1.3) < 1e-6);
  assert.ok(Math.abs(b.maxErrorOfRange! - s.maxErrorOfRange!) < 1e-6);
  assert.ok(s.maxAbsError < 1e-7, 'the absolute error alone says nothing here');
});

test('degenerate reference outputs are flagged: constant, saturated softmax, saturated [0,1] map, near-constant', () => {
  const run = (shape: number[], ref: number[][]) => {
    const c = new OutputComparison('o');
    for (const r of ref) c.add(f(shape, r), f(shape, r.map((x) => x * 0.9)));
    return c.result().degenerate;
  };
  assert.match(run([4], [[3, 3, 3, 3]])!, /^constant: every reference value is 3/);
  assert.match(run([1, 3], [[0.9995, 0.0003, 0.0002], [0.9999, 0.00005, 0.00005]])!, /saturated softmax: all 2 reference row\(s\) pick class 0/);
  assert.is(run([1, 3], [[0.9995, 0.0003, 0.0002], [0.0001, 0.9998, 0.0001]]), undefined, 'classes vary: meaningful');
  assert.is(run([1, 3], [[0.7, 0.2, 0.1], [0.8, 0.1, 0.1]]), undefined, 'not saturated');
  assert.match(run([1, 1, 2, 2], [[0.0001, 0.0002, 0.0001, 0.0003]])!, /saturated \[0, 1\] output/);
  assert.is(run([1, 1, 2, 2], [[0.01, 0.99, 0.02, 0.97]]), undefined, 'a real probability map');
  assert.match(run([3], [[1000, 1000.001, 999.999]])!, /near-constant/);
  assert.is(run([3], [[1, 2, 3]]), undefined);
  const ints = new OutputComparison('i');
  ints.add({ dtype: 'int64', shape: [2], data: BigInt64Array.of(1n, 1n) }, { dtype: 'int64', shape: [2], data: BigInt64Array.of(1n, 1n) });
  assert.is(ints.result().degenerate, undefined, 'only float outputs are judged');
});

test('errors, cosine and top-1 accumulate over samples', () => {
  const c = new OutputComparison('y');
  c.add(f([2, 2], [1, 0, 0, 1]), f([2, 2], [1, 0, 1, 0])); // row 2 flips
  c.add(f([2, 2], [3, 4, 0, 0]), f([2, 2], [3, 4.5, 0, 0]));
  const r = c.result();
  assert.is(r.maxAbsError, 1);
  assert.is(r.meanAbsError, 2.5 / 8);
  assert.is(r.top1Agreement, 3 / 4);
  const dot = 1 + 0 + 9 + 18;
  const cos = dot / Math.sqrt((1 + 1 + 9 + 16) * (1 + 1 + 9 + 20.25));
  assert.ok(Math.abs(r.cosine - cos) < 1e-12);
});

test('float16 outputs are decoded; NaN against a number is an infinite error; shape mismatch throws', () => {
  const c = new OutputComparison('h');
  c.add(f([1, 2], [0.5, 2]), { dtype: 'float16', shape: [1, 2], data: Uint16Array.of(float32ToFloat16Bits(0.5), float32ToFloat16Bits(2)) });
  assert.is(c.result().maxAbsError, 0);
  const n = new OutputComparison('n');
  n.add(f([3], [1, NaN, NaN]), f([3], [1, 2, NaN]));
  assert.is(n.result().maxAbsError, Infinity);
  assert.throws(() => new OutputComparison('s').add(f([2], [1, 2]), f([1, 2], [1, 2])), /shape \[2\] in the original and \[1,2\]/);
});

test('class-score detection: float, rank 2–3, last dim > 1 (rank-4 maps are not)', () => {
  assert.ok(looksLikeClassScores(f([1, 10], new Array(10).fill(0))));
  assert.ok(looksLikeClassScores(f([1, 2, 5], new Array(10).fill(0))));
  assert.not.ok(looksLikeClassScores(f([1, 1, 2, 5], new Array(10).fill(0))));
  assert.not.ok(looksLikeClassScores(f([10], new Array(10).fill(0))));
  assert.not.ok(looksLikeClassScores(f([10, 1], new Array(10).fill(0))));
  assert.not.ok(looksLikeClassScores({ dtype: 'int64', shape: [1, 3], data: new BigInt64Array(3) }));
  const c = new OutputComparison('v');
  c.add(f([4], [1, 2, 3, 4]), f([4], [1, 2, 3, 4]));
  assert.is(c.result().top1Agreement, undefined);
});

test('zero vectors: cosine 1 when both are zero, 0 when one is', () => {
  const z = new OutputComparison('z');
  z.add(f([2], [0, 0]), f([2], [0, 0]));
  assert.is(z.result().cosine, 1);
  const o = new OutputComparison('o');
  o.add(f([2], [0, 0]), f([2], [0, 1]));
  assert.is(o.result().cosine, 0);
});

test('latency percentiles: the one nearest-rank definition (p50 of an even count is the lower middle sample)', () => {
  const p = percentiles([5, 1, 4, 2, 3]);
  assert.is(p.p50, 3);
  assert.is(p.min, 1);
  assert.is(p.max, 5);
  assert.is(p.p90, 5);
  assert.is(percentiles([1, 2, 3, 4]).p50, 2);
  assert.is(percentiles([10, 20, 30, 40]).p50, 20, 'as a bench report and CloudWatch would print it, not 25');
});

test.run();
