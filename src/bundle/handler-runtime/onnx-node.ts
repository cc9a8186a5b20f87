/**
 * onnxruntime-node inside a bundle. The native binding (onnxruntime_binding.node) and
 * libonnxruntime.so.1 sit beside the bundle: dlpack's esbuild plugin rewrites the package's
 * binding loader to require them from there, and the binding finds the .so through its RUNPATH ($ORIGIN).
 */
// first: onnxruntime-node must see ORT_DISABLE_TELEMETRY when it loads
import './no-telemetry.js';
import * as ort from 'onnxruntime-node';
import { assetPath } from 'dlpack:assets';
import type { LoadModel } from './model-session.js';
import { fromOrtResults, toOrtFeeds } from './onnx-tensors.js';

export const loadModel: LoadModel = async (config, threads) => {
  const session = await ort.InferenceSession.create(assetPath(config.modelFile), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    ...(config.ortSessionConfig ? { extra: { ...config.ortSessionConfig } } : {}),
  });
  return {
    backend: `onnxruntime-node ${ort.env.versions.node ?? ''} (cpu, ${threads} thread${threads === 1 ? '' : 's'})`.replace('  ', ' '),
    async run(feeds) {
      const results = await session.run(toOrtFeeds(ort.Tensor as never, feeds));
      return fromOrtResults(results);
    },
  };
};
