/**
 * int4-weights: the MatMulNBits block layout (known answers), the real runtimes computing exactly
 * the float model with the dequantized weights (onnxruntime-node and onnxruntime-web, every block
 * size, with and without zero points, K not a multiple of the block), the graph rewrite (shared,
 * Constant-node, 3-D and otherwise-read weights; Gemm untouched), the kept-float16 path, and
 * `dlpack quantize --mode int4-weights` end to end: report, onnx.checker (full_check), loads.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { makeCnn, makeWideMlp } from '../../../fixtures/make-onnx.js';
import { makeTinyTransformer } from '../../../fixtures/make-transformer.js';
import { encodeOnnx, makeTensor, readOnnx, tensorDims, tensorToTypedArray, AttributeType, type ModelProto } from '../../../src/formats/onnx/index.js';
import { dequantizeBlocks, blockBytes, quantizeBlocks } from '../../../src/transforms/onnx/int4-blocks.js';
import { quantizeWeightsInt4, rewriteInt4 } from '../../../src/transforms/onnx/quantize-int4.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import Quantize from '../../../commands/quantize.js';
import { runCommand } from '../../helpers/cli.js';
import { onnxChecker, opTypes, save, tempDir } from '../../helpers/transform-helpers.js';
import { noPython, testIf } from '../../helpers/skip.js';

const tmp = tempDir('dlpack-int4-');
test.after(() => tmp.cleanup());

function rand(seed: number) {
  let a = seed >>> 0;
  return () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** Outputs the tests below write, checked by onnx.checker in the last test (skipped without python3-onnx). */
const checkerFiles: string[] = [];

test('blocks: low code first, scale = the largest-magnitude value / -8, zero points packed per column', () => {
  // one column, K = 32: values -16 … 15; the largest magnitude is -16 → scale 2, q = round(v/2) + 8
  const w = Float32Array.from({ length: 32 }, (_, k) => k - 16);
  const b = quantizeBlocks(w, 32, 1, 32, true);
  assert.equal([b.kBlocks, b.packed.length, b.scales.length], [1, 16, 1]);
  assert.is(b.scales[0], 2);
  assert.is(b.zeroPoints, undefined);
  assert.is(b.packed[0] & 15, 0, 'v=-16 → q 0 in the low code');
  assert.is(b.packed[0] >> 4, 1, 'v=-15 → round(-7.5 + 8) = 1 (half away from zero) in the high code');
  assert.is(b.packed[15] >> 4, 15, 'v=15 → 7.5 + 8 clamped to 15');
  const d = dequantizeBlocks(b);
  for (let k = 0; k < 31; k++) assert.ok(Math.abs(d[k] - w[k]) <= 1, `k=${k}: ${d[k]} vs ${w[k]}`);

  // asymmetric, 3 blocks of 32 per column → zero points [N, 2]: blocks 0,1 in byte 0, block 2 low code of byte 1
  const K = 96;
  const N = 2;
  const r = rand(7);
  const w2 = Float32Array.from({ length: K * N }, (_, i) => (Math.floor(i / N) < 64 ? Math.abs(r()) + 0.5 : r()));
  const a = quantizeBlocks(w2, K, N, 32, false);
  assert.equal([a.zeroPoints!.length, a.scales.length, a.packed.length], [4, 6, 96]);
  assert.is(a.zeroPoints![0], 0, 'blocks of positive values: the range starts at 0, zero point 0');
  assert.ok((a.zeroPoints![1] & 15) > 0 && a.zeroPoints![1] >> 4 === 0, 'block 2 (values around 0) has its zero point in the low code');
  const d2 = dequantizeBlocks(a);
  for (let i = 0; i < w2.length; i++) assert.ok(Math.abs(d2[i] - w2[i]) <= a.scales[Math.floor(i % N) * 3 + Math.floor(Math.floor(i / N) / 32)] / 2 + 1e-6);

  // K not a multiple of the block: the padding dequantizes to nothing; sizes as stored
  const p = quantizeBlocks(Float32Array.from({ length: 40 }, (_, k) => k / 40), 40, 1, 32, true);
  assert.is(p.kBlocks, 2);
  assert.is(dequantizeBlocks(p).length, 40);
  assert.is(blockBytes(1024, 1024, 32, true), 1024 * 32 * 16 + 1024 * 32 * 4);
  assert.throws(() => quantizeBlocks(w, 32, 1, 48, true), /power of two/);
  // 8 bits: one byte per value, zero point 128, scale = the largest-magnitude value / -128
  const e = quantizeBlocks(w, 32, 1, 32, true, 8);
  assert.equal([e.packed.length, e.scales[0], e.packed[0], e.packed[31]], [32, 0.125, 0, 248]);
  const ez = quantizeBlocks(w2, K, N, 32, false, 8);
  assert.is(ez.zeroPoints!.length, N * 3, 'one zero-point byte per block');
});

function matmulModel(K: number, N: number, aDims: number[], w: Float32Array): ModelProto {
  return {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'mm',
      node: [{ op_type: 'MatMul', input: ['a', 'w'], output: ['y'], name: 'mm' }],
      initializer: [makeTensor('w', 'float32', [K, N], w)],
      input: [{ name: 'a', type: { tensor_type: { elem_type: 1, shape: { dim: aDims.map((d) => ({ dim_value: d })) } } } }],
      output: [{ name: 'y', type: { tensor_type: { elem_type: 1 } } }],
    },
  };
}

test('onnxruntime-node and -web compute exactly the float model with the dequantized weights (4-bit and 8-bit blocks)', async () => {
  const node = await import('onnxruntime-node');
  const web = await import('onnxruntime-web');
  web.env.wasm.numThreads = 1;
  const K = 100;
  const N = 37;
  const aDims = [2, 3, K];
  const r = rand(3);
  const w = Float32Array.from({ length: K * N }, () => r() * (r() > 0.9 ? 2 : 0.3));
  const a = Float32Array.from({ length: 6 * K }, () => r());
  const cases = [32, 64, 128].flatMap((blockSize) => [true, false].map((symmetric) => ({ blockSize, symmetric, bits: 4 as 4 | 8 })));
  // the 8-bit blocks int4-weights keeps sensitive weights in (mixed precision)
  cases.push({ blockSize: 32, symmetric: true, bits: 8 as never }, { blockSize: 64, symmetric: false, bits: 8 as never });
  for (const { blockSize, symmetric, bits } of cases) {
    {
      const q = matmulModel(K, N, aDims, w);
      const keep = bits === 8 ? new Map([['w', { precision: 'int8' as const, reason: 'kept int8' }]]) : undefined;
      const res = quantizeWeightsInt4(q, { blockSize, symmetric, minElements: 0, keep });
      assert.is(res.changed.length, 1);
      assert.match(res.changed[0].what, new RegExp(`^int${bits} blocks`));
      const reference = matmulModel(K, N, aDims, dequantizeBlocks(quantizeBlocks(w, K, N, blockSize, symmetric, bits)));
      for (const [name, ort, ep] of [['node', node, 'cpu'], ['web', web, 'wasm']] as const) {
        const run = async (m: ModelProto) => {
          const s = await ort.InferenceSession.create(await encodeOnnx(m), { executionProviders: [ep] });
          const out = await s.run({ a: new ort.Tensor('float32', a, aDims) });
          await s.release();
          return out.y;
        };
        const [got, want] = [await run(q), await run(reference)];
        assert.equal([...got.dims], [2, 3, N]);
        let diff = 0;
        let scale = 0;
        for (let i = 0; i < want.data.length; i++) {
          diff = Math.max(diff, Math.abs((got.data as Float32Array)[i] - (want.data as Float32Array)[i]));
          scale = Math.max(scale, Math.abs((want.data as Float32Array)[i]));
        }
        assert.ok(diff <= 1e-5 * scale, `${name} ${bits}-bit block ${blockSize} ${symmetric ? 'symmetric' : 'zero points'}: max diff ${diff} of ${scale}`);
      }
    }
  }
});

test('rewrite: shared and Constant-node weights converted; 3-D, otherwise-read and Gemm weights left; com.microsoft opset added', async () => {
  const r = rand(5);
  const f = (n: number) => Float32Array.from({ length: n }, () => r());
  const m: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: [
        { op_type: 'Constant', output: ['c'], name: 'const_c', attribute: [{ name: 'value', type: AttributeType.TENSOR, t: makeTensor('c', 'float32', [64, 64], f(4096)) }] },
        { op_type: 'MatMul', input: ['x', 'shared'], output: ['m1'], name: 'm1' },
        { op_type: 'MatMul', input: ['m1', 'shared'], output: ['m2'], name: 'm2' },
        { op_type: 'MatMul', input: ['m2', 'c'], output: ['m3'], name: 'm3' },
        { op_type: 'MatMul', input: ['m3', 'read_too'], output: ['m4'], name: 'm4' },
        { op_type: 'Add', input: ['m4', 'read_too'], output: ['m5'], name: 'add' },
        { op_type: 'MatMul', input: ['x3', 'cube'], output: ['m6'], name: 'm6' },
      ],
      initializer: [makeTensor('shared', 'float32', [64, 64], f(4096)), makeTensor('read_too', 'float32', [64, 64], f(4096)), makeTensor('cube', 'float32', [2, 64, 64], f(8192))],
      input: [],
      output: [],
    },
  };
  const res = quantizeWeightsInt4(m, {});
  assert.equal(res.changed.map((c) => c.name).sort(), ['c', 'shared']);
  assert.match(res.changed.find((c) => c.name === 'shared')!.what, /2 MatMuls → com\.microsoft\.MatMulNBits/);
  const skipped = Object.fromEntries(res.skipped.map((s) => [s.name, s.reason]));
  assert.match(skipped.read_too, /also read by Add node "add"/);
  assert.match(skipped.cube, /3-D/);
  assert.equal(opTypes(m).filter((o) => o === 'com.microsoft.MatMulNBits').length, 3);
  assert.not.ok(m.graph!.node!.some((n) => n.op_type === 'Constant'), 'the Constant node of a converted weight is gone');
  assert.ok(m.opset_import!.some((o) => o.domain === 'com.microsoft'));
  const nb = m.graph!.node!.find((n) => n.name === 'm1')!;
  const attrs = Object.fromEntries(nb.attribute!.map((a) => [a.name, Number(a.i)]));
  assert.equal(attrs, { K: 64, N: 64, bits: 4, block_size: 32 });
  assert.equal(tensorDims(m.graph!.initializer!.find((t) => t.name === nb.input![1])!), [64, 2, 16]);
  assert.equal(tensorDims(m.graph!.initializer!.find((t) => t.name === nb.input![2])!), [64, 2]);

  // Gemm and Conv weights are untouched; --op-types naming them is refused; block sizes are checked
  const cnn = makeCnn();
  assert.is(rewriteInt4(cnn, { minElements: 0 }).changed.length, 0);
  assert.throws(() => rewriteInt4(makeCnn(), { opTypes: ['Conv'] }), (e: unknown) => e instanceof DlpackError && /MatMul weights only/.test(e.message));
  assert.throws(() => rewriteInt4(makeCnn(), { blockSize: 48 }), (e: unknown) => e instanceof DlpackError && /--block-size/.test(e.message));
  // accuracy_level: 4 by default, 0 leaves the attribute out
  const d = makeWideMlp({ layers: 1, width: 64, batch: 1 });
  rewriteInt4(d, {});
  assert.ok(d.graph!.node![0].attribute!.some((a) => a.name === 'accuracy_level' && Number(a.i) === 4));
  const z = makeWideMlp({ layers: 1, width: 64, batch: 1 });
  rewriteInt4(z, { accuracyLevel: 0 });
  assert.not.ok(z.graph!.node![0].attribute!.some((a) => a.name === 'accuracy_level'));
});

test('mixed precision: a kept weight stays a float MatMul, stored float16 behind a Cast', () => {
  const m = makeWideMlp({ layers: 2, width: 64, batch: 1 });
  const res = quantizeWeightsInt4(m, { keep: new Map([['layer1.weight', { precision: 'float16', reason: 'kept float16 for the test' }]]) });
  assert.match(res.changed.find((c) => c.name === 'layer1.weight')!.what, /float16 ← float32 \[64,64\] \(MatMul\) — kept float16 for the test/);
  const types = opTypes(m);
  assert.ok(types.includes('MatMul') && types.includes('Cast') && types.includes('com.microsoft.MatMulNBits'));
  const half = m.graph!.initializer!.find((t) => t.name === 'layer1.weight_float16')!;
  assert.is((tensorToTypedArray(half) as Uint16Array).length, 64 * 64);
});

test('quantize --mode int4-weights: ≤ 0.16× of a MatMul-only model, MatMulNBits runs, onnx.checker accepts every output', async () => {
  const input = await save(makeWideMlp({ layers: 2, width: 512, batch: 1 }), join(tmp.dir, 'mlp.onnx'));
  const outputs: string[] = [];
  for (const [i, o] of [{}, { symmetric: false, blockSize: 64 }, { blockSize: 128, accuracyLevel: 1 }].entries()) {
    const output = join(tmp.dir, `mlp.int4-${i}.onnx`);
    const r = await quantizeModel({ input, output, mode: 'int4-weights', ...o, check: { count: 3, runs: 0, minTop1: 0 } });
    outputs.push(output);
    assert.is(r.mode, 'int4-weights');
    assert.ok(r.written);
    assert.is(r.kernels?.MatMulNBits, 2, JSON.stringify(r.kernels));
    assert.ok(r.ratio <= 0.16, `ratio ${r.ratio}`);
    assert.ok(Math.min(...r.accuracy!.outputs.map((x) => x.cosine)) >= 0.99);
    assert.ok(r.notes!.some((n) => /com\.microsoft\.MatMulNBits/.test(n)));
  }
  const zp = (await readOnnx(outputs[1])).proto.graph!.node!.find((n) => n.op_type === 'MatMulNBits')!;
  assert.is(zp.input!.length, 4, 'zero points are the 4th input');
  checkerFiles.push(...outputs);
});

test('fallback: sensitive MatMul weights kept as 8-bit blocks (the default for int4-weights) until the goal holds; int8 refused elsewhere', async () => {
  const input = await save(makeTinyTransformer({ layers: 2, width: 64, maxLength: 16 }), join(tmp.dir, 'tf.onnx'));
  const shape = ['input_ids=1,16'];
  const r = await quantizeModel({ input, output: join(tmp.dir, 'tf.int4.onnx'), mode: 'int4-weights', minElements: 0, fallback: 'int8', maxRatio: 0.6, check: { shape, count: 3, runs: 0, minCosine: 0.9995 } });
  assert.is(r.mixedPrecision?.fallback, 'int8');
  assert.ok(r.mixedPrecision!.met && r.mixedPrecision!.kept.length > 0, JSON.stringify(r.mixedPrecision));
  assert.ok(r.mixedPrecision!.kept.every((k) => k.precision === 'int8'));
  const nodes = (await readOnnx(join(tmp.dir, 'tf.int4.onnx'))).proto.graph!.node!.filter((n) => n.op_type === 'MatMulNBits');
  const bits = nodes.map((n) => Number(n.attribute!.find((a) => a.name === 'bits')!.i));
  assert.is(bits.filter((b) => b === 8).length, r.mixedPrecision!.kept.length);
  assert.ok(bits.includes(4));
  checkerFiles.push(join(tmp.dir, 'tf.int4.onnx'));
  const mlp = await save(makeWideMlp({ layers: 1, width: 64, batch: 1 }), join(tmp.dir, 'small.onnx'));
  const err = await quantizeModel({ input: mlp, output: join(tmp.dir, 'x.onnx'), mode: 'int8-weights', fallback: 'int8', check: { minCosine: 0.99 } }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof DlpackError && /--fallback int8 is for --mode int4-weights/.test(err.message), String(err));
});

test('CLI: --block-size and --accuracy-level reach the model; a block size outside 32/64/128 is refused', async () => {
  const input = await save(makeWideMlp({ layers: 1, width: 256, batch: 1 }), join(tmp.dir, 'cli.onnx'));
  const output = join(tmp.dir, 'cli.int4.onnx');
  const ok = await runCommand<{ mode: string }>(Quantize, [input, '--mode', 'int4-weights', '--block-size', '64', '--accuracy-level', '1', '--min-top1', '0', '--runs', '0', '-o', output, '--json']);
  assert.is(ok.exitCode, 0, ok.stderr);
  assert.is(JSON.parse(ok.stdout).mode, 'int4-weights');
  const n = (await readOnnx(output)).proto.graph!.node!.find((x) => x.op_type === 'MatMulNBits')!;
  const attrs = Object.fromEntries(n.attribute!.map((a) => [a.name, Number(a.i)]));
  assert.is(attrs.block_size, 64);
  assert.is(attrs.accuracy_level, 1);
  const bad = await runCommand(Quantize, [input, '--mode', 'int4-weights', '--block-size', '48', '-o', join(tmp.dir, 'bad.onnx')]);
  assert.is(bad.exitCode, 2);
  assert.match(bad.stderr, /--block-size 48 is not one of 32, 64, 128/);
  const other = await runCommand(Quantize, [input, '--mode', 'int8-weights', '--block-size', '64', '-o', join(tmp.dir, 'other.onnx')]);
  assert.is(other.exitCode, 2);
  assert.match(other.stderr, /--block-size is for --mode int4-weights/);
});

testIf(test, noPython('onnx', 'python3-onnx'), 'onnx.checker (python3-onnx, full_check) accepts every output written above', () => {
  assert.ok(checkerFiles.length > 0, 'the tests above wrote outputs');
  assert.equal(onnxChecker(checkerFiles), []);
});

test.run();
