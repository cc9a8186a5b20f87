/**
 * ONNX read/write (protobufjs + the official onnx.proto schema). See README.md in this folder.
 */
export type * from './onnx-proto-types.js';
export { AttributeType } from './onnx-proto-types.js';
export { readOnnx, decodeOnnxBytes, MAX_ONNX_BYTES } from './read-onnx.js';
export type { OnnxModel, ReadOnnxOptions } from './read-onnx.js';
export { encodeOnnx, writeOnnx } from './write-onnx.js';
export type { ExternalDataOption, WriteOnnxOptions, WriteOnnxResult } from './write-onnx.js';
export type { ExternalDataRef } from './external-data.js';
export {
  OnnxDataType,
  onnxDtypeName,
  onnxDtypeCode,
  onnxDtypeBits,
  onnxStoredBytes,
  isKnownOnnxDataType,
} from './onnx-dtypes.js';
export {
  tensorToTypedArray,
  tensorBytes,
  makeTensor,
  tensorDims,
  tensorElementCount,
  isExternalTensor,
  tensorDataField,
} from './onnx-tensor.js';
export type { OnnxTypedArray } from './onnx-tensor.js';
export { walkGraphs, forEachTensor } from './walk-graphs.js';
export type { GraphVisit, TensorVisit, TensorRole } from './walk-graphs.js';
export { describeOnnxFile, describeOnnxModel } from './describe-onnx.js';
