/**
 * ONNX TensorProto.DataType codes ↔ dlpack DType names, and storage sizes per element.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { DType } from '../../core/model-description.js';

/** TensorProto.DataType codes by name (onnx.proto, IR 11). */
export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
} as const;

/** The highest data_type code this reader knows. */
export const MAX_ONNX_DATA_TYPE = 24;

const NAMES: Record<number, DType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  // 23 FLOAT4E2M1 and 24 FLOAT8E8M0 have no DType name yet: reported as 'unknown'.
};

const CODES: Partial<Record<DType, number>> = Object.fromEntries(
  Object.entries(NAMES).map(([code, name]) => [name, Number(code)]),
);

/** Bits per stored element, by data_type code (0 for strings and unknown codes). */
const BITS: Record<number, number> = {
  1: 32, 2: 8, 3: 8, 4: 16, 5: 16, 6: 32, 7: 64, 8: 0, 9: 8, 10: 16, 11: 64, 12: 32, 13: 64,
  14: 64, 15: 128, 16: 16, 17: 8, 18: 8, 19: 8, 20: 8, 21: 4, 22: 4, 23: 4, 24: 8,
};

/** The DType name of an ONNX data_type code ('unknown' for codes without a name). */
export function onnxDtypeName(code: number | undefined): DType {
  return (code !== undefined && NAMES[code]) || 'unknown';
}

/** The ONNX data_type code of a DType name; throws UNSUPPORTED for names ONNX has no code for. */
export function onnxDtypeCode(name: DType): number {
  const code = CODES[name];
  if (code === undefined) throw new DlpackError('UNSUPPORTED', `dtype "${name}" has no ONNX data type`);
  return code;
}

/** True for the data_type codes this reader knows (1..24). */
export function isKnownOnnxDataType(code: number | undefined): code is number {
  return code !== undefined && Number.isInteger(code) && code >= 1 && code <= MAX_ONNX_DATA_TYPE;
}

/** Bits per element as stored in raw_data (0 for STRING). */
export function onnxDtypeBits(code: number): number {
  return BITS[code] ?? 0;
}

/** Bytes that `elements` values of `code` take in raw_data (sub-byte types packed, rounded up). */
export function onnxStoredBytes(code: number, elements: number): number {
  return Math.ceil((elements * onnxDtypeBits(code)) / 8);
}
