/**
 * Shared by the TF.js tests: the fixture paths, a plain loader for weight manifests that does not
 * use dlpack's reader (so tests compare against something independent), reference forward
 * passes of the two fixtures in plain JS, and temp-folder helpers.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, SHARED_MODELS } from './cli.js';

export const GRAPH_FIXTURE = join(ROOT, 'fixtures/models/tfjs-graph/classifier.json');
export const LAYERS_FIXTURE = join(ROOT, 'fixtures/models/tfjs-layers/model.json');
export const BLAZEFACE = join(SHARED_MODELS, 'tfjs/blazeface/blazeface.json');
export const EMOTION = join(SHARED_MODELS, 'tfjs/emotion/emotion.json');

/** Reads float32/int32 weights straight from the manifest and shards (no dlpack code). */
export function plainWeights(modelJson: string): Map<string, Float32Array | Int32Array> {
  const json = JSON.parse(readFileSync(modelJson, 'utf8'));
  const out = new Map<string, Float32Array | Int32Array>();
  for (const group of json.weightsManifest) {
    const buf = Buffer.concat(group.paths.map((p: string) => readFileSync(join(dirname(modelJson), p))));
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a: number, b: number) => a * b, 1);
      const bytes = buf.subarray(offset, offset + n * 4);
      const copy = new Uint8Array(bytes).buffer;
      out.set(w.name, w.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy));
      offset += n * 4;
    }
  }
  return out;
}

/** Deterministic test input in [-1, 1]. */
export function testInput(n: number, phase = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase));
}

/** NHWC conv, VALID padding, stride 1, HWIO kernel, plus bias. */
export function conv2dValid(x: Float32Array, [n, h, w, c]: number[], k: Float32Array, [kh, kw, , o]: number[], bias: Float32Array): { y: Float32Array; shape: number[] } {
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const y = new Float32Array(n * oh * ow * o);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let f = 0; f < o; f++) {
          let s = bias[f];
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++)
              for (let ch = 0; ch < c; ch++) s += x[((b * h + i + di) * w + j + dj) * c + ch] * k[((di * kw + dj) * c + ch) * o + f];
          y[((b * oh + i) * ow + j) * o + f] = s;
        }
  return { y, shape: [n, oh, ow, o] };
}

export function dense(x: Float32Array, n: number, inDim: number, k: Float32Array, outDim: number, bias: Float32Array): Float32Array {
  const y = new Float32Array(n * outDim);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < outDim; o++) {
      let s = bias[o];
      for (let i = 0; i < inDim; i++) s += x[b * inDim + i] * k[i * outDim + o];
      y[b * outDim + o] = s;
    }
  return y;
}

export const relu = (x: Float32Array) => x.map((v) => Math.max(0, v));

export function softmaxRows(x: Float32Array, cols: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < x.length / cols; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    const m = Math.max(...row);
    const e = Array.from(row, (v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, i) => (y[r * cols + i] = v / s));
  }
  return y;
}

type Weights = Map<string, Float32Array | Int32Array>;
const f = (w: Weights, name: string) => w.get(name) as Float32Array;

/** The graph fixture: Conv2D(VALID)+BiasAdd → Relu → Reshape [-1, 8] → MatMul + bias → Softmax. */
export function graphFixtureForward(w: Weights, x: Float32Array, n: number): Float32Array {
  const conv = conv2dValid(x, [n, 4, 4, 1], f(w, 'conv/filter'), [3, 3, 1, 2], f(w, 'conv/bias'));
  const flat = relu(conv.y); // NHWC [n,2,2,2] flattened row-major = Reshape [-1, 8]
  return softmaxRows(dense(flat, n, 8, f(w, 'dense/kernel'), 4, f(w, 'dense/bias')), 4);
}

/** The layers fixture: Conv2D relu → Flatten → Dense(8) relu → Dense(3) softmax. */
export function layersFixtureForward(w: Weights, x: Float32Array, n: number): Float32Array {
  const conv = conv2dValid(x, [n, 6, 6, 1], f(w, 'conv/kernel'), [3, 3, 1, 2], f(w, 'conv/bias'));
  const hidden = relu(dense(relu(conv.y), n, 32, f(w, 'hidden/kernel'), 8, f(w, 'hidden/bias')));
  return softmaxRows(dense(hidden, n, 8, f(w, 'probs/kernel'), 3, f(w, 'probs/bias')), 3);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A fresh temp folder; `copyOf` copies a fixture folder into it. */
export function tempDir(prefix = 'dlpack-tfjs-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function copyFolder(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}
