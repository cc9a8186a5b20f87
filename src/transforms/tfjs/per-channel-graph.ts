/**
 * `--per-channel` for TF.js graph models: per-output-channel weight scales that STOCK tfjs runs,
 * expressed as a graph rewrite instead of a manifest feature (the manifest has one min/scale per
 * tensor). A float32 kernel W feeding Conv2D / _FusedConv2D / DepthwiseConv2dNative /
 * FusedDepthwiseConv2dNative / MatMul / _FusedMatMul (as the filter / right operand) is stored as
 * W_n = W / s, s = max |W| of each output channel, so every channel spans ±1 and the converter's
 * per-tensor uint8 of W_n is in effect per channel. The graph gets a Const `<W>/per_channel_scale`
 * (s, stored float16: 2 bytes per channel, decoded by stock tfjs) and a `Mul` node
 * `<W>/per_channel_mul` = W_n · s; the kernel's consumers read the Mul instead. s is rounded to
 * float16 BEFORE dividing, so W_n · s equals W up to float32 rounding — exact in float.
 *
 * Output-channel axes: Conv2D HWIO → the last axis (s shape [O]); depthwise HWCM → every (c, m)
 * (s shape [C, M]); MatMul [K, N] → the last axis ([N]), with transpose_b [N, K] → the first
 * ([N, 1]). The Mul runs once per inference on the weights (cost measured in bench `tfjs`).
 */
import { decodeFloat16, encodeFloat16 } from '../../core/tensor/float16.js';
import { nodeNameOf } from '../../formats/tfjs/graph-topology.js';
import type { TfjsModel, TfjsWeight } from '../../formats/tfjs/tfjs-model.js';
import { FLOAT16_OVERFLOW } from './weight-quantization.js';

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { b?: boolean; type?: string }>;
  [key: string]: unknown;
}

/** Ops whose input 1 is a kernel with output channels, and how they lie in it. */
const KERNEL_OPS: Record<string, 'last' | 'depthwise' | 'matmul'> = {
  Conv2D: 'last',
  _FusedConv2D: 'last',
  DepthwiseConv2dNative: 'depthwise',
  FusedDepthwiseConv2dNative: 'depthwise',
  MatMul: 'matmul',
  _FusedMatMul: 'matmul',
};

export interface PerChannelRewrite {
  /** The kernel weight (now stored divided by its scales). */
  weight: string;
  /** The float16 scale Const added. */
  scale: string;
  /** The Mul node its consumers now read. */
  mul: string;
  consumers: string[];
  /** Shape of the scale vector, broadcast against the kernel. */
  scaleShape: number[];
  channels: number;
}

/** Where a kernel's output channels lie: scale shape, and the channel of flat element i. */
function channelLayout(op: string, node: GraphNode, shape: number[]): { scaleShape: number[]; channel: (i: number) => number } | undefined {
  const kind = KERNEL_OPS[op];
  if (kind === 'last' && shape.length === 4) return { scaleShape: [shape[3]], channel: (i) => i % shape[3] };
  if (kind === 'depthwise' && shape.length === 4) {
    const p = shape[2] * shape[3];
    return { scaleShape: [shape[2], shape[3]], channel: (i) => i % p };
  }
  if (kind === 'matmul' && shape.length === 2) {
    if (node.attr?.transpose_b?.b) return { scaleShape: [shape[0], 1], channel: (i) => Math.floor(i / shape[1]) };
    return { scaleShape: [shape[1]], channel: (i) => i % shape[1] };
  }
  return undefined;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The kernels that can be rewritten: float32 weights in `values` consumed only as input 1 of the
 * kernel ops (all consumers agreeing on the channel layout), at least 2 channels.
 */
export function findPerChannelKernels(model: Pick<TfjsModel, 'format' | 'json' | 'weights'>, names: Iterable<string>) {
  const nodes = ((model.json.modelTopology as { node?: GraphNode[] }).node ?? []) as GraphNode[];
  const uses = new Map<string, { node: GraphNode; index: number }[]>();
  for (const n of nodes) (n.input ?? []).forEach((i, index) => uses.set(nodeNameOf(i), [...(uses.get(nodeNameOf(i)) ?? []), { node: n, index: i.startsWith('^') ? -1 : index }]));
  const shapes = new Map(model.weights.map((w) => [w.name, w.shape]));
  const found = new Map<string, { consumers: GraphNode[]; scaleShape: number[]; channel: (i: number) => number }>();
  for (const name of names) {
    const shape = shapes.get(name);
    const used = uses.get(name) ?? [];
    if (!shape || used.length === 0 || used.some((u) => u.index !== 1 || !KERNEL_OPS[u.node.op])) continue;
    const layouts = used.map((u) => channelLayout(u.node.op, u.node, shape));
    const first = layouts[0];
    if (!first || layouts.some((l) => !l || !sameShape(l.scaleShape, first.scaleShape))) continue;
    if (first.scaleShape.reduce((a, b) => a * b, 1) < 2) continue;
    found.set(name, { consumers: used.map((u) => u.node), scaleShape: first.scaleShape, channel: first.channel });
  }
  return found;
}

/**
 * Rewrites the kernels among `values` (float32 values of the quantization candidates): their
 * arrays in `values` are replaced by W / s, and the returned model has the scale weights (after
 * each kernel, same manifest group) and the Mul nodes. `values` of other weights are untouched;
 * kernels in `skip` are left per tensor (e.g. depthwise kernels already balanced by --equalize).
 */
export function rewritePerChannel(model: TfjsModel, values: Map<string, Float32Array>, skip: ReadonlySet<string> = new Set()): { model: TfjsModel; rewrites: PerChannelRewrite[] } {
  const topology = model.json.modelTopology as { node?: GraphNode[] };
  const nodes: GraphNode[] = (topology.node ?? []).map((n) => ({ ...n, input: n.input ? [...n.input] : n.input }));
  const taken = new Set(nodes.map((n) => n.name));
  for (const w of model.weights) taken.add(w.name);
  const unique = (base: string) => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const kernels = findPerChannelKernels(model, [...values.keys()].filter((n) => !skip.has(n)));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const added = new Map<string, TfjsWeight>();
  const rewrites: PerChannelRewrite[] = [];
  for (const [weight, k] of kernels) {
    const w = values.get(weight)!;
    const channels = k.scaleShape.reduce((a, b) => a * b, 1);
    const maxAbs = new Float32Array(channels);
    let finite = true;
    for (let i = 0; i < w.length; i++) {
      const a = Math.abs(w[i]);
      if (!Number.isFinite(a)) finite = false;
      const c = k.channel(i);
      if (a > maxAbs[c]) maxAbs[c] = a;
    }
    if (!finite || maxAbs.some((a) => a >= FLOAT16_OVERFLOW)) continue;
    // Scales as float16 decodes them; a channel whose scale underflows (or is all zero) keeps 1.
    const scales = decodeFloat16(encodeFloat16(maxAbs)).map((s) => (s > 0 && Number.isFinite(s) ? s : 1));
    values.set(weight, Float32Array.from(w, (v, i) => v / scales[k.channel(i)]));
    const scale = unique(`${weight}/per_channel_scale`);
    const mul = unique(`${weight}/per_channel_mul`);
    const bits = encodeFloat16(scales);
    const original = model.weights.find((x) => x.name === weight)!;
    added.set(weight, {
      name: scale,
      shape: k.scaleShape,
      dtype: 'float32',
      quantization: { dtype: 'float16', original_dtype: 'float32' },
      manifestGroup: original.manifestGroup,
      ...(original.group ? { group: original.group } : {}),
      data: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength),
    });
    nodes.push(
      {
        name: scale,
        op: 'Const',
        attr: {
          value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: k.scaleShape.map((d) => ({ size: String(d) })) } } },
          dtype: { type: 'DT_FLOAT' },
        } as GraphNode['attr'],
      },
      { name: mul, op: 'Mul', input: [weight, scale], attr: { T: { type: 'DT_FLOAT' } } },
    );
    for (const c of k.consumers) {
      const node = byName.get(c.name)!;
      node.input = node.input!.map((i) => (i === weight || i === `${weight}:0` ? mul : i));
    }
    rewrites.push({ weight, scale, mul, consumers: k.consumers.map((c) => c.name), scaleShape: k.scaleShape, channels });
  }
  const weights = model.weights.flatMap((w) => (added.has(w.name) ? [w, added.get(w.name)!] : [w]));
  const json = { ...model.json, modelTopology: { ...topology, node: nodes } };
  return { model: { ...model, json, weights }, rewrites };
}
