/** Reference outputs: the model run directly with onnxruntime-node (or TF.js on the CPU backend). */
import { ROOT } from './cli.js';
import { join } from 'node:path';

export const MLP = join(ROOT, 'fixtures', 'models', 'mlp.onnx');
export const MLP_EXTERNAL = join(ROOT, 'fixtures', 'models', 'mlp-external', 'model.onnx');
export const TFJS_GRAPH = join(ROOT, 'fixtures', 'models', 'tfjs-graph', 'classifier.json');
export const TFJS_LAYERS = join(ROOT, 'fixtures', 'models', 'tfjs-layers', 'model.json');

/** A deterministic [rows, cols] float input. */
export function sampleInput(rows: number, cols: number): number[] {
  return Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * 1.5);
}

export async function onnxReference(model: string, name: string, dims: number[], data: number[]): Promise<Record<string, { dims: number[]; data: number[] }>> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ [name]: new ort.Tensor('float32', Float32Array.from(data), dims) });
  const result: Record<string, { dims: number[]; data: number[] }> = {};
  for (const [k, t] of Object.entries(out)) result[k] = { dims: [...t.dims], data: Array.from(t.data as Float32Array) };
  await session.release();
  return result;
}

export async function tfjsReference(model: string, dims: number[], data: number[]): Promise<number[][]> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const { readFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const json = JSON.parse(readFileSync(model, 'utf8'));
  const specs = [];
  const parts: Buffer[] = [];
  for (const g of json.weightsManifest) {
    for (const p of g.paths) parts.push(readFileSync(join(dirname(model), p)));
    specs.push(...g.weights);
  }
  const buf = Buffer.concat(parts);
  const artifacts = { ...json, weightSpecs: specs, weightData: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) };
  const input = tf.tensor(data, dims, 'float32');
  let outs: import('@tensorflow/tfjs-core').Tensor[];
  if (json.format === 'layers-model') {
    const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
    const m = await loadLayersModel(tf.io.fromMemory(artifacts));
    const o = m.predict(input);
    outs = Array.isArray(o) ? o : [o];
  } else {
    const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
    const m = await loadGraphModel(tf.io.fromMemory(artifacts));
    const o = m.execute(input);
    outs = Array.isArray(o) ? o : [o];
  }
  return Promise.all(outs.map(async (t) => Array.from(await t.data()) as number[]));
}

export function maxAbsDiff(a: (number | string)[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(Number(a[i]) - b[i]));
  return m;
}
