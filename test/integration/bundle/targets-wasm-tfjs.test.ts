/**
 * The wasm runtimes and TF.js: onnxruntime-web on a Node target, ONNX external data, TF.js graph
 * and layers models on aws-lambda with tfjs-backend-wasm (and a graph model on Workers), each
 * unzipped into an empty temp folder and called in a plain `node` child.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleModel } from '../../../src/bundle/index.js';
import { SHARED_MODELS } from '../../helpers/cli.js';
import { noSharedModels, testIf } from '../../helpers/skip.js';
import { freshTmp, invokeBundle, unzipTo } from '../../helpers/bundle-host.js';
import { MLP, MLP_EXTERNAL, TFJS_GRAPH, TFJS_LAYERS, maxAbsDiff, onnxReference, sampleInput, tfjsReference } from '../../helpers/bundle-reference.js';

const work = freshTmp('dlpack-bundle-wasm-');
test.after(() => rmSync(work, { recursive: true, force: true }));

async function bundleAndCall(model: string, target: string, out: string, body: string, runtime?: string) {
  const report = await bundleModel({ model, target, runtime, out: join(work, out) });
  const dest = freshTmp(`dlpack-unzip-${out}-`);
  try {
    await unzipTo(report.zipPath!, dest);
    const [r] = await invokeBundle(dest, target, report.entry, [body]);
    return { report, r };
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

test('aws-lambda + onnxruntime-web: one wasm file, outputs match onnxruntime-node', async () => {
  const input = sampleInput(2, 16);
  const ref = await onnxReference(MLP, 'input', [2, 16], input);
  const { report, r } = await bundleAndCall(MLP, 'aws-lambda', 'ort-web', JSON.stringify({ inputs: { input: { dims: [2, 16], data: input } } }), 'onnxruntime-web');
  assert.equal(report.files.filter((f) => f.path.endsWith('.wasm')).map((f) => f.path), ['ort-wasm-simd-threaded.wasm']);
  assert.not.ok(report.files.some((f) => f.path.endsWith('.node') || f.path.includes('.so')));
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.ok(maxAbsDiff(r.body.outputs!.probabilities.data, ref.probabilities.data) <= 1e-5);
});

test('ONNX external data is bundled beside the model and found (onnxruntime-node and -web)', async () => {
  const input = sampleInput(1, 16);
  const ref = await onnxReference(MLP_EXTERNAL, 'input', [1, 16], input);
  const body = JSON.stringify({ inputs: { input: [input] } }); // nested-array form
  for (const [target, out] of [['aws-lambda', 'ext-node'], ['cloudflare-workers', 'ext-web']] as const) {
    const { report, r } = await bundleAndCall(MLP_EXTERNAL, target, out, body);
    assert.ok(report.files.some((f) => f.path === 'model/model.onnx.data'), 'external data file bundled');
    assert.is(r.status, 200, `${target}: ${JSON.stringify(r.body)}`);
    assert.ok(maxAbsDiff(r.body.outputs!.probabilities.data, ref.probabilities.data) <= 1e-5, target);
  }
});

test('aws-lambda + tfjs-backend-wasm: TF.js graph (sharded) and layers fixtures match TF.js on the CPU backend', async () => {
  for (const [model, name, dims] of [
    [TFJS_GRAPH, 'graph', null],
    [TFJS_LAYERS, 'layers', [1, 6, 6, 1]],
  ] as const) {
    const { describeModel } = await import('../../../src/formats/load-model.js');
    const d = await describeModel(model);
    const spec = d.inputs[0];
    const shape = (dims ?? spec.shape!.map((x) => (typeof x === 'number' && x > 0 ? x : 1))) as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const data = sampleInput(1, n);
    const ref = await tfjsReference(model, shape, data);
    const { report, r } = await bundleAndCall(model, 'aws-lambda', `tfjs-${name}`, JSON.stringify({ inputs: { [spec.name]: { dims: shape, data } } }));
    assert.is(report.runtime, 'tfjs-backend-wasm');
    assert.equal(report.files.filter((f) => f.path.endsWith('.wasm')).map((f) => f.path), ['tfjs-backend-wasm-simd.wasm']);
    assert.is(r.status, 200, `${name}: ${JSON.stringify(r.body)}`);
    const outputs = Object.values(r.body.outputs!);
    assert.is(outputs.length, ref.length);
    outputs.forEach((o, i) => assert.ok(maxAbsDiff(o.data, ref[i]) <= 1e-4, `${name} output ${i}`));
  }
});

test('cloudflare-workers + tfjs-backend-wasm: graph model through the precompiled-module path', async () => {
  const { describeModel } = await import('../../../src/formats/load-model.js');
  const spec = (await describeModel(TFJS_GRAPH)).inputs[0];
  const shape = spec.shape!.map((x) => (typeof x === 'number' && x > 0 ? x : 1)) as number[];
  const data = sampleInput(1, shape.reduce((a, b) => a * b, 1));
  const ref = await tfjsReference(TFJS_GRAPH, shape, data);
  const { r } = await bundleAndCall(TFJS_GRAPH, 'cloudflare-workers', 'tfjs-worker', JSON.stringify({ inputs: { [spec.name]: { dims: shape, data } } }));
  assert.is(r.status, 200, JSON.stringify(r.body));
  Object.values(r.body.outputs!).forEach((o, i) => assert.ok(maxAbsDiff(o.data, ref[i]) <= 1e-4));
});

testIf(test, noSharedModels, 'real TF.js model (shared emotion classifier) on aws-lambda', async () => {
  const model = join(SHARED_MODELS, 'tfjs', 'emotion', 'emotion.json');
  const data = sampleInput(1, 64 * 64);
  const ref = await tfjsReference(model, [1, 64, 64, 1], data);
  const { r } = await bundleAndCall(model, 'aws-lambda', 'emotion', JSON.stringify({ inputs: { input_1: { dims: [1, 64, 64, 1], data } } }));
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.ok(maxAbsDiff(r.body.outputs!.Identity.data, ref[0]) <= 1e-4);
});

test.run();
