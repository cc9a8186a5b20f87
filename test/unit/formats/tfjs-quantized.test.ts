/**
 * A graph model whose manifest carries quantized weights (uint8, uint16, float16, and an int32
 * weight stored as uint8), quantized by hand in this test, the way tensorflowjs_converter writes
 * them: read, dequantized exactly as tfjs does, run in tfjs, and round-tripped byte for byte.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dequantizeWeight, describeTfjsFile, readTfjs, summarize, writeTfjs } from '../../../src/index.js';
import { openTfjsSession } from '../../../src/runtimes/tfjs-session.js';
import { GRAPH_FIXTURE, graphFixtureForward, maxAbsDiff, plainWeights, tempDir, testInput } from '../../helpers/tfjs-test-helpers.js';

const plain = plainWeights(GRAPH_FIXTURE);

function affine(values: Float32Array, levels: number) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) (min = Math.min(min, v)), (max = Math.max(max, v));
  const scale = (max - min) / levels;
  const q = Array.from(values, (v) => Math.min(levels, Math.max(0, Math.round((v - min) / scale))));
  return { min, scale, q };
}

/** float16 bits of a normal-range value (written independently of src/core/tensor/float16.ts). */
function halfBits(v: number): number {
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  let m = Math.round((a / 2 ** e - 1) * 1024);
  if (m === 1024) (m = 0), e++;
  assert.ok(e >= -14 && e <= 15, 'test values stay in float16 normal range');
  return sign | ((e + 15) << 10) | m;
}
const halfValue = (bits: number) => (bits & 0x8000 ? -1 : 1) * 2 ** (((bits >> 10) & 0x1f) - 15) * (1 + (bits & 0x3ff) / 1024);

const filter = affine(plain.get('conv/filter') as Float32Array, 255);
const bias = affine(plain.get('conv/bias') as Float32Array, 65535);
const kernelBits = Array.from(plain.get('dense/kernel') as Float32Array, halfBits);
const denseBias = plain.get('dense/bias') as Float32Array;

const manifestWeights = [
  { name: 'conv/filter', shape: [3, 3, 1, 2], dtype: 'float32', quantization: { dtype: 'uint8', min: filter.min, scale: filter.scale, original_dtype: 'float32' } },
  { name: 'conv/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', min: bias.min, scale: bias.scale } },
  { name: 'flat/shape', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', min: -1, scale: 1, original_dtype: 'int32' } },
  { name: 'dense/kernel', shape: [8, 4], dtype: 'float32', quantization: { dtype: 'float16' } },
  { name: 'dense/bias', shape: [4], dtype: 'float32' },
];
const storedBytes = [
  Buffer.from(Uint8Array.from(filter.q)),
  Buffer.from(Uint16Array.from(bias.q).buffer),
  Buffer.from([0, 9]), // -1 and 8 as uint8 with min -1, scale 1
  Buffer.from(Uint16Array.from(kernelBits).buffer),
  Buffer.from(new Float32Array(denseBias).buffer),
];
/** What tfjs computes from those bytes: q * scale + min in float32; float16 exactly. */
const expected = new Map<string, Float32Array | Int32Array>([
  ['conv/filter', Float32Array.from(filter.q, (q) => q * filter.scale + filter.min)],
  ['conv/bias', Float32Array.from(bias.q, (q) => q * bias.scale + bias.min)],
  ['flat/shape', Int32Array.from([-1, 8])],
  ['dense/kernel', Float32Array.from(kernelBits, halfValue)],
  ['dense/bias', denseBias],
]);

function writeQuantizedModel(dir: string): string {
  const json = JSON.parse(readFileSync(GRAPH_FIXTURE, 'utf8'));
  json.weightsManifest = [{ paths: ['quantized.bin'], weights: manifestWeights }];
  writeFileSync(join(dir, 'quantized.bin'), Buffer.concat(storedBytes));
  writeFileSync(join(dir, 'quantized.json'), JSON.stringify(json));
  return join(dir, 'quantized.json');
}

test('quantized entries are read as written and the stored bytes kept', async () => {
  const t = tempDir();
  try {
    const m = await readTfjs(writeQuantizedModel(t.dir));
    assert.equal(m.weights.map((w) => w.quantization), manifestWeights.map((w) => w.quantization));
    m.weights.forEach((w, i) => assert.equal(Buffer.from(w.data), storedBytes[i], w.name));
  } finally {
    t.cleanup();
  }
});

test('dequantizeWeight: affine uint8/uint16 (int32 rounded), float16 → float32, close to the originals', async () => {
  const t = tempDir();
  try {
    const m = await readTfjs(writeQuantizedModel(t.dir));
    for (const w of m.weights) {
      const got = dequantizeWeight(w) as Float32Array | Int32Array;
      assert.equal(Array.from(got), Array.from(expected.get(w.name)!), w.name);
      assert.is(got.constructor, expected.get(w.name)!.constructor, w.name);
    }
    const f = dequantizeWeight(m.weights[0]) as Float32Array;
    assert.ok(maxAbsDiff(f, plain.get('conv/filter')!) <= filter.scale / 2 + 1e-7, 'uint8 error within half a step');
    const k = dequantizeWeight(m.weights[3]) as Float32Array;
    const orig = plain.get('dense/kernel') as Float32Array;
    for (let i = 0; i < k.length; i++) assert.ok(Math.abs(k[i] - orig[i]) <= Math.abs(orig[i]) * 2 ** -11);
  } finally {
    t.cleanup();
  }
});

test('describe reports logical dtypes, stored quantization and stored bytes per dtype', async () => {
  const t = tempDir();
  try {
    const d = await describeTfjsFile(writeQuantizedModel(t.dir));
    assert.equal(d.weights.map((w) => [w.dtype, w.quantization?.dtype, w.bytes]), [
      ['float32', 'uint8', 18],
      ['float32', 'uint16', 4],
      ['int32', 'uint8', 2],
      ['float32', 'float16', 64],
      ['float32', undefined, 16],
    ]);
    assert.equal(d.weights[0].quantization, { dtype: 'uint8', min: filter.min, scale: filter.scale });
    assert.equal(summarize(d).weightBytesByDtype, { uint8: 20, uint16: 4, float16: 64, float32: 16 });
  } finally {
    t.cleanup();
  }
});

test('read → write → read keeps quantized weights quantized and byte-identical (also re-sharded)', async () => {
  const t = tempDir();
  try {
    const m = await readTfjs(writeQuantizedModel(t.dir));
    for (const shardSizeBytes of [undefined, 7]) {
      const out = await writeTfjs(m, join(t.dir, `out-${shardSizeBytes ?? 'default'}`), { shardSizeBytes });
      const again = await readTfjs(out.modelFile);
      assert.equal(again.json, m.json);
      assert.equal(again.weights.map((w) => [w.name, w.shape, w.dtype, w.quantization]), m.weights.map((w) => [w.name, w.shape, w.dtype, w.quantization]));
      again.weights.forEach((w, i) => assert.equal(Buffer.from(w.data), Buffer.from(m.weights[i].data), w.name));
      const raw = JSON.parse(readFileSync(out.modelFile, 'utf8'));
      assert.equal(raw.weightsManifest[0].weights, manifestWeights, 'manifest entries written as read');
      assert.is(raw.weightsManifest[0].paths.length, shardSizeBytes ? Math.ceil(104 / 7) : 1);
    }
  } finally {
    t.cleanup();
  }
});

test('tfjs (wasm) loads the quantized model through our IO handler and dequantizes like dequantizeWeight', async () => {
  const t = tempDir();
  try {
    const s = await openTfjsSession(writeQuantizedModel(t.dir), { backend: 'wasm' });
    const n = 2;
    const x = testInput(n * 16, 0.5);
    const out = await s.run({ x: { dtype: 'float32', shape: [n, 4, 4, 1], data: x } });
    await s.dispose();
    const want = graphFixtureForward(expected, x, n);
    const diff = maxAbsDiff(out.probs.data as Float32Array, want);
    assert.ok(diff < 1e-5, `max abs diff ${diff}`);
  } finally {
    t.cleanup();
  }
});

test.run();
