/**
 * Builds Keras files in the tests, following the Keras file layouts, with the same HDF5 library
 * dlpack reads them with (h5wasm, in memory) and yazl for the `.keras` zip:
 * - HDF5 (`model.save('m.h5')`): root attrs model_config/keras_version/backend, and
 *   `model_weights/<layer>` groups with `weight_names`, datasets at `<layer>/<weight name>`.
 * - `.keras`: config.json + metadata.json + model.weights.h5 with `layers/<key>/vars/<i>`.
 * Also seeded weights and plain-JS reference ops (NHWC) for independent forward passes.
 */
import { writeFileSync } from 'node:fs';
import h5wasm from 'h5wasm';
import yazl from 'yazl';

export interface LayerWeights {
  /** Dataset names in Keras order, e.g. ['conv2d/kernel:0', 'conv2d/bias:0'] (HDF5) . */
  names: string[];
  values: { shape: number[]; data: Float32Array }[];
}

async function h5Bytes(build: (f: InstanceType<typeof h5wasm.File>) => void): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const name = `/test-${Math.random().toString(36).slice(2)}.h5`;
  const f = new h5wasm.File(name, 'w');
  build(f);
  f.close();
  const bytes = FS!.readFile(name) as Uint8Array;
  FS!.unlink(name);
  return bytes;
}

/** A Keras HDF5 model file. `weights` maps layer name → its weights (absent: no weights). */
export async function writeKerasH5(path: string, o: { modelConfig: object | null; kerasVersion?: string; weights: Record<string, LayerWeights>; layerNames: string[] }): Promise<void> {
  const bytes = await h5Bytes((f) => {
    if (o.modelConfig) f.create_attribute('model_config', JSON.stringify(o.modelConfig));
    f.create_attribute('keras_version', o.kerasVersion ?? '2.15.0');
    f.create_attribute('backend', 'tensorflow');
    const mw = f.create_group('model_weights');
    mw.create_attribute('layer_names', o.layerNames);
    for (const layer of o.layerNames) {
      const g = mw.create_group(layer);
      const lw = o.weights[layer] ?? { names: [], values: [] };
      g.create_attribute('weight_names', lw.names); // Keras writes an empty list for layers without weights
      lw.names.forEach((n, i) => {
        const parts = n.split('/');
        let parent = g;
        for (const p of parts.slice(0, -1)) parent = (parent.keys().includes(p) ? parent.get(p) : parent.create_group(p)) as typeof g;
        parent.create_dataset({ name: parts[parts.length - 1], data: lw.values[i].data, shape: lw.values[i].shape, dtype: '<f' });
      });
    }
  });
  writeFileSync(path, bytes);
}

/** The `model.weights.h5` of a `.keras` file: `layers/<key>/vars/<i>` for each key. */
export async function kerasV3WeightsH5(vars: Record<string, { shape: number[]; data: Float32Array }[]>): Promise<Uint8Array> {
  return h5Bytes((f) => {
    const layers = f.create_group('layers');
    for (const [key, values] of Object.entries(vars)) {
      const v = layers.create_group(key).create_group('vars');
      values.forEach((t, i) => v.create_dataset({ name: String(i), data: t.data, shape: t.shape, dtype: '<f' }));
    }
    f.create_group('vars');
  });
}

/** A zip with the given entries (name → bytes), as a Buffer. */
export function zipBytes(entries: Record<string, Uint8Array | string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export async function writeKerasV3(path: string, config: object, vars: Record<string, { shape: number[]; data: Float32Array }[]>): Promise<void> {
  const weights = await kerasV3WeightsH5(vars);
  const metadata = JSON.stringify({ keras_version: '3.6.0', date_saved: '2026-11-28@17:00:00' });
  writeFileSync(path, await zipBytes({ 'metadata.json': metadata, 'config.json': JSON.stringify(config), 'model.weights.h5': weights }));
}

/** Seeded values in [-a, a]. */
export function seeded(n: number, seed: number, a = 0.5): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * a;
  });
}

export const tensor = (shape: number[], seed: number, a = 0.5) => ({ shape, data: seeded(shape.reduce((p, q) => p * q, 1), seed, a) });

// ------------------------------------------------------------- reference ops (NHWC, float64 sums)

export interface T4 {
  d: Float32Array;
  s: [number, number, number, number];
}

/** Conv2D (HWIO kernel) or, with `depthwise`, DepthwiseConv2D (kernel [kh, kw, c, m]); stride 1. */
export function conv(x: T4, k: { shape: number[]; data: Float32Array }, bias: Float32Array | undefined, padding: 'same' | 'valid', depthwise = false): T4 {
  const [n, h, w, c] = x.s;
  const [kh, kw, , o] = k.shape;
  const outC = depthwise ? c * o : o;
  const [ph, pw] = padding === 'same' ? [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)] : [0, 0];
  const oh = padding === 'same' ? h : h - kh + 1;
  const ow = padding === 'same' ? w : w - kw + 1;
  const y = new Float32Array(n * oh * ow * outC);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let f = 0; f < outC; f++) {
          let s = bias ? bias[f] : 0;
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++) {
              const yi = i + di - ph;
              const xj = j + dj - pw;
              if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
              if (depthwise) {
                const ch = Math.floor(f / o);
                s += x.d[((b * h + yi) * w + xj) * c + ch] * k.data[((di * kw + dj) * c + ch) * o + (f % o)];
              } else {
                for (let ch = 0; ch < c; ch++) s += x.d[((b * h + yi) * w + xj) * c + ch] * k.data[((di * kw + dj) * c + ch) * o + f];
              }
            }
          y[((b * oh + i) * ow + j) * outC + f] = s;
        }
  return { d: y, s: [n, oh, ow, outC] };
}

export function batchNorm(x: T4, gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array, eps: number): T4 {
  const c = x.s[3];
  return { d: x.d.map((v, i) => gamma[i % c] * (v - mean[i % c]) / Math.sqrt(variance[i % c] + eps) + beta[i % c]), s: x.s };
}

export function pool(x: T4, kind: 'max' | 'avg'): T4 {
  const [n, h, w, c] = x.s;
  const oh = Math.floor(h / 2);
  const ow = Math.floor(w / 2);
  const y = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          const vals = [0, 1].flatMap((di) => [0, 1].map((dj) => x.d[((b * h + 2 * i + di) * w + 2 * j + dj) * c + ch]));
          y[((b * oh + i) * ow + j) * c + ch] = kind === 'max' ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / 4;
        }
  return { d: y, s: [n, oh, ow, c] };
}

export function denseRows(x: Float32Array, rows: number, k: { shape: number[]; data: Float32Array }, bias: Float32Array): Float32Array {
  const [inDim, outDim] = k.shape;
  const y = new Float32Array(rows * outDim);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outDim; o++) {
      let s = bias[o];
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i] * k.data[i * outDim + o];
      y[r * outDim + o] = s;
    }
  return y;
}

export const reluT = (x: T4): T4 => ({ d: x.d.map((v) => Math.max(0, v)), s: x.s });

export function softmax(x: Float32Array, cols: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < x.length / cols; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    const m = Math.max(...row);
    const e = Array.from(row, (v) => Math.exp(v - m));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, i) => (y[r * cols + i] = v / sum));
  }
  return y;
}

/** Concatenates two NHWC tensors along channels. */
export function concatChannels(a: T4, b: T4): T4 {
  const [n, h, w, ca] = a.s;
  const cb = b.s[3];
  const y = new Float32Array(n * h * w * (ca + cb));
  for (let p = 0; p < n * h * w; p++) {
    y.set(a.d.subarray(p * ca, (p + 1) * ca), p * (ca + cb));
    y.set(b.d.subarray(p * cb, (p + 1) * cb), p * (ca + cb) + ca);
  }
  return { d: y, s: [n, h, w, ca + cb] };
}

export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}
