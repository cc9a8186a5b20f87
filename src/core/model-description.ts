/**
 * One in-memory description for every model format dlpack reads (ONNX, TF.js graph/layers, Keras).
 * It is data: what `dlpack inspect --json` prints, what reports and budgets read. Readers in
 * src/formats/ build it; nothing here touches the disk.
 */

export type ModelFormat = 'onnx' | 'tfjs-graph' | 'tfjs-layers' | 'keras';

/** Element types, named as numpy/TF.js name them. */
export type DType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'int4'
  | 'uint4'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'complex64'
  | 'complex128'
  | 'unknown';

/** A dimension: a fixed size, a symbolic name (kept by name, e.g. "batch"), or unknown (null). */
export type Dim = number | string | null;

export interface TensorInfo {
  name: string;
  dtype: DType;
  /** null when the rank is unknown. */
  shape: Dim[] | null;
}

/** How a weight is stored when that differs from its logical dtype (TF.js quantization). */
export interface WeightQuantization {
  /** The stored element type (uint8, uint16, float16). */
  dtype: DType;
  /** Affine parameters for integer quantization: value = min + scale * q (TF.js) ... */
  scale?: number;
  min?: number;
  /** ... or value = scale * (q - zeroPoint) (ONNX-style). */
  zeroPoint?: number;
}

export interface WeightInfo {
  name: string;
  /** The logical dtype (after dequantization). */
  dtype: DType;
  shape: number[];
  /** Number of elements (product of shape). */
  elements: number;
  /** Bytes as stored in the model files. */
  bytes: number;
  /** Where the bytes live: inside the model file, in a TF.js shard, or in ONNX external data. */
  storage: 'inline' | 'shard' | 'external';
  /** The file holding the bytes, relative to the model folder, for shard/external storage. */
  file?: string;
  quantization?: WeightQuantization;
}

export interface OpInfo {
  /** The op type (ONNX op_type, TF.js graph `op`, Keras/TF.js layer class). */
  type: string;
  /** ONNX domain ('' for the default ai.onnx domain); absent for TF.js. */
  domain?: string;
  name?: string;
  /** True when the node sits inside a subgraph (If/Loop/Scan body, TF.js function). */
  inSubgraph?: boolean;
}

export interface FileInfo {
  /** Path relative to the model folder. */
  path: string;
  bytes: number;
  role: 'model' | 'weights' | 'external-data';
}

export interface ModelDescription {
  format: ModelFormat;
  /** The model file, as given by the user. */
  path: string;
  producer?: { name?: string; version?: string };
  /** ONNX IR version; TF.js format version string. */
  irVersion?: number;
  formatVersion?: string;
  /** ONNX opset imports (domain '' = ai.onnx); for TF.js the converter/keras version as a note. */
  opsets: { domain: string; version: number }[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  weights: WeightInfo[];
  ops: OpInfo[];
  files: FileInfo[];
  /** Free-form metadata worth showing (ONNX metadata_props, TF.js userDefinedMetadata...). */
  metadata?: Record<string, string>;
}

/** Summary figures derived from a description (what `inspect` prints besides the lists). */
export interface ModelSummary {
  parameters: number;
  weightBytes: number;
  weightBytesByDtype: Record<string, number>;
  opHistogram: Record<string, number>;
  bytesOnDisk: number;
}

export function summarize(model: ModelDescription): ModelSummary {
  const weightBytesByDtype: Record<string, number> = {};
  let parameters = 0;
  let weightBytes = 0;
  for (const w of model.weights) {
    const stored = w.quantization?.dtype ?? w.dtype;
    weightBytesByDtype[stored] = (weightBytesByDtype[stored] ?? 0) + w.bytes;
    parameters += w.elements;
    weightBytes += w.bytes;
  }
  const opHistogram: Record<string, number> = {};
  for (const op of model.ops) {
    const key = op.domain ? `${op.domain}.${op.type}` : op.type;
    opHistogram[key] = (opHistogram[key] ?? 0) + 1;
  }
  const sorted = Object.fromEntries(Object.entries(opHistogram).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  const bytesOnDisk = model.files.reduce((a, f) => a + f.bytes, 0);
  return { parameters, weightBytes, weightBytesByDtype, opHistogram: sorted, bytesOnDisk };
}

/** Bytes per element of each dtype as stored densely (sub-byte types round up per tensor). */
export const DTYPE_BITS: Record<DType, number> = {
  float32: 32,
  float16: 16,
  bfloat16: 16,
  float64: 64,
  float8e4m3fn: 8,
  float8e4m3fnuz: 8,
  float8e5m2: 8,
  float8e5m2fnuz: 8,
  int4: 4,
  uint4: 4,
  int8: 8,
  uint8: 8,
  int16: 16,
  uint16: 16,
  int32: 32,
  uint32: 32,
  int64: 64,
  uint64: 64,
  bool: 8,
  string: 0,
  complex64: 64,
  complex128: 128,
  unknown: 0,
};
