/**
 * Turns a request body into validated input tensors (inside the bundle). Every problem is a
 * RequestError with an HTTP status (400 bad input, 413 too large): the instance stays healthy.
 *
 * Body: {"inputs": {"<name>": {"dims": [1, 16], "data": [...], "dtype": "float32"}}}
 *   or  {"inputs": {"<name>": [[...nested arrays...]]}}  (dims taken from the nesting),
 *   with an optional "encoding": "json" | "base64" for the answer's tensors (core/tensor/wire-encoding.ts).
 *
 * Work is bounded before anything is allocated: the body's size is known without copying it
 * (and, base64, before decoding it), nested arrays deeper than the input's rank (at most
 * MAX_RANK) are refused before they are walked, the element count is checked from the dims
 * before the data is converted, and nothing from the request is echoed longer than 80
 * characters. Float inputs accept the strings "NaN", "Infinity" and "-Infinity" (JSON has no such
 * numbers; the outputs use the same strings), a deliberate choice: integer and bool inputs do not.
 */
import type { HandlerConfig, InputSpec } from './handler-config.js';
import type { ElementArray, Tensor } from './model-session.js';
import { shownText } from '../../core/text.js';
import { TENSOR_ENCODINGS, type TensorEncoding } from '../../core/tensor/wire-encoding.js';

/** Deepest nesting accepted for the nested-array form when the model does not fix the rank. */
export const MAX_RANK = 32;
/** A request string (an input name, a bad value) in an answer: escaped, at most 80 characters. */
const echo = (v: unknown) =>
  Array.isArray(v) ? 'an array' : v !== null && typeof v === 'object' ? 'an object' : JSON.stringify(shownText(typeof v === 'string' ? v : String(v), 80));

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

const bad = (message: string): never => {
  throw new RequestError(400, message);
};

/** UTF-8 length of a string without encoding (copying) it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Bytes a base64 string decodes to, without decoding it. */
export function base64DecodedLength(b64: string): number {
  let len = b64.length;
  while (len > 0 && (b64.charCodeAt(len - 1) === 0x3d /* = */ || b64.charCodeAt(len - 1) <= 0x20)) len--;
  return Math.floor((len * 3) / 4);
}

function tooLarge(size: number, config: HandlerConfig): never {
  throw new RequestError(413, `request body is ${size} bytes; the limit is ${config.maxRequestBytes}`);
}

function byteLength(body: string | Uint8Array, limit: number): number {
  if (typeof body !== 'string') return body.byteLength;
  // UTF-8 takes at least one byte per UTF-16 unit: past the limit already, no need to count
  return body.length > limit ? body.length : utf8Length(body);
}

/** Parses the body (text, bytes or an already-parsed object) and checks its size. */
export function parseBody(body: unknown, config: HandlerConfig): Record<string, unknown> {
  return parseRequest(body, config).inputs;
}

/** The answer's encoding a request asks for: its "encoding" field, else the header, else JSON. */
export function requestedEncoding(field: unknown, header?: string | null): TensorEncoding {
  const asked = field ?? (header ? header.trim().toLowerCase() : undefined);
  if (asked === undefined) return 'json';
  if (typeof asked === 'string' && (TENSOR_ENCODINGS as readonly string[]).includes(asked)) return asked as TensorEncoding;
  return bad(`unknown encoding ${echo(asked)}; use one of: ${TENSOR_ENCODINGS.join(', ')}`);
}

/** The request's inputs (still unchecked against the model) and the answer encoding it asks for. */
export function parseRequest(body: unknown, config: HandlerConfig, header?: string | null): { inputs: Record<string, unknown>; encoding: TensorEncoding } {
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const size = byteLength(body, config.maxRequestBytes);
    if (size > config.maxRequestBytes) tooLarge(size, config);
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    if (text.trim() === '') bad('request body is empty; send {"inputs": {"<name>": {"dims": [...], "data": [...]}}}');
    try {
      value = JSON.parse(text);
    } catch {
      bad('request body is not valid JSON');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad('request body must be a JSON object');
  const inputs = (value as { inputs?: unknown }).inputs;
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    bad('request body must have an "inputs" object: {"inputs": {"<name>": {"dims": [...], "data": [...]}}}');
  }
  return { inputs: inputs as Record<string, unknown>, encoding: requestedEncoding((value as { encoding?: unknown }).encoding, header) };
}

function flatten(nested: unknown[], spec: InputSpec, maxElements: number): { dims: number[]; data: unknown[] } {
  const name = shownText(spec.name, 80);
  const maxRank = spec.shape ? spec.shape.length : MAX_RANK;
  const dims: number[] = [];
  let level: unknown = nested;
  while (Array.isArray(level)) {
    // bounded before anything is walked: a 10 000-deep array is a 400, not a stack overflow
    if (dims.length === maxRank) bad(`input "${name}": arrays nested deeper than ${spec.shape ? `the model's rank ${maxRank}` : `${MAX_RANK} levels`}`);
    dims.push(level.length);
    level = level[0];
  }
  const elements = dims.reduce((a, b) => a * b, 1);
  if (elements > maxElements) throw new RequestError(413, `input "${name}" has ${elements} elements; the limit is ${maxElements}`);
  const data: unknown[] = [];
  const walk = (node: unknown, depth: number) => {
    if (depth === dims.length) {
      if (Array.isArray(node)) bad(`input "${name}": nested arrays are not rectangular`);
      data.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth]) bad(`input "${name}": nested arrays are not rectangular`);
    for (const item of node as unknown[]) walk(item, depth + 1);
  };
  walk(nested, 0);
  return { dims, data };
}

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

function float16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant = (mant | 0x800000) >> (1 - e);
    return sign | ((mant + 0x1000) >> 13);
  }
  const half = sign | (e << 10) | (mant >> 13);
  return mant & 0x1000 ? half + 1 : half;
}

function toElements(values: unknown[], dtype: string, rawName: string): ElementArray {
  const name = shownText(rawName, 80);
  const at = (i: number) => `input "${name}" element ${i}`;
  const num = (v: unknown, i: number): number => {
    if (typeof v === 'number') return v;
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    return bad(`${at(i)} is ${echo(v)}, expected a number`);
  };
  const int = (v: unknown, i: number): number => {
    const n = num(v, i);
    const [lo, hi] = INT_RANGES[dtype];
    if (!Number.isInteger(n) || n < lo || n > hi) bad(`${at(i)} is ${echo(v)}, expected an integer in ${dtype} range`);
    return n;
  };
  const big = (v: unknown, i: number): bigint => {
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
    return bad(`${at(i)} is ${echo(v)}, expected an integer (a number, or a string for values past 2^53)`);
  };
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values, num);
    case 'float64':
      return Float64Array.from(values, num);
    case 'float16':
      return Uint16Array.from(values, (v, i) => float16Bits(num(v, i)));
    case 'int8':
      return Int8Array.from(values, int);
    case 'uint8':
      return Uint8Array.from(values, int);
    case 'int16':
      return Int16Array.from(values, int);
    case 'uint16':
      return Uint16Array.from(values, int);
    case 'int32':
      return Int32Array.from(values, int);
    case 'uint32':
      return Uint32Array.from(values, int);
    case 'int64': {
      const out = BigInt64Array.from(values, big);
      out.forEach((v, i) => (BigInt.asIntN(64, v) !== v ? bad(`${at(i)} is out of int64 range`) : 0));
      return out;
    }
    case 'uint64': {
      const out = BigUint64Array.from(values, big);
      values.forEach((v, i) => (String(v).startsWith('-') ? bad(`${at(i)} is negative, expected uint64`) : 0));
      return out;
    }
    case 'bool':
      return Uint8Array.from(values, (v, i) => {
        if (v === true || v === 1) return 1;
        if (v === false || v === 0) return 0;
        return bad(`${at(i)} is ${echo(v)}, expected true/false`);
      });
    case 'string':
      return values.map((v, i) => (typeof v === 'string' ? v : bad(`${at(i)} is ${echo(v)}, expected a string`)));
    default:
      return bad(`input "${name}" has dtype ${dtype}, which this handler cannot accept`);
  }
}

function checkDims(dims: unknown, spec: InputSpec): number[] {
  if (Array.isArray(dims) && dims.length > (spec.shape?.length ?? MAX_RANK)) {
    bad(`input "${spec.name}": "dims" has ${dims.length} entries, more than ${spec.shape ? `the model's rank ${spec.shape.length}` : MAX_RANK}`);
  }
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    bad(`input "${spec.name}": "dims" must be an array of non-negative integers`);
  }
  const ds = dims as number[];
  if (spec.shape) {
    if (ds.length !== spec.shape.length) {
      bad(`input "${spec.name}": got rank ${ds.length} [${ds.join(', ')}], the model expects rank ${spec.shape.length} [${spec.shape.map((d) => d ?? '?').join(', ')}]`);
    }
    spec.shape.forEach((want, i) => {
      if (want !== null && want >= 0 && ds[i] !== want) {
        bad(`input "${spec.name}": dimension ${i} is ${ds[i]}, the model expects ${want}`);
      }
    });
  }
  return ds;
}

/** Validates the inputs object against the model's inputs and builds the tensors. */
export function buildFeeds(inputs: Record<string, unknown>, config: HandlerConfig): Record<string, Tensor> {
  const known = new Map(config.inputs.map((s) => [s.name, s]));
  for (const name of Object.keys(inputs)) {
    if (!known.has(name)) bad(`unknown input ${echo(name)}; the model's inputs are: ${config.inputs.map((s) => shownText(s.name, 80)).join(', ')}`);
  }
  const feeds: Record<string, Tensor> = {};
  for (const spec of config.inputs) {
    const raw = inputs[spec.name];
    if (raw === undefined) bad(`missing input "${spec.name}" (${spec.dtype} [${(spec.shape ?? []).map((d) => d ?? '?').join(', ')}])`);
    let dims: unknown;
    let data: unknown;
    if (Array.isArray(raw)) {
      ({ dims, data } = flatten(raw, spec, config.maxElements));
    } else if (raw !== null && typeof raw === 'object') {
      const obj = raw as { dims?: unknown; shape?: unknown; data?: unknown; dtype?: unknown };
      dims = obj.dims ?? obj.shape;
      data = obj.data;
      if (obj.dtype !== undefined && obj.dtype !== spec.dtype) {
        bad(`input "${spec.name}": dtype ${echo(obj.dtype)} does not match the model's ${spec.dtype}`);
      }
      if (!Array.isArray(data)) bad(`input "${spec.name}": "data" must be a flat array`);
      if (dims === undefined) dims = [(data as unknown[]).length];
    } else {
      bad(`input "${spec.name}" must be {"dims": [...], "data": [...]} or a nested array`);
    }
    const ds = checkDims(dims, spec);
    const elements = ds.reduce((a, b) => a * b, 1);
    if (elements > config.maxElements) {
      throw new RequestError(413, `input "${spec.name}" has ${elements} elements; the limit is ${config.maxElements}`);
    }
    const values = data as unknown[];
    if (values.length !== elements) {
      bad(`input "${spec.name}": dims [${ds.join(', ')}] hold ${elements} elements but "data" has ${values.length}`);
    }
    feeds[spec.name] = { dtype: spec.dtype, dims: ds, data: toElements(values, spec.dtype, spec.name) };
  }
  return feeds;
}
