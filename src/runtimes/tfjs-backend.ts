/**
 * Which TF.js backend runs: `@tensorflow/tfjs-node` (native TensorFlow) when it loads, else
 * `@tensorflow/tfjs-backend-wasm`, the pure-JS CPU backend only as a last resort. Backends are
 * registered with a priority and resolved with fallback, as onnxruntime-common resolves its
 * execution providers; when all fail, one error says why each failed. A forced backend (or a
 * comma-separated preference list such as "wasm,cpu") is tried alone, in the order given. Every @tensorflow import is lazy (this module is reachable from commands).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';

export type TfjsBackendName = 'node' | 'wasm' | 'cpu';
export const TFJS_BACKENDS: readonly TfjsBackendName[] = ['node', 'wasm', 'cpu'];

export type TfjsCore = typeof import('@tensorflow/tfjs-core');

export interface TfjsBackendAttempt {
  backend: TfjsBackendName;
  ok: boolean;
  /** Why it did not load (absent when ok). */
  reason?: string;
}

export interface TfjsRuntime {
  tf: TfjsCore;
  /** Our name for the backend that runs (node | wasm | cpu). */
  backend: TfjsBackendName;
  /** The tfjs-core backend name (tensorflow | wasm | cpu), for tf.setBackend. */
  tfBackend: string;
  /** What reports print, e.g. "tfjs (wasm)". */
  label: string;
  /** Every backend tried, in order, with the reason for each failure. */
  attempts: TfjsBackendAttempt[];
}

interface BackendEntry {
  name: TfjsBackendName;
  priority: number;
  tfBackend: string;
  /** Imports and registers the backend; throws when it cannot load here. */
  init(): Promise<void>;
}

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
// A variable specifier: tfjs-node is optional and TypeScript must not require its types.
const TFJS_NODE = '@tensorflow/tfjs-node';

let wasmPathsSet = false;

const REGISTRY: BackendEntry[] = [
  {
    name: 'node',
    priority: 3,
    tfBackend: 'tensorflow',
    async init() {
      try {
        await import(TFJS_NODE);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
          throw new Error(`${TFJS_NODE} is not installed (optional dependency)`);
        }
        throw err;
      }
    },
  },
  {
    name: 'wasm',
    priority: 2,
    tfBackend: 'wasm',
    async init() {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (!wasmPathsSet) {
        // In Node the .wasm binaries are read from the package's dist folder, never fetched.
        const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
        wasm.setWasmPaths(Object.fromEntries(WASM_FILES.map((f) => [f, join(dist, f)])));
        wasmPathsSet = true;
      }
    },
  },
  {
    name: 'cpu',
    priority: 1,
    tfBackend: 'cpu',
    async init() {
      await import('@tensorflow/tfjs-backend-cpu');
    },
  },
];

function reasonOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : typeof err === 'object' && err && 'message' in err ? String((err as { message: unknown }).message) : String(err);
  return msg.split('\n')[0];
}

/** Validates one backend name (node | wasm | cpu; "tensorflow" means node) before anything is imported. */
export function parseTfjsBackend(value: string | undefined): TfjsBackendName | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  const v = value.trim().toLowerCase() === 'tensorflow' ? 'node' : value.trim().toLowerCase();
  if (!TFJS_BACKENDS.includes(v as TfjsBackendName)) {
    throw new DlpackError('USAGE', `unknown TF.js backend "${value}"`, { hint: `use one of: ${TFJS_BACKENDS.join(', ')} (or auto)` });
  }
  return v as TfjsBackendName;
}

/**
 * The backends to try, in order: all by priority for auto, else the named one, or a
 * comma-separated preference list ("wasm,cpu": never tfjs-node).
 */
export function tfjsBackendCandidates(value: string | undefined): TfjsBackendName[] {
  const byPriority = [...REGISTRY].sort((a, b) => b.priority - a.priority).map((e) => e.name);
  if (value === undefined || value === '' || value === 'auto') return byPriority;
  const names = value.split(',').map((v) => parseTfjsBackend(v)!);
  return names.filter((n, i) => n !== undefined && names.indexOf(n) === i);
}

// Each backend is initialised at most once per process (tfjs keeps one global engine).
const ready = new Map<TfjsBackendName, Promise<void>>();

async function tryBackend(tf: TfjsCore, entry: BackendEntry): Promise<void> {
  if (!ready.has(entry.name)) ready.set(entry.name, entry.init());
  await ready.get(entry.name);
  // setBackend resolves false (and logs) when the backend's own initialisation fails.
  const warn = console.warn;
  let ok: boolean;
  try {
    console.warn = () => {};
    ok = await tf.setBackend(entry.tfBackend);
  } finally {
    console.warn = warn;
  }
  if (!ok) throw new Error(`tfjs could not initialise the ${entry.tfBackend} backend`);
}

/**
 * Picks and activates a backend: the first of the forced list, or of node → wasm → cpu, that loads.
 * Throws one RUNTIME error listing every failure when none loads.
 */
export async function selectTfjsBackend(options: { backend?: string } = {}): Promise<TfjsRuntime> {
  const order = tfjsBackendCandidates(options.backend);
  const forced = options.backend !== undefined && options.backend !== '' && options.backend !== 'auto';
  const tf = await import('@tensorflow/tfjs-core');
  // Production mode: no debug checks, and tfjs's console advice (install tfjs-node...) stays quiet.
  if (!tf.env().getBool('PROD')) tf.enableProdMode();
  const attempts: TfjsBackendAttempt[] = [];
  for (const name of order) {
    const entry = REGISTRY.find((e) => e.name === name)!;
    try {
      await tryBackend(tf, entry);
      attempts.push({ backend: entry.name, ok: true });
      return { tf, backend: entry.name, tfBackend: entry.tfBackend, label: `tfjs (${entry.name})`, attempts };
    } catch (err) {
      ready.delete(entry.name);
      attempts.push({ backend: entry.name, ok: false, reason: reasonOf(err) });
    }
  }
  const why = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new DlpackError(
    'RUNTIME',
    forced && order.length === 1 ? `TF.js backend "${order[0]}" failed to load (${why})` : `no TF.js backend could load (${why})`,
  );
}

/** Makes `runtime`'s backend the active one again (another session may have switched it). */
export async function activateTfjsBackend(runtime: TfjsRuntime): Promise<void> {
  if (runtime.tf.getBackend() !== runtime.tfBackend) await tryBackend(runtime.tf, REGISTRY.find((e) => e.name === runtime.backend)!);
}
