import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OutputComparison, looksLikeClassScores } from '../../src/accuracy/compare-outputs.js';
import { percentiles } from '../../src/accuracy/latency.js';
import type { TensorData } from '../../src/runtimes/runtime.js';
import { float32ToFloat16Bits } from '../../src/transforms/float16.js';

const f = (shape: number[], values: number[]): TensorData => ({ dtype: 'float32', shape, data: Float32Array.from(values) });

test('identical outputs: zero error, cosine 1, full top-1 agreement', () => {
  const c = new OutputComparison('y');
  c.add(f([2, 3], [1, 5, 2, 0, -1, 3]), f([2, 3], [1, 5, 2, 0, -1, 3]));
  assert.equal(c.result(), { name: 'y', maxAbsError: 0, meanAbsError: 0, cosine: 1, top1Agreement: 1 });
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

test('class-score detection: float, rank ≥ 2, last dim > 1', () => {
  assert.ok(looksLikeClassScores(f([1, 10], new Array(10).fill(0))));
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

test('percentiles', () => {
  const p = percentiles([5, 1, 4, 2, 3]);
  assert.is(p.p50, 3);
  assert.is(p.min, 1);
  assert.is(p.max, 5);
  assert.is(p.p90, 5);
  assert.is(percentiles([1, 2, 3, 4]).p50, 2.5);
});

test.run();
