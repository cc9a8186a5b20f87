/**
 * What a runtime adapter (onnxruntime-node, onnxruntime-web, tfjs-backend-wasm, tfjs-node) gives
 * the handler core: a loaded model that runs named tensors. Lives inside the bundle.
 */
import type { HandlerConfig } from './handler-config.js';

export type ElementArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

export interface Tensor {
  dtype: string;
  dims: number[];
  data: ElementArray;
}

export interface ModelSession {
  /** Runtime and backend that runs the model, e.g. "onnxruntime-node (cpu, 2 threads)". */
  backend: string;
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

export type LoadModel = (config: HandlerConfig, threads: number) => Promise<ModelSession>;
