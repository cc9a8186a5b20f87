/**
 * `quantize --per-channel` for TF.js graph models (src/transforms/tfjs/per-channel-graph.ts): the
 * scale Const + Mul rewrite on the graph fixture (fixtures/models/tfjs-graph/classifier.json) and
 * on a depthwise + transpose_b MatMul graph built here, checked against values computed in the
 * test and run with stock @tensorflow/tfjs (no dlpack code); the option errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { dequantizeWeight } from '../../../src/formats/tfjs/dequantize.js';
import { decodeFloat16, encodeFloat16 } from '../../../src/core/tensor/float16.js';
import { readTfjs } from '../../../src/formats/tfjs/read-tfjs.js';
import type { TfjsModel, TfjsWeight } from '../../../src/formats/tfjs/tfjs-model.js';
import { writeTfjs } from '../../../src/formats/tfjs/write-tfjs.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { rewritePerChannel } from '../../../src/transforms/tfjs/per-channel-graph.js';
import { GRAPH_FIXTURE, LAYERS_FIXTURE, plainWeights, tempDir, testInput } from '../../helpers/tfjs-test-helpers.js';
import { cosine, plainLoad, plainRun } from '../../helpers/tfjs-plain-load.js';

const tmp = tempDir('dlpack-tfjs-pc-');
test.after(() => tmp.cleanup());

interface Node {
  name: string;
  op: string;
  input?: string[];
}
const nodesOf = (file: string): Node[] => JSON.parse(readFileSync(file, 'utf8')).modelTopology.node;

/** Max |w| per output channel, computed here: channel of element i given by `ch`. */
function channelMax(w: Float32Array, channels: number, ch: (i: number) => number): Float32Array {
  const m = new Float32Array(channels);
  w.forEach((v, i) => (m[ch(i)] = Math.max(m[ch(i)], Math.abs(v))));
  return m;
}

test('classifier --per-channel uint8: Mul nodes read by Conv2D/MatMul, float16 scales = per-channel max |w|, weights ≈ original, stock tfjs runs it', async () => {
  const out = join(tmp.dir, 'pc');
  const report = await quantizeModel({ input: GRAPH_FIXTURE, output: out, dtype: 'uint8', perChannel: true, check: { runs: 0, count: 2, backend: 'wasm' } });
  const file = join(out, 'classifier.json');
  const nodes = nodesOf(file);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  assert.equal(byName.get('conv/filter/per_channel_mul'), { name: 'conv/filter/per_channel_mul', op: 'Mul', input: ['conv/filter', 'conv/filter/per_channel_scale'], attr: { T: { type: 'DT_FLOAT' } } } as Node);
  assert.equal(byName.get('conv/Conv2D')!.input, ['x', 'conv/filter/per_channel_mul']);
  assert.equal(byName.get('dense/MatMul')!.input, ['flat', 'dense/kernel/per_channel_mul']);
  assert.is(byName.get('conv/filter/per_channel_scale')!.op, 'Const');

  const original = plainWeights(GRAPH_FIXTURE);
  const written = await readTfjs(file);
  const get = (n: string) => written.weights.find((w) => w.name === n)!;
  for (const [kernel, channels] of [['conv/filter', 2], ['dense/kernel', 4]] as const) {
    const w = original.get(kernel) as Float32Array;
    const scale = get(`${kernel}/per_channel_scale`);
    assert.equal(scale.shape, [channels]);
    assert.is(scale.quantization?.dtype, 'float16');
    const s = dequantizeWeight(scale) as Float32Array;
    const want = decodeFloat16(encodeFloat16(channelMax(w, channels, (i) => i % channels)));
    assert.equal(Array.from(s), Array.from(want));
    // The stored kernel is uint8 over about [-1, 1]; times its channel's scale it is the original
    // within half a step of that channel (plus float16 rounding of the scale, absorbed exactly).
    const q = get(kernel);
    assert.is(q.quantization?.dtype, 'uint8');
    const n = dequantizeWeight(q) as Float32Array;
    const step = q.quantization!.scale!;
    assert.ok(step <= (2 / 255) * (1 + 2 ** -10), `step ${step}`); // ±1 up to the float16 rounding of the scale
    n.forEach((v, i) => assert.ok(Math.abs(v * s[i % channels] - w[i]) <= (step / 2) * s[i % channels] * 1.001 + 1e-7, `${kernel}[${i}]`));
  }
  assert.ok(report.changed.some((c) => c.name === 'dense/kernel' && /per output channel: stored ÷ 4 float16 scales \[4\]/.test(c.what)));
  assert.ok(report.notes?.some((n) => /per-channel \(--per-channel\): 2 kernel\(s\)/.test(n)));

  const x = testInput(2 * 16);
  const want = await plainRun(await plainLoad(GRAPH_FIXTURE), x, [2, 4, 4, 1]);
  const got = await plainRun(await plainLoad(file), x, [2, 4, 4, 1]);
  assert.ok(cosine(want[0], got[0]) > 0.9999, `cosine ${cosine(want[0], got[0])}`);
});

/** x [1,5,5,2] → depthwise [3,3,2,2] → [1,3,3,4] → reshape [1,36] → MatMul transpose_b [3,36] → [1,3]. */
function depthwiseModel(): TfjsModel {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const f32 = (name: string, shape: number[], values: Float32Array): TfjsWeight => ({ name, shape, dtype: 'float32', data: new Uint8Array(values.buffer) });
  const konst = (name: string, shape: number[], type = 'DT_FLOAT') => ({ name, op: 'Const', attr: { value: { tensor: { dtype: type, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } }, dtype: { type } } });
  // Channels of very different ranges (what batch-norm folding leaves behind).
  const dw = Float32Array.from({ length: 36 }, (_, i) => Math.sin(i * 1.7) * [0.01, 3, 0.2, 40][i % 4]);
  const fc = Float32Array.from({ length: 108 }, (_, i) => Math.cos(i * 0.9) * [0.05, 1, 25][Math.floor(i / 36)]);
  const shape = new Int32Array([1, 36]);
  return {
    file: 'dw.json',
    dir: '.',
    format: 'graph-model',
    groups: [],
    jsonBytes: 0,
    json: {
      format: 'graph-model',
      modelTopology: {
        versions: {},
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [1, 5, 5, 2].map((d) => ({ size: String(d) })) } } } },
          konst('dw/kernel', [3, 3, 2, 2]),
          konst('flat/shape', [2], 'DT_INT32'),
          konst('fc/kernel', [3, 36]),
          { name: 'dw', op: 'DepthwiseConv2dNative', input: ['x', 'dw/kernel'], attr: { T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1'] } }, dilations: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('VALID') }, data_format: { s: b64('NHWC') } } },
          { name: 'flat', op: 'Reshape', input: ['dw', 'flat/shape'], attr: { T: { type: 'DT_FLOAT' }, Tshape: { type: 'DT_INT32' } } },
          { name: 'fc', op: 'MatMul', input: ['flat', 'fc/kernel:0'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: true } } },
        ],
      },
    },
    weights: [f32('dw/kernel', [3, 3, 2, 2], dw), { name: 'flat/shape', shape: [2], dtype: 'int32', data: new Uint8Array(shape.buffer) }, f32('fc/kernel', [3, 36], fc)],
  };
}

test('depthwise HWCM scales [C, M] and transpose_b MatMul scales [N, 1]: exact in float under stock tfjs, and uint8 per channel beats per tensor', async () => {
  const model = depthwiseModel();
  const src = await writeTfjs(model, join(tmp.dir, 'dw-src'), { modelFileName: 'dw.json' });
  const values = new Map(model.weights.filter((w) => w.dtype === 'float32').map((w) => [w.name, dequantizeWeight(w) as Float32Array]));
  const orig = new Map(values);
  const { model: rewritten, rewrites } = rewritePerChannel({ ...model, file: src.modelFile }, values);
  assert.equal(rewrites.map((r) => [r.weight, r.scaleShape]), [['dw/kernel', [2, 2]], ['fc/kernel', [3, 1]]]);
  // Scales: depthwise channel (c, m) is element i % 4; transposed MatMul row n is element ⌊i / 36⌋.
  const scaleOf = (name: string) => dequantizeWeight(rewritten.weights.find((w) => w.name === `${name}/per_channel_scale`)!) as Float32Array;
  assert.equal(Array.from(scaleOf('dw/kernel')), Array.from(decodeFloat16(encodeFloat16(channelMax(orig.get('dw/kernel')!, 4, (i) => i % 4)))));
  assert.equal(Array.from(scaleOf('fc/kernel')), Array.from(decodeFloat16(encodeFloat16(channelMax(orig.get('fc/kernel')!, 3, (i) => Math.floor(i / 36))))));
  for (const name of ['dw/kernel', 'fc/kernel']) assert.ok(values.get(name)!.every((v) => Math.abs(v) <= 1 + 2 ** -10));
  assert.equal(nodesOf(src.modelFile).length + 4, (rewritten.json.modelTopology.node as Node[]).length);

  const floatOut = await writeTfjs(
    { ...rewritten, weights: rewritten.weights.map((w) => (values.has(w.name) ? { ...w, data: new Uint8Array(values.get(w.name)!.buffer) } : w)) },
    join(tmp.dir, 'dw-float'),
    { modelFileName: 'dw.json' },
  );
  const x = testInput(50, 0.3);
  const want = (await plainRun(await plainLoad(src.modelFile), x, [1, 5, 5, 2]))[0];
  const got = (await plainRun(await plainLoad(floatOut.modelFile), x, [1, 5, 5, 2]))[0];
  want.forEach((v, i) => assert.ok(Math.abs(v - got[i]) <= 1e-4 * (1 + Math.abs(v)), `float output ${i}: ${v} vs ${got[i]}`));

  const check = { runs: 0, count: 2, backend: 'wasm' };
  const perTensor = await quantizeModel({ input: src.modelFile, output: join(tmp.dir, 'dw-pt'), dtype: 'uint8', check });
  const perChannel = await quantizeModel({ input: src.modelFile, output: join(tmp.dir, 'dw-pc'), dtype: 'uint8', perChannel: true, check });
  assert.ok(perChannel.notes?.some((n) => /2 kernel\(s\)/.test(n)));
  // Output 0 comes from the narrow MatMul row (×0.05 against a ×25 row): per tensor its weights
  // fall on a step of ≈ 0.2 and mostly round to 0; per channel they keep 8 bits of their own.
  const run = async (dir: string) => (await plainRun(await plainLoad(join(dir, 'dw.json')), x, [1, 5, 5, 2]))[0];
  const errPt = Math.abs((await run(join(tmp.dir, 'dw-pt')))[0] - want[0]);
  const errPc = Math.abs((await run(join(tmp.dir, 'dw-pc')))[0] - want[0]);
  console.log(`  output 0: ${want[0].toFixed(4)}, error per tensor ${errPt.toFixed(4)}, per channel ${errPc.toFixed(4)}`);
  assert.ok(errPc < errPt / 4, `per-channel error ${errPc} vs per-tensor ${errPt}`);
});

test('--per-channel on a layers model or with --dtype float16: USAGE errors saying why, nothing written', async () => {
  const cases: [Parameters<typeof quantizeModel>[0], RegExp][] = [
    [{ input: LAYERS_FIXTURE, output: join(tmp.dir, 'e1'), dtype: 'uint8', perChannel: true }, /needs a graph model.*layers model has no graph to rewrite/],
    [{ input: GRAPH_FIXTURE, output: join(tmp.dir, 'e2'), dtype: 'float16', perChannel: true }, /float16 has no scale/],
  ];
  for (const [options, message] of cases) {
    let err: unknown;
    try {
      await quantizeModel({ ...options, check: { enabled: false, runs: 0 } });
    } catch (e) {
      err = e;
    }
    assert.instance(err, DlpackError);
    assert.is((err as DlpackError).code, 'USAGE');
    assert.match((err as Error).message, message);
    assert.not.ok((await import('node:fs')).existsSync(options.output));
  }
});

test.run();
