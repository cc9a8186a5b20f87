/**
 * int8-static `--quant-format qoperator`: the QDQ graph (quantize-static.ts) rewritten into
 * ONNX Runtime's operator form, the other output format of its quantize_static — each
 * DequantizeLinear → op → QuantizeLinear group becomes one integer node reading and writing
 * quantized tensors: Conv → QLinearConv (int32 bias), MatMul with a constant weight → QLinearMatMul,
 * Add/Mul → com.microsoft QLinearAdd/QLinearMul, GlobalAveragePool → com.microsoft
 * QLinearGlobalAveragePool. Groups of other shapes (Gemm, pools, float ops between) stay in QDQ
 * form, which ORT runs the same way; the file needs no graph fusion to run integer kernels.
 */
import type { ModelProto, NodeProto } from '../../formats/onnx/index.js';
import { ensureOpset, intAttr } from './graph-edit.js';

const MS = 'com.microsoft';

/** Rewrites QDQ groups in place; returns how many nodes became QOperator nodes, by op type. */
export function qdqToQOperator(model: ModelProto): Record<string, number> {
  const g = model.graph;
  const done: Record<string, number> = {};
  if (!g) return done;
  const producer = new Map<string, NodeProto>();
  const consumers = new Map<string, NodeProto[]>();
  for (const n of g.node ?? []) {
    for (const o of n.output ?? []) if (o) producer.set(o, n);
    for (const i of n.input ?? []) if (i) (consumers.get(i) ?? consumers.set(i, []).get(i)!).push(n);
  }
  const graphOutputs = new Set((g.output ?? []).map((o) => o.name));
  /** The DequantizeLinear producing `t`: its [quantized, scale, zero point], or undefined. */
  const dq = (t: string | undefined): string[] | undefined => {
    const p = t ? producer.get(t) : undefined;
    return p?.op_type === 'DequantizeLinear' && !p.domain && p.input?.length === 3 ? p.input : undefined;
  };
  /** The QuantizeLinear that is the only reader of `t`. */
  const q = (t: string | undefined): NodeProto | undefined => {
    const c = t ? consumers.get(t) ?? [] : [];
    return c.length === 1 && c[0].op_type === 'QuantizeLinear' && !c[0].domain && !graphOutputs.has(t!) ? c[0] : undefined;
  };
  const dropped = new Set<NodeProto>();
  const replace = (n: NodeProto, op: string, inputs: string[], out: NodeProto, domain?: string, attributes = n.attribute) => {
    n.op_type = op;
    n.input = inputs;
    n.output = [out.output![0]];
    if (domain) n.domain = domain;
    if (attributes?.length) n.attribute = attributes;
    else delete n.attribute;
    dropped.add(out);
    done[op] = (done[op] ?? 0) + 1;
  };
  for (const n of g.node ?? []) {
    if (n.domain && n.domain !== 'ai.onnx') continue;
    const out = q(n.output?.[0]);
    if (!out || out.input?.length !== 3) continue;
    const [, ys, yz] = out.input;
    const a = dq(n.input?.[0]);
    const b = dq(n.input?.[1]);
    if (n.op_type === 'Conv' && a && b) {
      const bias = n.input?.[2] ? dq(n.input[2]) : undefined;
      if (n.input?.[2] && !bias) continue;
      replace(n, 'QLinearConv', [...a, ...b, ys, yz, ...(bias ? [bias[0]] : [])], out);
    } else if (n.op_type === 'MatMul' && a && b) {
      replace(n, 'QLinearMatMul', [...a, ...b, ys, yz], out);
    } else if ((n.op_type === 'Add' || n.op_type === 'Mul') && a && b) {
      replace(n, `QLinear${n.op_type}`, [...a, ...b, ys, yz], out, MS);
    } else if (n.op_type === 'GlobalAveragePool' && a) {
      replace(n, 'QLinearGlobalAveragePool', [...a, ys, yz], out, MS, [intAttr('channels_last', 0)]);
    }
  }
  if (!Object.keys(done).length) return done;
  g.node = (g.node ?? []).filter((n) => !dropped.has(n));
  // DequantizeLinear nodes nothing reads any more
  for (let changed = true; changed; ) {
    changed = false;
    const read = new Set<string>([...(g.output ?? []).map((o) => o.name ?? '')]);
    for (const n of g.node ?? []) for (const i of n.input ?? []) read.add(i);
    const keep: NodeProto[] = (g.node ?? []).filter((n) => !(n.op_type === 'DequantizeLinear' && !read.has(n.output?.[0] ?? '')));
    if (keep.length !== g.node!.length) {
      g.node = keep;
      changed = true;
    }
  }
  if (Object.keys(done).some((k) => k !== 'QLinearConv' && k !== 'QLinearMatMul')) ensureOpset(model, MS, 1);
  return done;
}
