/**
 * The native and wasm files a bundle needs beside its JavaScript — only the ones for the target
 * OS/CPU and only the wasm variant the runtime loads — found in the installed packages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { Arch } from '../core/platform-facts.js';
import { packageDir, requireInstalled, RUNTIMES, type RuntimeId } from './runtime-registry.js';

export interface RuntimeFile {
  /** Absolute path of the source file. */
  source: string;
  /** Path inside the bundle. */
  path: string;
  /** Why it is there. */
  reason: string;
}

export const ORT_WEB_WASM = 'ort-wasm-simd-threaded.wasm';
export const TFJS_WASM = 'tfjs-backend-wasm-simd.wasm';
export const ORT_NODE_FILES = ['libonnxruntime.so.1', 'onnxruntime_binding.node'];

function version(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
}

/** onnxruntime-node's linux/<arch> folder: napi-v<N> as the package declares it. */
export function ortNodeBinaryDir(pkgDir: string, arch: Arch): string {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { binary?: { napi_versions?: number[] } };
  const napi = pkg.binary?.napi_versions?.[0] ?? 6;
  return join(pkgDir, 'bin', `napi-v${napi}`, 'linux', arch);
}

export function ortNodeFiles(pkgDir: string, arch: Arch): RuntimeFile[] {
  const dir = ortNodeBinaryDir(pkgDir, arch);
  const missing = ORT_NODE_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    throw new DlpackError('UNSUPPORTED', `onnxruntime-node ${version(pkgDir)} has no linux/${arch} binary (${missing.join(', ')} missing)`, {
      file: dir,
      hint: 'choose another --arch, or install an onnxruntime-node build that ships it',
    });
  }
  return ORT_NODE_FILES.map((f) => ({ source: join(dir, f), path: f, reason: `onnxruntime-node linux/${arch} native` }));
}

function wasmFile(pkgDir: string, name: string, pkg: string): RuntimeFile {
  const source = join(pkgDir, 'dist', name);
  if (!existsSync(source)) {
    throw new DlpackError('UNSUPPORTED', `${pkg} ${version(pkgDir)} does not ship ${name}`, { file: join(pkgDir, 'dist') });
  }
  return { source, path: name, reason: `${pkg} wasm binary (the one variant it loads)` };
}

/** The files the chosen runtime needs, checked before anything is built or written. */
export function runtimeFiles(runtime: RuntimeId, arch: Arch): RuntimeFile[] {
  const def = RUNTIMES[runtime];
  const dir = requireInstalled(def);
  switch (runtime) {
    case 'onnxruntime-node':
      return ortNodeFiles(dir, arch);
    case 'onnxruntime-web':
      return [wasmFile(dir, ORT_WEB_WASM, 'onnxruntime-web')];
    case 'tfjs-backend-wasm':
      return [wasmFile(dir, TFJS_WASM, 'tfjs-backend-wasm')];
    case 'tfjs-node':
      throw new DlpackError('UNSUPPORTED', 'bundling tfjs-node (libtensorflow, ~300 MB) is not supported', {
        hint: 'use --runtime tfjs-backend-wasm, or a container image',
      });
  }
}

/** The wasm file name the handler's config points at, for wasm runtimes. */
export function wasmFileFor(runtime: RuntimeId): string | undefined {
  if (runtime === 'onnxruntime-web') return ORT_WEB_WASM;
  if (runtime === 'tfjs-backend-wasm') return TFJS_WASM;
  return undefined;
}

/**
 * Files required by what esbuild actually bundled (a `--handler` may import runtimes itself):
 * onnxruntime-node's binding loader pulls in that package's native files, and so on.
 */
export function filesForBundledInputs(inputs: string[], absInputs: (p: string) => string, arch: Arch): RuntimeFile[] {
  const out: RuntimeFile[] = [];
  const binding = inputs.find((p) => /onnxruntime-node[\\/]dist[\\/]binding\.js$/.test(p));
  if (binding) out.push(...ortNodeFiles(join(absInputs(binding), '..', '..'), arch));
  const ortWeb = inputs.find((p) => /onnxruntime-web[\\/]dist[\\/]/.test(p));
  if (ortWeb) out.push(wasmFile(join(absInputs(ortWeb), '..', '..'), ORT_WEB_WASM, 'onnxruntime-web'));
  const tfWasm = inputs.find((p) => /tfjs-backend-wasm[\\/]dist[\\/]/.test(p));
  if (tfWasm) {
    const dir = packageDir('@tensorflow/tfjs-backend-wasm');
    const m = absInputs(tfWasm).match(/^(.*tfjs-backend-wasm)[\\/]dist[\\/]/);
    out.push(wasmFile(m ? m[1] : dir!, TFJS_WASM, 'tfjs-backend-wasm'));
  }
  return out;
}
