import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { makeCnn, makeMlp, makeWideMlp } from '../../../fixtures/make-onnx.js';
import { OnnxDataType as T, makeTensor, readOnnx, tensorToTypedArray, type ModelProto } from '../../../src/formats/onnx/index.js';
import { convertToFloat16 } from '../../../src/transforms/onnx/convert-fp16.js';
import { fromFloat16 } from '../../../src/core/tensor/to-float16.js';
import { compare, inputOutputTypes, minCosine, opTypes, save, tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir();
test.after(() => tmp.cleanup());

async function convert(model: ModelProto, name: string, options = {}) {
  const original = await save(model, join(tmp.dir, `${name}.onnx`));
  const copy = (await readOnnx(original)).proto;
  const result = convertToFloat16(copy, options);
  const out = await save(copy, join(tmp.dir, `${name}.fp16.onnx`));
  return { original, copy, result, out };
}

test('fixtures: float16 weights, float32 inputs/outputs by default, cosine ≥ 0.999', async () => {
  for (const [name, model] of [['mlp', makeMlp()], ['cnn', makeCnn()]] as const) {
    const { original, copy, out, result } = await convert(model, name);
    assert.ok(copy.graph!.initializer!.every((t) => t.data_type !== T.FLOAT), `${name}: no float32 initializer left`);
    assert.equal(await inputOutputTypes(out), await inputOutputTypes(original));
    assert.ok(minCosine(await compare(original, out)) >= 0.999, name);
    assert.is(result.castsInserted, 2, `${name}: one Cast in, one Cast out`);
  }
});

test('wide MLP: file ≤ 0.52× fp32', async () => {
  const { original, out } = await convert(makeWideMlp({ layers: 2, width: 256, batch: 'batch' }), 'wide');
  const ratio = statSync(out).size / statSync(original).size;
  assert.ok(ratio <= 0.52, `ratio ${ratio}`);
  assert.ok(minCosine(await compare(original, out, ['input=2,256'])) >= 0.999);
});

test('--no-keep-io-types: graph inputs and outputs become float16, no Casts', async () => {
  const { original, out, result } = await convert(makeMlp(), 'mlp-io16', { keepIoTypes: false });
  assert.equal((await inputOutputTypes(out)).inputs, ['float16']);
  assert.equal((await inputOutputTypes(out)).outputs, ['float16']);
  assert.is(result.castsInserted, 0);
  assert.ok(minCosine(await compare(original, out)) >= 0.999);
});

test('blocked ops keep float32 with Casts around them, and are listed', async () => {
  const { original, copy, out, result } = await convert(makeMlp(), 'mlp-block', { blockOps: ['Softmax'] });
  const softmax = copy.graph!.node!.find((n) => n.op_type === 'Softmax')!;
  assert.equal(result.skipped.map((s) => s.reason), ['op Softmax is on the float16 block list; computes in float32']);
  const producer = copy.graph!.node!.find((n) => n.output?.includes(softmax.input![0]))!;
  assert.is(producer.op_type, 'Cast');
  assert.ok(producer.attribute!.some((a) => a.name === 'to' && Number(a.i) === T.FLOAT));
  // the Softmax output is float32 already: no Cast back before the graph output
  assert.is(softmax.output![0], 'probabilities');
  assert.ok(minCosine(await compare(original, out)) >= 0.999);
});

test('out-of-range weights are never clamped: they and the nodes reading them stay float32, named; Constant, ConstantOfShape and Cast follow', async () => {
  const big = makeTensor('big', 'float32', [4], Float32Array.of(1e5, -2e5, 1, 1e-9));
  const model: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'consts',
      initializer: [big],
      node: [
        { op_type: 'Shape', input: ['x'], output: ['shape'] },
        { op_type: 'ConstantOfShape', input: ['shape'], output: ['ones'], attribute: [{ name: 'value', type: 4, t: makeTensor('', 'float32', [1], Float32Array.of(0.5)) }] },
        { op_type: 'Constant', output: ['c'], attribute: [{ name: 'value_float', type: 1, f: 2 }] },
        { op_type: 'Cast', input: ['n'], output: ['nf'], attribute: [{ name: 'to', type: 2, i: T.FLOAT }] },
        { op_type: 'Mul', input: ['x', 'c'], output: ['xc'] },
        { op_type: 'Add', input: ['xc', 'ones'], output: ['xo'] },
        { op_type: 'Add', input: ['xo', 'nf'], output: ['xn'] },
        { op_type: 'Div', input: ['xn', 'big'], output: ['y'] },
      ],
      input: [
        { name: 'x', type: { tensor_type: { elem_type: T.FLOAT, shape: { dim: [{ dim_value: 4 }] } } } },
        { name: 'n', type: { tensor_type: { elem_type: T.INT32, shape: { dim: [{ dim_value: 4 }] } } } },
      ],
      output: [{ name: 'y', type: { tensor_type: { elem_type: T.FLOAT, shape: { dim: [{ dim_value: 4 }] } } } }],
    },
  };
  const { original, copy, out, result } = await convert(model, 'consts');
  assert.is(result.clamped, 0);
  assert.is(result.raisedToMinSubnormal, 0);
  const kept = result.skipped.find((s) => s.name === 'Div(y)');
  assert.ok(kept, JSON.stringify(result.skipped));
  assert.match(kept!.reason, /kept float32: reads "big", 2 value\(s\) beyond float16's ±65504 \(max \|x\| 2\.00e\+5\)/);
  const b = copy.graph!.initializer!.find((t) => t.name === 'big')!;
  assert.is(b.data_type, T.FLOAT);
  assert.equal(Array.from(tensorToTypedArray(b) as Float32Array).slice(0, 3), [1e5, -2e5, 1]);
  const cast = copy.graph!.node!.find((n) => n.op_type === 'Cast' && n.input![0] === 'n')!;
  assert.is(Number(cast.attribute![0].i), T.FLOAT16);
  const cos = copy.graph!.node!.find((n) => n.op_type === 'ConstantOfShape')!;
  assert.is(cos.attribute![0].t!.data_type, T.FLOAT16);
  const { openOnnxSession } = await import('../../../src/runtimes/onnxruntime-session.js');
  const feeds = { x: { dtype: 'float32' as const, shape: [4], data: Float32Array.of(1, 2, 3, 4) }, n: { dtype: 'int32' as const, shape: [4], data: Int32Array.of(1, 2, 3, 4) } };
  const [a, c] = [await openOnnxSession(original), await openOnnxSession(out)];
  const ya = (await a.run(feeds)).y.data as Float32Array;
  const yc = (await c.run(feeds)).y.data as Float32Array;
  await a.dispose();
  await c.dispose();
  // the Div runs in float32 with the exact divisors: every element matches (index 0 was 3.5/65504 when clamped)
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(ya[i] - yc[i]) <= 1e-3 * Math.abs(ya[i]), `${i}: ${ya[i]} ${yc[i]}`);
  assert.ok(Math.abs(yc[0] - (2 + 0.5 + 1) / 1e5) < 1e-8);
});

test('If subgraphs: float outer values, branch outputs and the If output convert consistently', async () => {
  const w = makeTensor('w', 'float32', [4], Float32Array.of(1, 2, 3, 4));
  const branch = (name: string, op: string) => ({
    name,
    node: [{ op_type: op, input: ['x', 'w'], output: [`${name}_y`] }],
    output: [{ name: `${name}_y`, type: { tensor_type: { elem_type: T.FLOAT } } }],
  });
  const model: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'if',
      initializer: [w],
      node: [{ op_type: 'If', input: ['cond'], output: ['z'], attribute: [
        { name: 'then_branch', type: 5, g: branch('then', 'Mul') },
        { name: 'else_branch', type: 5, g: branch('else', 'Add') },
      ] }, { op_type: 'Relu', input: ['z'], output: ['y'] }],
      input: [
        { name: 'cond', type: { tensor_type: { elem_type: T.BOOL, shape: { dim: [] } } } },
        { name: 'x', type: { tensor_type: { elem_type: T.FLOAT, shape: { dim: [{ dim_value: 4 }] } } } },
      ],
      output: [{ name: 'y', type: { tensor_type: { elem_type: T.FLOAT } } }],
    },
  };
  const { original, copy, out } = await convert(model, 'if');
  const ifNode = copy.graph!.node!.find((n) => n.op_type === 'If')!;
  for (const a of ifNode.attribute!) assert.is(a.g!.output![0].type!.tensor_type!.elem_type, T.FLOAT16);
  assert.ok(opTypes(copy).filter((o) => o === 'Cast').length === 2);
  const { openOnnxSession } = await import('../../../src/runtimes/onnxruntime-session.js');
  for (const c of [0, 1]) {
    const feeds = { cond: { dtype: 'bool' as const, shape: [], data: Uint8Array.of(c) }, x: { dtype: 'float32' as const, shape: [4], data: Float32Array.of(0.5, -1, 2, 3) } };
    const [a, b] = [await openOnnxSession(original), await openOnnxSession(out)];
    assert.equal(Array.from((await b.run(feeds)).y.data as Float32Array), Array.from((await a.run(feeds)).y.data as Float32Array));
    await a.dispose();
    await b.dispose();
  }
});

test.run();
