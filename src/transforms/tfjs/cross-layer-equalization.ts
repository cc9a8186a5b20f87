/**
 * Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through Weight
 * Equalization and Bias Correction"; AIMET's CLE) for TF.js graph models, on the pattern
 * MobileNet-style nets are made of: a DepthwiseConv2dNative (no bias) feeding straight into a
 * 1×1 Conv2D/_FusedConv2D. Scaling depthwise channel c by s_c and the 1×1 kernel's input row c by
 * 1/s_c leaves the float model's outputs unchanged (the depthwise output only flows into the 1×1
 * conv, and convolution is linear), and with s_c = √(r2_c / r1_c) both channels end up with the same
 * range √(r1_c·r2_c). Per-tensor quantization then no longer wastes its steps on one wide channel.
 * Only weight values change — topology, names and dtypes stay — so stock tfjs loads the result.
 */
import type { TfjsModel } from '../../formats/tfjs/tfjs-model.js';

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { s?: string; list?: { s?: string[] } }>;
}

export interface EqualizedPair {
  depthwise: string;
  pointwise: string;
  channels: number;
}

const nodeName = (input: string) => input.replace(/^\^/, '').split(':')[0];
const decode = (s?: string) => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

/** The (depthwise kernel, 1×1 kernel) weight pairs that can be equalized exactly. */
export function findEqualizablePairs(model: Pick<TfjsModel, 'format' | 'json' | 'weights'>): { depthwise: string; pointwise: string }[] {
  if (model.format !== 'graph-model') return [];
  const nodes = ((model.json.modelTopology as { node?: GraphNode[] }).node ?? []) as GraphNode[];
  const consumers = new Map<string, GraphNode[]>();
  for (const n of nodes) for (const i of n.input ?? []) consumers.set(nodeName(i), [...(consumers.get(nodeName(i)) ?? []), n]);
  const shapes = new Map(model.weights.map((w) => [w.name, w.shape]));
  const onlyUse = (weight: string, node: GraphNode) => consumers.get(weight)?.length === 1 && consumers.get(weight)![0] === node;
  const pairs: { depthwise: string; pointwise: string }[] = [];
  for (const dw of nodes) {
    if (dw.op !== 'DepthwiseConv2dNative' || (dw.input ?? []).length < 2) continue;
    if (decode(dw.attr?.data_format?.s) === 'NCHW') continue;
    const k1 = nodeName(dw.input![1]);
    const s1 = shapes.get(k1);
    if (!s1 || s1.length !== 4 || s1[3] !== 1 || !onlyUse(k1, dw)) continue;
    const next = consumers.get(dw.name) ?? [];
    if (next.length !== 1) continue;
    const pw = next[0];
    if ((pw.op !== 'Conv2D' && pw.op !== '_FusedConv2D') || nodeName(pw.input?.[0] ?? '') !== dw.name || decode(pw.attr?.data_format?.s) === 'NCHW') continue;
    const k2 = nodeName(pw.input![1]);
    const s2 = shapes.get(k2);
    if (!s2 || s2.length !== 4 || s2[0] !== 1 || s2[1] !== 1 || s2[2] !== s1[2] || !onlyUse(k2, pw)) continue;
    pairs.push({ depthwise: k1, pointwise: k2 });
  }
  return pairs;
}

/**
 * Equalizes every pair whose two kernels are in `values` (float32, finite); replaces their
 * arrays in `values` with scaled copies. Returns the pairs it changed.
 */
export function equalizeDepthwisePointwise(model: Pick<TfjsModel, 'format' | 'json' | 'weights'>, values: Map<string, Float32Array>): EqualizedPair[] {
  const shapes = new Map(model.weights.map((w) => [w.name, w.shape]));
  const done: EqualizedPair[] = [];
  for (const { depthwise, pointwise } of findEqualizablePairs(model)) {
    const w1 = values.get(depthwise);
    const w2 = values.get(pointwise);
    if (!w1 || !w2 || ![...w1, ...w2].every(Number.isFinite)) continue;
    const c = shapes.get(depthwise)![2];
    const k = shapes.get(pointwise)![3];
    const r1 = new Float64Array(c);
    const r2 = new Float64Array(c);
    for (let i = 0; i < w1.length; i++) r1[i % c] = Math.max(r1[i % c], Math.abs(w1[i]));
    for (let i = 0; i < w2.length; i++) r2[Math.floor(i / k)] = Math.max(r2[Math.floor(i / k)], Math.abs(w2[i]));
    const s = Array.from(r1, (a, ch) => (a > 0 && r2[ch] > 0 ? Math.sqrt(r2[ch] / a) : 1));
    const n1 = Float32Array.from(w1, (v, i) => v * s[i % c]);
    const n2 = Float32Array.from(w2, (v, i) => v / s[Math.floor(i / k)]);
    values.set(depthwise, n1);
    values.set(pointwise, n2);
    done.push({ depthwise, pointwise, channels: c });
  }
  return done;
}
