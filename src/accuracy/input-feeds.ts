/**
 * Model inputs for the accuracy check and latency runs: generated from the input metadata
 * (symbolic dims from `--shape name=1,3,224,224`, unknown dims 1, seeded values in a range that
 * suits the dtype) or read from a JSON file `{name: {dims, data}}`.
 */
import { promises as fs } from 'node:fs';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { quoted } from '../core/text.js';
import type { DType, TensorInfo } from '../core/model-description.js';
import type { Feeds, TensorData, TypedArray } from '../runtimes/runtime.js';
import { float32ToFloat16Bits } from '../core/tensor/to-float16.js';
import { seededRandom, type Random } from '../core/seeded-random.js';

/** Parses repeated `--shape name=1,3,224,224` flags. */
export function parseShapeFlags(flags: string[] = []): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const flag of flags) {
    const m = flag.match(/^(.+)=(\s*\d+\s*(?:,\s*\d+\s*)*)?$/);
    if (!m) throw new DlpackError('USAGE', `cannot read --shape "${flag}"`, { hint: 'use --shape name=1,3,224,224 (an empty list for a scalar: --shape sr=)' });
    shapes[m[1]] = m[2] === undefined ? [] : m[2].split(',').map((d) => Number(d.trim()));
  }
  return shapes;
}

/** Resolves the concrete shape of every input; a `--shape` that does not fit is an error naming it. */
export function resolveInputShapes(inputs: TensorInfo[], shapes: Record<string, number[]>, file?: string): Record<string, number[]> {
  const known = new Set(inputs.map((i) => i.name));
  for (const name of Object.keys(shapes)) {
    if (!known.has(name)) {
      throw new DlpackError('USAGE', `--shape names input "${name}", which the model does not have`, {
        file,
        hint: `inputs: ${[...known].join(', ')}`,
      });
    }
  }
  const out: Record<string, number[]> = {};
  for (const input of inputs) {
    const given = shapes[input.name];
    if (!given) {
      out[input.name] = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
      continue;
    }
    if (input.shape) {
      if (input.shape.length !== given.length) {
        throw new DlpackError('USAGE', `--shape ${input.name} has rank ${given.length}, the model's input "${input.name}" has rank ${input.shape.length} [${input.shape.map((d) => d ?? '?').join(',')}]`, { file });
      }
      input.shape.forEach((d, i) => {
        if (typeof d === 'number' && d !== given[i]) {
          throw new DlpackError('USAGE', `--shape ${input.name}: dim ${i} is ${given[i]}, the model fixes it at ${d}`, { file });
        }
      });
    }
    out[input.name] = given;
  }
  for (const [name, shape] of Object.entries(out)) {
    // before anything is allocated: a declared [1e9, 1e9] is refused, not a RangeError
    const n = shape.reduce((a, b) => a * b, 1);
    if (!(n <= MAX_GENERATED_ELEMENTS)) {
      throw new DlpackError('TOO_LARGE', `input ${quoted(name)} would have ${n} elements [${shape.join(', ')}]; generated inputs hold at most ${MAX_GENERATED_ELEMENTS}`, {
        file,
        hint: 'give smaller dims with --shape name=1,3,224,224 or the inputs with --inputs file.json',
      });
    }
  }
  return out;
}

/** Most elements of one generated input (64 MB of float32). */
export const MAX_GENERATED_ELEMENTS = 16 * 1024 * 1024;

const INT_TYPES = new Set<DType>(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** Allocates a typed array for `dtype` (float16 as Uint16Array bits, bool as Uint8Array). */
export function allocateTyped(dtype: DType, n: number, file?: string): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'float16': return new Uint16Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
    default:
      throw new DlpackError('UNSUPPORTED', `cannot make input values of dtype ${dtype}`, { file });
  }
}

function setValue(arr: TypedArray, i: number, v: number, dtype: DType): void {
  if (arr instanceof BigInt64Array || arr instanceof BigUint64Array) arr[i] = BigInt(Math.trunc(v));
  else if (dtype === 'float16') arr[i] = float32ToFloat16Bits(v);
  else arr[i] = v;
}

const SAMPLE_RATE_NAMES = /^(sr|sample_?rate|sampling_?rate)$/i;

/**
 * The value generator for an input: floats N(0,1), or U[0,1) for rank-4 (image-like) inputs; ints
 * small non-negative [0,10); bool 0/1; an integer scalar named like a sample rate is 16000.
 */
function valueFor(input: TensorInfo, shape: number[], rand: Random): () => number {
  if (input.dtype === 'bool') return () => (rand.next() < 0.5 ? 0 : 1);
  if (INT_TYPES.has(input.dtype)) {
    if (shape.length === 0 && SAMPLE_RATE_NAMES.test(input.name)) return () => 16000;
    return () => rand.int(0, 10);
  }
  if (shape.length === 4) return () => rand.next();
  return () => rand.normal();
}

/** Generates one set of feeds (sample `sample` of seed `seed`). */
export function generateFeeds(inputs: TensorInfo[], shapes: Record<string, number[]>, seed: number, sample = 0): Feeds {
  const rand = seededRandom(seed * 1000003 + sample);
  const feeds: Feeds = {};
  for (const input of inputs) {
    const shape = shapes[input.name];
    const n = shape.reduce((a, b) => a * b, 1);
    const data = allocateTyped(input.dtype, n);
    const gen = valueFor(input, shape, rand);
    for (let i = 0; i < n; i++) setValue(data, i, gen(), input.dtype);
    feeds[input.name] = { dtype: input.dtype, shape, data };
  }
  return feeds;
}

/** Reads `{name: {dims, data}}` from a JSON file; each input must be there with the right length. */
export async function readFeedsFile(path: string, inputs: TensorInfo[]): Promise<Feeds> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DlpackError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'USAGE', code === 'ENOENT' ? 'no such file' : `not a JSON inputs file: ${(err as Error).message}`, { file: path, cause: err });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DlpackError('USAGE', 'inputs file must be an object {name: {dims, data}}', { file: path });
  }
  const obj = parsed as Record<string, { dims?: unknown; data?: unknown }>;
  const names = new Set(inputs.map((i) => i.name));
  for (const key of Object.keys(obj)) {
    if (!names.has(key)) throw new DlpackError('USAGE', `inputs file names "${key}", which the model does not have`, { file: path });
  }
  const feeds: Feeds = {};
  for (const input of inputs) {
    const entry = obj[input.name];
    if (!entry) throw new DlpackError('USAGE', `inputs file has no entry for input "${input.name}"`, { file: path });
    const dims = entry.dims;
    const data = entry.data;
    if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new DlpackError('USAGE', `input "${input.name}": dims must be a list of non-negative integers`, { file: path });
    }
    if (!Array.isArray(data) || !data.every((v) => typeof v === 'number' || typeof v === 'boolean')) {
      throw new DlpackError('USAGE', `input "${input.name}": data must be a flat list of numbers`, { file: path });
    }
    const n = (dims as number[]).reduce((a, b) => a * b, 1);
    if (data.length !== n) {
      throw new DlpackError('USAGE', `input "${input.name}": ${data.length} values for dims [${dims.join(',')}] (${n} expected)`, { file: path });
    }
    resolveInputShapes([input], { [input.name]: dims as number[] }, path);
    const arr = allocateTyped(input.dtype, n, path);
    (data as (number | boolean)[]).forEach((v, i) => setValue(arr, i, Number(v), input.dtype));
    feeds[input.name] = { dtype: input.dtype, shape: dims as number[], data: arr } satisfies TensorData;
  }
  return feeds;
}
