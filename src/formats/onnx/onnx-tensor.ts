/**
 * TensorProto data access: element counts, typed views of raw_data or the typed fields
 * (float_data, int32_data, int64_data, double_data, uint64_data), and building tensors.
 * Data is little-endian (as ONNX specifies raw_data); float16/bfloat16/float8 come back as their bit
 * patterns (Uint16Array/Uint8Array), 4-bit types as the packed bytes.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { DType } from '../../core/model-description.js';
import type { TypedArray } from '../../core/tensor/tensor.js';
import { OnnxDataType as T, onnxDtypeCode, onnxDtypeName, onnxStoredBytes } from './onnx-dtypes.js';
import type { Int64, TensorProto } from './onnx-proto-types.js';
import { quoted } from '../../core/text.js';

/** The typed arrays tensor data comes back in (the same set the runtime interface carries). */
export type OnnxTypedArray = TypedArray;

/** Dims as plain numbers (throws TOO_LARGE for a dim beyond 2^53). */
export function tensorDims(tensor: { dims?: Int64[] }): number[] {
  return (tensor.dims ?? []).map((d) => {
    const n = Number(d);
    if (!Number.isSafeInteger(n)) throw new DlpackError('TOO_LARGE', `tensor dimension ${d} is too large`);
    return n;
  });
}

/** Number of elements (1 for a scalar with no dims). */
export function tensorElementCount(tensor: { dims?: Int64[] }): number {
  return tensorDims(tensor).reduce((a, b) => a * b, 1);
}

/** True when the tensor's data lives in an external file (data_location EXTERNAL). */
export function isExternalTensor(tensor: TensorProto): boolean {
  return tensor.data_location === 1;
}

/** Which field holds the tensor's values. */
export function tensorDataField(tensor: TensorProto): keyof TensorProto | 'external' | 'none' {
  if (isExternalTensor(tensor)) return 'external';
  if (tensor.raw_data !== undefined) return 'raw_data';
  for (const f of ['float_data', 'int32_data', 'string_data', 'int64_data', 'double_data', 'uint64_data'] as const) {
    if (tensor[f] !== undefined && tensor[f]!.length > 0) return f;
  }
  return 'none';
}

function copyBytes(raw: Uint8Array): ArrayBuffer {
  const buf = new ArrayBuffer(raw.byteLength);
  new Uint8Array(buf).set(raw);
  return buf;
}

function fromRaw(code: number, raw: Uint8Array): OnnxTypedArray {
  const buf = copyBytes(raw);
  switch (code) {
    case T.FLOAT:
    case T.COMPLEX64:
      return new Float32Array(buf, 0, buf.byteLength >>> 2);
    case T.DOUBLE:
    case T.COMPLEX128:
      return new Float64Array(buf, 0, buf.byteLength >>> 3);
    case T.INT8:
      return new Int8Array(buf);
    case T.INT16:
      return new Int16Array(buf, 0, buf.byteLength >>> 1);
    case T.UINT16:
    case T.FLOAT16:
    case T.BFLOAT16:
      return new Uint16Array(buf, 0, buf.byteLength >>> 1);
    case T.INT32:
      return new Int32Array(buf, 0, buf.byteLength >>> 2);
    case T.UINT32:
      return new Uint32Array(buf, 0, buf.byteLength >>> 2);
    case T.INT64:
      return new BigInt64Array(buf, 0, buf.byteLength >>> 3);
    case T.UINT64:
      return new BigUint64Array(buf, 0, buf.byteLength >>> 3);
    default:
      // uint8, bool, float8 variants, and the packed 4-bit types
      return new Uint8Array(buf);
  }
}

function fromInt32Field(code: number, data: number[]): OnnxTypedArray {
  switch (code) {
    case T.INT32:
      return Int32Array.from(data);
    case T.INT8:
      return Int8Array.from(data);
    case T.INT16:
      return Int16Array.from(data);
    case T.UINT16:
    case T.FLOAT16:
    case T.BFLOAT16:
      return Uint16Array.from(data, (v) => v & 0xffff);
    default:
      return Uint8Array.from(data, (v) => v & 0xff);
  }
}

/**
 * The tensor's values as a typed array (a copy). Reads raw_data or the typed field that holds
 * the values. External tensors must have been loaded (readOnnx with loadExternalData).
 */
export function tensorToTypedArray(tensor: TensorProto): OnnxTypedArray {
  const code = tensor.data_type ?? 0;
  const name = tensor.name ?? '(unnamed)';
  const field = tensorDataField(tensor);
  if (code === T.STRING) throw new DlpackError('UNSUPPORTED', `tensor ${quoted(name)} holds strings (read string_data)`);
  switch (field) {
    case 'external':
      throw new DlpackError('UNSUPPORTED', `tensor ${quoted(name)} is in external data that was not loaded (use loadExternalData)`);
    case 'raw_data':
      return fromRaw(code, tensor.raw_data!);
    case 'float_data':
      return Float32Array.from(tensor.float_data!);
    case 'double_data':
      return Float64Array.from(tensor.double_data!);
    case 'int64_data':
      return code === T.UINT64 ? BigUint64Array.from(tensor.int64_data!, (v) => BigInt.asUintN(64, v)) : BigInt64Array.from(tensor.int64_data!);
    case 'uint64_data':
      return code === T.UINT32
        ? Uint32Array.from(tensor.uint64_data!, (v) => Number(v))
        : BigUint64Array.from(tensor.uint64_data!);
    case 'int32_data':
      return fromInt32Field(code, tensor.int32_data!);
    default:
      return fromRaw(code, new Uint8Array(0));
  }
}

/** The tensor's values as little-endian bytes, exactly as raw_data would hold them. */
export function tensorBytes(tensor: TensorProto): Uint8Array {
  if (tensorDataField(tensor) === 'raw_data') return tensor.raw_data!;
  const typed = tensorToTypedArray(tensor);
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  const code = tensor.data_type ?? 0;
  if (code === T.UINT4 || code === T.INT4 || code === T.FLOAT4E2M1) return bytes;
  return bytes.subarray(0, onnxStoredBytes(code, tensorElementCount(tensor)) || bytes.length);
}

/** Builds a TensorProto with its values in raw_data (a copy of `data`'s bytes). */
export function makeTensor(name: string, dtype: DType | number, dims: number[], data: ArrayBufferView): TensorProto {
  const code = typeof dtype === 'number' ? dtype : onnxDtypeCode(dtype);
  const elements = dims.reduce((a, b) => a * b, 1);
  const expected = onnxStoredBytes(code, elements);
  if (data.byteLength !== expected) {
    throw new DlpackError(
      'USAGE',
      `makeTensor(${quoted(name)}): ${onnxDtypeName(code)} ${JSON.stringify(dims)} needs ${expected} bytes, got ${data.byteLength}`,
    );
  }
  const raw = new Uint8Array(data.byteLength);
  raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { dims: [...dims], data_type: code, name, raw_data: raw };
}
