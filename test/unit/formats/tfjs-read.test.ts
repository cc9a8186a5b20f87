import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeFloat16,
  dequantizeWeight,
  describeTfjsFile,
  encodeFloat16,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  readTfjs,
  writeTfjs,
} from '../../../src/formats/tfjs/index.js';
import { describeLayersTopology } from '../../../src/formats/tfjs/layers-topology.js';
import { GRAPH_FIXTURE, LAYERS_FIXTURE, copyFolder, plainWeights, tempDir } from '../../helpers/tfjs-test-helpers.js';

const editJson = (file: string, edit: (j: any) => void) => {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  edit(j);
  writeFileSync(file, JSON.stringify(j));
};

test('graph fixture: format, groups, shards and every weight byte as stored', async () => {
  const m = await readTfjs(GRAPH_FIXTURE);
  assert.is(m.format, 'graph-model');
  assert.is(m.json.weightsManifest, undefined, 'json carries no manifest');
  assert.ok(Array.isArray(m.json.modelTopology.node));
  assert.equal(m.groups.map((g) => g.paths), [
    ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
    ['group2-shard1of3.bin', 'group2-shard2of3.bin', 'group2-shard3of3.bin'],
  ]);
  assert.equal(m.groups.map((g) => g.shardBytes), [[64, 24], [64, 64, 16]]);
  assert.equal(m.groups.map((g) => g.weightIndices), [[0, 1, 2], [3, 4]]);
  assert.equal(m.weights.map((w) => w.name), ['conv/filter', 'conv/bias', 'flat/shape', 'dense/kernel', 'dense/bias']);
  assert.equal(m.weights.map((w) => w.manifestGroup), [0, 0, 0, 1, 1]);
  const plain = plainWeights(GRAPH_FIXTURE);
  for (const w of m.weights) {
    const values = dequantizeWeight(w) as Float32Array | Int32Array;
    assert.equal(Array.from(values), Array.from(plain.get(w.name)!), w.name);
  }
  assert.equal(Array.from(dequantizeWeight(m.weights[2]) as Int32Array), [-1, 8]);
  assert.instance(dequantizeWeight(m.weights[2]), Int32Array);
});

test('layers fixture: read as layers-model with its Keras topology', async () => {
  const m = await readTfjs(LAYERS_FIXTURE);
  assert.is(m.format, 'layers-model');
  assert.is((m.json.modelTopology as any).class_name, 'Sequential');
  assert.equal(m.weights.map((w) => [w.name, w.shape]), [
    ['conv/kernel', [3, 3, 1, 2]],
    ['conv/bias', [2]],
    ['hidden/kernel', [32, 8]],
    ['hidden/bias', [8]],
    ['probs/kernel', [8, 3]],
    ['probs/bias', [3]],
  ]);
});

test('any model JSON name, and the format is detected from modelTopology when `format` is absent', async () => {
  const t = tempDir();
  try {
    copyFolder(join(GRAPH_FIXTURE, '..'), join(t.dir, 'g'));
    copyFolder(join(LAYERS_FIXTURE, '..'), join(t.dir, 'l'));
    const g = join(t.dir, 'g', 'classifier.json');
    const l = join(t.dir, 'l', 'model.json');
    editJson(g, (j) => delete j.format);
    editJson(l, (j) => delete j.format);
    const weird = join(t.dir, 'l', 'my model (v2).json');
    writeFileSync(weird, readFileSync(l));
    assert.is((await readTfjs(g)).format, 'graph-model');
    assert.is((await readTfjs(weird)).format, 'layers-model');
    assert.is((await describeTfjsFile(weird)).format, 'tfjs-layers');
  } finally {
    t.cleanup();
  }
});

test('describe graph fixture: signature inputs/outputs, producer, ops, files, weights with their shard', async () => {
  const d = await describeTfjsFile(GRAPH_FIXTURE);
  assert.is(d.format, 'tfjs-graph');
  assert.equal(d.producer, { name: 'dlpack fixtures' });
  assert.is(d.formatVersion, 'GraphDef producer 1');
  assert.equal(d.inputs, [{ name: 'x', dtype: 'float32', shape: [null, 4, 4, 1] }]);
  assert.equal(d.outputs, [{ name: 'probs', dtype: 'float32', shape: [null, 4] }]);
  assert.equal(d.ops.filter((o) => o.type !== 'Const').map((o) => o.type), ['Placeholder', 'Conv2D', 'BiasAdd', 'Relu', 'Reshape', 'MatMul', 'AddV2', 'Softmax']);
  assert.equal(d.files.map((f) => [f.path, f.role]), [
    ['classifier.json', 'model'],
    ['group1-shard1of2.bin', 'weights'],
    ['group1-shard2of2.bin', 'weights'],
    ['group2-shard1of3.bin', 'weights'],
    ['group2-shard2of3.bin', 'weights'],
    ['group2-shard3of3.bin', 'weights'],
  ]);
  assert.is(d.files[0].bytes, readFileSync(GRAPH_FIXTURE).length);
  assert.equal(d.weights.map((w) => [w.name, w.dtype, w.bytes, w.file, w.storage]), [
    ['conv/filter', 'float32', 72, 'group1-shard1of2.bin', 'shard'],
    ['conv/bias', 'float32', 8, 'group1-shard2of2.bin', 'shard'],
    ['flat/shape', 'int32', 8, 'group1-shard2of2.bin', 'shard'],
    ['dense/kernel', 'float32', 128, 'group2-shard1of3.bin', 'shard'],
    ['dense/bias', 'float32', 16, 'group2-shard3of3.bin', 'shard'],
  ]);
  assert.is(d.weights[3].elements, 32);
});

test('describe graph without signature: Placeholder inputs, unconsumed nodes as outputs, function library ops in subgraphs', async () => {
  const t = tempDir();
  try {
    copyFolder(join(GRAPH_FIXTURE, '..'), t.dir);
    const f = join(t.dir, 'classifier.json');
    editJson(f, (j) => {
      delete j.signature;
      j.modelTopology.node.find((n: any) => n.name === 'probs').attr._output_shapes = { list: { shape: [{ dim: [{ size: '-1' }, { size: '4' }] }] } };
      j.modelTopology.library = {
        function: [{ signature: { name: 'body' }, nodeDef: [{ name: 'inner', op: 'Mul', input: ['a', 'b'] }, { name: 'inner2', op: 'Relu6', input: ['inner:z:0'] }] }],
      };
    });
    const d = await describeTfjsFile(f);
    assert.equal(d.inputs, [{ name: 'x', dtype: 'float32', shape: [null, 4, 4, 1] }]);
    assert.equal(d.outputs, [{ name: 'probs', dtype: 'float32', shape: [null, 4] }]);
    const sub = d.ops.filter((o) => o.inSubgraph);
    assert.equal(sub.map((o) => o.type), ['Mul', 'Relu6']);
    assert.is(d.ops.length, 15);
  } finally {
    t.cleanup();
  }
});

test('describe layers fixture: input layer batch shape, output layer, layer classes, tfjs-layers producer', async () => {
  const d = await describeTfjsFile(LAYERS_FIXTURE);
  assert.is(d.format, 'tfjs-layers');
  assert.equal(d.producer, { name: 'TensorFlow.js tfjs-layers', version: '4.22.0' });
  assert.is(d.formatVersion, 'tfjs-layers 4.22.0');
  assert.equal(d.inputs, [{ name: 'conv_input', dtype: 'float32', shape: [null, 6, 6, 1] }]);
  assert.equal(d.outputs, [{ name: 'probs', dtype: 'float32', shape: null }]);
  assert.equal(d.ops.map((o) => o.type), ['Conv2D', 'Flatten', 'Dense', 'Dense']);
});

test('layers topologies: converter form (model_config), functional input/output layers, Keras 3 batch_shape and dtype policy, nested models', () => {
  const info = describeLayersTopology({
    keras_version: '3.1.0',
    model_config: {
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [
          { class_name: 'InputLayer', name: 'img', config: { name: 'img', batch_shape: [null, 28, 28, 1], dtype: 'float32' } },
          { class_name: 'InputLayer', name: 'ids', config: { name: 'ids', batchInputShape: [null, 5], dtype: 'int32' } },
          {
            class_name: 'Sequential',
            name: 'tower',
            config: { name: 'tower', layers: [{ class_name: 'Dense', config: { name: 'd1' } }] },
          },
          { class_name: 'Dense', name: 'out', config: { name: 'out', dtype: { class_name: 'DTypePolicy', config: { name: 'float32' } } } },
        ],
        input_layers: [['img', 0, 0], ['ids', 0, 0]],
        output_layers: [['out', 0, 0]],
      },
    },
  });
  assert.equal(info.inputs, [
    { name: 'img', dtype: 'float32', shape: [null, 28, 28, 1] },
    { name: 'ids', dtype: 'int32', shape: [null, 5] },
  ]);
  assert.equal(info.outputs, [{ name: 'out', dtype: 'float32', shape: null }]);
  assert.equal(info.ops.map((o) => [o.type, !!o.inSubgraph]), [
    ['InputLayer', false],
    ['InputLayer', false],
    ['Sequential', false],
    ['Dense', true],
    ['Dense', false],
  ]);
});

test('string and bool weights: read by walking the string encoding, decoded, and round-tripped', async () => {
  const t = tempDir();
  try {
    const strings = ['hello', '', 'héllo wörld'];
    const parts: Buffer[] = [];
    for (const s of strings) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      parts.push(len, b);
    }
    const bools = Buffer.from([1, 0, 1, 1]);
    writeFileSync(join(t.dir, 'w.bin'), Buffer.concat([...parts, bools]));
    writeFileSync(
      join(t.dir, 'vocab.json'),
      JSON.stringify({
        format: 'graph-model',
        modelTopology: { node: [{ name: 'vocab', op: 'Const' }, { name: 'mask', op: 'Const' }] },
        weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'vocab', shape: [3], dtype: 'string' }, { name: 'mask', shape: [2, 2], dtype: 'bool' }] }],
      }),
    );
    const m = await readTfjs(join(t.dir, 'vocab.json'));
    const decoded = dequantizeWeight(m.weights[0]) as Uint8Array[];
    assert.equal(decoded.map((b) => Buffer.from(b).toString('utf8')), strings);
    assert.equal(Array.from(dequantizeWeight(m.weights[1]) as Uint8Array), [1, 0, 1, 1]);
    const out = await writeTfjs(m, join(t.dir, 'out'));
    const again = await readTfjs(out.modelFile);
    assert.equal(again.weights.map((w) => Buffer.from(w.data).toString('hex')), m.weights.map((w) => Buffer.from(w.data).toString('hex')));
    assert.is((await describeTfjsFile(out.modelFile)).weights[0].dtype, 'string');
  } finally {
    t.cleanup();
  }
});

test('float16 codec: exact values, rounding to nearest even, overflow, subnormals, NaN', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up to Infinity
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -26, 0x0000], // below half of it
    [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 subnormal units: ties to even
    [2 ** -14, 0x0400], // smallest normal
    [1 + 2 ** -11, 0x3c00], // halfway 1 and next: ties to even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // halfway: ties to even (up)
    [0.1, 0x2e66],
  ];
  for (const [v, bits] of cases) assert.is(float32ToFloat16Bits(v), bits, `encode ${v}`);
  assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
  for (const bits of [0x0001, 0x03ff, 0x0400, 0x3c00, 0x3555, 0x7bff, 0xbc01]) {
    assert.is(float32ToFloat16Bits(float16BitsToFloat32(bits)), bits, `decode/encode 0x${bits.toString(16)}`);
  }
  const xs = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 100);
  const back = decodeFloat16(encodeFloat16(xs));
  for (let i = 0; i < xs.length; i++) assert.ok(Math.abs(back[i] - xs[i]) <= Math.abs(xs[i]) * 2 ** -11 + 2 ** -25);
});

test.run();
