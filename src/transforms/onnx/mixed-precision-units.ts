/**
 * The units of the ONNX mixed-precision search and what surrounds each: fp16 — nodes whose float
 * output float16 can change (layout and constant ops are not units); int8-weights — weights, with
 * the nodes that read them (subgraphs included); int8-dynamic — MatMul/Gemm nodes. Each unit
 * names its activations (for the layer-by-layer ranking), what keeping it costs in bytes, and —
 * for units inside If/Loop bodies, whose activations cannot be measured — its weight's own error.
 */
import type { ModelProto, NodeProto, TensorProto } from '../../formats/onnx/index.js';
import { tensorToTypedArray } from '../../formats/onnx/index.js';
import { forEachGraph, nodeLabel } from './graph-edit.js';
import type { MixedUnit } from './mixed-precision-onnx.js';

/** Nodes whose float output a float16 conversion can change (not layout or constant ops). */
const LAYOUT_OPS = new Set(['Constant', 'Cast', 'Identity', 'Shape', 'Size', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten', 'Concat', 'Split', 'Slice', 'Gather', 'Expand', 'Tile', 'Pad', 'DepthToSpace', 'SpaceToDepth', 'ConstantOfShape', 'Range']);

export function fp16Units(original: ModelProto, floatTensors: Set<string>, skippedLabels: Set<string>): MixedUnit[] {
  const g = original.graph!;
  const weightBytes = new Map<string, number>();
  for (const t of g.initializer ?? []) if (t.name && t.data_type === 1) weightBytes.set(t.name, (t.dims ?? []).reduce((a: number, b) => a * Number(b), 1) * 2);
  const out: MixedUnit[] = [];
  for (const n of g.node ?? []) {
    if (LAYOUT_OPS.has(n.op_type ?? '') || (n.domain && n.domain !== 'ai.onnx')) continue;
    const outputs = (n.output ?? []).filter((o) => floatTensors.has(o));
    if (!outputs.length || skippedLabels.has(nodeLabel(n))) continue;
    out.push({
      name: nodeLabel(n),
      outputs,
      inputs: (n.input ?? []).filter((x) => x && floatTensors.has(x)),
      extraBytes: (n.input ?? []).reduce((a, x) => a + (weightBytes.get(x) ?? 0), 0),
    });
  }
  return out;
}

/** Relative error (1/SQNR) of a weight at symmetric int8 per tensor: the rank of units whose activations are not measured. */
function int8WeightError(values: Float32Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  if (!(max > 0)) return 0;
  const step = max / 127;
  let s = 0;
  let e = 0;
  for (const v of values) {
    s += v * v;
    e += (v - Math.round(v / step) * step) ** 2;
  }
  return s ? e / s : 0;
}

/** Units of int8-weights (weights) or int8-dynamic (nodes), from their readers in the original graph (subgraphs included). */
export function int8Units(original: ModelProto, changed: string[], by: 'weight' | 'node', floatTensors: Set<string>, fallbackBytesPerElement: number): MixedUnit[] {
  const tensors = new Map<string, TensorProto>();
  const readers = new Map<string, NodeProto[]>();
  const byLabel = new Map<string, NodeProto>();
  forEachGraph(original.graph!, (g) => {
    for (const t of g.initializer ?? []) if (t.name) tensors.set(t.name, t);
    for (const n of g.node ?? []) {
      const v = n.op_type === 'Constant' ? n.attribute?.find((x) => x.name === 'value')?.t : undefined;
      if (v && n.output?.[0]) tensors.set(n.output[0], v);
      for (const x of n.input ?? []) if (x) (readers.get(x) ?? readers.set(x, []).get(x)!).push(n);
      byLabel.set(nodeLabel(n), n);
    }
  });
  const size = (name: string) => (tensors.get(name)?.dims ?? []).reduce((a: number, b) => a * Number(b), 1);
  const out: MixedUnit[] = [];
  for (const name of changed) {
    const nodes = by === 'weight' ? readers.get(name) ?? [] : byLabel.has(name) ? [byLabel.get(name)!] : [];
    if (!nodes.length) continue;
    const outputs = nodes.flatMap((n) => (n.output ?? []).filter((o) => floatTensors.has(o)));
    // a MatMul whose bias Add int8-dynamic folded: its output is the Add's
    for (const n of nodes) for (const o of n.output ?? []) for (const r of readers.get(o) ?? []) if (r.op_type === 'Add') outputs.push(...(r.output ?? []).filter((x) => floatTensors.has(x)));
    const inputs = nodes.flatMap((n) => (n.input ?? []).filter((x) => x && x !== name && floatTensors.has(x)));
    const w = by === 'weight' ? name : nodes[0].input?.[1] ?? '';
    const t = tensors.get(w);
    const weightError = t && t.data_type === 1 ? int8WeightError(tensorToTypedArray(t) as Float32Array) : undefined;
    out.push({ name, outputs, inputs, extraBytes: size(w) * fallbackBytesPerElement, weightError });
  }
  return out;
}
