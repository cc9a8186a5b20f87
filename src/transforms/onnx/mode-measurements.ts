/**
 * What an ONNX quantization mode measures on the check's inputs before it rewrites: fp16 — the
 * activations float16 cannot hold (their nodes stay float32); int8-weights with samples — the
 * per-channel mean input of each Conv/MatMul/Gemm, for bias correction.
 */
import type { ModelProto } from '../../formats/onnx/index.js';
import type { TensorData } from '../../runtimes/runtime.js';
import { FLOAT16_MAX } from '../../core/tensor/to-float16.js';
import type { QuantizeOptions } from '../transform-options.js';
import { measureActivations, measurableTensors } from './activation-stats.js';
import { correctionInput } from './bias-correction.js';
import { nodeLabel } from './graph-edit.js';

/** Activations beyond this share of float16's range keep their nodes float32 (headroom for inputs the samples did not cover). */
const ACTIVATION_HEADROOM = 0.5;

export interface Prepared {
  /** fp16: nodes kept float32 because an activation they read or write left float16's range. */
  keepFloat32?: Map<string, string>;
  /** int8-weights: per-channel means of each quantizable layer's input. */
  means?: Map<string, Float64Array>;
  notes: string[];
}

/** What the mode measures on the check's inputs before rewriting. */
export async function prepare(proto: ModelProto, options: QuantizeOptions): Promise<Prepared> {
  const feeds = options.checkInputs?.feeds;
  const notes: string[] = [];
  if (!feeds?.length) return { notes };
  const threads = options.check?.threads;
  if (options.mode === 'fp16') {
    options.onProgress?.('measuring activation ranges for float16');
    const names = measurableTensors(proto);
    const stats = await measureActivations(proto, feeds, names, new Map(), threads);
    const keep = new Map<string, string>();
    const g = proto.graph!;
    const limit = FLOAT16_MAX * ACTIVATION_HEADROOM;
    const big = new Map([...stats].filter(([, s]) => s.absMax > limit).map(([n, s]) => [n, s.absMax]));
    for (const n of g.node ?? []) {
      for (const o of n.output ?? []) if (big.has(o)) keep.set(nodeLabel(n), `kept float32: its output "${o}" reached ${big.get(o)!.toPrecision(3)} on the check inputs (float16 holds ±65504; kept beyond ${limit})`);
      for (const x of n.input ?? []) if (big.has(x) && !keep.has(nodeLabel(n))) keep.set(nodeLabel(n), `kept float32: reads "${x}", which reached ${big.get(x)!.toPrecision(3)} on the check inputs (float16 holds ±65504)`);
    }
    if (keep.size) notes.push(`${big.size} activation(s) exceeded ${limit} on the check inputs (${options.checkInputs!.source}): ${keep.size} node(s) around them kept float32`);
    return { keepFloat32: keep, notes };
  }
  const correct = options.biasCorrection ?? options.checkInputs?.source === 'samples';
  if (options.mode === 'int8-weights' && correct) {
    options.onProgress?.('measuring layer input means for bias correction');
    const axes = new Map<string, number>();
    for (const n of proto.graph?.node ?? []) {
      const c = correctionInput(n);
      if (c) axes.set(c.name, c.axis);
    }
    const stats = await measureActivations(proto, feeds, [...axes.keys()], axes, threads);
    const means = new Map([...stats].filter(([, s]) => s.channelMeans).map(([n, s]) => [n, s.channelMeans!]));
    // graph inputs are not node outputs: measure them from the feeds directly
    for (const input of proto.graph?.input ?? []) {
      const axis = input.name ? axes.get(input.name) : undefined;
      if (axis === undefined || !input.name) continue;
      const m = feedMeans(feeds.map((f) => f[input.name!]).filter(Boolean), axis);
      if (m) means.set(input.name, m);
    }
    return { means, notes };
  }
  return { notes };
}

function feedMeans(ts: TensorData[], axis: number): Float64Array | undefined {
  if (!ts.length || !(ts[0].data instanceof Float32Array)) return undefined;
  const rank = ts[0].shape.length;
  const ax = axis < 0 ? rank + axis : axis;
  const c = ts[0].shape[ax];
  const sum = new Float64Array(c);
  let count = 0;
  for (const t of ts) {
    if (t.shape[ax] !== c || !(t.data instanceof Float32Array)) return undefined;
    const inner = t.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < t.data.length; i++) sum[Math.floor(i / inner) % c] += t.data[i];
    count += t.data.length / c;
  }
  return sum.map((x) => x / count);
}

