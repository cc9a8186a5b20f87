/**
 * The in-memory TF.js model: the parsed model JSON plus every weight's stored bytes. This is what
 * `readTfjs` returns and what `writeTfjs` takes; quantization and conversion work on it.
 *
 * Terms follow tfjs-core's io/types.ts: a model JSON holds `modelTopology` and a `weightsManifest`
 * (an ordered list of groups; each group's `paths` are shards whose concatenated bytes hold the
 * group's `weights` back to back, in manifest order).
 */

/** The weight dtypes a TF.js weights manifest can declare (tfjs-core WeightsManifestEntry.dtype). */
export type TfjsWeightDType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

/** The storage types of TF.js weight quantization. */
export type TfjsQuantizationDType = 'uint8' | 'uint16' | 'float16';

/**
 * A manifest entry's `quantization`: uint8/uint16 are affine (value = min + scale * q, int32
 * weights rounded); float16 is IEEE half precision for float32 weights.
 */
export interface TfjsQuantization {
  dtype: TfjsQuantizationDType;
  min?: number;
  scale?: number;
  /** Written by tensorflowjs_converter next to dtype; kept as read. */
  original_dtype?: string;
}

export type TfjsFormat = 'layers-model' | 'graph-model';

export interface TfjsWeight {
  name: string;
  shape: number[];
  /** The logical dtype (what the weight is after dequantization). */
  dtype: TfjsWeightDType;
  quantization?: TfjsQuantization;
  /** The manifest entry's optional `group` ('model' | 'optimizer'), kept as read. */
  group?: string;
  /** Index of the weightsManifest group the weight is stored in (0-based; 0 when building a model). */
  manifestGroup?: number;
  /** The stored bytes (quantized bytes for a quantized weight), exactly as in the shards. */
  data: Uint8Array;
}

/** One weightsManifest group as read from disk. */
export interface TfjsManifestGroupInfo {
  /** Shard paths as written in the manifest (relative to the model folder). */
  paths: string[];
  /** Size of each shard in bytes. */
  shardBytes: number[];
  /** Indices into `TfjsModel.weights` of the weights stored in this group. */
  weightIndices: number[];
}

/** The model JSON without its weightsManifest (modelTopology, format, generatedBy, signature ...). */
export interface TfjsModelJson {
  modelTopology: Record<string, unknown>;
  format?: string;
  generatedBy?: string | null;
  convertedBy?: string | null;
  signature?: Record<string, unknown>;
  userDefinedMetadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface TfjsModel {
  /** The model JSON file (as given). */
  file: string;
  /** The folder holding the model JSON and its shards. */
  dir: string;
  format: TfjsFormat;
  json: TfjsModelJson;
  /** Every weight in manifest order (groups in order, weights in order inside each group). */
  weights: TfjsWeight[];
  groups: TfjsManifestGroupInfo[];
  /** Size of the model JSON file in bytes. */
  jsonBytes: number;
}

/** What `writeTfjs` needs: a model read from disk, or one built in memory. */
export type TfjsModelInput = Pick<TfjsModel, 'json' | 'format' | 'weights'> & { file?: string };

/** Bytes per element of each stored type ('string' has no fixed size). */
export const TFJS_BYTES_PER_ELEMENT: Record<TfjsWeightDType | TfjsQuantizationDType, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  string: 0,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

export const TFJS_WEIGHT_DTYPES: readonly TfjsWeightDType[] = ['float32', 'int32', 'bool', 'string', 'complex64'];
export const TFJS_QUANTIZATION_DTYPES: readonly TfjsQuantizationDType[] = ['uint8', 'uint16', 'float16'];
