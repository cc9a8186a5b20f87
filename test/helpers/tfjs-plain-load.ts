/**
 * Loads a TF.js model folder with stock @tensorflow/tfjs and nothing from dlpack: the model JSON
 * and the shards are read with plain fs, concatenated in manifest order and handed to
 * tf.io.fromMemory — what a browser does after fetching them. Used to prove quantized and
 * converted outputs load without dlpack code.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export { tf };

export async function plainLoad(modelJson: string): Promise<tf.GraphModel | tf.LayersModel> {
  await tf.setBackend('cpu');
  const json = JSON.parse(readFileSync(modelJson, 'utf8'));
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const shards = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dirname(modelJson), p))));
  const data = new Uint8Array(Buffer.concat(shards)).buffer;
  const handler = tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data, format: json.format });
  return json.format === 'graph-model' ? tf.loadGraphModel(handler) : tf.loadLayersModel(handler);
}

/** Runs a plain-loaded model on one float32 input; returns every output's values. */
export async function plainRun(model: tf.GraphModel | tf.LayersModel, input: Float32Array, shape: number[]): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  const x = tf.tensor(input, shape, 'float32');
  try {
    const out = model instanceof tf.GraphModel ? model.execute(x) : model.predict(x);
    const list = Array.isArray(out) ? out : [out as tf.Tensor];
    const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
    list.forEach((t) => t.dispose());
    return values;
  } finally {
    x.dispose();
  }
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 && nb === 0 ? 1 : d / Math.sqrt(na * nb);
}

/** Sum of the shard sizes of a TF.js model folder. */
export function shardBytes(modelJson: string): number {
  const json = JSON.parse(readFileSync(modelJson, 'utf8'));
  return json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths).reduce((a: number, p: string) => a + readFileSync(join(dirname(modelJson), p)).length, 0);
}
