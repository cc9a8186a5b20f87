/**
 * Statistics of a model's intermediate float tensors on the check's inputs: every main-graph float
 * tensor a node computes is added as a graph output, the model runs once per input set in
 * onnxruntime-node, and each requested tensor's max |x| (and, on request, its per-channel means)
 * is accumulated. This is how fp16 finds activations float16 cannot hold, bias correction finds
 * the mean input of each layer, and the mixed-precision search compares two models layer by layer
 * (the approach of ONNX Runtime's qdq_loss_debug). Subgraph tensors (If/Loop bodies) are not
 * measured.
 */
import type { ModelProto } from '../../formats/onnx/index.js';
import { OnnxDataType as T, encodeOnnx } from '../../formats/onnx/index.js';
import type { Feeds, TensorData } from '../../runtimes/runtime.js';
import { inferTensorTypes } from './tensor-types.js';

export interface TensorStats {
  /** Largest |x| over every run (non-finite values count as Infinity). */
  absMax: number;
  /** Mean per channel along the requested axis, over every position and run. */
  channelMeans?: Float64Array;
}

/** Float tensors the main graph's nodes compute (not inputs, initializers or Constant outputs). */
export function measurableTensors(model: ModelProto): string[] {
  const g = model.graph;
  if (!g) return [];
  const types = inferTensorTypes(g).get(g)!;
  const out: string[] = [];
  for (const n of g.node ?? []) {
    if (n.op_type === 'Constant' && !n.domain) continue;
    for (const o of n.output ?? []) if (o && types.get(o) === T.FLOAT) out.push(o);
  }
  return out;
}

export interface ExposedSession {
  run(feeds: Feeds): Promise<Record<string, TensorData>>;
  dispose(): Promise<void>;
}

/** Opens `model` in onnxruntime-node with `names` (float32 or float16 tensors of its main graph) exposed as outputs; the proto is left as it was. */
export async function openExposed(model: ModelProto, names: string[], threads?: number): Promise<ExposedSession> {
  const g = model.graph!;
  const types = inferTensorTypes(g).get(g)!;
  const saved = g.output;
  const have = new Set((g.output ?? []).map((o) => o.name));
  const extra = names.filter((n) => !have.has(n) && (types.get(n) === T.FLOAT || types.get(n) === T.FLOAT16));
  g.output = [...(g.output ?? []), ...extra.map((name) => ({ name, type: { tensor_type: { elem_type: types.get(name)! } } }))];
  let bytes: Uint8Array;
  try {
    bytes = await encodeOnnx(model);
  } finally {
    g.output = saved;
  }
  const { openOnnxSession } = await import('../../runtimes/onnxruntime-session.js');
  const { adaptFeeds } = await import('../../accuracy/accuracy-check.js');
  const session = await openOnnxSession(bytes, { threads, label: 'the model with its activations exposed' });
  return {
    run: (feeds) => session.run(adaptFeeds(feeds, session.inputs)),
    dispose: () => session.dispose(),
  };
}

/** Runs `model` with `names` exposed on every feed set and calls `visit` with each run's tensors. */
export async function runExposed(
  model: ModelProto,
  names: string[],
  feedSets: Feeds[],
  visit: (tensors: Record<string, TensorData>, run: number) => void,
  threads?: number,
): Promise<void> {
  const session = await openExposed(model, names, threads);
  try {
    for (const [i, feeds] of feedSets.entries()) visit(await session.run(feeds), i);
  } finally {
    await session.dispose();
  }
}

/** Accumulates max |x| of `names` and per-channel means of those in `channelAxis`. */
export async function measureActivations(
  model: ModelProto,
  feedSets: Feeds[],
  names: string[],
  channelAxis: Map<string, number> = new Map(),
  threads?: number,
): Promise<Map<string, TensorStats>> {
  const stats = new Map<string, TensorStats>();
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  await runExposed(model, names, feedSets, (tensors) => {
    for (const name of names) {
      const t = tensors[name];
      if (!t || !(t.data instanceof Float32Array)) continue;
      const d = t.data;
      let m = stats.get(name)?.absMax ?? 0;
      for (let i = 0; i < d.length; i++) {
        const a = Math.abs(d[i]);
        if (!(a <= m)) m = Number.isNaN(a) ? Infinity : a;
      }
      stats.set(name, { absMax: m });
      const axis = channelAxis.get(name);
      if (axis === undefined || t.shape.length === 0) continue;
      const ax = axis < 0 ? t.shape.length + axis : axis;
      const c = t.shape[ax];
      const inner = t.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
      const acc = sums.get(name) ?? { sum: new Float64Array(c), count: 0 };
      if (acc.sum.length !== c) continue; // channel count changed between runs: leave it
      for (let i = 0; i < d.length; i++) acc.sum[Math.floor(i / inner) % c] += d[i];
      acc.count += d.length / c;
      sums.set(name, acc);
    }
  }, threads);
  for (const [name, acc] of sums) {
    const s = stats.get(name)!;
    s.channelMeans = acc.sum.map((x) => x / acc.count);
  }
  return stats;
}
