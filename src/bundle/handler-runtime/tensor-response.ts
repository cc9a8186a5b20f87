/**
 * Output tensors (inside the bundle), in the encoding the request asked for
 * (core/tensor/wire-encoding.ts). JSON, the default: {"dtype", "dims", "data"} per output.
 * int64/uint64 values are numbers while they are exact (|v| ≤ 2^53 − 1) and decimal strings past
 * that; NaN and ±Infinity are the strings "NaN", "Infinity", "-Infinity" (JSON has no such
 * numbers). base64: {"dtype", "dims", "encoding": "base64", "data"} with the typed array's bytes
 * (string tensors stay JSON).
 */
import type { Tensor } from './model-session.js';
import type { TypedArray } from '../../core/tensor/tensor.js';
import { encodeTensorBase64, hasCompactForm, type Base64Tensor, type TensorEncoding } from '../../core/tensor/wire-encoding.js';

export interface JsonTensor {
  dtype: string;
  dims: number[];
  data: (number | string | boolean)[];
}

export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function tensorToJson(t: Tensor): JsonTensor {
  const out: (number | string | boolean)[] = [];
  const data = t.data;
  if (Array.isArray(data)) {
    for (const v of data) out.push(v);
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (const v of data) {
      const n = Number(v);
      out.push(Number.isSafeInteger(n) ? n : v.toString());
    }
  } else if (t.dtype === 'float16' && data instanceof Uint16Array) {
    for (const v of data) out.push(jsonNumber(float16ToNumber(v)));
  } else if (t.dtype === 'bool') {
    for (const v of data as Uint8Array) out.push(v !== 0);
  } else {
    for (const v of data as Float32Array) out.push(jsonNumber(v));
  }
  return { dtype: t.dtype, dims: [...t.dims], data: out };
}

/** One output in the requested encoding. */
export function encodeTensor(t: Tensor, encoding: TensorEncoding): JsonTensor | Base64Tensor {
  if (encoding === 'base64' && !Array.isArray(t.data) && hasCompactForm(t.dtype)) return encodeTensorBase64({ dtype: t.dtype, dims: t.dims, data: t.data as TypedArray });
  return tensorToJson(t);
}
