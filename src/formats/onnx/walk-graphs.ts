/**
 * Visiting every graph of a model (If/Loop/Scan bodies live in node attributes of type GRAPH or
 * GRAPHS) and every TensorProto (initializers, sparse initializers, Constant values and any other
 * TENSOR/TENSORS/SPARSE_TENSOR attribute, training graphs, function bodies).
 */
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from './onnx-proto-types.js';

export interface GraphVisit {
  /** 0 for the graph passed in, +1 per subgraph level. */
  depth: number;
  /** The node whose attribute holds this subgraph (absent at depth 0). */
  node?: NodeProto;
  attribute?: AttributeProto;
  parent?: GraphProto;
}

/** Calls `fn` for `graph` and then, depth first, for every subgraph in its node attributes. */
export function walkGraphs(graph: GraphProto, fn: (graph: GraphProto, visit: GraphVisit) => void, depth = 0): void {
  walk(graph, fn, { depth });
}

function walk(graph: GraphProto, fn: (graph: GraphProto, visit: GraphVisit) => void, visit: GraphVisit): void {
  fn(graph, visit);
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      const subs = [...(attribute.g ? [attribute.g] : []), ...(attribute.graphs ?? [])];
      for (const g of subs) walk(g, fn, { depth: visit.depth + 1, node, attribute, parent: graph });
    }
  }
}

export type TensorRole = 'initializer' | 'sparse-initializer' | 'attribute';

export interface TensorVisit {
  role: TensorRole;
  /** The node holding the tensor attribute (role 'attribute'). */
  node?: NodeProto;
  /** True for tensors in a subgraph, training graph or function body. */
  inSubgraph: boolean;
}

function nodeTensors(nodes: NodeProto[] | undefined, inSubgraph: boolean, fn: (t: TensorProto, v: TensorVisit) => void) {
  for (const node of nodes ?? []) {
    for (const a of node.attribute ?? []) {
      const list: TensorProto[] = [];
      if (a.t) list.push(a.t);
      list.push(...(a.tensors ?? []));
      for (const s of [...(a.sparse_tensor ? [a.sparse_tensor] : []), ...(a.sparse_tensors ?? [])]) {
        if (s.values) list.push(s.values);
        if (s.indices) list.push(s.indices);
      }
      for (const t of list) fn(t, { role: 'attribute', node, inSubgraph });
    }
  }
}

function graphTensors(graph: GraphProto, topLevel: boolean, fn: (t: TensorProto, v: TensorVisit) => void) {
  walkGraphs(graph, (g, visit) => {
    const inSubgraph = !topLevel || visit.depth > 0;
    for (const t of g.initializer ?? []) fn(t, { role: 'initializer', inSubgraph });
    for (const s of g.sparse_initializer ?? []) {
      if (s.values) fn(s.values, { role: 'sparse-initializer', inSubgraph });
      if (s.indices) fn(s.indices, { role: 'sparse-initializer', inSubgraph });
    }
    nodeTensors(g.node, inSubgraph, fn);
  });
}

/** Calls `fn` for every TensorProto in the model, main graph first. */
export function forEachTensor(model: ModelProto, fn: (tensor: TensorProto, visit: TensorVisit) => void): void {
  if (model.graph) graphTensors(model.graph, true, fn);
  for (const ti of model.training_info ?? []) {
    if (ti.initialization) graphTensors(ti.initialization, false, fn);
    if (ti.algorithm) graphTensors(ti.algorithm, false, fn);
  }
  for (const fnProto of model.functions ?? []) {
    nodeTensors(fnProto.node, true, fn);
    for (const a of fnProto.attribute_proto ?? []) {
      if (a.t) fn(a.t, { role: 'attribute', inSubgraph: true });
      for (const t of a.tensors ?? []) fn(t, { role: 'attribute', inSubgraph: true });
    }
    // subgraphs inside function nodes
    for (const node of fnProto.node ?? []) {
      for (const a of node.attribute ?? []) {
        for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) graphTensors(g, false, fn);
      }
    }
  }
}
