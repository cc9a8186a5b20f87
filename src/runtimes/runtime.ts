/**
 * The one interface every inference runtime sits behind (onnxruntime-node for ONNX; tfjs-node,
 * tfjs-backend-wasm or the pure-JS CPU backend for TF.js). The accuracy check, latency figures and
 * reports call only this. Runtimes are imported lazily: never at CLI start-up.
 */
import type { DType, TensorInfo } from '../model/model-description.js';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface TensorData {
  dtype: DType;
  shape: number[];
  /** float16 data is carried as Uint16Array bit patterns; bool as Uint8Array. */
  data: TypedArray;
}

export type Feeds = Record<string, TensorData>;

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
