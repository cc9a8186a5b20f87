/**
 * What a runtime adapter (onnxruntime-node, onnxruntime-web, tfjs-backend-wasm, tfjs-node) gives
 * the handler core: a loaded model that runs named tensors. Lives inside the bundle.
 */
import type { TypedArray } from '../../core/tensor/tensor.js';
import type { HandlerConfig } from './handler-config.js';

/** Tensor data inside a bundle: the runtime interface's typed arrays, or strings. */
export type ElementArray = TypedArray | string[];

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
