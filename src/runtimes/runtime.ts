/**
 * The one interface every inference runtime sits behind (onnxruntime-node for ONNX; tfjs-node,
 * tfjs-backend-wasm or the pure-JS CPU backend for TF.js). The accuracy check, latency figures and
 * reports call only this. Runtimes are imported lazily: never at CLI start-up.
 */
import type { TensorInfo } from '../core/model-description.js';
import type { Feeds, TensorData } from '../core/tensor/tensor.js';

export type { Feeds, TensorData, TypedArray } from '../core/tensor/tensor.js';

export interface InferenceSessionLike {
  /** Which runtime and backend actually ran, e.g. "onnxruntime-node (cpu)", "tfjs (wasm)". */
  readonly backend: string;
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  run(feeds: Feeds): Promise<Record<string, TensorData>>;
  dispose(): Promise<void>;
}

export interface OpenSessionOptions {
  /** Force a backend (TF.js: node | wasm | cpu; ONNX: cpu). */
  backend?: string;
  /** Intra-op threads (default: the runtime's own default). */
  threads?: number;
  /** ONNX Runtime session config entries (see ort-session-config.ts); ignored by TF.js. */
  sessionConfig?: Record<string, string>;
}
