import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { MLP_SHAPE, makeCnn, makeMlp, makeWideMlp } from '../../../fixtures/make-onnx.js';
import { OnnxDataType, makeTensor, readOnnx, tensorDims, tensorToTypedArray, type ModelProto } from '../../../src/formats/onnx/index.js';
import { quantizeWeightsInt8 } from '../../../src/transforms/onnx/quantize-weights.js';
import { compare, minCosine, opTypes, save, tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir();
test.after(() => tmp.cleanup());

async function roundTrip(model: ModelProto, name: string) {
  const original = await save(model, join(tmp.dir, `${name}.onnx`));
  const copy = (await readOnnx(original)).proto;
  return { original, copy };
}

test('wide MLP: int8 per-tensor QDQ, file ≤ 0.30× fp32, cosine ≥ 0.99, runs in onnxruntime', async () => {
  const { original, copy } = await roundTrip(makeWideMlp({ layers: 2, width: 256, batch: 'batch' }), 'wide');
  const r = quantizeWeightsInt8(copy, { perChannel: false });
  assert.is(r.changed.length, 2);
  assert.equal(opTypes(copy).filter((o) => o === 'DequantizeLinear').length, 2);
  const w = copy.graph!.initializer!.find((t) => t.name === 'layer0.weight_quantized')!;
  assert.is(w.data_type, OnnxDataType.INT8);
  // symmetric int8: the zero point of all zeros is left out (DequantizeLinear's default)
  assert.not.ok(copy.graph!.initializer!.some((t) => t.name === 'layer0.weight_zero_point'));
  assert.ok(copy.graph!.node!.filter((n) => n.op_type === 'DequantizeLinear').every((n) => n.input!.length === 2));
  assert.not.ok(copy.graph!.initializer!.some((t) => t.name === 'layer0.weight'), 'float weight removed');
  const out = await save(copy, join(tmp.dir, 'wide.int8.onnx'));
  const ratio = statSync(out).size / statSync(original).size;
  assert.ok(ratio <= 0.3, `ratio ${ratio}`);
  const acc = await compare(original, out, ['input=4,256']);
  assert.ok(minCosine(acc) >= 0.99, `cosine ${minCosine(acc)}`);
});

test('per-channel is the default: one scale per output column of each MatMul weight', async () => {
  const { copy } = await roundTrip(makeWideMlp({ layers: 2, width: 256, batch: 'batch' }), 'wide-default');
  const r = quantizeWeightsInt8(copy);
  assert.ok(r.changed.every((c) => /int8 per-channel \(axis 1, 256 scales\)/.test(c.what)), r.changed.map((c) => c.what).join('; '));
});

test('per-channel: Gemm (transB) axis 0, Conv axis 0, MatMul axis 1; DequantizeLinear axis attribute', async () => {
  const { original, copy } = await roundTrip(makeCnn(), 'cnn');
  const r = quantizeWeightsInt8(copy, { perChannel: true, minElements: 0 });
  const changed = Object.fromEntries(r.changed.map((c) => [c.name, c.what]));
  assert.match(changed['conv.weight'], /per-channel \(axis 0, 4 scales\)/);
  assert.match(changed['gemm.weight'], /per-channel \(axis 0, 3 scales\)/);
  const dqs = copy.graph!.node!.filter((n) => n.op_type === 'DequantizeLinear');
  assert.ok(dqs.every((n) => n.attribute?.some((a) => a.name === 'axis' && Number(a.i) === 0)));
  const out = await save(copy, join(tmp.dir, 'cnn.int8pc.onnx'));
  assert.ok(minCosine(await compare(original, out)) >= 0.99);

  const mlp = await roundTrip(makeMlp(), 'mlp');
  const r2 = quantizeWeightsInt8(mlp.copy, { perChannel: true, minElements: 0 });
  assert.match(r2.changed.find((c) => c.name === 'fc1.weight')!.what, new RegExp(`axis 1, ${MLP_SHAPE.hidden} scales`));
  const s = mlp.copy.graph!.initializer!.find((t) => t.name === 'fc1.weight_scale')!;
  assert.equal(tensorDims(s), [MLP_SHAPE.hidden]);
  assert.ok(minCosine(await compare(mlp.original, await save(mlp.copy, join(tmp.dir, 'mlp.int8pc.onnx')))) >= 0.99);
});

test('asymmetric: uint8 weights with non-zero zero points; reduce_range keeps values in 7 bits', async () => {
  const { original, copy } = await roundTrip(makeMlp(), 'mlp-asym');
  quantizeWeightsInt8(copy, { symmetric: false, reduceRange: true, minElements: 0 });
  const q = copy.graph!.initializer!.find((t) => t.name === 'fc1.weight_quantized')!;
  assert.is(q.data_type, OnnxDataType.UINT8);
  const values = tensorToTypedArray(q) as Uint8Array;
  assert.ok(Math.max(...values) <= 127);
  const zp = tensorToTypedArray(copy.graph!.initializer!.find((t) => t.name === 'fc1.weight_zero_point')!) as Uint8Array;
  assert.ok(zp[0] > 0 && zp[0] < 127);
  assert.ok(minCosine(await compare(original, await save(copy, join(tmp.dir, 'mlp.asym.onnx')))) >= 0.99);
});

test('--min-elements, --op-types and --exclude-nodes leave weights alone (listed where it matters)', async () => {
  const small = (await roundTrip(makeCnn(), 'cnn-small')).copy;
  const r = quantizeWeightsInt8(small, { minElements: 1024 });
  assert.is(r.changed.length, 0);
  assert.match(r.notes.join(' '), /\d+ weight tensor\(s\) under 1024 elements/);
  // the default threshold (128): the 4×1×3×3 conv kernel (36) stays float, the 3×64 Gemm weight is quantized
  const byDefault = quantizeWeightsInt8((await roundTrip(makeCnn(), 'cnn-default')).copy);
  assert.match(byDefault.notes.join(' '), /1 weight tensor\(s\) under 128 elements/);
  assert.equal(byDefault.changed.map((c) => c.name), ['gemm.weight']);

  const cnn = (await roundTrip(makeCnn(), 'cnn-ops')).copy;
  const r2 = quantizeWeightsInt8(cnn, { opTypes: ['Gemm'], minElements: 0 });
  assert.equal(r2.changed.map((c) => c.name), ['gemm.weight']);

  const model = makeCnn();
  model.graph!.node!.find((n) => n.op_type === 'Conv')!.name = 'the_conv';
  const r3 = quantizeWeightsInt8(model, { excludeNodes: ['the_conv'], minElements: 0 });
  assert.equal(r3.skipped, [{ name: 'conv.weight', reason: 'feeds node "the_conv", excluded by --exclude-nodes' }]);
});

test('a MatMul whose weight is computed at run time is listed as skipped', () => {
  const model: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'attn',
      node: [{ op_type: 'MatMul', name: 'qk', input: ['q', 'k'], output: ['y'] }],
      input: ['q', 'k'].map((name) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }, { dim_value: 2 }] } } } })),
      output: [{ name: 'y', type: { tensor_type: { elem_type: 1 } } }],
    },
  };
  const r = quantizeWeightsInt8(model, { minElements: 0 });
  assert.equal(r.skipped, [{ name: 'qk', reason: 'MatMul weight input "k" is computed at run time, not a constant' }]);
});

test('weights in Constant nodes are quantized; opset 9 (no DequantizeLinear) uses Cast and Mul', async () => {
  const model = makeCnn();
  model.opset_import = [{ domain: '', version: 9 }];
  // move conv.weight into a Constant node, as paddle2onnx and old exporters do
  const w = model.graph!.initializer!.find((t) => t.name === 'conv.weight')!;
  model.graph!.initializer = model.graph!.initializer!.filter((t) => t !== w);
  model.graph!.node!.unshift({ op_type: 'Constant', output: ['conv.weight'], attribute: [{ name: 'value', type: 4, t: w }] });
  // Flatten/Gemm/BatchNormalization/MaxPool/Conv all exist at opset 9
  const original = await save(model, join(tmp.dir, 'cnn9.onnx'));
  const copy = (await readOnnx(original)).proto;
  const r = quantizeWeightsInt8(copy, { perChannel: true, minElements: 0 });
  assert.ok(r.changed.some((c) => c.name === 'conv.weight'));
  const ops = opTypes(copy);
  assert.not.ok(ops.includes('DequantizeLinear'));
  assert.ok(ops.includes('Cast') && ops.includes('Mul'));
  assert.not.ok(copy.graph!.node!.some((n) => n.op_type === 'Constant' && n.output?.[0] === 'conv.weight'));
  assert.match(r.notes.join(' '), /opset 9 has no DequantizeLinear/);
  const out = await save(copy, join(tmp.dir, 'cnn9.int8.onnx'));
  assert.ok(minCosine(await compare(original, out)) >= 0.99);
});

test('weights read from inside an If subgraph are quantized in the graph that holds them', async () => {
  const w = makeTensor('w', 'float32', [8, 8], Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)));
  const branch = (name: string, op: string) => ({
    name,
    node: [{ op_type: op, input: op === 'MatMul' ? ['x', 'w'] : ['x'], output: [`${name}_y`] }],
    output: [{ name: `${name}_y`, type: { tensor_type: { elem_type: 1 } } }],
  });
  const model: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'if',
      initializer: [w],
      node: [
        { op_type: 'If', input: ['cond'], output: ['y'], attribute: [
          { name: 'then_branch', type: 5, g: branch('then', 'MatMul') },
          { name: 'else_branch', type: 5, g: branch('else', 'Relu') },
        ] },
      ],
      input: [
        { name: 'cond', type: { tensor_type: { elem_type: OnnxDataType.BOOL, shape: { dim: [] } } } },
        { name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }, { dim_value: 8 }] } } } },
      ],
      output: [{ name: 'y', type: { tensor_type: { elem_type: 1 } } }],
    },
  };
  const original = await save(model, join(tmp.dir, 'if.onnx'));
  const copy = (await readOnnx(original)).proto;
  const r = quantizeWeightsInt8(copy, { minElements: 0 });
  assert.equal(r.changed.map((c) => c.name), ['w']);
  assert.is(copy.graph!.node![0].op_type, 'DequantizeLinear');
  const out = await save(copy, join(tmp.dir, 'if.int8.onnx'));
  const { openOnnxSession } = await import('../../../src/runtimes/onnxruntime-session.js');
  const a = await openOnnxSession(original);
  const b = await openOnnxSession(out);
  const feeds = { cond: { dtype: 'bool' as const, shape: [], data: Uint8Array.of(1) }, x: { dtype: 'float32' as const, shape: [2, 8], data: Float32Array.from({ length: 16 }, (_, i) => i / 8) } };
  const ya = (await a.run(feeds)).y.data as Float32Array;
  const yb = (await b.run(feeds)).y.data as Float32Array;
  await a.dispose();
  await b.dispose();
  const maxRef = Math.max(...ya.map(Math.abs));
  for (let i = 0; i < ya.length; i++) assert.ok(Math.abs(ya[i] - yb[i]) <= 0.02 * maxRef, `${ya[i]} vs ${yb[i]}`);
});

test('Gather on an embedding initializer: int8 table, looked-up rows within half a step', async () => {
  const table = Float32Array.from({ length: 64 * 32 }, (_, i) => Math.cos(i * 0.11) * 0.8);
  const model: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: 'embed',
      initializer: [makeTensor('embedding', 'float32', [64, 32], table)],
      node: [{ op_type: 'Gather', name: 'lookup', input: ['embedding', 'ids'], output: ['y'] }],
      input: [{ name: 'ids', type: { tensor_type: { elem_type: OnnxDataType.INT64, shape: { dim: [{ dim_value: 3 }] } } } }],
      output: [{ name: 'y', type: { tensor_type: { elem_type: OnnxDataType.FLOAT } } }],
    },
  };
  const r = quantizeWeightsInt8(model, { perChannel: true });
  assert.match(r.changed[0].what, /int8 per-tensor ← float32 \[64,32\] \(Gather\)/);
  const out = await save(model, join(tmp.dir, 'embed.int8.onnx'));
  const { openOnnxSession } = await import('../../../src/runtimes/onnxruntime-session.js');
  const s = await openOnnxSession(out);
  const y = (await s.run({ ids: { dtype: 'int64', shape: [3], data: BigInt64Array.of(0n, 5n, 63n) } })).y.data as Float32Array;
  await s.dispose();
  const step = 0.8 / 127;
  [0, 5, 63].forEach((row, k) => {
    for (let j = 0; j < 32; j++) assert.ok(Math.abs(y[k * 32 + j] - table[row * 32 + j]) <= step / 2 + 1e-6);
  });
});

test.run();
