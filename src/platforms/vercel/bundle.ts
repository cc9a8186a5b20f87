/** How dlpack bundles for Vercel Functions (Node.js runtime, Build Output API). */
import { sibling, type BundleTarget } from '../contract.js';
import { nodePackageJson } from '../shared/deploy-files.js';

export const bundle: BundleTarget = {
  id: 'vercel',
  handler: sibling(import.meta.url, 'handler'),
  entry: 'index.js',
  build: 'node-cjs',
  export: 'default',
  calls: 'export default function handler(req, res)',
  defaultRuntime: { onnx: 'onnxruntime-node', tfjs: 'tfjs-backend-wasm' },
  deploy: ({ out }) => `deploy: copy ${out} to .vercel/output/functions/predict.func/ (Build Output API), then vercel deploy --prebuilt`,
  deployFiles: ({ entry, node, memoryMb, name }) => ({
    'package.json': nodePackageJson(entry, name),
    // Build Output API function config: this folder is a `<name>.func` directory.
    '.vc-config.json':
      JSON.stringify({ runtime: `nodejs${node}.x`, handler: entry, launcherType: 'Nodejs', shouldAddHelpers: true, memory: memoryMb }, null, 2) +
      '\n',
  }),
};
