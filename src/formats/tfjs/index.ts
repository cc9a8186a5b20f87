/**
 * TF.js models on disk: read (any model JSON name, graph or layers, sharded weights, quantized
 * weights), write (atomically, converter-style shards), dequantize, describe. No @tensorflow
 * import here: this is plain bytes and JSON, usable at CLI start-up.
 */
export * from './tfjs-model.js';
export { readTfjs } from './read-tfjs.js';
export { writeTfjs, DEFAULT_SHARD_SIZE_BYTES } from './write-tfjs.js';
export type { WriteTfjsOptions, WriteTfjsResult } from './write-tfjs.js';
export { dequantizeWeight } from './dequantize.js';
export type { TfjsWeightValues } from './dequantize.js';
export { encodeFloat16, decodeFloat16, float32ToFloat16Bits, float16BitsToFloat32 } from '../../core/tensor/float16.js';
export { parseTfjsModelJson, detectTfjsFormat } from './parse-model-json.js';
export { elementCount, fixedByteLength, weightByteLength, weightDataProblem, storedDType } from './weight-bytes.js';
export { describeTfjsFile, describeTfjsModel } from './describe-tfjs.js';
