/**
 * dlpack convert --to tfjs on Keras files built in this test with h5wasm/yazl: a Keras 2 HDF5
 * Sequential model, a Keras 3 `.keras` Functional model (Add, Concatenate) and a Keras 3 legacy
 * HDF5 Sequential model (batch_shape, dtype policies). Each converts, loads in stock
 * @tensorflow/tfjs and matches a forward pass computed here in plain JS within 1e-4.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertModel } from '../../../src/transforms/convert-model.js';
import { runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tfjs-test-helpers.js';
import * as K from '../../helpers/keras-test-helpers.js';
import { plainLoad, plainRun } from '../../helpers/tfjs-plain-load.js';

const tmp = tempDir('dlpack-keras-');
test.after(() => tmp.cleanup());
const check = { backend: 'wasm', runs: 0 };
const glorot = { class_name: 'GlorotUniform', config: { seed: null } };

// ---------------------------------------------------------------- Keras 2 HDF5, Sequential
const A = {
  conv: { k: K.tensor([3, 3, 2, 3], 1), b: K.tensor([3], 2) },
  bn: { g: K.tensor([3], 3, 1.5), b: K.tensor([3], 4), m: K.tensor([3], 5), v: { shape: [3], data: K.seeded(3, 6).map((x) => x + 1) } },
  dw: { k: K.tensor([3, 3, 3, 2], 7), b: K.tensor([6], 8) },
  dense: { k: K.tensor([54, 4], 9), b: K.tensor([4], 10) },
};
const k2 = (class_name: string, config: object) => ({ class_name, config });
const configA = k2('Sequential', {
  name: 'sequential',
  layers: [
    k2('InputLayer', { batch_input_shape: [null, 8, 8, 2], dtype: 'float32', sparse: false, ragged: false, name: 'conv2d_input' }),
    k2('Conv2D', { name: 'conv2d', trainable: true, dtype: 'float32', batch_input_shape: [null, 8, 8, 2], filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true, kernel_initializer: glorot, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null }),
    k2('BatchNormalization', { name: 'batch_normalization', trainable: true, dtype: 'float32', axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true }),
    k2('DepthwiseConv2D', { name: 'depthwise_conv2d', trainable: true, dtype: 'float32', kernel_size: [3, 3], strides: [1, 1], padding: 'valid', depth_multiplier: 2, activation: 'linear', use_bias: true }),
    k2('MaxPooling2D', { name: 'max_pooling2d', trainable: true, dtype: 'float32', pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' }),
    k2('Dropout', { name: 'dropout', trainable: true, dtype: 'float32', rate: 0.5, noise_shape: null, seed: null }),
    k2('Flatten', { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' }),
    k2('Dense', { name: 'dense', trainable: true, dtype: 'float32', units: 4, activation: 'softmax', use_bias: true, kernel_initializer: glorot }),
  ],
});
const weightsA: Record<string, K.LayerWeights> = {
  conv2d: { names: ['conv2d/kernel:0', 'conv2d/bias:0'], values: [A.conv.k, A.conv.b] },
  // Stored in a different order than Keras writes it: matching goes by name.
  batch_normalization: { names: ['batch_normalization/beta:0', 'batch_normalization/gamma:0', 'batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0'], values: [A.bn.b, A.bn.g, A.bn.m, A.bn.v] },
  depthwise_conv2d: { names: ['depthwise_conv2d/depthwise_kernel:0', 'depthwise_conv2d/bias:0'], values: [A.dw.k, A.dw.b] },
  dense: { names: ['dense/kernel:0', 'dense/bias:0'], values: [A.dense.k, A.dense.b] },
};
function forwardA(x: K.T4): Float32Array {
  let y = K.reluT(K.conv(x, A.conv.k, A.conv.b.data, 'same'));
  y = K.batchNorm(y, A.bn.g.data, A.bn.b.data, A.bn.m.data, A.bn.v.data, 0.001);
  y = K.pool(K.conv(y, A.dw.k, A.dw.b.data, 'valid', true), 'max');
  return K.softmax(K.denseRows(y.d, x.s[0], A.dense.k, A.dense.b.data), 4);
}

// ---------------------------------------------------------------- Keras 3 .keras, Functional
const B = {
  a: { k: K.tensor([1, 1, 3, 4], 11), b: K.tensor([4], 12) },
  b: { k: K.tensor([3, 3, 3, 4], 13), b: K.tensor([4], 14) },
  bn: { g: K.tensor([8], 15, 1.5), b: K.tensor([8], 16), m: K.tensor([8], 17), v: { shape: [8], data: K.seeded(8, 18).map((x) => x + 1) } },
  dense: { k: K.tensor([72, 5], 19), b: K.tensor([5], 20) },
};
const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const kt = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [layer, 0, 0] } });
const k3 = (class_name: string, name: string, config: object, inputs: unknown) => ({
  module: 'keras.layers', class_name, config: { name, trainable: true, dtype: policy, ...config }, registered_name: null, build_config: { input_shape: [null] }, name,
  inbound_nodes: inputs === null ? [] : [{ args: [inputs], kwargs: {} }],
});
const configB = {
  module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
  config: {
    name: 'functional', trainable: true,
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 6, 6, 3], dtype: 'float32', sparse: false, name: 'pixels' }, registered_name: null, name: 'pixels', inbound_nodes: [] },
      k3('Conv2D', 'branch_a', { filters: 4, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null } }, kt('pixels')),
      k3('Conv2D', 'branch_b', { filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: true }, kt('pixels')),
      k3('Add', 'sum', {}, [kt('branch_a'), kt('branch_b')]),
      k3('Concatenate', 'cat', { axis: -1 }, [kt('sum'), kt('branch_a')]),
      k3('AveragePooling2D', 'pool', { pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' }, kt('cat')),
      k3('BatchNormalization', 'norm', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, synchronized: false }, kt('pool')),
      k3('Activation', 'act', { activation: 'relu' }, kt('norm')),
      k3('Flatten', 'flat', { data_format: 'channels_last' }, kt('act')),
      k3('Dense', 'head', { units: 5, activation: 'softmax', use_bias: true, lora_rank: null }, kt('flat')),
    ],
    input_layers: [['pixels', 0, 0]],
    output_layers: [['head', 0, 0]],
  },
};
// The .keras weights are keyed by class name in layer order, not by layer name.
const varsB = { conv2d: [B.a.k, B.a.b], conv2d_1: [B.b.k, B.b.b], batch_normalization: [B.bn.g, B.bn.b, B.bn.m, B.bn.v], dense: [B.dense.k, B.dense.b] };
function forwardB(x: K.T4): Float32Array {
  const a = K.reluT(K.conv(x, B.a.k, B.a.b.data, 'valid'));
  const b = K.conv(x, B.b.k, B.b.b.data, 'same');
  const sum = { d: a.d.map((v, i) => v + b.d[i]), s: a.s };
  let y = K.pool(K.concatChannels(sum, a), 'avg');
  y = K.reluT(K.batchNorm(y, B.bn.g.data, B.bn.b.data, B.bn.m.data, B.bn.v.data, 0.001));
  return K.softmax(K.denseRows(y.d, x.s[0], B.dense.k, B.dense.b.data), 5);
}

// ---------------------------------------------------------------- Keras 3 legacy HDF5, Sequential
const C = { conv: { k: K.tensor([2, 2, 1, 6], 21), b: K.tensor([6], 22) }, dense: { k: K.tensor([6, 3], 23), b: K.tensor([3], 24) } };
const s3 = (class_name: string, config: object) => ({ module: 'keras.layers', class_name, config: { trainable: true, dtype: policy, ...config }, registered_name: null });
const configC = {
  module: 'keras', class_name: 'Sequential', registered_name: null,
  config: {
    name: 'sequential', trainable: true, dtype: policy,
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 5, 5, 1], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null },
      s3('Conv2D', { name: 'conv2d', filters: 6, kernel_size: [2, 2], strides: [1, 1], padding: 'valid', activation: 'linear', use_bias: true }),
      s3('ReLU', { name: 're_lu', max_value: null, negative_slope: 0.0, threshold: 0.0 }),
      s3('GlobalAveragePooling2D', { name: 'gap', data_format: 'channels_last', keepdims: false }),
      s3('Dense', { name: 'dense', units: 3, activation: 'linear', use_bias: true }),
      s3('Softmax', { name: 'softmax', axis: -1 }),
    ],
  },
};
const weightsC: Record<string, K.LayerWeights> = {
  conv2d: { names: ['conv2d/kernel', 'conv2d/bias'], values: [C.conv.k, C.conv.b] },
  dense: { names: ['dense/kernel', 'dense/bias'], values: [C.dense.k, C.dense.b] },
};
function forwardC(x: K.T4): Float32Array {
  const y = K.reluT(K.conv(x, C.conv.k, C.conv.b.data, 'valid'));
  const [n, h, w, c] = y.s;
  const gap = new Float32Array(n * c);
  for (let i = 0; i < y.d.length; i++) gap[Math.floor(i / (h * w * c)) * c + (i % c)] += y.d[i] / (h * w);
  return K.softmax(K.denseRows(gap, n, C.dense.k, C.dense.b.data), 3);
}

const CASES = [
  { label: 'Keras 2 HDF5 Sequential (Conv2D, BatchNormalization, DepthwiseConv2D, MaxPooling2D, Dropout, Flatten, Dense softmax)', file: 'seq.h5', shape: [3, 8, 8, 2] as K.T4['s'], forward: forwardA, layers: 8,
    write: (p: string) => K.writeKerasH5(p, { modelConfig: configA, weights: weightsA, layerNames: ['conv2d', 'batch_normalization', 'depthwise_conv2d', 'max_pooling2d', 'dropout', 'flatten', 'dense'] }) },
  { label: 'Keras 3 .keras Functional (Conv2D ×2, Add, Concatenate, AveragePooling2D, BatchNormalization, Activation, Dense)', file: 'func.keras', shape: [2, 6, 6, 3] as K.T4['s'], forward: forwardB, layers: 10,
    write: (p: string) => K.writeKerasV3(p, configB, varsB) },
  { label: 'Keras 3 legacy HDF5 Sequential (batch_shape, dtype policies, ReLU, GlobalAveragePooling2D, Softmax)', file: 'seq3.h5', shape: [2, 5, 5, 1] as K.T4['s'], forward: forwardC, layers: 6,
    write: (p: string) => K.writeKerasH5(p, { modelConfig: configC, kerasVersion: '3.6.0', weights: weightsC, layerNames: ['conv2d', 're_lu', 'gap', 'dense', 'softmax'] }) },
];

for (const c of CASES) {
  test(`${c.label}: converts, stock tfjs loads it, matches a plain-JS forward pass within 1e-4`, async () => {
    const input = join(tmp.dir, c.file);
    await c.write(input);
    const out = join(tmp.dir, `${c.file}-tfjs`);
    const report = await convertModel({ input, output: out, to: 'tfjs', check });
    assert.is(report.mode, 'keras-to-tfjs');
    assert.is(report.changed.length, c.layers);
    assert.ok(report.notes!.some((n) => /loaded and ran in tfjs \(wasm\)/.test(n)), report.notes!.join(' | '));
    assert.ok(report.notes!.some((n) => /no runtime reads Keras files here/.test(n)));
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    assert.is(json.format, 'layers-model');
    assert.ok(json.modelTopology.model_config && json.modelTopology.keras_version);
    const x: K.T4 = { d: K.seeded(c.shape.reduce((a, b) => a * b, 1), 99, 1), s: c.shape };
    const [got] = await plainRun(await plainLoad(join(out, 'model.json')), x.d, [...c.shape]);
    const want = c.forward(x);
    const diff = K.maxAbs(got, want);
    assert.ok(diff < 1e-4, `max abs diff ${diff}`);
  });
}

// ---------------------------------------------------------------- Keras 2 HDF5, Functional, two outputs
const D = {
  sep: { dk: K.tensor([3, 3, 2, 2], 31), pk: K.tensor([1, 1, 4, 3], 32), b: K.tensor([3], 33) },
  dense: { k: K.tensor([72, 3], 34, 0.2), b: K.tensor([3], 35) },
};
const node = (...inputs: string[]) => [inputs.map((i) => [i, 0, 0, {}])];
const configD = {
  class_name: 'Functional',
  config: {
    name: 'model',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 6, 6, 2], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, name: 'input_1', inbound_nodes: [] },
      { class_name: 'SeparableConv2D', config: { name: 'sep', filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: 'same', depth_multiplier: 2, activation: 'relu', use_bias: true }, name: 'sep', inbound_nodes: node('input_1') },
      { class_name: 'GlobalAveragePooling2D', config: { name: 'gap', data_format: 'channels_last', keepdims: false }, name: 'gap', inbound_nodes: node('sep') },
      { class_name: 'Flatten', config: { name: 'flat' }, name: 'flat', inbound_nodes: node('input_1') },
      { class_name: 'Dense', config: { name: 'proj', units: 3, activation: 'tanh', use_bias: true }, name: 'proj', inbound_nodes: node('flat') },
      { class_name: 'Concatenate', config: { name: 'cat', axis: -1 }, name: 'cat', inbound_nodes: node('gap', 'proj') },
      { class_name: 'Reshape', config: { name: 'pairs', target_shape: [2, 3] }, name: 'pairs', inbound_nodes: node('cat') },
      { class_name: 'Softmax', config: { name: 'sm', axis: -1 }, name: 'sm', inbound_nodes: node('pairs') },
    ],
    input_layers: [['input_1', 0, 0]],
    output_layers: [['sm', 0, 0], ['gap', 0, 0]],
  },
};
const weightsD: Record<string, K.LayerWeights> = {
  sep: { names: ['sep/depthwise_kernel:0', 'sep/pointwise_kernel:0', 'sep/bias:0'], values: [D.sep.dk, D.sep.pk, D.sep.b] },
  proj: { names: ['proj/kernel:0', 'proj/bias:0'], values: [D.dense.k, D.dense.b] },
};

test('Keras 2 HDF5 Functional with two outputs (SeparableConv2D, GlobalAveragePooling2D, Dense tanh, Concatenate, Reshape, Softmax)', async () => {
  const input = join(tmp.dir, 'func2.h5');
  await K.writeKerasH5(input, { modelConfig: configD, weights: weightsD, layerNames: ['input_1', 'sep', 'gap', 'flat', 'proj', 'cat', 'pairs', 'sm'] });
  const out = join(tmp.dir, 'func2-tfjs');
  const report = await convertModel({ input, output: out, to: 'tfjs', check });
  assert.is(report.changed.length, 8);
  const n = 2;
  const x: K.T4 = { d: K.seeded(n * 72, 5, 1), s: [n, 6, 6, 2] };
  const [sm, gap] = await plainRun(await plainLoad(join(out, 'model.json')), x.d, [n, 6, 6, 2]);
  const sep = K.reluT(K.conv(K.conv(x, D.sep.dk, undefined, 'same', true), D.sep.pk, D.sep.b.data, 'valid'));
  const wantGap = new Float32Array(n * 3);
  for (let i = 0; i < sep.d.length; i++) wantGap[Math.floor(i / 108) * 3 + (i % 3)] += sep.d[i] / 36;
  const proj = K.denseRows(x.d, n, D.dense.k, D.dense.b.data).map(Math.tanh);
  const cat = new Float32Array(n * 6);
  for (let b = 0; b < n; b++) cat.set([...wantGap.subarray(b * 3, b * 3 + 3), ...proj.subarray(b * 3, b * 3 + 3)], b * 6);
  assert.ok(K.maxAbs(gap, wantGap) < 1e-4, `gap diff ${K.maxAbs(gap, wantGap)}`);
  assert.ok(K.maxAbs(sm, K.softmax(cat, 3)) < 1e-4, `softmax diff ${K.maxAbs(sm, K.softmax(cat, 3))}`);
});

test('Keras 2 HDF5 Sequential with int32 tokens (InputLayer int32, Embedding, LSTM, Dense softmax)', async () => {
  const E = { emb: K.tensor([10, 4], 41), k: K.tensor([4, 12], 42), u: K.tensor([3, 12], 43), b: K.tensor([12], 44), dk: K.tensor([3, 2], 45), db: K.tensor([2], 46) };
  const config = k2('Sequential', {
    name: 'seq',
    layers: [
      k2('InputLayer', { batch_input_shape: [null, 5], dtype: 'int32', sparse: false, ragged: false, name: 'tokens' }),
      k2('Embedding', { name: 'emb', input_dim: 10, output_dim: 4, embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } } }),
      k2('LSTM', { name: 'lstm', units: 3, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: true, return_sequences: false, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1, seed: null } } }),
      k2('Dense', { name: 'out', units: 2, activation: 'softmax' }),
    ],
  });
  const input = join(tmp.dir, 'lstm.h5');
  await K.writeKerasH5(input, {
    modelConfig: config,
    weights: {
      emb: { names: ['emb/embeddings:0'], values: [E.emb] },
      lstm: { names: ['lstm/lstm_cell/kernel:0', 'lstm/lstm_cell/recurrent_kernel:0', 'lstm/lstm_cell/bias:0'], values: [E.k, E.u, E.b] },
      out: { names: ['out/kernel:0', 'out/bias:0'], values: [E.dk, E.db] },
    },
    layerNames: ['tokens', 'emb', 'lstm', 'out'],
  });
  const out = join(tmp.dir, 'lstm-tfjs');
  await convertModel({ input, output: out, to: 'tfjs', check });
  const tokens = [[1, 4, 9, 0, 3], [7, 7, 2, 5, 8]];
  const [got] = await plainRun(await plainLoad(join(out, 'model.json')), Float32Array.from(tokens.flat()), [2, 5]);
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const hs = tokens.map((seq) => {
    let h = [0, 0, 0];
    let c = [0, 0, 0];
    for (const t of seq) {
      const x = E.emb.data.subarray(t * 4, t * 4 + 4);
      const z = Array.from({ length: 12 }, (_, j) => E.b.data[j] + [0, 1, 2, 3].reduce((a, i) => a + x[i] * E.k.data[i * 12 + j], 0) + [0, 1, 2].reduce((a, i) => a + h[i] * E.u.data[i * 12 + j], 0));
      c = c.map((cv, u) => sig(z[3 + u]) * cv + sig(z[u]) * Math.tanh(z[6 + u]));
      h = c.map((cv, u) => sig(z[9 + u]) * Math.tanh(cv));
    }
    return h;
  });
  const want = K.softmax(K.denseRows(Float32Array.from(hs.flat()), 2, E.dk, E.db.data), 2);
  assert.ok(K.maxAbs(got, want) < 1e-4, `diff ${K.maxAbs(got, want)}`);
});

test('CLI: dlpack convert model.keras --to tfjs --json names the TF.js backend and says no Keras runtime exists', async () => {
  const input = join(tmp.dir, 'cli.keras');
  await K.writeKerasV3(input, configB, varsB);
  const out = join(tmp.dir, 'cli-out');
  const r = await runInProcess(['convert', input, '--to', 'tfjs', '-o', out, '--json']);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.kind, 'convert');
  assert.ok(report.notes.some((n: string) => /loaded and ran in tfjs \((wasm|node)\)/.test(n)));
  assert.ok(report.weightBytesByDtype.after.float32 === (12 + 4 + 108 + 4 + 32 + 72 * 5 + 5) * 4);
});

test.run();
