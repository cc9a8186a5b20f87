/**
 * The bundle targets: which template each platform gets, which runtimes it can run, how esbuild
 * builds for it, what the entry must export and which deploy files sit beside the bundle.
 * Platform facts (limits, Node version, vCPU) come from src/platforms; none are repeated here.
 */
import type { PlatformId } from '../core/platform-facts.js';
import type { RuntimeId } from './runtime-registry.js';

export interface TargetDefinition {
  id: PlatformId;
  /** Template file name in src/bundle/targets/ (without extension). */
  template: string;
  /** Entry file name inside the bundle. */
  entry: string;
  /** How esbuild builds for this target. */
  build: 'node-cjs' | 'worker-esm';
  /** The export the platform calls; `--handler` files must have it. */
  export: string;
  /** What the platform calls, for messages and the README. */
  calls: string;
  defaultRuntime: { onnx: RuntimeId; tfjs: RuntimeId };
  /** How to deploy the folder or zip, for the report's notes. */
  deploy: (ctx: { out: string; zip?: string; node: string; memoryMb: number; arch: string }) => string;
  /** Deploy files written beside the bundle (name → contents). */
  deployFiles(ctx: { entry: string; node: string; memoryMb: number; name: string }): Record<string, string>;
}

const nodePackageJson = (entry: string, name: string) =>
  JSON.stringify({ name, private: true, type: 'commonjs', main: entry }, null, 2) + '\n';

export const TARGETS: Record<PlatformId, TargetDefinition> = {
  'aws-lambda': {
    id: 'aws-lambda',
    template: 'aws-lambda',
    entry: 'index.js',
    build: 'node-cjs',
    export: 'handler',
    calls: 'export const handler = async (event, context)',
    defaultRuntime: { onnx: 'onnxruntime-node', tfjs: 'tfjs-backend-wasm' },
    deploy: ({ zip, node, memoryMb, arch }) =>
      `deploy: aws lambda create-function --runtime nodejs${node}.x --handler index.handler --architectures ${arch === 'x64' ? 'x86_64' : 'arm64'} --memory-size ${memoryMb} --zip-file fileb://${zip ?? '<zip>'} --role <role-arn> --function-name <name>`,
    deployFiles: ({ entry, name }) => ({ 'package.json': nodePackageJson(entry, name) }),
  },
  'gcp-functions': {
    id: 'gcp-functions',
    template: 'gcp-functions',
    entry: 'index.js',
    build: 'node-cjs',
    export: 'handler',
    calls: 'export function handler(req, res) (Functions Framework, --entry-point handler)',
    defaultRuntime: { onnx: 'onnxruntime-node', tfjs: 'tfjs-backend-wasm' },
    deploy: ({ out, node, memoryMb }) =>
      `deploy: gcloud functions deploy <name> --gen2 --runtime nodejs${node} --trigger-http --entry-point handler --memory ${memoryMb}Mi --source ${out}`,
    deployFiles: ({ entry, name }) => ({ 'package.json': nodePackageJson(entry, name) }),
  },
  'azure-functions': {
    id: 'azure-functions',
    template: 'azure-functions',
    entry: 'index.js',
    build: 'node-cjs',
    export: 'handler',
    calls: "app.http('predict', …) registration and export function handler(request, context)",
    defaultRuntime: { onnx: 'onnxruntime-node', tfjs: 'tfjs-backend-wasm' },
    deploy: ({ zip }) => `deploy: az functionapp deployment source config-zip -g <group> -n <app> --src ${zip ?? '<zip>'} (Linux plan)`,
    deployFiles: ({ entry, name }) => ({
      'package.json': nodePackageJson(entry, name),
      'host.json':
        JSON.stringify(
          {
            version: '2.0',
            extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
          },
          null,
          2,
        ) + '\n',
    }),
  },
  vercel: {
    id: 'vercel',
    template: 'vercel',
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
  },
  'cloudflare-workers': {
    id: 'cloudflare-workers',
    template: 'cloudflare-workers',
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
  },
};

export function targetFor(id: PlatformId): TargetDefinition {
  return TARGETS[id];
}
