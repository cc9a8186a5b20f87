/**
 * onnxruntime-web (WebAssembly) inside a bundle: one wasm binary (ort-wasm-simd-threaded.wasm, run
 * single-threaded: its worker threads would need the glue as a separate script) shipped beside
 * the bundle, or imported as a module on Workers. The model bytes come from the bundle's assets.
 */
import * as ort from 'onnxruntime-web/wasm';
import { readAsset, wasmSource } from 'dlpack:assets';
import type { LoadModel } from './model-session.js';
import { fromOrtResults, toOrtFeeds } from './onnx-tensors.js';
import { wasmBinaryFor } from './precompiled-wasm.js';

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i + 1);
}

export const loadModel: LoadModel = async (config) => {
  if (!config.wasmFile) throw new Error('bundle has no wasm file for onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = wasmBinaryFor(await wasmSource(config.wasmFile));
  const modelBytes = await readAsset(config.modelFile);
  const base = dirOf(config.modelFile);
  const externalData = await Promise.all(
    config.modelFiles
      .filter((f) => f !== config.modelFile)
      .map(async (f) => ({ path: f.slice(base.length), data: await readAsset(f) })),
  );
  const session = await ort.InferenceSession.create(modelBytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    ...(config.ortSessionConfig ? { extra: { ...config.ortSessionConfig } } : {}),
    ...(externalData.length ? { externalData } : {}),
  });
  return {
    backend: `onnxruntime-web ${ort.env.versions.web ?? ''} (wasm, 1 thread)`.replace('  ', ' '),
    async run(feeds) {
      const results = await session.run(toOrtFeeds(ort.Tensor as never, feeds));
      return fromOrtResults(results);
    },
  };
};
