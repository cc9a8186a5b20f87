/**
 * The tensors of a bundled handler's answer, on the wire. JSON stays the default: one number per
 * element (`{"dtype", "dims", "data": [...]}`, int64 past 2^53 as decimal strings, NaN/±Infinity as
 * strings). A client that asks for `base64` (the request's `"encoding": "base64"` field, or the
 * `x-dlpack-encoding: base64` header on HTTP targets) gets each typed array's bytes, little-endian,
 * base64-encoded: `{"dtype", "dims", "encoding": "base64", "data": "<base64>"}` (bool as one byte
 * per element, float16 as its 16-bit patterns). A float32 element then costs 5.3 characters instead
 * of ~10–20, and encoding it is a copy instead of a number-to-text conversion per element.
 * Used inside the bundles (no Node-only API: Workers have no Buffer) and by dlpack's client side.
 */
import type { TypedArray } from './tensor.js';
import { float32ToFloat16Bits } from './float16.js';

export const TENSOR_ENCODINGS = ['json', 'base64'] as const;
export type TensorEncoding = (typeof TENSOR_ENCODINGS)[number];
/** The request header (HTTP targets) that asks for an encoding. */
export const ENCODING_HEADER = 'x-dlpack-encoding';

export interface Base64Tensor {
  dtype: string;
  dims: number[];
  encoding: 'base64';
  data: string;
}

export interface DecodedTensor {
  dtype: string;
  dims: number[];
  /** Typed array for numeric dtypes (float16 as bit patterns, bool as bytes); elements as sent for the others (strings). */
  data: TypedArray | (number | string | boolean)[];
}

type ArrayType = { new (buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };

const ARRAYS: Record<string, ArrayType> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array as unknown as ArrayType,
  uint64: BigUint64Array as unknown as ArrayType,
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Whether a dtype has a compact form (strings do not: they stay JSON). */
export function hasCompactForm(dtype: string): boolean {
  return dtype in ARRAYS;
}

type NodeBuffer = { from(a: ArrayBuffer | string, b?: number | string, c?: number): Uint8Array & { toString(enc: string): string } };
const NodeBuf = (globalThis as { Buffer?: NodeBuffer }).Buffer;

export function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuf) return NodeBuf.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  // Workers: btoa over binary strings, in chunks (String.fromCharCode's argument count is bounded)
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function base64ToBytes(b64: string): Uint8Array {
  if (NodeBuf) return NodeBuf.from(b64, 'base64');
  const text = atob(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function swapped(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j];
  return out;
}

/** A typed-array tensor as base64 of its little-endian bytes. */
export function encodeTensorBase64(t: { dtype: string; dims: readonly number[]; data: TypedArray }): Base64Tensor {
  let bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (!LITTLE_ENDIAN && t.data.BYTES_PER_ELEMENT > 1) bytes = swapped(bytes, t.data.BYTES_PER_ELEMENT);
  return { dtype: t.dtype, dims: [...t.dims], encoding: 'base64', data: bytesToBase64(bytes) };
}

function fail(name: string, problem: string): never {
  throw new RangeError(`output "${name}": ${problem}`);
}

/**
 * One output tensor of an answer, in either encoding, checked against its dims (a RangeError names
 * the output otherwise). JSON numbers become the dtype's typed array; "NaN"/"Infinity" strings
 * become those numbers; int64 decimal strings become BigInts.
 */
export function decodeTensor(value: unknown, name = '?'): DecodedTensor {
  if (!value || typeof value !== 'object') fail(name, 'not a tensor object');
  const t = value as { dtype?: unknown; dims?: unknown; data?: unknown; encoding?: unknown };
  if (typeof t.dtype !== 'string') fail(name, 'no "dtype"');
  if (!Array.isArray(t.dims) || !t.dims.every((d) => Number.isInteger(d) && d >= 0)) fail(name, '"dims" is not a list of sizes');
  const dims = t.dims as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const Type = ARRAYS[t.dtype];
  if (t.encoding !== undefined && t.encoding !== 'json') {
    if (t.encoding !== 'base64') fail(name, `unknown encoding "${String(t.encoding)}"`);
    if (!Type) fail(name, `dtype ${t.dtype} has no base64 form`);
    if (typeof t.data !== 'string') fail(name, '"data" is not a base64 string');
    let bytes = base64ToBytes(t.data);
    if (bytes.byteLength !== count * Type.BYTES_PER_ELEMENT) fail(name, `${bytes.byteLength} bytes for ${count} ${t.dtype} elements`);
    if (!LITTLE_ENDIAN && Type.BYTES_PER_ELEMENT > 1) bytes = swapped(bytes, Type.BYTES_PER_ELEMENT);
    // a typed array needs an aligned offset (Node's pooled buffers are not always aligned)
    if (bytes.byteOffset % Type.BYTES_PER_ELEMENT !== 0) bytes = bytes.slice();
    return { dtype: t.dtype, dims, data: new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, count) };
  }
  if (!Array.isArray(t.data)) fail(name, '"data" is not a list');
  const items = t.data as unknown[];
  if (items.length !== count) fail(name, `${items.length} elements for dims [${dims.join(', ')}]`);
  if (!Type) return { dtype: t.dtype, dims, data: items as (number | string | boolean)[] };
  if (t.dtype === 'int64' || t.dtype === 'uint64') {
    const out = t.dtype === 'int64' ? new BigInt64Array(count) : new BigUint64Array(count);
    for (let i = 0; i < count; i++) out[i] = BigInt(items[i] as number | string);
    return { dtype: t.dtype, dims, data: out };
  }
  if (t.dtype === 'float16') {
    // the JSON form carries the values; the typed form of float16 is its bit patterns (as in TensorData)
    const out = new Uint16Array(count);
    for (let i = 0; i < count; i++) out[i] = float32ToFloat16Bits(Number(items[i]));
    return { dtype: t.dtype, dims, data: out };
  }
  const out = new Type(new ArrayBuffer(count * Type.BYTES_PER_ELEMENT), 0, count) as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
  for (let i = 0; i < count; i++) out[i] = t.dtype === 'bool' ? (items[i] ? 1 : 0) : Number(items[i]);
  return { dtype: t.dtype, dims, data: out };
}

/** Every output of a handler's answer body (`{"outputs": {...}}`), in either encoding. */
export function decodeOutputs(body: unknown): Record<string, DecodedTensor> {
  const outputs = (body as { outputs?: unknown } | null)?.outputs;
  if (!outputs || typeof outputs !== 'object') throw new RangeError('the answer has no "outputs" object');
  const out: Record<string, DecodedTensor> = {};
  for (const [name, value] of Object.entries(outputs)) out[name] = decodeTensor(value, name);
  return out;
}
