/**
 * Which nodes int8-static quantizes: the ones whose integer form pays for its QuantizeLinear/
 * DequantizeLinear. Forward, in graph order: Conv/MatMul/Gemm start a quantized chain; elementwise,
 * unary and layout ops join only a chain a quantized node (or the graph input) started, and
 * "transparent" nodes (Relu, Clip from 0, Mul/Div by a positive scalar) carry a chain through
 * (they fold into a scale or a QuantizeLinear). Backward: a joined node whose outputs feed no
 * quantized node is dropped (quantizing it would only round values a float op reads next — the
 * logits before a Softmax, say), and a Conv that neither continues nor feeds a chain stays float
 * too (ORT has no integer kernel for a Conv with float output); a MatMul always gets its integer
 * form (with a float output ORT runs MatMulIntegerToFloat).
 */
import type { NodeProto } from '../../formats/onnx/index.js';

export interface PlanRules {
  /** undefined: not a quantizable op; '' quantizable; otherwise why it stays float. */
  selectable(n: NodeProto): string | undefined;
  transparent(n: NodeProto): boolean;
  weighted(n: NodeProto): boolean;
  /** Weighted nodes kept even when isolated. */
  entry(n: NodeProto): boolean;
  graphInputs: Set<string>;
}

export interface StaticPlan {
  nodes: Set<NodeProto>;
  why: Map<NodeProto, string>;
  /** Whether tensor `t` reaches a planned node directly or through transparent nodes. */
  feedsPlan(t: string): boolean;
}

export function planStatic(nodes: NodeProto[], rules: PlanRules): StaticPlan {
  const consumers = new Map<string, NodeProto[]>();
  for (const n of nodes) for (const x of n.input ?? []) if (x) (consumers.get(x) ?? consumers.set(x, []).get(x)!).push(n);
  const planned = new Set<NodeProto>();
  const why = new Map<NodeProto, string>();
  const fromChain = new Set<string>(rules.graphInputs);
  for (const n of nodes) {
    if (rules.transparent(n) && (n.input ?? []).some((i) => i && fromChain.has(i))) {
      for (const o of n.output ?? []) fromChain.add(o);
      continue;
    }
    const reason = rules.selectable(n);
    if (reason === undefined) continue;
    if (reason) {
      why.set(n, reason);
      continue;
    }
    if (!rules.weighted(n) && !(n.input ?? []).some((i) => i && fromChain.has(i))) {
      why.set(n, 'no input comes from a quantized node (it would only add QuantizeLinear/DequantizeLinear)');
      continue;
    }
    planned.add(n);
    for (const o of n.output ?? []) if (o) fromChain.add(o);
  }
  const memo = new Map<string, boolean>();
  const feedsPlan = (t: string): boolean => {
    const m = memo.get(t);
    if (m !== undefined) return m;
    memo.set(t, false);
    const r = (consumers.get(t) ?? []).some((c) => planned.has(c) || (rules.transparent(c) && (c.output ?? []).some((o) => o && feedsPlan(o))));
    memo.set(t, r);
    return r;
  };
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!planned.has(n)) continue;
    memo.clear();
    const feeds = (n.output ?? []).some((o) => o && feedsPlan(o));
    if (feeds) continue;
    const chained = (n.input ?? []).some((x) => x && fromChain.has(x));
    if (!rules.weighted(n) || (!chained && !rules.entry(n))) {
      planned.delete(n);
      why.set(n, 'its output feeds no quantized node (quantizing it would only round what a float op reads next)');
    }
  }
  memo.clear();
  return { nodes: planned, why, feedsPlan };
}
