/**
 * Weight-only int8 without the runtime penalty: which models get session.disable_quant_qdq=1, proof
 * with ORT's own profiler that it makes onnxruntime-node fold the weights' DequantizeLinear at
 * session creation (the kernels that run are fp32's, the outputs the same), and that the quantize
 * check and the bundled handlers (aws-lambda with onnxruntime-node, Workers with onnxruntime-web)
 * open the model that way. An int4 (MatMulNBits) model bundled for a wasm runtime carries a warning.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeWideMlp } from '../../../fixtures/make-onnx.js';
import { describeOnnxFile } from '../../../src/formats/onnx/index.js';
import { bundleModel } from '../../../src/bundle/index.js';
import { FOLD_QDQ_WEIGHTS, ortSessionConfig } from '../../../src/runtimes/ort-session-config.js';
import { openOnnxSession } from '../../../src/runtimes/onnxruntime-session.js';
import { profileKernels } from '../../../src/transforms/onnx/kernel-profile.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import type { QuantizeOptions } from '../../../src/transforms/transform-options.js';
import { freshTmp, invokeBundle, unzipTo } from '../../helpers/bundle-host.js';
import { MLP, maxAbsDiff, sampleInput } from '../../helpers/bundle-reference.js';
import { save, tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir('dlpack-session-config-');
test.after(() => tmp.cleanup());

/** The model's outputs with no graph optimization: DequantizeLinear then float MatMul, the exact dequantized math. */
async function exact(model: string, dims: number[], data: number[]): Promise<number[]> {
  const s = await openOnnxSession(model, { threads: 1, graphOptimizationLevel: 'disabled' });
  try {
    return Array.from((await s.run({ input: { dtype: 'float32', shape: dims, data: Float32Array.from(data) } })).probabilities.data as Float32Array);
  } finally {
    await s.dispose();
  }
}

async function folded1(model: string, feeds: Parameters<Awaited<ReturnType<typeof openOnnxSession>>['run']>[0]): Promise<number[]> {
  const s = await openOnnxSession(model, { threads: 1, sessionConfig: FOLD_QDQ_WEIGHTS });
  try {
    return Array.from((await s.run(feeds)).probabilities.data as Float32Array);
  } finally {
    await s.dispose();
  }
}

async function quantized(input: string, mode: QuantizeOptions['mode'], extra: Partial<QuantizeOptions> = {}): Promise<string> {
  const output = join(tmp.dir, `${mode}-${Object.keys(extra).join('-') || 'default'}-${input.split('/').pop()}`);
  await quantizeModel({ input, output, mode, ...extra, check: { enabled: false, runs: 0 } });
  return output;
}

test('only weight-only QDQ models get the option: not fp32, int8-dynamic, activation QDQ, int4 or TF.js', async () => {
  const int8 = await quantized(MLP, 'int8-weights');
  const got = ortSessionConfig(await describeOnnxFile(int8));
  assert.equal(got?.entries, { 'session.disable_quant_qdq': '1' });
  assert.match(got!.why, /2 DequantizeLinear node\(s\)/);
  assert.is(ortSessionConfig(await describeOnnxFile(MLP)), undefined);
  assert.is(ortSessionConfig(await describeOnnxFile(await quantized(MLP, 'int8-dynamic', { kernels: 'integer' }))), undefined);
  assert.is(ortSessionConfig(await describeOnnxFile(await quantized(MLP, 'int4-weights', { minElements: 0 }))), undefined);
  const base = await describeOnnxFile(int8);
  assert.is(ortSessionConfig({ ...base, ops: [...base.ops, { type: 'QuantizeLinear', domain: '' }] }), undefined, 'static QDQ keeps ORT’s QDQ fusions');
  assert.is(ortSessionConfig({ ...base, weights: [...base.weights, { name: 'w4', dtype: 'int4', shape: [32], elements: 32, bytes: 16, storage: 'inline' }] }), undefined);
  assert.is(ortSessionConfig({ ...base, format: 'tfjs-graph' }), undefined);
});

test('with the option ORT folds the DequantizeLinear once: fp32 kernels run, same outputs', async () => {
  const wide = await save(makeWideMlp({ layers: 3, width: 256, batch: 1 }), join(tmp.dir, 'wide.onnx'));
  const int8 = await quantized(wide, 'int8-weights');
  const x = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i / 5));
  const feeds = { input: { dtype: 'float32' as const, shape: [1, 256], data: x } };
  const plain = await profileKernels(int8, feeds, 1);
  const folded = await profileKernels(int8, feeds, 1, FOLD_QDQ_WEIGHTS);
  const fp32 = await profileKernels(wide, feeds, 1);
  assert.ok(plain.DequantizeLinear > 0, `without the option DequantizeLinear runs per request: ${JSON.stringify(plain)}`);
  assert.is(folded.DequantizeLinear, undefined, JSON.stringify(folded));
  assert.equal(folded, fp32, 'the same kernels as the float32 model');
  // the folded model computes the dequantized weights' float math (the unoptimized graph: DequantizeLinear, then MatMul)
  const d = maxAbsDiff(await exact(int8, [1, 256], Array.from(x)), await folded1(int8, feeds));
  assert.ok(d <= 1e-6, `max abs diff ${d}`);
});

test('quantize int8-weights measures and profiles the model as the handler opens it', async () => {
  const wide = await save(makeWideMlp({ layers: 2, width: 256, batch: 1 }), join(tmp.dir, 'wide2.onnx'));
  const r = await quantizeModel({ input: wide, output: join(tmp.dir, 'wide2.int8.onnx'), mode: 'int8-weights', check: { count: 2, runs: 3, minTop1: 0 } });
  assert.ok(r.notes!.some((n) => /measured as dlpack bundle's handler runs it — weight-only QDQ/.test(n)), r.notes!.join('\n'));
  assert.is(r.kernels?.DequantizeLinear, undefined, JSON.stringify(r.kernels));
});

test('bundles: the handler config carries the option (onnxruntime-node and -web) and answers like the int8 model', async () => {
  const int8 = await quantized(MLP, 'int8-weights');
  const input = sampleInput(2, 16);
  const reference = await exact(int8, [2, 16], input);
  const request = JSON.stringify({ inputs: { input: { dims: [2, 16], data: input } } });
  for (const [target, entry] of [['aws-lambda', 'index.js'], ['cloudflare-workers', 'index.mjs']] as const) {
    const out = join(tmp.dir, `fn-${target}`);
    const report = await bundleModel({ model: int8, target, out });
    assert.ok(report.notes!.some((n) => /session\.disable_quant_qdq=1/.test(n)), report.notes!.join('\n'));
    assert.match(readFileSync(join(out, entry), 'utf8'), /"session\.disable_quant_qdq":\s*"1"/);
    const dest = freshTmp(`dlpack-unzip-int8-${target}-`);
    try {
      await unzipTo(report.zipPath!, dest);
      const [ok] = await invokeBundle(dest, target, entry, [request]);
      assert.is(ok.status, 200, JSON.stringify(ok.body));
      const d = maxAbsDiff(ok.body.outputs!.probabilities.data as number[], reference);
      assert.ok(d <= 1e-5, `${target}: max abs diff ${d}`);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  }
});

test('bundles: no option for an fp32 model; an int4 model for a wasm runtime carries a warning', async () => {
  const fp32 = await bundleModel({ model: MLP, target: 'aws-lambda', out: join(tmp.dir, 'fn-fp32') });
  assert.not.ok((fp32.notes ?? []).some((n) => /disable_quant_qdq|MatMulNBits/.test(n)));
  assert.not.match(readFileSync(join(tmp.dir, 'fn-fp32', 'index.js'), 'utf8'), /disable_quant_qdq/);
  const int4 = await quantized(MLP, 'int4-weights', { minElements: 0 });
  const web = await bundleModel({ model: int4, target: 'cloudflare-workers', out: join(tmp.dir, 'fn-int4-web') });
  assert.ok(web.notes!.some((n) => /onnxruntime-web runs com\.microsoft\.MatMulNBits .* without a fast WebAssembly kernel/.test(n)), web.notes!.join('\n'));
  const native = await bundleModel({ model: int4, target: 'aws-lambda', out: join(tmp.dir, 'fn-int4-node') });
  assert.not.ok((native.notes ?? []).some((n) => /MatMulNBits/.test(n)));
});

test.run();
