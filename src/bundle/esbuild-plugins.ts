/**
 * esbuild plugins for handler bundles:
 * - `dlpack:config`, `dlpack:runtime`, `dlpack:assets` virtual modules (generated per build);
 * - onnxruntime-node's binding loader rewritten to require the .node file beside the bundle
 *   (the package builds the path from process.platform/arch under its own bin/ folder);
 * - on Workers, the model and wasm files stay separate modules (imports kept, never inlined).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { HandlerConfig } from './handler-runtime/handler-config.js';
import type { RuntimeId } from './runtime-registry.js';

const HANDLER_RUNTIME_DIR = fileURLToPath(new URL('./handler-runtime/', import.meta.url));

/** A handler-runtime module's file: the .ts source when running from source, else the compiled .js. */
export function handlerRuntimeModule(name: string): string {
  const ts = join(HANDLER_RUNTIME_DIR, `${name}.ts`);
  return existsSync(ts) ? ts : join(HANDLER_RUNTIME_DIR, `${name}.js`);
}

function runtimeModuleSource(runtime: RuntimeId, modelFormat: string): string {
  const m = (n: string) => JSON.stringify(handlerRuntimeModule(n));
  switch (runtime) {
    case 'onnxruntime-node':
      return `export { loadModel } from ${m('onnx-node')};`;
    case 'onnxruntime-web':
      return `export { loadModel } from ${m('onnx-web')};`;
    case 'tfjs-backend-wasm': {
      const [loader, file] = modelFormat === 'tfjs-layers' ? ['loadTfjsLayers', 'tfjs-layers'] : ['loadTfjsGraph', 'tfjs-graph'];
      return [
        `import { makeTfjsLoader } from ${m('tfjs-session')};`,
        `import { initTfjsWasm } from ${m('tfjs-wasm')};`,
        `import { ${loader} } from ${m(file)};`,
        `export const loadModel = makeTfjsLoader(initTfjsWasm, ${loader});`,
      ].join('\n');
    }
    default:
      throw new DlpackError('UNSUPPORTED', `runtime ${runtime} has no bundle adapter`);
  }
}

/** Workers: every bundled file is its own module; imports stay relative to the script. */
function workerAssetsSource(files: string[]): string {
  const lines = files.map((f, i) => `import a${i} from ${JSON.stringify('./' + f)};`);
  lines.push(`const files = {${files.map((f, i) => `${JSON.stringify(f)}: a${i}`).join(', ')}};`);
  lines.push(
    'function get(p) { const v = files[p]; if (v === undefined) throw new Error("not in bundle: " + p); return v; }',
    'export function assetPath(p) { throw new Error("no file system on Workers: " + p); }',
    'export async function readAsset(p) { const v = get(p); return v instanceof Uint8Array ? v : new Uint8Array(v); }',
    'export async function wasmSource(p) { return get(p); }',
  );
  return lines.join('\n');
}

export interface VirtualModulesOptions {
  config: HandlerConfig;
  runtime: RuntimeId;
  /** Workers: the files imported as modules (model files and the wasm binary). */
  workerAssets?: string[];
}

export function virtualModulesPlugin(options: VirtualModulesOptions): Plugin {
  return {
    name: 'dlpack-virtual-modules',
    setup(build) {
      build.onResolve({ filter: /^dlpack:(config|runtime|assets)$/ }, (args) => ({ path: args.path, namespace: 'dlpack' }));
      // the handler runtime's API for the platforms' templates (src/platforms/<id>/handler.ts)
      build.onResolve({ filter: /^dlpack:handler$/ }, () => ({ path: handlerRuntimeModule('handler-api') }));
      build.onLoad({ filter: /.*/, namespace: 'dlpack' }, (args) => {
        let contents: string;
        if (args.path === 'dlpack:config') contents = `export default ${JSON.stringify(options.config)};`;
        else if (args.path === 'dlpack:runtime') contents = runtimeModuleSource(options.runtime, options.config.modelFormat);
        else if (options.workerAssets) contents = workerAssetsSource(options.workerAssets);
        else contents = `export * from ${JSON.stringify(handlerRuntimeModule('node-assets'))};`;
        return { contents, loader: 'js', resolveDir: HANDLER_RUNTIME_DIR };
      });
      if (options.workerAssets) {
        const assets = new Set(options.workerAssets.map((f) => './' + f));
        build.onResolve({ filter: /^\.\// }, (args) =>
          args.importer === 'dlpack:assets' && assets.has(args.path) ? { path: args.path, external: true } : undefined,
        );
      }
    },
  };
}

const BINDING_REQUIRE = /require\(`\.\.\/bin\/napi-v\d+\/\$\{process\.platform\}\/\$\{process\.arch\}\/onnxruntime_binding\.node`\)/;

/** onnxruntime-node's binding.js: load onnxruntime_binding.node from the bundle's folder. */
export function ortNodeBindingPlugin(): Plugin {
  return {
    name: 'dlpack-onnxruntime-node-binding',
    setup(build) {
      build.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!BINDING_REQUIRE.test(source)) {
          throw new DlpackError('UNSUPPORTED', "this onnxruntime-node version loads its binding in a way dlpack does not know", {
            file: args.path,
          });
        }
        const contents = source.replace(BINDING_REQUIRE, 'require(require("path").join(__dirname, "onnxruntime_binding.node"))');
        return { contents, loader: 'js' };
      });
    },
  };
}
