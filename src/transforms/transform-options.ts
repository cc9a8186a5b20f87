/**
 * Options of `dlpack quantize` and `dlpack convert`, as the library takes them (the commands map
 * flags onto these one to one), and what a format-specific transform hands back.
 */
import type { AccuracyCheckOptions } from '../accuracy/accuracy-check.js';
import type { CheckInputs } from '../accuracy/check-inputs.js';
import type { TransformReport } from '../core/reports/schemas.js';

export type OnnxQuantMode = 'int8-weights' | 'int8-dynamic' | 'int8-static' | 'fp16' | 'int4-weights';
export type TfjsQuantDtype = 'uint8' | 'uint16' | 'float16';

export interface CheckOptions
  extends Pick<AccuracyCheckOptions, 'shape' | 'inputsFile' | 'samples' | 'preprocess' | 'count' | 'seed' | 'runs' | 'maxError' | 'minCosine' | 'minTop1' | 'defaults' | 'backend' | 'threads'> {
  /** false: no comparison (--no-check); latency still measured when runs > 0. */
  enabled?: boolean;
}

export interface QuantizeOptions {
  input: string;
  output: string;
  /** ONNX: int8-weights | int8-dynamic | int8-static | fp16 | int4-weights. */
  mode?: OnnxQuantMode;
  /** TF.js: uint8 | uint16 | float16 (tensorflowjs_converter's --quantize_*). */
  dtype?: TfjsQuantDtype;
  /** TF.js: quantize only weights whose names match these globs. */
  weights?: string[];
  /** TF.js: shard size in bytes (default 4 MB). */
  shardSize?: number;
  /** TF.js: re-quantize weights that are already quantized (default: leave them alone). */
  requantize?: boolean;
  /**
   * Mixed precision: the units (TF.js weights; ONNX weights or nodes) that most hurt the outputs are
   * kept at this precision until every output meets `check.minCosine` (and minTop1). ONNX: float32 |
   * float16 (int8 modes), int8 (int4-weights' default: 8-bit MatMulNBits blocks), float32 (fp16). 'none': never (a missed default floor then fails).
   */
  fallback?: 'uint16' | 'float16' | 'float32' | 'int8' | 'none';
  /** Mixed precision: bytes budget as a fraction of the input's (TF.js: weight bytes, default 0.27 for uint8, 0.52 otherwise; ONNX: file bytes, default 0.30 for int8, 0.52 for fp16). */
  maxRatio?: number;
  /** TF.js: per-tensor affine range, the converter's min/max (default) or an MSE-minimizing clipped range. */
  range?: 'minmax' | 'mse';
  /** TF.js graph models: cross-layer equalization of depthwise → 1×1 conv kernel pairs before quantizing (exact in float). */
  equalize?: boolean;
  /** One scale per output channel (ONNX default: on where the op and opset allow; TF.js default: off, it adds Mul nodes). */
  perChannel?: boolean;
  /** int8-weights: correct each Conv/MatMul/Gemm bias for the mean shift its quantized weight causes, measured on the check's inputs (default: on with --samples). */
  biasCorrection?: boolean;
  symmetric?: boolean;
  reduceRange?: boolean;
  opTypes?: string[];
  excludeNodes?: string[];
  minElements?: number;
  keepIoTypes?: boolean;
  blockOps?: string[];
  /** int4-weights: MatMulNBits block size along K (32, 64 or 128; default 32). */
  blockSize?: number;
  /** int4-weights: MatMulNBits accuracy_level (0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 compute of the activations; default 4). */
  accuracyLevel?: number;
  /** int8-dynamic kernel style. */
  kernels?: 'fused' | 'integer';
  /** int8-static: how activation ranges are calibrated on the samples (default minmax). */
  calibrate?: 'minmax' | 'percentile' | 'entropy';
  /** int8-static: how many input sets calibrate (default three quarters); the others are held back for the accuracy check. */
  calibSize?: number;
  /** int8-static: QDQ pairs around float ops (default) or integer operators (QLinearConv…), ONNX Runtime's two formats. */
  quantFormat?: 'qdq' | 'qoperator';
  /** int8-static: activation type (default uint8, asymmetric). */
  activationType?: 'uint8' | 'int8';
  /** int8-static: int8 activations symmetric around 0 (zero point 0). */
  symmetricActivations?: boolean;
  /**
   * ORT's basic optimization first (like ORT's quant_pre_process: folds BatchNormalization into
   * Conv, Constant nodes into initializers). Default: on for int8-weights, int8-static and fp16
   * when onnxruntime-node is installed, off for int8-dynamic and int4-weights; 'none' turns it off.
   */
  optimize?: 'basic' | 'none';
  check?: CheckOptions;
  /** The check's input sets, resolved once before the transform (transforms that measure activations use them; the final check too). */
  checkInputs?: CheckInputs;
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
  mixedPrecision?: TransformReport['mixedPrecision'];
}
