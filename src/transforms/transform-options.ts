/**
 * Options of `dlpack quantize` and `dlpack convert`, as the library takes them (the commands map
 * flags onto these one to one), and what a format-specific transform hands back.
 */
import type { AccuracyCheckOptions } from '../accuracy/accuracy-check.js';

export type OnnxQuantMode = 'int8-weights' | 'int8-dynamic' | 'fp16';
export type TfjsQuantDtype = 'uint8' | 'uint16' | 'float16';

export interface CheckOptions extends Pick<AccuracyCheckOptions, 'shape' | 'inputsFile' | 'samples' | 'seed' | 'runs' | 'maxError' | 'minCosine' | 'backend' | 'threads'> {
  /** false: no comparison (--no-check); latency still measured when runs > 0. */
  enabled?: boolean;
}

export interface QuantizeOptions {
  input: string;
  output: string;
  /** ONNX: int8-weights | int8-dynamic | fp16. */
  mode?: OnnxQuantMode;
  /** TF.js: uint8 | uint16 | float16 (tensorflowjs_converter's --quantize_*). */
  dtype?: TfjsQuantDtype;
  /** TF.js: quantize only weights whose names match these globs. */
  weights?: string[];
  /** TF.js: shard size in bytes (default 4 MB). */
  shardSize?: number;
  /** TF.js: re-quantize weights that are already quantized (default: leave them alone). */
  requantize?: boolean;
  /** TF.js mixed precision: weights that break `check.minCosine` are kept at this dtype instead of `dtype`. */
  fallback?: 'uint16' | 'float16' | 'float32';
  /** TF.js mixed precision: weight bytes budget as a fraction of the input's (default 0.27 for uint8, 0.52 otherwise). */
  maxRatio?: number;
  /** TF.js: per-tensor affine range, the converter's min/max (default) or an MSE-minimizing clipped range. */
  range?: 'minmax' | 'mse';
  /** TF.js graph models: cross-layer equalization of depthwise → 1×1 conv kernel pairs before quantizing (exact in float). */
  equalize?: boolean;
  perChannel?: boolean;
  symmetric?: boolean;
  reduceRange?: boolean;
  opTypes?: string[];
  excludeNodes?: string[];
  minElements?: number;
  keepIoTypes?: boolean;
  blockOps?: string[];
  /** int8-dynamic kernel style. */
  kernels?: 'fused' | 'integer';
  /** Run ORT's basic optimization first (like ORT's quant_pre_process): folds BatchNormalization into Conv. */
  optimize?: 'basic';
  check?: CheckOptions;
  onProgress?: (message: string) => void;
}

export interface ConvertOptions {
  input: string;
  output: string;
  /** ONNX: ORT offline optimization level. */
  optimize?: 'basic' | 'extended';
  /** Keras: target format. */
  to?: 'tfjs';
  shardSize?: number;
  check?: CheckOptions;
  onProgress?: (message: string) => void;
}

/** What a format-specific transform returns after writing its output. */
export interface TransformOutcome {
  /** The model file to measure and run (the .onnx, or the TF.js model JSON in the output folder). */
  outputModel: string;
  changed: { name: string; what: string }[];
  skipped: { name: string; reason: string }[];
  notes: string[];
  nodes?: { before: number; after: number };
}
