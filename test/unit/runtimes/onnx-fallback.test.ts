/**
 * onnxruntime-node is an optional peer of dlpack: when it does not load, local checks run on
 * onnxruntime-web (wasm) and say so; when neither loads, one error names why each failed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { loadOnnxRuntime } from '../../../src/runtimes/onnxruntime-session.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { ROOT } from '../../helpers/cli.js';

const notInstalled = () => Promise.reject(new DlpackError('RUNTIME', 'onnxruntime-node is not installed'));

test('native loads: onnxruntime-node (cpu)', async () => {
  const r = await loadOnnxRuntime();
  assert.is(r.id, 'onnxruntime-node');
  assert.is(r.backend, 'onnxruntime-node (cpu)');
});

test('native missing: the real onnxruntime-web runs the model, and the backend says why', async () => {
  const r = await loadOnnxRuntime({ native: notInstalled, wasm: () => import('onnxruntime-web') });
  assert.is(r.id, 'onnxruntime-web');
  assert.is(r.backend, 'onnxruntime-web (wasm, 1 thread; onnxruntime-node is not installed)');
  const { readFileSync } = await import('node:fs');
  const session = await r.ort.InferenceSession.create(readFileSync(join(ROOT, 'fixtures/models/mlp.onnx')));
  const input = new r.ort.Tensor('float32', new Float32Array(16).fill(0.5), [1, 16]);
  const out = await session.run({ [session.inputNames[0]]: input });
  const first = Object.values(out)[0];
  assert.ok(first.data.length > 0 && Number.isFinite(Number(first.data[0])));
});

test('neither loads: one error naming both reasons', async () => {
  try {
    await loadOnnxRuntime({ native: notInstalled, wasm: () => Promise.reject(new Error('wasm blocked')) });
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, DlpackError);
    assert.match((err as Error).message, /no ONNX runtime loads: onnxruntime-node is not installed; onnxruntime-web: wasm blocked/);
    assert.match((err as DlpackError).hint ?? '', /ONNXRUNTIME_NODE_INSTALL=skip npm install -D onnxruntime-node/);
  }
});

test.run();
