/**
 * The committed ONNX fixtures: rebuilt from code they match the committed bytes, and each one runs
 * in onnxruntime-node with outputs equal (within 1e-5) to a forward pass computed here in plain JS
 * from the generator's weights.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CNN_SHAPE, makeCnn, makeMlp, makeOnnxFixtures, makeWideMlp, MLP_SHAPE } from '../../../fixtures/make-onnx.js';
import { encodeOnnx, readOnnx, tensorToTypedArray, type ModelProto } from '../../../src/formats/onnx/index.js';
import { ROOT } from '../../helpers/cli.js';
import {
  addBias,
  batchNorm,
  conv2d,
  gemmTransB,
  matmul,
  maxAbsDiff,
  maxPool,
  relu,
  runOrt,
  seededInput,
  softmax,
} from '../../helpers/onnx-test-helpers.js';

const MODELS = join(ROOT, 'fixtures', 'models');

function weights(model: ModelProto): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const t of model.graph!.initializer ?? []) out[t.name!] = tensorToTypedArray(t) as Float32Array;
  for (const n of model.graph!.node ?? []) {
    if (n.op_type === 'Constant') out[n.output![0]] = tensorToTypedArray(n.attribute![0].t!) as Float32Array;
  }
  return out;
}

function mlpReference(model: ModelProto, x: Float32Array, batch: number): Float64Array {
  const { inputs, hidden, classes } = MLP_SHAPE;
  const w = weights(model);
  const h = relu(addBias(matmul(x, w['fc1.weight'], batch, inputs, hidden), w['fc1.bias']));
  return softmax(addBias(matmul(h, w['fc2.weight'], batch, hidden, classes), w['fc2.bias']), classes);
}

test('fixtures rebuilt from code are byte-identical to the committed ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-fixtures-'));
  try {
    const files = await makeOnnxFixtures(dir);
    assert.is(files.length, 4);
    for (const f of files) {
      const committed = join(MODELS, relative(dir, f));
      assert.ok(readFileSync(f).equals(readFileSync(committed)), `${relative(dir, f)} differs from the committed fixture`);
    }
    const total = files.reduce((a, f) => a + statSync(f).size, 0);
    assert.ok(total < 300_000, `ONNX fixtures take ${total} bytes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const batch of [1, 5]) {
  test(`mlp.onnx in onnxruntime-node matches the JS forward pass (batch ${batch}, dynamic dim)`, async () => {
    const x = seededInput(10 + batch, batch * MLP_SHAPE.inputs, 2);
    const out = await runOrt(join(MODELS, 'mlp.onnx'), { input: { type: 'float32', dims: [batch, MLP_SHAPE.inputs], data: x } });
    const got = out.probabilities as Float32Array;
    const want = mlpReference(makeMlp(), x, batch);
    assert.is(got.length, batch * MLP_SHAPE.classes);
    assert.ok(maxAbsDiff(got, want) < 1e-5, `max diff ${maxAbsDiff(got, want)}`);
    for (let r = 0; r < batch; r++) {
      const rowSum = got.slice(r * 4, r * 4 + 4).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(rowSum - 1) < 1e-5);
    }
  });
}

test('cnn.onnx in onnxruntime-node matches the JS forward pass (conv, bn, relu, maxpool, flatten, gemm)', async () => {
  const x = seededInput(21, 64, 1);
  const out = await runOrt(join(MODELS, 'cnn.onnx'), { image: { type: 'float32', dims: CNN_SHAPE.input, data: x } });
  const w = weights(makeCnn());
  const c = CNN_SHAPE.channels;
  const conv = conv2d(x, [1, 8, 8], w['conv.weight'], w['conv.bias'], [c, 3, 3], 1);
  const bn = batchNorm(conv.data, conv.shape, w['bn.scale'], w['bn.bias'], w['bn.mean'], w['bn.var'], 1e-5);
  const pool = maxPool(relu(bn), conv.shape, 2);
  const logits = gemmTransB(pool.data, w['gemm.weight'], w['gemm.bias'], 1, c * 16, CNN_SHAPE.classes);
  const got = out.logits as Float32Array;
  assert.is(got.length, CNN_SHAPE.classes);
  assert.ok(maxAbsDiff(got, logits) < 1e-5, `max diff ${maxAbsDiff(got, logits)}`);
  // the outputs are not trivially zero
  assert.ok(Math.max(...Array.from(got, Math.abs)) > 0.01);
});

test('mlp-external/model.onnx: data in model.onnx.data, runs in onnxruntime-node and matches the JS forward pass', async () => {
  const path = join(MODELS, 'mlp-external', 'model.onnx');
  const lazy = await readOnnx(path, { loadExternalData: false });
  assert.is(lazy.external.length, 4);
  assert.equal(lazy.externalFiles.map((f) => f.location), ['model.onnx.data']);
  assert.ok(lazy.proto.graph!.initializer!.every((t) => t.data_location === 1 && t.raw_data === undefined));
  const x = seededInput(31, 3 * MLP_SHAPE.inputs, 2);
  const out = await runOrt(path, { input: { type: 'float32', dims: [3, MLP_SHAPE.inputs], data: x } });
  const want = mlpReference(makeMlp(4), x, 3);
  assert.ok(maxAbsDiff(out.probabilities as Float32Array, want) < 1e-5);
});

test('makeWideMlp builds a MatMul-heavy model that runs', async () => {
  const model = makeWideMlp({ layers: 3, width: 64, batch: 2 });
  assert.is(model.graph!.node!.filter((n) => n.op_type === 'MatMul').length, 3);
  assert.equal(model.graph!.initializer![0].dims, [64, 64]);
  const x = seededInput(41, 2 * 64);
  const out = await runOrt(await encodeOnnx(model), { input: { type: 'float32', dims: [2, 64], data: x } });
  const got = out.probabilities as Float32Array;
  const w = weights(model);
  let h: Float64Array = Float64Array.from(x);
  for (let l = 0; l < 3; l++) {
    h = addBias(matmul(h, w[`layer${l}.weight`], 2, 64, 64), w[`layer${l}.bias`]);
    if (l < 2) h = relu(h);
  }
  assert.ok(maxAbsDiff(got, softmax(h, 64)) < 1e-5);
  const big = makeWideMlp();
  assert.is(big.graph!.initializer!.filter((t) => t.name!.endsWith('.weight')).length, 4);
  assert.equal(big.graph!.input![0].type!.tensor_type!.shape!.dim, [{ dim_value: 8 }, { dim_value: 1024 }]);
});

test.run();
