/** How dlpack bundles for Cloudflare Workers (module worker, wrangler with no_bundle). */
import { sibling, type BundleTarget } from '../contract.js';

export const bundle: BundleTarget = {
  id: 'cloudflare-workers',
  handler: sibling(import.meta.url, 'handler'),
  entry: 'index.mjs',
  build: 'worker-esm',
  export: 'default',
  calls: 'export default { fetch(request, env, ctx) }',
  defaultRuntime: { onnx: 'onnxruntime-web', tfjs: 'tfjs-backend-wasm' },
  deploy: ({ out }) => `deploy: cd ${out} && npx wrangler deploy (wrangler.toml: no_bundle, wasm and model files as modules)`,
  deployFiles: ({ entry, name }) => ({
    'wrangler.toml': [
      `name = "${name}"`,
      `main = "${entry}"`,
      'compatibility_date = "2025-10-01"',
      'no_bundle = true',
      '',
      '[[rules]]',
      'type = "CompiledWasm"',
      'globs = ["**/*.wasm"]',
      'fallthrough = false',
      '',
      '[[rules]]',
      'type = "Data"',
      'globs = ["model/**"]',
      // true: with false, wrangler drops its default rules of that type, among them Data for
      // **/*.bin, and refuses TF.js weight shards (model/*.bin) at upload and in `wrangler dev`
      'fallthrough = true',
      '',
    ].join('\n'),
  }),
};
