/**
 * The inference runtimes a bundle can carry, what model formats they run, whether they are native
 * (cannot run on Workers) and which package must be installed for dlpack to bundle them.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { DlpackError } from '../core/errors/dlpack-error.js';

export type RuntimeId = 'onnxruntime-node' | 'onnxruntime-web' | 'tfjs-backend-wasm' | 'tfjs-node';
export type ModelKind = 'onnx' | 'tfjs';

export interface RuntimeDefinition {
  id: RuntimeId;
  kind: ModelKind;
  native: boolean;
  /** The npm package that must be installed (beside dlpack) to bundle this runtime. */
  packageName: string;
  /** Handler-runtime module exporting the adapter (src/bundle/handler-runtime/). */
  note: string;
  /** Ops ("domain.Op") this runtime runs correctly but slowly, and what to say when a bundled model has them. */
  slowOps?: Record<string, string>;
}

export const RUNTIMES: Record<RuntimeId, RuntimeDefinition> = {
  'onnxruntime-node': {
    id: 'onnxruntime-node',
    kind: 'onnx',
    native: true,
    packageName: 'onnxruntime-node',
    note: 'native CPU runtime: one .so and one .node for the target OS/CPU',
  },
  'onnxruntime-web': {
    id: 'onnxruntime-web',
    kind: 'onnx',
    native: false,
    packageName: 'onnxruntime-web',
    note: 'WebAssembly, single-threaded: ort-wasm-simd-threaded.wasm',
    slowOps: {
      // measured with onnxruntime-web 1.30 in `npm run bench int4` (the same outputs as onnxruntime-node, no fast kernel)
      'com.microsoft.MatMulNBits':
        'onnxruntime-web runs com.microsoft.MatMulNBits (int4-weights) without a fast WebAssembly kernel: 10–50× the fp32 latency at batch 1 on a 4×1024 MLP (npm run bench int4). For a wasm runtime quantize with --mode int8-weights (dequantized once at load) or fp16',
    },
  },
  'tfjs-backend-wasm': {
    id: 'tfjs-backend-wasm',
    kind: 'tfjs',
    native: false,
    packageName: '@tensorflow/tfjs-backend-wasm',
    note: 'WebAssembly with SIMD, single-threaded: tfjs-backend-wasm-simd.wasm',
  },
  'tfjs-node': {
    id: 'tfjs-node',
    kind: 'tfjs',
    native: true,
    packageName: '@tensorflow/tfjs-node',
    note: 'native libtensorflow (~300 MB: over Lambda’s 250 MB unzipped limit)',
  },
};

export const RUNTIME_IDS = Object.keys(RUNTIMES) as RuntimeId[];

/**
 * How to add the native ONNX runtime (an optional peer of dlpack): its install step downloads CUDA
 * libraries on linux/x64 unless told to skip them; the CPU build ships inside the package.
 */
export const ORT_NODE_INSTALL = 'ONNXRUNTIME_NODE_INSTALL=skip npm install -D onnxruntime-node';

const require = createRequire(import.meta.url);

/** The folder of an installed package (resolved from dlpack's own location), or undefined. */
export function packageDir(name: string): string | undefined {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === name) return dir;
  }
  return undefined;
}

/** Throws a clear UNSUPPORTED error when the runtime's package is not installed. */
export function requireInstalled(runtime: RuntimeDefinition): string {
  const dir = packageDir(runtime.packageName);
  if (!dir) {
    const hint =
      runtime.id === 'tfjs-node'
        ? 'tfjs-node is an optional dependency and is not installed; use --runtime tfjs-backend-wasm'
        : runtime.id === 'onnxruntime-node'
          ? `install it beside dlpack: ${ORT_NODE_INSTALL}, or use --runtime onnxruntime-web`
          : `install it beside dlpack: npm install ${runtime.packageName}`;
    throw new DlpackError('UNSUPPORTED', `runtime ${runtime.id} needs ${runtime.packageName}, which is not installed`, { hint });
  }
  return dir;
}

export function getRuntime(id: string): RuntimeDefinition {
  if (!Object.hasOwn(RUNTIMES, id)) {
    throw new DlpackError('USAGE', `unknown runtime "${id}"`, { hint: `use one of: ${RUNTIME_IDS.join(', ')}` });
  }
  return RUNTIMES[id as RuntimeId];
}
