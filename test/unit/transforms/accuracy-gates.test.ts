/**
 * Models built in code for the accuracy rules of `dlpack quantize`: a model whose outputs are
 * constant on generated noise (the degenerate-output warning, no gate passes, real samples make
 * the figures count), a weight beyond float16's range feeding a normalisation (kept float32,
 * cosine ≥ 0.999), the default floor (exit 1, the flag that relaxes it, nothing written), the
 * atomic-output rule after a failed gate and after a failing transform, ONNX mixed precision
 * (fewer measurements than units, each kept unit with its reason), and the renamed --count.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'npyjs';
import { makeWideMlp, seededFloats, seededRandom } from '../../../fixtures/make-onnx.js';
import { OnnxDataType as T, makeTensor, readOnnx, type ModelProto, type NodeProto } from '../../../src/formats/onnx/index.js';
import type { TransformReport } from '../../../src/core/reports/schemas.js';
import { convertToFloat16 } from '../../../src/transforms/onnx/convert-fp16.js';
import { CheckFailedError } from '../../../src/transforms/finish-transform.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { ROOT, runInProcess } from '../../helpers/cli.js';
import { compare, minCosine, save, tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir('dlpack-gates-');
test.after(() => tmp.cleanup());

const vi = (name: string, dims: (number | string)[], elem = T.FLOAT) => ({
  name,
  type: { tensor_type: { elem_type: elem, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
});
const model = (nodes: NodeProto[], inits: ReturnType<typeof makeTensor>[], inputs: ReturnType<typeof vi>[], outputs: ReturnType<typeof vi>[], opset = 17): ModelProto => ({
  ir_version: 8,
  opset_import: [{ domain: '', version: opset }],
  graph: { name: 'g', node: nodes, initializer: inits, input: inputs, output: outputs },
});
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('.dlpack-tmp'));

/** y = sigmoid(x·W − 12): ≈ 6e-6 everywhere on N(0,1) noise, a real [0,1] signal on inputs of tens. */
function saturatingModel(): ModelProto {
  const rand = seededRandom(5);
  const w = seededFloats(rand, 64 * 32, 0.05);
  return model(
    [
      { op_type: 'MatMul', input: ['x', 'w'], output: ['xw'], name: 'matmul' },
      { op_type: 'Add', input: ['xw', 'shift'], output: ['z'], name: 'shift' },
      { op_type: 'Sigmoid', input: ['z'], output: ['y'], name: 'sigmoid' },
    ],
    [makeTensor('w', 'float32', [64, 32], w), makeTensor('shift', 'float32', [1], Float32Array.of(-12))],
    [vi('x', ['batch', 64])],
    [vi('y', ['batch', 32])],
  );
}

test('outputs constant on noise: the degenerate-output warning, exit 1, nothing written; real samples make the figures count', async () => {
  const input = await save(saturatingModel(), join(tmp.dir, 'saturating.onnx'));
  const out = join(tmp.dir, 'saturating.int8.onnx');
  const r = await runInProcess(['quantize', input, '--mode', 'int8-weights', '--min-elements', '0', '-o', out, '--runs', '0']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /WARNING: output "y" — saturated \[0, 1\] output: reference values .* on these inputs: these figures say nothing about the transform; pass real inputs with --samples/);
  assert.match(r.stdout, /GATE FAILED \(figures not meaningful on these inputs\)/);
  assert.match(r.stderr, /output "y": figures not meaningful on these inputs — saturated \[0, 1\] output.*pass real inputs with --samples — nothing was written/);
  assert.not.ok(existsSync(out));
  assert.equal(leftovers(tmp.dir), []);
  // --json: the report flags the output, the gate is inconclusive, the run did not count
  const j = await runInProcess(['quantize', input, '--mode', 'int8-weights', '--min-elements', '0', '-o', out, '--runs', '0', '--json']);
  const report = JSON.parse(j.stdout) as TransformReport & { error: { code: string } };
  assert.is(report.error.code, 'CHECK_FAILED');
  assert.match(report.accuracy!.outputs[0].degenerate!, /^saturated \[0, 1\] output/);
  assert.equal(report.accuracy!.gates!.inconclusive, ['y']);
  assert.is(report.written, false);
  assert.is(report.accuracy!.inputs!.source, 'generated');
  // inputs that reach the sigmoid's slope: the same transform is judged, and passes
  const samples = join(tmp.dir, 'saturating-samples');
  mkdirSync(samples);
  const rand = seededRandom(9);
  for (let i = 0; i < 4; i++) writeFileSync(join(samples, `s${i}.npy`), Buffer.from(dump(Float32Array.from({ length: 64 }, () => (rand() - 0.3) * 60), [1, 64])));
  const ok = await runInProcess(['quantize', input, '--mode', 'int8-weights', '--min-elements', '0', '-o', out, '--runs', '0', '--samples', samples, '--json']);
  assert.is(ok.code, 0, ok.stderr);
  const good = JSON.parse(ok.stdout) as TransformReport;
  assert.is(good.accuracy!.outputs[0].degenerate, undefined);
  assert.ok(good.accuracy!.outputs[0].reference!.std > 0.05, JSON.stringify(good.accuracy!.outputs[0].reference));
  assert.ok(good.accuracy!.outputs[0].cosine >= 0.99 && good.accuracy!.outputs[0].sqnrDb! > 20);
  assert.is(good.accuracy!.inputs!.source, 'samples');
  assert.ok(existsSync(out));
});

/** x·W with W up to 2e5 (beyond float16's 65504), then LayerNormalization, then a plain MatMul. */
function overflowingModel(): ModelProto {
  const rand = seededRandom(11);
  const w = seededFloats(rand, 8 * 16, 1);
  for (let i = 0; i < w.length; i += 5) w[i] *= 2e5;
  return model(
    [
      { op_type: 'MatMul', input: ['x', 'w_big'], output: ['h'], name: 'big_matmul' },
      { op_type: 'LayerNormalization', input: ['h', 'gamma', 'beta'], output: ['n'], name: 'norm', attribute: [{ name: 'axis', type: 2, i: -1 }] },
      { op_type: 'MatMul', input: ['n', 'w_out'], output: ['y'], name: 'out_matmul' },
    ],
    [
      makeTensor('w_big', 'float32', [8, 16], w),
      makeTensor('gamma', 'float32', [16], seededFloats(rand, 16, 1).map((v) => 1 + v * 0.1)),
      makeTensor('beta', 'float32', [16], seededFloats(rand, 16, 0.1)),
      makeTensor('w_out', 'float32', [16, 64], seededFloats(rand, 16 * 64, 0.3)),
    ],
    [vi('x', [1, 8])],
    [vi('y', [1, 64])],
  );
}

test('fp16: a weight > 65504 feeding a normalisation keeps that node (and the norm reading its output) float32, named; cosine ≥ 0.999', async () => {
  const input = await save(overflowingModel(), join(tmp.dir, 'overflow.onnx'));
  // the weight rule alone (no inputs measured) keeps the MatMul; the norm is kept by the measured range
  const bare = (await readOnnx(input)).proto;
  const statically = convertToFloat16(bare);
  assert.equal(statically.skipped.map((s) => s.name), ['big_matmul']);

  const out = join(tmp.dir, 'overflow.fp16.onnx');
  const r = await quantizeModel({ input, output: out, mode: 'fp16', check: { runs: 0, count: 5 } });
  const kept = Object.fromEntries(r.skipped.map((s) => [s.name, s.reason]));
  assert.match(kept.big_matmul, /kept float32: reads "w_big", \d+ value\(s\) beyond float16's ±65504/);
  assert.match(kept.norm, /kept float32: reads "h", which reached [\d.e+]+ on the check inputs \(float16 holds ±65504\)/);
  assert.not.ok(kept.out_matmul, 'the rest computes in float16');
  assert.ok(r.changed.some((c) => c.name === 'w_out' && /float16/.test(c.what)));
  assert.not.ok(r.notes!.some((n) => /clamped/.test(n)), 'nothing clamped');
  assert.ok(minCosine(r.accuracy!) >= 0.999, `cosine ${minCosine(r.accuracy!)}`);
  assert.ok(r.weightBytesByDtype.after.float16 > 0);
});

/** One MatMul whose weight has one far outlier: per-tensor int8 flattens every other column. */
function outlierModel(): ModelProto {
  const rand = seededRandom(21);
  const w = seededFloats(rand, 64 * 64, 0.1);
  w[7] = 40;
  return model(
    [
      { op_type: 'MatMul', input: ['x', 'w'], output: ['h'], name: 'mm' },
      { op_type: 'Softmax', input: ['h'], output: ['p'], name: 'softmax', attribute: [{ name: 'axis', type: 2, i: -1 }] },
    ],
    [makeTensor('w', 'float32', [64, 64], w)],
    [vi('x', ['batch', 64])],
    [vi('p', ['batch', 64])],
  );
}

test('default floor: a missed floor exits 1 naming the flag that relaxes it and writes nothing; the existing file stays; the default fallback meets it', async () => {
  const input = await save(outlierModel(), join(tmp.dir, 'outlier.onnx'));
  const out = join(tmp.dir, 'outlier.int8.onnx');
  writeFileSync(out, 'an earlier result');
  const args = ['quantize', input, '--mode', 'int8-weights', '--no-per-channel', '--min-elements', '0', '-o', out, '--runs', '0', '--count', '8'];
  const r = await runInProcess([...args, '--fallback', 'none']);
  assert.is(r.code, 1, r.stderr);
  // the cosine of the softmax barely moves (≈ 0.998) while the arg-max flips on most rows: top-1 catches it
  assert.match(r.stderr, /accuracy gate failed: output "p": top-1 agreement \d+\.\d% < 99% \(default floor; --min-top1 X relaxes it, --min-top1 0 turns it off\)/);
  assert.match(r.stderr, /nothing was written to .*outlier\.int8\.onnx/);
  assert.not.match(r.stderr, /\n\s+at /);
  assert.match(r.stdout, /gates: +cosine ≥ 0\.99 \(default floor\), top-1 ≥ 99% on probability outputs \(default floor\)/);
  assert.is(readFileSync(out, 'utf8'), 'an earlier result', 'the existing output is untouched');
  assert.equal(leftovers(tmp.dir), []);
  // relaxed: written
  const relaxed = await runInProcess([...args, '--fallback', 'none', '--min-cosine', '0', '--min-top1', '0', '--json']);
  assert.is(relaxed.code, 0, relaxed.stderr);
  assert.is((JSON.parse(relaxed.stdout) as TransformReport).written, true);
  // default (this one-weight model needs a budget above the default 0.30×): the search keeps the weight at float16 and meets the floor
  const auto = await runInProcess([...args, '--max-ratio', '0.6', '--json']);
  assert.is(auto.code, 0, auto.stderr);
  const rep = JSON.parse(auto.stdout) as TransformReport;
  assert.equal(rep.mixedPrecision!.kept.map((k) => [k.name, k.precision]), [['w', 'float16']]);
  assert.match(rep.mixedPrecision!.kept[0].reason, /kept float16 instead of int8 \(mixed precision\): rank 1 of 1/);
  assert.ok(rep.accuracy!.gates!.pass);
});

test('atomic output after a failing transform: an ONNX check that cannot run, a TF.js --weights error — nothing at -o, no temp left', async () => {
  const input = await save(outlierModel(), join(tmp.dir, 'atomic.onnx'));
  const out = join(tmp.dir, 'atomic.fp16.onnx');
  const err = await quantizeModel({ input, output: out, mode: 'fp16', check: { runs: 0, backend: 'wasm' } }).then(() => undefined, (e: unknown) => e);
  assert.match(String((err as Error).message), /backend "wasm" is not available for ONNX models/);
  assert.not.ok(existsSync(out));
  const tfjsIn = join(ROOT, 'fixtures/models/tfjs-graph/classifier.json');
  const tfjsOut = join(tmp.dir, 'atomic-tfjs');
  const e2 = await quantizeModel({ input: tfjsIn, output: tfjsOut, dtype: 'uint8', weights: ['no/such/*'], check: { runs: 0, backend: 'wasm' } }).then(() => undefined, (e: unknown) => e);
  assert.match(String((e2 as Error).message), /matched no weight/);
  assert.not.ok(existsSync(tfjsOut));
  // a failed gate on TF.js: the folder is not created either
  const e3 = await quantizeModel({ input: tfjsIn, output: tfjsOut, dtype: 'uint8', check: { runs: 0, count: 2, backend: 'wasm', maxError: 0 } }).then(() => undefined, (e: unknown) => e);
  assert.instance(e3, CheckFailedError);
  assert.not.ok(existsSync(tfjsOut));
  assert.equal(leftovers(tmp.dir), []);
});

test('ONNX mixed precision: --fallback float32 --min-cosine meets the goal with fewer candidate models than units; each kept unit says why', async () => {
  const input = await save(makeWideMlp({ layers: 24, width: 64, batch: 'batch', seed: 4 }), join(tmp.dir, 'deep.onnx'));
  // the search on this graph as built (ORT's default pre-optimization would fuse MatMul+Add into Gemm)
  const plain = await quantizeModel({ input, output: join(tmp.dir, 'deep.plain.onnx'), mode: 'int8-weights', perChannel: false, minElements: 0, optimize: 'none', check: { runs: 0, count: 4, minCosine: 0, minTop1: 0 } });
  const base = minCosine(plain.accuracy!);
  const goal = 1 - (1 - base) / 3; // a third of the plain loss
  assert.ok(goal < 1, `plain cosine ${base}`);
  const out = join(tmp.dir, 'deep.mixed.onnx');
  const r = await quantizeModel({ input, output: out, mode: 'int8-weights', perChannel: false, minElements: 0, optimize: 'none', fallback: 'float32', maxRatio: 1, check: { runs: 0, count: 4, minCosine: goal, minTop1: 0 } });
  const m = r.mixedPrecision!;
  assert.ok(m.met, JSON.stringify(m));
  assert.ok(minCosine(r.accuracy!) >= goal, `${minCosine(r.accuracy!)} < ${goal}`);
  assert.ok(m.kept.length > 0 && m.kept.length < 24, `${m.kept.length} kept`);
  assert.ok(m.measured < 24 / 2, `${m.measured} candidate models for 24 units`);
  for (const k of m.kept) {
    assert.is(k.precision, 'float32');
    assert.match(k.reason, /kept float32 instead of int8 \(mixed precision\): rank \d+ of 24 by the error it adds/);
  }
  assert.ok(r.skipped.some((s) => s.name === m.kept[0].name && /mixed precision/.test(s.reason)));
  assert.ok(r.ratio > plain.ratio);
  // float16 is no fallback for fp16; uint16 is TF.js only
  for (const [mode, fallback, re] of [['fp16', 'float16', /no wider than --mode fp16/], ['int8-weights', 'uint16', /uint16 is for TF\.js/]] as const) {
    const e = await quantizeModel({ input, output: join(tmp.dir, 'x.onnx'), mode, fallback, check: { runs: 0 } }).then(() => undefined, (x: unknown) => x);
    assert.match(String((e as Error).message), re);
  }
});

test('ONNX mixed precision for int8-dynamic (nodes kept with float16 weights) and fp16 (nodes kept float32)', async () => {
  const input = join(tmp.dir, 'deep.onnx'); // written by the test above
  for (const [mode, fallback] of [['int8-dynamic', 'float16'], ['fp16', 'float32']] as const) {
    const plain = await quantizeModel({ input, output: join(tmp.dir, `deep.${mode}.plain.onnx`), mode, minElements: 0, perChannel: false, check: { runs: 0, count: 4, minCosine: 0, minTop1: 0 } });
    const base = minCosine(plain.accuracy!);
    const goal = 1 - (1 - base) / 2;
    assert.ok(goal < 1, `${mode}: plain cosine ${base}`);
    const r = await quantizeModel({ input, output: join(tmp.dir, `deep.${mode}.mixed.onnx`), mode, minElements: 0, perChannel: false, fallback, maxRatio: 1, check: { runs: 0, count: 4, minCosine: goal, minTop1: 0 } });
    const m = r.mixedPrecision!;
    assert.ok(m.met && m.kept.length > 0, `${mode}: ${JSON.stringify(m)}`);
    assert.ok(minCosine(r.accuracy!) >= goal);
    for (const k of m.kept) assert.match(k.reason, new RegExp(`kept ${fallback} instead of ${mode === 'fp16' ? 'float16' : 'int8'} \\(mixed precision\\)`));
    if (mode === 'int8-dynamic') assert.ok(r.changed.some((c) => /weight float16 ← float32 .* computes in float32 — kept float16/.test(c.what)), r.changed.map((c) => c.what).join('\n'));
    else assert.ok(r.skipped.some((s) => /kept float32 instead of float16/.test(s.reason)));
  }
});

test('--samples N (the old count) fails naming --count; --preprocess needs --samples', async () => {
  const input = join(ROOT, 'fixtures/models/mlp.onnx');
  const r = await runInProcess(['quantize', input, '--mode', 'fp16', '-o', join(tmp.dir, 'm.onnx'), '--samples', '5']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--samples now takes sample files \(a file, folder or glob\), not a count; for 5 generated input sets use --count 5/);
  const p = await runInProcess(['quantize', input, '--mode', 'fp16', '-o', join(tmp.dir, 'm.onnx'), '--preprocess', 'imagenet']);
  assert.match(p.stderr, /--preprocess says how --samples files become inputs; give --samples too/);
});

test.run();
