/**
 * Small helpers for rewriting a decoded ONNX ModelProto in place: attribute access, node and tensor
 * builders, unique names, opset lookup, and a scoped index of who consumes each tensor (subgraphs
 * see outer-scope names unless they define the same name themselves).
 */
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../formats/onnx/index.js';
import { AttributeType } from '../../formats/onnx/index.js';

/** A node's name, or `Op(first output)` for a nameless node: how reports and --exclude-nodes name it. */
export function nodeLabel(node: NodeProto): string {
  return node.name || `${node.op_type}(${node.output?.[0] ?? ''})`;
}

export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a?.i === undefined ? fallback : Number(a.i);
}

export function attrFloat(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a?.f === undefined ? fallback : a.f;
}

export function intAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

export function tensorAttr(name: string, t: TensorProto): AttributeProto {
  return { name, type: AttributeType.TENSOR, t };
}

export function makeNode(opType: string, inputs: string[], outputs: string[], name: string, attributes: AttributeProto[] = [], domain?: string): NodeProto {
  const node: NodeProto = { input: inputs, output: outputs, name, op_type: opType };
  if (attributes.length) node.attribute = attributes;
  if (domain) node.domain = domain;
  return node;
}

/** The version of an opset domain the model imports ('' = ai.onnx), or 0. */
export function opsetVersion(model: ModelProto, domain = ''): number {
  const d = model.opset_import?.find((o) => (o.domain ?? '') === domain || (domain === '' && o.domain === 'ai.onnx'));
  return d ? Number(d.version ?? 0) : 0;
}

/** Adds an opset import when the model lacks it. */
export function ensureOpset(model: ModelProto, domain: string, version: number): void {
  model.opset_import ??= [];
  if (!model.opset_import.some((o) => (o.domain ?? '') === domain)) model.opset_import.push({ domain, version });
}

export function subgraphsOf(node: NodeProto): GraphProto[] {
  const out: GraphProto[] = [];
  for (const a of node.attribute ?? []) {
    if (a.g) out.push(a.g);
    for (const g of a.graphs ?? []) out.push(g);
  }
  return out;
}

/** Every name in use anywhere in the model (tensors and nodes), for picking fresh ones. */
export class NameAllocator {
  private used = new Set<string>();

  constructor(model: ModelProto) {
    const visit = (g: GraphProto) => {
      for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.value_info ?? [])]) if (v.name) this.used.add(v.name);
      for (const t of g.initializer ?? []) if (t.name) this.used.add(t.name);
      for (const n of g.node ?? []) {
        if (n.name) this.used.add(n.name);
        for (const x of [...(n.input ?? []), ...(n.output ?? [])]) if (x) this.used.add(x);
        for (const s of subgraphsOf(n)) visit(s);
      }
    };
    if (model.graph) visit(model.graph);
  }

  /** `base` when unused, else `base_1`, `base_2`, ... */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

export interface Use {
  graph: GraphProto;
  node: NodeProto;
  /** Input slot; -1 when the tensor is a graph output of `graph` (node is then a placeholder). */
  index: number;
}

/**
 * Who reads each tensor defined in `graph` (by its inputs, initializers or node outputs), including
 * reads from nested subgraphs that do not redefine the name. Graph outputs count as uses (index -1).
 */
export function usesOfGraphDefinitions(graph: GraphProto): Map<string, Use[]> {
  const defined = definedNames(graph);
  const uses = new Map<string, Use[]>();
  const add = (name: string, use: Use) => {
    if (!defined.has(name)) return;
    let list = uses.get(name);
    if (!list) uses.set(name, (list = []));
    list.push(use);
  };
  const outputNode: NodeProto = { op_type: '(graph output)' };
  for (const o of graph.output ?? []) if (o.name) add(o.name, { graph, node: outputNode, index: -1 });
  for (const node of graph.node ?? []) {
    (node.input ?? []).forEach((name, index) => name && add(name, { graph, node, index }));
    for (const sub of subgraphsOf(node)) collectOuterUses(sub, new Set(), add);
  }
  return uses;
}

function collectOuterUses(graph: GraphProto, shadowedAbove: Set<string>, add: (name: string, use: Use) => void): void {
  const shadowed = new Set([...shadowedAbove, ...definedNames(graph)]);
  const outputNode: NodeProto = { op_type: '(graph output)' };
  for (const o of graph.output ?? []) if (o.name && !shadowed.has(o.name)) add(o.name, { graph, node: outputNode, index: -1 });
  for (const node of graph.node ?? []) {
    (node.input ?? []).forEach((name, index) => name && !shadowed.has(name) && add(name, { graph, node, index }));
    for (const sub of subgraphsOf(node)) collectOuterUses(sub, shadowed, add);
  }
}

export function definedNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of graph.input ?? []) if (v.name) names.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) names.add(o);
  return names;
}

/** Calls fn for `graph` and every nested subgraph, depth first. */
export function forEachGraph(graph: GraphProto, fn: (g: GraphProto, depth: number) => void, depth = 0): void {
  fn(graph, depth);
  for (const node of graph.node ?? []) for (const s of subgraphsOf(node)) forEachGraph(s, fn, depth + 1);
}

/** Renames every read of `from` in `graph` (and nested subgraphs that do not shadow it) to `to`. */
export function renameReads(graph: GraphProto, from: string, to: string, includeOutputs = false): void {
  const visit = (g: GraphProto, top: boolean) => {
    if (!top && definedNames(g).has(from)) return;
    if (includeOutputs || !top) for (const o of g.output ?? []) if (o.name === from) o.name = to;
    for (const node of g.node ?? []) {
      if (node.input) node.input = node.input.map((x) => (x === from ? to : x));
      for (const s of subgraphsOf(node)) visit(s, false);
    }
  };
  visit(graph, true);
}

export function valueInfoOf(graph: GraphProto, name: string): ValueInfoProto | undefined {
  return [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.value_info ?? [])].find((v) => v.name === name);
}
