/**
 * Sample files → sets of model feeds. Each image is one set; each audio file gives windows, one
 * set per window; an .npy feeds the sampled input as saved, an .npz feeds inputs by array name,
 * an inputs JSON feeds every input. Inputs a sample does not provide are filled the same way every
 * time: an integer scalar named like a sample rate gets the rate, anything else zeros (recurrent
 * state such as Silero's h and c starts at zero, as a stream does).
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { DType, TensorInfo } from '../../core/model-description.js';
import type { Feeds, TensorData } from '../../runtimes/runtime.js';
import { allocateTyped, readFeedsFile, resolveInputShapes } from '../input-feeds.js';
import { listSampleFiles, readSampleFile, type SampleFile } from './list-sample-files.js';
import { describeSpec, type PreprocessSpec } from './preprocess-spec.js';

export interface SampleFeedsOptions {
  /** `--samples`: a file, a folder or a glob. */
  samples: string;
  preprocess?: PreprocessSpec;
  /** `--shape` dims for the inputs that are filled, not sampled. */
  shapes?: Record<string, number[]>;
  cwd?: string;
}

export interface SampleDescription {
  /** Sample files read. */
  files: number;
  /** What fed which input, and how inputs not in the samples were filled (for the report). */
  summary: string;
}

const SAMPLE_RATE_NAMES = /^(sr|sample_?rate|sampling_?rate)$/i;
const FLOAT: DType[] = ['float32', 'float16', 'float64'];
const INT: DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];

/** The input that image or audio samples feed: the spec's, else the first float input of a fitting rank. */
export function sampledInput(inputs: TensorInfo[], kind: 'image' | 'audio', spec: PreprocessSpec, file: string): TensorInfo {
  if (spec.input) {
    const hit = inputs.find((i) => i.name === spec.input);
    if (!hit) throw new DlpackError('USAGE', `--preprocess input=${spec.input}: the model has no such input`, { file, hint: `inputs: ${inputs.map((i) => i.name).join(', ')}` });
    return hit;
  }
  const rank = (i: TensorInfo) => i.shape?.length ?? -1;
  const fits = kind === 'image' ? (i: TensorInfo) => (rank(i) === 4 || rank(i) === 3) && (FLOAT.includes(i.dtype) || i.dtype === 'uint8') : (i: TensorInfo) => rank(i) >= 1 && rank(i) <= 2 && FLOAT.includes(i.dtype);
  const hit = inputs.find(fits);
  if (!hit) {
    throw new DlpackError('USAGE', `no model input takes ${kind} samples (${kind === 'image' ? 'a rank-3/4 float or uint8 input' : 'a rank-1/2 float input'}); name one with --preprocess input=NAME`, {
      file,
      hint: `inputs: ${inputs.map((i) => `${i.name} ${i.dtype}[${(i.shape ?? []).map((d) => d ?? '?').join(',')}]`).join(', ')}`,
    });
  }
  return hit;
}

function tensorFrom(values: ArrayLike<number | bigint | boolean>, shape: number[], dtype: DType, file: string): TensorData {
  const data = allocateTyped(dtype, values.length, file);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (big) (data as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    else (data as Float32Array)[i] = Number(v);
  }
  // float16 inputs are fed as float32 here and converted per session (adaptFeeds)
  return { dtype: dtype === 'float16' ? 'float32' : dtype, shape, data: dtype === 'float16' ? Float32Array.from(values as ArrayLike<number>, Number) : data };
}

/** Fills every input missing from `feeds`: sample-rate scalars with the rate, the rest with zeros. */
function fill(feeds: Feeds, inputs: TensorInfo[], shapes: Record<string, number[]>, rate: number, filled: Set<string>): Feeds {
  for (const input of inputs) {
    if (feeds[input.name]) continue;
    const shape = shapes[input.name];
    const n = shape.reduce((a, b) => a * b, 1);
    const isRate = INT.includes(input.dtype) && shape.length === 0 && SAMPLE_RATE_NAMES.test(input.name);
    const values = new Array<number>(n).fill(isRate ? rate : 0);
    feeds[input.name] = tensorFrom(values, shape, input.dtype, input.name);
    filled.add(isRate ? `${input.name} = ${rate}` : `${input.name} zeros`);
  }
  return feeds;
}

function windows(samples: Float32Array, size: number, hop: number, max: number): Float32Array[] {
  if (samples.length <= size) {
    const w = new Float32Array(size);
    w.set(samples);
    return [w];
  }
  const count = Math.floor((samples.length - size) / hop) + 1;
  const picks = count <= max ? Array.from({ length: count }, (_, i) => i) : Array.from({ length: max }, (_, i) => Math.round((i * (count - 1)) / (max - 1 || 1)));
  return picks.map((i) => samples.slice(i * hop, i * hop + size));
}

/** Reads `--samples` and builds the feed sets for a model with these inputs. */
export async function loadSampleFeeds(inputs: TensorInfo[], options: SampleFeedsOptions): Promise<{ feeds: Feeds[]; description: SampleDescription }> {
  const spec = options.preprocess ?? {};
  const listing = await listSampleFiles(options.samples, options.cwd);
  const shapes = resolveInputShapes(inputs, options.shapes ?? {});
  const rate = spec.rate ?? 16000;
  const out: Feeds[] = [];
  const filled = new Set<string>();
  const fed = new Map<string, string>();
  for (const f of listing.files) {
    const bytes = await readSampleFile(f.path);
    const sets = await feedsOfFile(f, bytes, inputs, spec, fed);
    for (const s of sets) out.push(fill(s, inputs, shapes, rate, filled));
  }
  const kinds = [...fed].map(([input, how]) => `${input} ← ${how}`);
  const summary =
    `${listing.files.length} file(s) from ${options.samples} → ${out.length} input set(s); ${kinds.join('; ')}` +
    (spec.preset || Object.keys(spec).length ? `; preprocessing: ${describeSpec(spec)}` : '') +
    (filled.size ? `; not in the samples: ${[...filled].join(', ')}` : '') +
    (listing.ignored ? `; ${listing.ignored} other entr${listing.ignored === 1 ? 'y' : 'ies'} ignored` : '');
  return { feeds: out, description: { files: listing.files.length, summary } };
}

async function feedsOfFile(f: SampleFile, bytes: Buffer, inputs: TensorInfo[], spec: PreprocessSpec, fed: Map<string, string>): Promise<Feeds[]> {
  switch (f.kind) {
    case 'image': {
      const { decodeImage } = await import('./decode-image.js');
      const { imageToTensor } = await import('./image-tensor.js');
      const input = sampledInput(inputs, 'image', spec, f.path);
      const img = await decodeImage(bytes, f.path);
      const integer = !FLOAT.includes(input.dtype);
      const t = imageToTensor(img, input, spec, f.path, integer);
      checkFits(input, t.shape, f.path);
      fed.set(input.name, `images [${t.shape.join(',')}]${fed.has(input.name) && !fed.get(input.name)!.endsWith(`[${t.shape.join(',')}]`) ? ' (sizes vary)' : ''}`);
      return [{ [input.name]: tensorFrom(t.data, t.shape, input.dtype, f.path) }];
    }
    case 'audio': {
      const { decodeWav } = await import('./decode-audio.js');
      const input = sampledInput(inputs, 'audio', spec, f.path);
      const audio = await decodeWav(bytes, f.path, { rate: spec.rate ?? 16000 });
      const last = input.shape?.[input.shape.length - 1];
      const size = spec.window ?? (typeof last === 'number' && last > 0 ? last : 512);
      const ws = windows(audio.samples, size, spec.hop ?? size, spec.maxWindows ?? 100);
      const rank = input.shape?.length ?? 2;
      const shape = rank === 1 ? [size] : [...new Array(rank - 1).fill(1), size];
      checkFits(input, shape, f.path);
      fed.set(input.name, `audio windows of ${size} at ${audio.sampleRate} Hz`);
      return ws.map((w) => ({ [input.name]: tensorFrom(w, shape, input.dtype, f.path) }));
    }
    case 'npy': {
      const { decodeNpy } = await import('./decode-array.js');
      const input = spec.input ? sampledInput(inputs, 'image', spec, f.path) : inputs[0];
      const a = await decodeNpy(bytes, f.path);
      checkFits(input, a.shape, f.path);
      fed.set(input.name, '.npy arrays');
      return [{ [input.name]: tensorFrom(a.values, a.shape, input.dtype, f.path) }];
    }
    case 'npz': {
      const { decodeNpz } = await import('./decode-array.js');
      const arrays = await decodeNpz(bytes, f.path);
      const feeds: Feeds = {};
      for (const [name, a] of arrays) {
        const input = inputs.find((i) => i.name === name);
        if (!input) throw new DlpackError('USAGE', `.npz array "${name}" names no model input`, { file: f.path, hint: `inputs: ${inputs.map((i) => i.name).join(', ')}` });
        checkFits(input, a.shape, f.path);
        feeds[name] = tensorFrom(a.values, a.shape, input.dtype, f.path);
        fed.set(name, '.npz arrays');
      }
      return [feeds];
    }
    case 'json': {
      const feeds = await readFeedsFile(f.path, inputs);
      for (const name of Object.keys(feeds)) fed.set(name, 'inputs JSON');
      return [feeds];
    }
  }
}

/** The sample's shape must fit the input's fixed dims and rank. */
function checkFits(input: TensorInfo, shape: number[], file: string): void {
  try {
    resolveInputShapes([input], { [input.name]: shape }, file);
  } catch (err) {
    if (!(err instanceof DlpackError)) throw err;
    throw new DlpackError('USAGE', `sample gives input "${input.name}" shape [${shape.join(',')}], which does not fit the model's [${(input.shape ?? []).map((d) => d ?? '?').join(',')}]`, { file, cause: err });
  }
}
