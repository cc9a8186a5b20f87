/**
 * Shared by the ONNX tests: running a model in onnxruntime-node, seeded inputs, and a tiny
 * reference forward pass (matmul, relu, softmax, conv, batch norm, max pool, gemm) written
 * independently of any runtime, to check the fixtures compute what they claim.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { seededRandom } from '../../fixtures/make-onnx.js';

export type OrtFeeds = Record<string, { type: 'float32' | 'int64'; dims: number[]; data: Float32Array | BigInt64Array }>;

let ortModule: typeof import('onnxruntime-node') | undefined;
async function ort() {
  ortModule ??= await import('onnxruntime-node');
  return ortModule;
}

/** Runs `model` (a path or encoded bytes) once and returns every output's data, by name. */
export async function runOrt(model: string | Uint8Array, feeds: OrtFeeds): Promise<Record<string, Float32Array | BigInt64Array>> {
  const o = await ort();
  const session: InferenceSession =
    typeof model === 'string' ? await o.InferenceSession.create(model) : await o.InferenceSession.create(model);
  try {
    const input: Record<string, Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) input[name] = new o.Tensor(f.type, f.data, f.dims);
    const out = await session.run(input);
    const result: Record<string, Float32Array | BigInt64Array> = {};
    for (const [name, t] of Object.entries(out)) result[name] = t.data as Float32Array;
    return result;
  } finally {
    await session.release();
  }
}

export function seededInput(seed: number, n: number, scale = 1): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** Byte-level equality of two typed arrays (bit-identical floats, NaN patterns included). */
export function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// ---- reference ops (row-major, float64 accumulation) ----

/** [m, k] x [k, n] → [m, n] */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      out[i * n + j] = s;
    }
  return out;
}

/** Gemm with transB: a [m, k], b [n, k], c [n] → [m, n] */
export function gemmTransB(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = c[j];
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
      out[i * n + j] = s;
    }
  return out;
}

export function addBias(x: Float64Array, bias: ArrayLike<number>): Float64Array {
  const n = bias.length;
  return x.map((v, i) => v + bias[i % n]);
}

export const relu = (x: Float64Array): Float64Array => x.map((v) => Math.max(0, v));

/** Softmax over the last axis of size n. */
export function softmax(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / n; r++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, x[r * n + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (out[r * n + j] = Math.exp(x[r * n + j] - max));
    for (let j = 0; j < n; j++) out[r * n + j] /= sum;
  }
  return out;
}

/** Conv 2-D, batch 1, stride 1, symmetric zero padding: x [cin, h, w], w [cout, cin, kh, kw] → [cout, h', w'] */
export function conv2d(
  x: ArrayLike<number>,
  [cin, h, w]: number[],
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
  [cout, kh, kw]: number[],
  pad: number,
): { data: Float64Array; shape: number[] } {
  const oh = h + 2 * pad - kh + 1;
  const ow = w + 2 * pad - kw + 1;
  const out = new Float64Array(cout * oh * ow);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let s = bias[o];
        for (let c = 0; c < cin; c++)
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++) {
              const y = i + di - pad;
              const xx = j + dj - pad;
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              s += x[(c * h + y) * w + xx] * weight[((o * cin + c) * kh + di) * kw + dj];
            }
        out[(o * oh + i) * ow + j] = s;
      }
  return { data: out, shape: [cout, oh, ow] };
}

/** Inference batch norm per channel of x [c, h, w]. */
export function batchNorm(
  x: Float64Array,
  [c, h, w]: number[],
  scale: ArrayLike<number>,
  bias: ArrayLike<number>,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  eps: number,
): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < c; k++) {
    const inv = 1 / Math.sqrt(variance[k] + eps);
    for (let i = 0; i < h * w; i++) out[k * h * w + i] = (x[k * h * w + i] - mean[k]) * inv * scale[k] + bias[k];
  }
  return out;
}

/** Max pool with kernel = stride = k on x [c, h, w]. */
export function maxPool(x: Float64Array, [c, h, w]: number[], k: number): { data: Float64Array; shape: number[] } {
  const oh = Math.floor(h / k);
  const ow = Math.floor(w / k);
  const out = new Float64Array(c * oh * ow);
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let m = -Infinity;
        for (let di = 0; di < k; di++) for (let dj = 0; dj < k; dj++) m = Math.max(m, x[(ch * h + i * k + di) * w + j * k + dj]);
        out[(ch * oh + i) * ow + j] = m;
      }
  return { data: out, shape: [c, oh, ow] };
}
