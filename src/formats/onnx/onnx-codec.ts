/**
 * Decodes and encodes ModelProto bytes with protobufjs (loaded lazily) and the onnx.proto
 * descriptor in onnx-schema.ts. protobufjs messages carry Long objects for 64-bit integers; this
 * module converts them to the plain shapes of onnx-proto-types.ts (number, or bigint beyond 2^53;
 * BigInt64Array/BigUint64Array for int64_data/uint64_data) and back.
 */
import type { Type, Field } from 'protobufjs';
import type { ModelProto, TensorProto } from './onnx-proto-types.js';
import { ONNX_PROTO_DESCRIPTOR } from './onnx-schema.js';

type Plain = Record<string, unknown>;
interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const TENSOR_TYPE = '.onnx.TensorProto';
/** Where protobufjs keeps the raw bytes of fields it does not know (non-enumerable on our objects). */
const UNKNOWN_FIELDS = '$unknowns';

type Protobuf = typeof import('protobufjs');
let loaded: Promise<{ protobuf: Protobuf; model: Type }> | undefined;

function load(): Promise<{ protobuf: Protobuf; model: Type }> {
  loaded ??= (async () => {
    const mod = await import('protobufjs');
    const protobuf = (mod as unknown as { default?: Protobuf }).default ?? mod;
    const root = protobuf.Root.fromJSON(ONNX_PROTO_DESCRIPTOR);
    return { protobuf, model: root.lookupType('onnx.ModelProto') };
  })();
  return loaded;
}

/** The protobufjs reflection type of onnx.ModelProto (built once). */
export async function onnxModelType(): Promise<Type> {
  return (await load()).model;
}

function longToBigInt(v: LongLike | number, unsigned: boolean): bigint {
  if (typeof v === 'number') return BigInt(v);
  const big = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return unsigned ? big : BigInt.asIntN(64, big);
}

function toInt64(v: LongLike | number, unsigned: boolean): number | bigint {
  if (typeof v === 'number') return v;
  if (v.high === 0 && (unsigned || v.low >= 0)) return v.low >>> 0;
  const big = longToBigInt(v, unsigned);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function fromInt64(v: number | bigint, unsigned: boolean): number | LongLike {
  if (typeof v === 'number') return v;
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned };
}

function fieldType(field: Field): Type | undefined {
  const t = field.resolvedType;
  return t && 'fieldsArray' in t ? (t as Type) : undefined;
}

/** protobufjs message → plain object (own properties only, empty repeated fields dropped). */
function toPlain(type: Type, msg: Plain): Plain {
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    const name = field.name;
    if (!Object.prototype.hasOwnProperty.call(msg, name)) continue;
    const v = msg[name];
    if (v === undefined || v === null) continue;
    const sub = fieldType(field);
    const unsigned = field.type === 'uint64' || field.type === 'fixed64';
    if (field.repeated) {
      const arr = v as unknown[];
      if (arr.length === 0) continue;
      if (sub) out[name] = arr.map((m) => toPlain(sub, m as Plain));
      else if (INT64_TYPES.has(field.type)) {
        if (type.fullName === TENSOR_TYPE && name === 'int64_data') {
          const t = new BigInt64Array(arr.length);
          for (let i = 0; i < arr.length; i++) t[i] = longToBigInt(arr[i] as LongLike, false);
          out[name] = t;
        } else if (type.fullName === TENSOR_TYPE && name === 'uint64_data') {
          const t = new BigUint64Array(arr.length);
          for (let i = 0; i < arr.length; i++) t[i] = longToBigInt(arr[i] as LongLike, true);
          out[name] = t;
        } else out[name] = arr.map((x) => toInt64(x as LongLike, unsigned));
      } else out[name] = arr;
    } else if (sub) out[name] = toPlain(sub, v as Plain);
    else if (INT64_TYPES.has(field.type)) out[name] = toInt64(v as LongLike, unsigned);
    else out[name] = v;
  }
  // Fields this schema does not know (a newer onnx.proto) are kept as raw bytes and written back.
  const unknowns = (msg as { $unknowns?: Uint8Array[] }).$unknowns;
  if (unknowns?.length) Object.defineProperty(out, UNKNOWN_FIELDS, { value: unknowns, enumerable: false, writable: true });
  return out;
}

/** Replaces a tensor's storage while encoding (used by the writer for external data). */
export type TensorRewrite = (tensor: TensorProto) => TensorProto;

/** plain object → object protobufjs can encode (bigint → {low, high}). */
function toEncodable(type: Type, obj: Plain, rewrite?: TensorRewrite): Plain {
  const src = rewrite && type.fullName === TENSOR_TYPE ? (rewrite(obj as TensorProto) as Plain) : obj;
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    const name = field.name;
    const v = src[name];
    if (v === undefined || v === null) continue;
    const sub = fieldType(field);
    const unsigned = field.type === 'uint64' || field.type === 'fixed64';
    if (field.repeated) {
      const arr = v as ArrayLike<unknown>;
      if (arr.length === 0) continue;
      if (sub) out[name] = Array.from(arr, (m) => toEncodable(sub, m as Plain, rewrite));
      else if (INT64_TYPES.has(field.type)) out[name] = Array.from(arr, (x) => fromInt64(x as number | bigint, unsigned));
      else out[name] = arr;
    } else if (sub) out[name] = toEncodable(sub, v as Plain, rewrite);
    else if (INT64_TYPES.has(field.type)) out[name] = fromInt64(v as number | bigint, unsigned);
    else out[name] = v;
  }
  const unknowns = (src as { $unknowns?: Uint8Array[] }).$unknowns;
  if (unknowns?.length) out[UNKNOWN_FIELDS] = unknowns;
  return out;
}

/** Decodes ModelProto bytes. Throws protobufjs' own errors on malformed input (callers wrap them). */
export async function decodeModelProto(bytes: Uint8Array): Promise<ModelProto> {
  const { protobuf, model: type } = await load();
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false; // keep fields of newer onnx.proto versions
  const msg = type.decode(reader) as unknown as Plain;
  return toPlain(type, msg) as ModelProto;
}

/** Encodes a ModelProto; `rewrite` may swap each TensorProto (e.g. to move data out to a file). */
export async function encodeModelProto(model: ModelProto, rewrite?: TensorRewrite): Promise<Uint8Array> {
  const type = await onnxModelType();
  return type.encode(toEncodable(type, model as Plain, rewrite)).finish();
}
