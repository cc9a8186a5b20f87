/**
 * Validates and resolves `dlpack bundle` options before anything is built or written: the target,
 * the runtime it can run, the architecture, the memory size and the output paths.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { assertNotInput } from '../core/io/atomic-output.js';
import { checkMemory, platformModule, vcpuFor, type BundleTarget } from '../platforms/index.js';
import type { Arch, PlatformProfile } from '../core/platform-facts.js';
import { getRuntime, ORT_NODE_INSTALL, packageDir, type RuntimeDefinition, type ModelKind } from './runtime-registry.js';

export interface BundleOptions {
  /** The model file (.onnx, or a TF.js model .json). */
  model: string;
  target: string;
  /** onnxruntime-node | onnxruntime-web | tfjs-backend-wasm | tfjs-node (default: per target and model). */
  runtime?: string;
  arch?: string;
  /** Memory size the function is configured with (default: the platform's default). */
  memoryMb?: number;
  /** Bundle this handler file instead of the template. */
  handler?: string;
  /** Output folder (default ./<model>-<target>); the zip is written beside it as <out>.zip. */
  out?: string;
  format?: 'zip' | 'image';
  sourcemap?: boolean;
  /** Replace an existing output. */
  force?: boolean;
  /** Open the staged model with dlpack's runtime before writing (default true; --no-check). */
  check?: boolean;
  onProgress?: (message: string) => void;
}

export interface ResolvedBundle {
  profile: PlatformProfile;
  target: BundleTarget;
  arch: Arch;
  memoryMb: number;
  vcpu: number;
  outDir: string;
  zipPath?: string;
  format: 'zip' | 'image';
}

export function resolveTarget(options: BundleOptions): ResolvedBundle {
  const { facts: profile, bundle: target } = platformModule(options.target);
  const arch = options.arch ?? 'x64';
  if (arch !== 'x64' && arch !== 'arm64') {
    throw new DlpackError('USAGE', `unknown architecture "${arch}"`, { hint: 'use --arch x64 or --arch arm64' });
  }
  const memoryMb = options.memoryMb ?? profile.memory.defaultMb.value;
  checkMemory(profile, memoryMb);
  const format = options.format ?? 'zip';
  if (format !== 'zip' && format !== 'image') throw new DlpackError('USAGE', `unknown format "${format}"`, { hint: 'use --format zip or --format image' });
  const stem = basename(options.model, extname(options.model)) || 'model';
  const outDir = resolve(options.out ?? `${stem}-${profile.id}`);
  const zipPath = format === 'zip' ? `${outDir}.zip` : undefined;
  return { profile, target, arch, memoryMb, vcpu: vcpuFor(profile, memoryMb), outDir, zipPath, format };
}

/**
 * The runtime to bundle: the one asked for, or the target's default for the model's kind; checked
 * against the platform. onnxruntime-node is an optional peer of dlpack: when it is the default but
 * not installed, onnxruntime-web (wasm) is bundled instead and `fallback` says so.
 */
export function resolveRuntime(options: BundleOptions, resolved: ResolvedBundle, kind: ModelKind): RuntimeDefinition & { fallback?: string } {
  const preferred = getRuntime(options.runtime ?? resolved.target.defaultRuntime[kind]);
  if (options.runtime === undefined && preferred.id === 'onnxruntime-node' && !packageDir(preferred.packageName)) {
    return {
      ...getRuntime('onnxruntime-web'),
      fallback: 'runtime onnxruntime-web (wasm): onnxruntime-node is not installed; for the native runtime (faster cold starts) run ' + ORT_NODE_INSTALL,
    };
  }
  const runtime = preferred;
  if (runtime.kind !== kind) {
    const what = kind === 'onnx' ? 'an ONNX model' : 'a TF.js model';
    throw new DlpackError('USAGE', `runtime ${runtime.id} cannot run ${what}`, {
      file: options.model,
      hint: kind === 'onnx' ? 'use --runtime onnxruntime-node or onnxruntime-web' : 'use --runtime tfjs-backend-wasm',
    });
  }
  if (runtime.native && !resolved.profile.runtime.nativeAddons.value) {
    throw new DlpackError('UNSUPPORTED', `${resolved.profile.id} runs JavaScript and WebAssembly only; ${runtime.id} is a native addon`, {
      hint: `use --runtime ${kind === 'onnx' ? 'onnxruntime-web' : 'tfjs-backend-wasm'} (source: ${resolved.profile.runtime.nativeAddons.source})`,
    });
  }
  return runtime;
}

function nonEmpty(path: string): boolean {
  return statSync(path).isDirectory() ? readdirSync(path).length > 0 : true;
}

/** Refuses outputs that would overwrite the inputs, or existing outputs without --force. */
export function checkOutputs(options: BundleOptions, resolved: ResolvedBundle, inputs: string[]): void {
  assertNotInput(resolved.outDir, inputs);
  if (resolved.zipPath) assertNotInput(resolved.zipPath, inputs);
  for (const input of inputs) {
    const rel = resolve(input);
    if (rel.startsWith(resolved.outDir + '/')) {
      throw new DlpackError('OUTPUT', 'the output folder contains the model; choose another -o', { file: resolved.outDir });
    }
  }
  if (options.force) return;
  if (existsSync(resolved.outDir) && nonEmpty(resolved.outDir)) {
    throw new DlpackError('OUTPUT', 'output folder exists and is not empty (use --force to replace it)', { file: resolved.outDir });
  }
  if (resolved.zipPath && existsSync(resolved.zipPath)) {
    throw new DlpackError('OUTPUT', 'output zip exists (use --force to replace it)', { file: resolved.zipPath });
  }
}
