/**
 * onnxruntime-node behind the one runtime interface (InferenceSessionLike), with onnxruntime-web
 * (wasm) as the fallback when the native package is not installed. Both are imported lazily, on
 * the first session, never at CLI start-up.
 */
import { readFile } from 'node:fs/promises';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { DType, Dim, TensorInfo } from '../core/model-description.js';
import type { Feeds, InferenceSessionLike, TensorData, TypedArray } from './runtime.js';
import type { InferenceSession, Tensor } from 'onnxruntime-common';

export interface OnnxSessionOptions {
  /** Intra-op threads (default: ORT's own, one per core). */
  threads?: number;
  /** Graph optimization level (default 'all', as ORT's own default). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Write the optimized graph here (ORT's offline optimization). */
  optimizedModelFilePath?: string;
  /** Collect per-node profiling into a file with this prefix. */
  profileFilePrefix?: string;
  /** The file name used in error messages when `model` is bytes. */
  label?: string;
  /** Session config entries (SessionOptions.extra, dotted keys), e.g. from ortSessionConfig(). */
  sessionConfig?: Record<string, string>;
}

type OrtModule = typeof import('onnxruntime-node');
type OrtCommon = Pick<OrtModule, 'InferenceSession' | 'Tensor'>;

/** How to add the native runtime: its install step downloads CUDA files unless told to skip. */
export const ORT_NODE_HINT = 'ONNXRUNTIME_NODE_INSTALL=skip npm install -D onnxruntime-node';

let ortPromise: Promise<OrtModule> | undefined;

/**
/**
 * ONNX Runtime's own log level: fatal only. Its error lines (coloured, with C++ source paths)
 * would otherwise reach stderr before dlpack's one-line error, which carries the message anyway.
 */
const ORT_LOG_SEVERITY = 4;

/**
 * Loads onnxruntime-node once (lazily), its logging silenced before the first session starts it.
 * It is an optional peer of dlpack (its install step downloads CUDA libraries unless skipped), so a
 * missing package is a one-line error with the command that installs it.
 */
export async function loadOrt(): Promise<OrtModule> {
  ortPromise ??= import('onnxruntime-node').then(
    (ort) => {
      ort.env.logLevel = 'fatal';
      return ort;
    },
    (err: unknown) => {
      ortPromise = undefined;
      const missing = (err as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND';
      throw new DlpackError('RUNTIME', missing ? 'onnxruntime-node is not installed' : `onnxruntime-node failed to load: ${firstLine(err)}`, {
        hint: missing ? `this needs the native runtime: ${ORT_NODE_HINT}` : undefined,
        cause: err,
      });
    },
  );
  return ortPromise;
}

/** One ONNX runtime as loaded: the module and what to call it in reports. */
export interface LoadedOnnxRuntime {
  ort: OrtCommon;
  id: 'onnxruntime-node' | 'onnxruntime-web';
  /** e.g. "onnxruntime-node (cpu)" or "onnxruntime-web (wasm; onnxruntime-node is not installed)". */
  backend: string;
}

export interface OnnxRuntimeLoaders {
  native: () => Promise<OrtCommon>;
  wasm: () => Promise<OrtCommon & { env: { wasm: { numThreads?: number } } }>;
}

const DEFAULT_LOADERS: OnnxRuntimeLoaders = {
  native: () => loadOrt(),
  wasm: () => import('onnxruntime-web'),
};

/**
 * The ONNX runtime for local checks, by priority: onnxruntime-node (native), else onnxruntime-web
 * (WebAssembly, ships with dlpack). The backend string says which one ran and why; when both fail,
 * one error lists why each failed.
 */
export async function loadOnnxRuntime(loaders: OnnxRuntimeLoaders = DEFAULT_LOADERS): Promise<LoadedOnnxRuntime> {
  let nativeErr: unknown;
  try {
    return { ort: await loaders.native(), id: 'onnxruntime-node', backend: 'onnxruntime-node (cpu)' };
  } catch (err) {
    nativeErr = err;
  }
  const why = (nativeErr as DlpackError)?.message ?? String(nativeErr);
  try {
    const web = await loaders.wasm();
    web.env.wasm.numThreads = 1;
    (web.env as { logLevel?: string }).logLevel = 'fatal';
    return { ort: web, id: 'onnxruntime-web', backend: `onnxruntime-web (wasm, 1 thread; ${why})` };
  } catch (err) {
    throw new DlpackError('RUNTIME', `no ONNX runtime loads: ${why}; onnxruntime-web: ${firstLine(err)}`, { hint: ORT_NODE_HINT, cause: err });
  }
}

const ORT_TYPES: Partial<Record<DType, Tensor.Type>> = {
  float32: 'float32',
  float16: 'float16',
  float64: 'float64',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  bool: 'bool',
};

function toDim(d: number | string): Dim {
  if (typeof d === 'number') return d >= 0 ? d : null;
  return d === '' ? null : d;
}

function toInfo(meta: InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, dtype: 'unknown', shape: null };
  return { name: meta.name, dtype: meta.type as DType, shape: meta.shape.map(toDim) };
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0].slice(0, 400);
}

/**
 * What ONNX Runtime's message says, without its plumbing: the "Load model from <path> failed:"
 * prefix, C++ source locations with their function signatures and failed conditions
 * ("/onnxruntime_src/…/reshape_helper.h:84 onnxruntime::ReshapeHelper::ReshapeHelper(…) size != 0
 * was false."), the node dump before ", Error". The failing node (op and name) is kept in front of
 * the last clause: "Reshape node 'r1': The input tensor cannot be reshaped to the requested shape. …".
 */
export function ortMessage(err: unknown): string {
  let m = String((err as Error)?.message ?? err).replace(/\s+/g, ' ').trim();
  m = m.replace(/^Load model from .*? failed: ?/, '');
  let node = '';
  const running = m.match(/^Non-zero status code returned while running (\S+) node\. Name:'([^']*)' Status Message: ?(.*)$/);
  if (running) {
    node = `${running[1]} node '${running[2]}': `;
    m = running[3];
  }
  // C++ location + signature (+ the failed condition, up to "was false.")
  m = m.replace(/\S*\.(?:h|hpp|cc|cpp|c):\d+ [^()\s]+\((?:[^()]|\([^()]*\))*\)(?: const)?(?: [^]*? was false\.)? ?/g, '');
  const afterDump = m.match(/, Error (.+)$/);
  if (afterDump) m = afterDump[1];
  return `${node}${m.trim() || String((err as Error)?.message ?? err).split('\n')[0]}`.slice(0, 400);
}

/**
 * Opens an ONNX model (file path or bytes) in onnxruntime-node's CPU provider, or in
 * onnxruntime-web when the native runtime is not installed (offline optimization and profiling
 * need the native one).
 */
export async function openOnnxSession(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<InferenceSessionLike> {
  const nativeOnly = Boolean(options.optimizedModelFilePath || options.profileFilePrefix);
  const runtime = nativeOnly
    ? { ort: await loadOrt(), id: 'onnxruntime-node' as const, backend: 'onnxruntime-node (cpu)' }
    : await loadOnnxRuntime();
  const ort = runtime.ort;
  const label = typeof model === 'string' ? model : options.label;
  if (runtime.id === 'onnxruntime-web' && typeof model === 'string') model = await readFile(model);
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    interOpNumThreads: 1,
    logSeverityLevel: ORT_LOG_SEVERITY,
  };
  if (options.threads) sessionOptions.intraOpNumThreads = options.threads;
  if (options.sessionConfig) sessionOptions.extra = { ...options.sessionConfig };
  if (options.optimizedModelFilePath) sessionOptions.optimizedModelFilePath = options.optimizedModelFilePath;
  if (options.profileFilePrefix) {
    sessionOptions.enableProfiling = true;
    sessionOptions.profileFilePrefix = options.profileFilePrefix;
  }
  if (runtime.id === 'onnxruntime-web') sessionOptions.executionProviders = ['wasm'];
  let session: InferenceSession;
  try {
    session = typeof model === 'string'
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  } catch (err) {
    throw new DlpackError('RUNTIME', `${runtime.id} cannot load the model: ${ortMessage(err)}`, { file: label, cause: err });
  }
  const inputs = session.inputMetadata.map(toInfo);
  const outputs = session.outputMetadata.map(toInfo);
  return {
    backend: runtime.backend,
    inputs,
    outputs,
    async run(feeds: Feeds): Promise<Record<string, TensorData>> {
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        const type = ORT_TYPES[t.dtype];
        if (!type) throw new DlpackError('UNSUPPORTED', `input "${name}" has dtype ${t.dtype}, which dlpack cannot feed to onnxruntime`, { file: label });
        ortFeeds[name] = new ort.Tensor(type as 'float32', t.data as Float32Array, t.shape);
      }
      let result: InferenceSession.ReturnType;
      try {
        result = await session.run(ortFeeds, { logSeverityLevel: ORT_LOG_SEVERITY });
      } catch (err) {
        throw new DlpackError('RUNTIME', `${runtime.id} failed to run the model: ${ortMessage(err)}`, { file: label, cause: err });
      }
      const out: Record<string, TensorData> = {};
      for (const [name, value] of Object.entries(result)) {
        const t = value as Tensor;
        out[name] = { dtype: t.type as DType, shape: [...t.dims], data: t.data as TypedArray };
      }
      return out;
    },
    async dispose() {
      await session.release();
    },
  };
}
