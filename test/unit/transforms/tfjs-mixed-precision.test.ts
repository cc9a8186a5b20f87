/**
 * The mixed-precision selection (src/transforms/tfjs/mixed-precision.ts) on the graph fixture
 * (fixtures/models/tfjs-graph/classifier.json), measured with the real accuracy check on tfjs
 * wasm; the clipped-range search and cross-layer equalization against independent arithmetic
 * written here; and the option errors of `quantize --fallback`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { dequantizeWeight } from '../../../src/formats/tfjs/dequantize.js';
import { readTfjs } from '../../../src/formats/tfjs/read-tfjs.js';
import type { TfjsModel, TfjsWeight } from '../../../src/formats/tfjs/tfjs-model.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { openCandidateChecker } from '../../../src/transforms/tfjs/candidate-check.js';
import { equalizeDepthwisePointwise, findEqualizablePairs } from '../../../src/transforms/tfjs/cross-layer-equalization.js';
import { searchMixedPrecision, shortfall } from '../../../src/transforms/tfjs/mixed-precision.js';
import { searchClipRange } from '../../../src/transforms/tfjs/range-search.js';
import { quantizeAffine } from '../../../src/transforms/tfjs/weight-quantization.js';
import { GRAPH_FIXTURE, tempDir } from '../../helpers/tfjs-test-helpers.js';

const tmp = tempDir('dlpack-tfjs-mixed-');
test.after(() => tmp.cleanup());
const check = { runs: 0, count: 3, backend: 'wasm' };

async function fixtureSearch(minCosine: number, maxBytes?: number) {
  const model = await readTfjs(GRAPH_FIXTURE);
  const candidates = model.weights.filter((w) => w.dtype === 'float32').map((weight) => ({ weight, values: dequantizeWeight(weight) as Float32Array }));
  const checker = await openCandidateChecker(model, GRAPH_FIXTURE, check);
  try {
    const result = await searchMixedPrecision({
      weights: model.weights,
      candidates,
      dtype: 'uint8',
      fallback: 'float16',
      range: 'minmax',
      minCosine,
      maxBytes: maxBytes ?? Infinity,
      measure: (w, s) => checker.measure(w, s),
    });
    return { model, result, checks: checker.checks };
  } finally {
    await checker.dispose();
  }
}

const bytes = (ws: TfjsWeight[]) => ws.reduce((a, w) => a + w.data.byteLength, 0);

test('shortfall: 0 only when every output meets the goal; sums what is missing', () => {
  const o = (cosine: number) => ({ name: 'x', maxAbsError: 0, meanAbsError: 0, cosine });
  assert.is(shortfall([o(0.995), o(0.99)], 0.99), 0);
  assert.ok(Math.abs(shortfall([o(0.98), o(0.97), o(1)], 0.99) - 0.03) < 1e-12);
  assert.ok(shortfall([o(NaN)], 0.99) > 1);
});

test('goal already met at uint8: nothing promoted, one measurement', async () => {
  const { result, checks } = await fixtureSearch(0.99);
  assert.is(result.met, true);
  assert.is(result.promoted.length, 0);
  assert.is(checks, 1);
  assert.ok([...result.precisions.values()].every((p) => p === 'uint8'));
});

test('tight goal: the most harmful weights go to float16 until every output meets it, ranked and costed', async () => {
  // The fixture's uint8 cosine is ≈ 0.99999997 (rounding 1e-5 of each weight's energy); float16 ≈ 0.999999994.
  const { result, model } = await fixtureSearch(0.9999999);
  assert.is(result.met, true);
  for (const o of result.outputs) assert.ok(o.cosine >= 0.9999999, `${o.name} ${o.cosine}`);
  assert.ok(shortfall(result.baseline, 0.9999999) > 0, 'plain uint8 missed the goal');
  assert.ok(result.promoted.length >= 1 && result.promoted.length < 4, `${result.promoted.length} promoted`);
  for (const p of result.promoted) {
    assert.is(result.precisions.get(p.name), 'float16');
    const w = model.weights.find((x) => x.name === p.name)!;
    assert.is(p.extraBytes, w.shape.reduce((a, b) => a * b, 1)); // 2 bytes − 1 byte per element
    assert.ok(p.rank >= 1 && p.rank <= 4 && p.relError > 0);
  }
  // The written weights are exactly the encodings chosen; bytes add up.
  assert.is(result.bytes, bytes(result.weights));
  for (const w of result.weights) {
    const p = result.precisions.get(w.name);
    if (p) assert.is(w.quantization?.dtype, p);
  }
});

test('budget too small for the goal: not met, stays within the budget, names what did not fit', async () => {
  const model = await readTfjs(GRAPH_FIXTURE);
  const uint8Bytes = model.weights.reduce((a, w) => a + (w.dtype === 'float32' ? w.data.byteLength / 4 : w.data.byteLength), 0);
  const { result } = await fixtureSearch(0.9999999, uint8Bytes + 3);
  assert.is(result.met, false);
  assert.ok(result.bytes <= uint8Bytes + 3, `${result.bytes} bytes`);
  assert.ok(result.overBudget.length >= 1);
  assert.ok(shortfall(result.outputs, 0.9999999) > 0);
});

test('quantize --fallback on the fixture: report lists the kept weights and why; CHECK_FAILED within a too-small budget', async () => {
  const out = join(tmp.dir, 'mixed');
  const report = await quantizeModel({ input: GRAPH_FIXTURE, output: out, dtype: 'uint8', fallback: 'float16', maxRatio: 1, check: { ...check, minCosine: 0.9999999 } });
  const kept = report.changed.filter((c) => /kept at float16 instead of uint8/.test(c.what));
  assert.ok(kept.length >= 1);
  assert.is(report.changed[0].name, kept[0].name, 'kept weights listed first');
  assert.ok(report.notes?.some((n) => /mixed precision \(goal cosine ≥ 0\.9999999/.test(n)));
  const manifest = JSON.parse(readFileSync(join(out, 'classifier.json'), 'utf8')).weightsManifest.flatMap((g: { weights: object[] }) => g.weights);
  for (const k of kept) assert.is(manifest.find((w: { name: string }) => w.name === k.name).quantization.dtype, 'float16');

  const out2 = join(tmp.dir, 'mixed-small');
  try {
    await quantizeModel({ input: GRAPH_FIXTURE, output: out2, dtype: 'uint8', fallback: 'float32', maxRatio: 0.28, check: { ...check, minCosine: 0.9999999 } });
    assert.unreachable('goal met within 0.28×?');
  } catch (err) {
    assert.is((err as DlpackError).code, 'CHECK_FAILED');
    assert.ok((err as { report: { notes: string[] } }).report.notes.some((n) => /goal not met within --max-ratio 0\.28/.test(n)));
  }
});

test('quantize --fallback: clear USAGE errors (no goal, no wider dtype, budget below the dtype alone, --no-check)', async () => {
  const cases: [object, RegExp][] = [
    // without --min-cosine the default floor (0.99) is the goal; --min-cosine 0 turns it off and leaves none
    [{ fallback: 'float16', check: { ...check, minCosine: 0 } }, /needs a goal: --min-cosine/],
    [{ dtype: 'uint16', fallback: 'float16', check: { ...check, minCosine: 0.99 } }, /no wider than --dtype uint16/],
    [{ fallback: 'float16', maxRatio: 0.1, check: { ...check, minCosine: 0.99 } }, /--max-ratio 0\.1 is below the 0\.27\d× that --dtype uint8 alone gives/],
    [{ fallback: 'float16', check: { ...check, minCosine: 0.99, enabled: false } }, /drop --no-check/],
  ];
  for (const [i, [extra, re]] of cases.entries()) {
    try {
      await quantizeModel({ input: GRAPH_FIXTURE, output: join(tmp.dir, `bad-${i}`), dtype: 'uint8', ...extra });
      assert.unreachable(String(re));
    } catch (err) {
      assert.instance(err, DlpackError);
      assert.is((err as DlpackError).code, 'USAGE');
      assert.match((err as Error).message, re);
    }
  }
});

test('searchClipRange: a lone outlier among many values gets clipped (less weight error); a far one is kept, a uniform spread keeps its range', () => {
  // 60000 values in [-1, 1] and one at 1.2: clipping to ≈ 1.0 costs the outlier ≈ 0.04 but saves
  // ≈ 0.06 of rounding error over the rest (step 2.2/255 → 2.0/255).
  const values = Float32Array.from({ length: 60001 }, (_, i) => Math.sin(i * 0.731));
  values[17] = 1.2;
  const c = searchClipRange(values, -1, 1.2, 'uint8');
  assert.ok(c.hi < 1.2 && c.lo === -1 && c.errorRatio < 0.95, JSON.stringify(c));
  // A single outlier far out among few values: clipping it would cost more than it saves (MSE keeps it).
  const few = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 0.1);
  few[17] = 5;
  assert.is(searchClipRange(few, -0.1, 5, 'uint8').hi, 5);
  const sq = (q: ReturnType<typeof quantizeAffine>) => {
    const d = dequantizeWeight({ name: 'w', shape: [values.length], dtype: 'float32', data: q.data, quantization: q.quantization }) as Float32Array;
    return values.reduce((a, v, i) => a + (v - d[i]) ** 2, 0);
  };
  assert.ok(sq(quantizeAffine(values, 'uint8', c)) < sq(quantizeAffine(values, 'uint8')));
  const uniform = Float32Array.from({ length: 1000 }, (_, i) => i / 999 - 0.5);
  assert.ok(searchClipRange(uniform, -0.5, 0.5, 'uint8').errorRatio > 0.9);
});

/** A graph with input → depthwise 3×3 (2 channels) → 1×1 conv (3 filters), plus a depthwise whose kernel is shared. */
function cleGraph(shareKernel: boolean): Pick<TfjsModel, 'format' | 'json' | 'weights'> {
  const node = (name: string, op: string, input: string[] = []) => ({ name, op, input, attr: {} });
  const nodes = [node('x', 'Placeholder'), node('dw_k', 'Const'), node('pw_k', 'Const'), node('pw_b', 'Const'), node('dw', 'DepthwiseConv2dNative', ['x', 'dw_k']), node('pw', '_FusedConv2D', ['dw', 'pw_k', 'pw_b'])];
  if (shareKernel) nodes.push(node('dw2', 'DepthwiseConv2dNative', ['x', 'dw_k']));
  const w = (name: string, shape: number[]): TfjsWeight => ({ name, shape, dtype: 'float32', data: new Uint8Array(4 * shape.reduce((a, b) => a * b, 1)) });
  return { format: 'graph-model', json: { modelTopology: { node: nodes } }, weights: [w('dw_k', [3, 3, 2, 1]), w('pw_k', [1, 1, 2, 3]), w('pw_b', [3])] };
}

test('cross-layer equalization: depthwise → 1×1 pairs only, the composite map unchanged, channel ranges equal', () => {
  assert.equal(findEqualizablePairs(cleGraph(false)), [{ depthwise: 'dw_k', pointwise: 'pw_k' }]);
  assert.equal(findEqualizablePairs(cleGraph(true)), [], 'a kernel another node also reads is not rescaled');
  const dw = Float32Array.from({ length: 18 }, (_, i) => (i % 2 === 0 ? 4 : 0.01) * Math.cos(i)); // channel 0 wide, channel 1 narrow
  const pw = Float32Array.from({ length: 6 }, (_, i) => (i < 3 ? 0.05 : 2) * Math.sin(i + 1));
  const values = new Map([['dw_k', dw], ['pw_k', pw]]);
  assert.is(equalizeDepthwisePointwise(cleGraph(false), values).length, 1);
  const dw2 = values.get('dw_k')!;
  const pw2 = values.get('pw_k')!;
  for (let t = 0; t < 9; t++) for (let c = 0; c < 2; c++) for (let k = 0; k < 3; k++) {
    const before = dw[t * 2 + c] * pw[c * 3 + k];
    assert.ok(Math.abs(dw2[t * 2 + c] * pw2[c * 3 + k] - before) <= 1e-6 * Math.max(1, Math.abs(before)));
  }
  for (let c = 0; c < 2; c++) {
    const r1 = Math.max(...Array.from({ length: 9 }, (_, t) => Math.abs(dw2[t * 2 + c])));
    const r2 = Math.max(...pw2.slice(c * 3, c * 3 + 3).map(Math.abs));
    assert.ok(Math.abs(r1 - r2) < 1e-5 * r1, `channel ${c}: ${r1} vs ${r2}`);
  }
});

test.run();
