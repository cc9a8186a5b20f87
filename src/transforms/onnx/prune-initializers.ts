/**
 * Removes initializers and Constant nodes nothing reads (no node input in the graph or its
 * subgraphs, not a graph output, not a graph input), as ORT's offline optimizer can leave them
 * behind after folding and as rewrites leave the float weights they replaced.
 */
import type { GraphProto, ModelProto } from '../../formats/onnx/index.js';
import { tensorBytes } from '../../formats/onnx/index.js';
import { forEachGraph, subgraphsOf, usesOfGraphDefinitions } from './graph-edit.js';

export interface PruneResult {
  removed: string[];
  bytes: number;
}

export function pruneUnusedInitializers(model: ModelProto): PruneResult {
  const out: PruneResult = { removed: [], bytes: 0 };
  if (!model.graph) return out;
  forEachGraph(model.graph, (g) => {
    const uses = usesOfGraphDefinitions(g);
    const inputs = new Set((g.input ?? []).map((v) => v.name));
    const keep = (g.initializer ?? []).filter((t) => {
      const used = (uses.get(t.name ?? '')?.length ?? 0) > 0 || inputs.has(t.name);
      if (!used) {
        out.removed.push(t.name ?? '');
        out.bytes += t.raw_data?.length ?? tensorBytes(t).length;
      }
      return used;
    });
    if (g.initializer && keep.length !== g.initializer.length) g.initializer = keep;
    const nodes = (g.node ?? []).filter((n) => {
      const unused = n.op_type === 'Constant' && !n.domain && (n.output ?? []).every((o) => !(uses.get(o)?.length));
      if (unused) {
        out.removed.push(n.output?.[0] ?? '');
        const t = n.attribute?.find((a) => a.name === 'value')?.t;
        if (t) out.bytes += t.raw_data?.length ?? tensorBytes(t).length;
      }
      return !unused;
    });
    if (g.node && nodes.length !== g.node.length) g.node = nodes;
  });
  return out;
}

/** Nodes in the graph and all its subgraphs. */
export function countNodes(graph: GraphProto | undefined): number {
  if (!graph) return 0;
  let n = 0;
  for (const node of graph.node ?? []) {
    n++;
    for (const s of subgraphsOf(node)) n += countNodes(s);
  }
  return n;
}
