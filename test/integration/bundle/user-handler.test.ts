/**
 * `--handler <file.ts>`: the user's own handler is bundled instead of the template, with the same
 * native/wasm handling (onnxruntime-node imported directly: its .node/.so copied beside the bundle
 * and found with no node_modules), and the dlpack:* modules available to it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleModel } from '../../../src/bundle/index.js';
import { freshTmp, invokeBundle, unzipTo } from '../../helpers/bundle-host.js';
import { MLP, maxAbsDiff, onnxReference, sampleInput } from '../../helpers/bundle-reference.js';

const work = freshTmp('dlpack-bundle-handler-');
test.after(() => rmSync(work, { recursive: true, force: true }));
const input = sampleInput(1, 16);

test('a handler importing onnxruntime-node itself gets the native files and runs with no node_modules', async () => {
  const handler = join(work, 'own.ts');
  writeFileSync(
    handler,
    `import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
const session = ort.InferenceSession.create(join(__dirname, 'model', 'mlp.onnx'));
export const handler = async (event: { inputs: { input: number[] } }) => {
  const s = await session;
  const out = await s.run({ input: new ort.Tensor('float32', Float32Array.from(event.inputs.input), [1, 16]) });
  return { outputs: { probabilities: { dtype: 'float32', dims: [1, 4], data: Array.from(out.probabilities.data as Float32Array) } } };
};
`,
  );
  const report = await bundleModel({ model: MLP, target: 'aws-lambda', handler, out: join(work, 'own'), sourcemap: true });
  const names = report.files.map((f) => f.path);
  assert.ok(names.includes('onnxruntime_binding.node') && names.includes('libonnxruntime.so.1'));
  assert.ok(names.includes('index.js.map'), '--sourcemap writes the map');
  assert.ok(report.bundleInputs.some((i) => i.path.endsWith('own.ts')), 'metafile breakdown names the handler');
  const dest = freshTmp('dlpack-unzip-own-');
  try {
    await unzipTo(report.zipPath!, dest);
    const [r] = await invokeBundle(dest, 'aws-lambda', 'index.js', [JSON.stringify({ inputs: { input } })]);
    const ref = await onnxReference(MLP, 'input', [1, 16], input);
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.ok(maxAbsDiff(r.body.outputs!.probabilities.data, ref.probabilities.data) <= 1e-6);
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});

test('a Workers handler built on dlpack:config/runtime gets the wasm module and the model as modules', async () => {
  const handler = join(work, 'worker.ts');
  writeFileSync(
    handler,
    `import config from 'dlpack:config';
import { loadModel } from 'dlpack:runtime';
let model: ReturnType<typeof loadModel> | undefined;
export default {
  async fetch(request: Request) {
    model ??= loadModel(config, 1);
    const m = await model;
    const { values } = (await request.json()) as { values: number[] };
    const out = await m.run({ input: { dtype: 'float32', dims: [1, 16], data: Float32Array.from(values) } });
    return Response.json({ outputs: { probabilities: { dims: out.probabilities.dims, data: Array.from(out.probabilities.data as Float32Array) } }, backend: m.backend });
  },
};
`,
  );
  const report = await bundleModel({ model: MLP, target: 'cloudflare-workers', handler, out: join(work, 'worker') });
  assert.ok(report.files.some((f) => f.path === 'ort-wasm-simd-threaded.wasm'));
  const dest = freshTmp('dlpack-unzip-worker-');
  try {
    await unzipTo(report.zipPath!, dest);
    const [r] = await invokeBundle(dest, 'cloudflare-workers', 'index.mjs', [JSON.stringify({ values: input })]);
    const ref = await onnxReference(MLP, 'input', [1, 16], input);
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.match(r.body.backend!, /onnxruntime-web/);
    assert.ok(maxAbsDiff(r.body.outputs!.probabilities.data, ref.probabilities.data) <= 1e-5);
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});

test.run();
