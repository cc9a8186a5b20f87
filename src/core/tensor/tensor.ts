/**
 * Tensors as every tier passes them: a dtype, a shape and a typed array. Runtimes, the accuracy
 * check, the transforms and the format readers share these shapes; the session interface that
 * produces them is src/runtimes/runtime.ts.
 */
import type { DType } from '../model-description.js';

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
