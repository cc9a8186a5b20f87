/**
 * Builds the handler with esbuild: minified, tree-shaken, optional source map, targeting the
 * platform's Node version (or the Workers runtime). Nothing is written: the output files come back
 * in memory with the metafile's bytes per input. esbuild is imported lazily.
 */
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { BundleTarget } from '../platforms/index.js';
import type { RuntimeId } from './runtime-registry.js';
import type { HandlerConfig } from './handler-runtime/handler-config.js';
import { ortNodeBindingPlugin, virtualModulesPlugin } from './esbuild-plugins.js';

/** dlpack's own folder: esbuild's working directory, so metafile paths are stable and relative. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]dist[\\/]?$/, '');

export interface BuildOptions {
  target: BundleTarget;
  runtime: RuntimeId;
  config: HandlerConfig;
  /** The platform's Node major version (esbuild target). */
  node: string;
  /** A user handler instead of the template. */
  handler?: string;
  sourcemap: boolean;
  /** Workers: files imported as modules. */
  workerAssets?: string[];
  /** Packages left out of the bundle, loaded from node_modules at run time (benchmark baselines). */
  externalPackages?: string[];
}

export interface BuildResult {
  files: { path: string; contents: Uint8Array }[];
  /** Bytes per input module in the entry output, largest first. */
  inputs: { path: string; bytes: number }[];
  /** Every input esbuild read (relative to PACKAGE_ROOT). */
  inputPaths: string[];
}

export async function buildHandler(options: BuildOptions): Promise<BuildResult> {
  const esbuild = await import('esbuild');
  const { target } = options;
  const entry = options.handler ? resolve(options.handler) : target.handler;
  const outfile = join(PACKAGE_ROOT, '.dlpack-bundle', target.entry);
  const worker = target.build === 'worker-esm';
  const common = {
    entryPoints: [entry],
    bundle: true,
    minify: true,
    treeShaking: true,
    sourcemap: options.sourcemap ? ('linked' as const) : false,
    metafile: true,
    write: false,
    outfile,
    absWorkingDir: PACKAGE_ROOT,
    logLevel: 'silent' as const,
    nodePaths: [join(PACKAGE_ROOT, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [
      virtualModulesPlugin({ config: options.config, runtime: options.runtime, workerAssets: options.workerAssets }),
      ortNodeBindingPlugin(),
    ],
  };
  let result;
  try {
    result = worker
      ? await esbuild.build({
          ...common,
          platform: 'browser',
          format: 'esm',
          target: 'es2022',
          conditions: ['workerd', 'worker', 'browser'],
          // Reached only on Node (onnxruntime-web's glue): never on Workers.
          external: ['module', 'node:*', 'worker_threads', 'fs', 'path', 'url', 'util', 'crypto'],
        })
      : await esbuild.build({
          ...common,
          platform: 'node',
          format: 'cjs',
          target: `node${options.node}`,
          // ES module builds first: they tree-shake (tfjs ships pre-bundled CommonJS as "main").
          mainFields: ['module', 'main'],
          // ESM packages (onnxruntime-web's glue) read import.meta.url: give them the bundle's URL.
          define: { ...common.define, 'import.meta.url': '__dlpack_import_meta_url' },
          banner: { js: 'var __dlpack_import_meta_url=require("url").pathToFileURL(__filename).href;' },
          // A default-exported function is also module.exports itself, so require(), import() and
          // launchers that look at `.default` all get the function.
          footer:
            target.export === 'default'
              ? { js: 'if(typeof module.exports.default==="function")module.exports=Object.assign(module.exports.default,module.exports);' }
              : undefined,
          // tfjs-core only requires node-fetch where no global fetch exists (Node < 18);
          // @azure/functions-core is provided by the Azure Functions host (optional outside it).
          external: ['node-fetch', '@azure/functions-core', ...(options.externalPackages ?? [])],
        });
  } catch (err) {
    if (err instanceof DlpackError) throw err;
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const first = errors[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new DlpackError('USAGE', `esbuild could not bundle the handler: ${where}${first?.text ?? String(err)}${more}`, {
      file: options.handler ?? entry,
      cause: err,
    });
  }
  const meta = result.metafile!;
  const outKey = Object.keys(meta.outputs).find((k) => k.endsWith(target.entry))!;
  const inputs = Object.entries(meta.outputs[outKey].inputs)
    .map(([path, v]) => ({ path, bytes: v.bytesInOutput }))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  const files = result.outputFiles!.map((f) => ({ path: f.path.slice(join(PACKAGE_ROOT, '.dlpack-bundle').length + 1), contents: f.contents }));
  return { files, inputs, inputPaths: Object.keys(meta.inputs) };
}
