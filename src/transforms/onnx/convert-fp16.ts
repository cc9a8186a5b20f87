/**
 * fp16: weights and compute in float16, like onnxconverter-common's convert_float_to_float16.
 * Every float32 tensor becomes float16 except around ops on the block list (they keep float32
 * and get Casts on their float inputs and outputs), and — with keepIoTypes (default) — the main
 * graph's inputs and outputs, which stay float32 behind Casts. Subgraphs (If/Loop/Scan bodies) are
 * converted alike. Nothing is clamped silently: a weight or constant beyond ±65504, and a small
 * epsilon-like constant below float16's normal range (2^-14), stays float32 with every node that
 * reads it (named in the report), as do the nodes the caller names in `keepFloat32` (activations
 * measured beyond the range). Values that still had to be clamped would be counted in a note.
 */
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../formats/onnx/index.js';
import { OnnxDataType as T, makeTensor, tensorDims, tensorToTypedArray } from '../../formats/onnx/index.js';
import { toFloat16 } from '../../core/tensor/to-float16.js';
import { FLOAT16_MAX } from '../../core/tensor/to-float16.js';
import { NameAllocator, attr, definedNames, forEachGraph, intAttr, makeNode, nodeLabel, renameReads, subgraphsOf, tensorAttr, usesOfGraphDefinitions } from './graph-edit.js';
import { inferTensorTypes, type ModelTypes } from './tensor-types.js';
import { emptyResult, type RewriteResult } from './transform-result.js';

/** onnxconverter-common's DEFAULT_OP_BLOCK_LIST (float16.py), plus ops whose scale inputs must stay float32. */
export const DEFAULT_FP16_BLOCK_LIST = [
  'ArrayFeatureExtractor', 'Binarizer', 'CastMap', 'CategoryMapper', 'DictVectorizer', 'FeatureVectorizer', 'Imputer',
  'LabelEncoder', 'LinearClassifier', 'LinearRegressor', 'Normalizer', 'OneHotEncoder', 'RandomUniformLike', 'SVMClassifier',
  'SVMRegressor', 'Scaler', 'TreeEnsembleClassifier', 'TreeEnsembleRegressor', 'ZipMap', 'NonMaxSuppression', 'TopK',
  'RoiAlign', 'Resize', 'Range', 'CumSum', 'Min', 'Max', 'Upsample',
  // not in onnxconverter-common's list, but their float inputs are float32-only or their dtype defaults to float32
  'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'Bernoulli', 'Multinomial',
];

const CONTROL_FLOW = new Set(['If', 'Loop', 'Scan']);

export interface Fp16Options {
  keepIoTypes?: boolean;
  /** Replaces the default block list. */
  blockOps?: string[];
  /** Only these op types compute in float16 (every other op is blocked). */
  opTypes?: string[];
  excludeNodes?: string[];
  /** Nodes (by name, or Op(output) when nameless) kept float32, with the reason the report gives. */
  keepFloat32?: Map<string, string>;
}

/** Smallest positive normal float16, 2^-14: below it values lose precision (subnormal) or vanish. */
export const FLOAT16_MIN_NORMAL = 2 ** -14;
/** Constants up to this many elements are checked for epsilon-like values below the normal range. */
const EPSILON_MAX_ELEMENTS = 64;

/** Why a float32 constant cannot become float16 as it is, or undefined when it can. */
export function float16RangeProblem(values: ArrayLike<number>): string | undefined {
  let over = 0;
  let max = 0;
  let nonzero = 0;
  let tiny = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (!Number.isFinite(a)) continue;
    if (a > FLOAT16_MAX) over++;
    if (a > max) max = a;
    if (a > 0) {
      nonzero++;
      if (a < FLOAT16_MIN_NORMAL) tiny++;
    }
  }
  if (over) return `${over} value(s) beyond float16's ±65504 (max |x| ${max.toPrecision(3)})`;
  if (values.length <= EPSILON_MAX_ELEMENTS && nonzero > 0 && tiny === nonzero) {
    return `epsilon-like value(s) below float16's normal range (max |x| ${max.toPrecision(3)} < 2^-14): float16 would lose them`;
  }
  return undefined;
}

/** Nodes that must stay float32 because a float constant they read (or hold) is out of float16 range. */
function rangeBlockedNodes(main: GraphProto, result: { notes: string[] }): Map<NodeProto, string> {
  const out = new Map<NodeProto, string>();
  forEachGraph(main, (g) => {
    const uses = usesOfGraphDefinitions(g);
    const check = (name: string, t: TensorProto | undefined, holder?: NodeProto) => {
      if (!t || t.data_type !== T.FLOAT) return;
      const why = float16RangeProblem(tensorToTypedArray(t) as Float32Array);
      if (!why) return;
      const reason = `kept float32: reads "${name}", ${why}`;
      if (holder) out.set(holder, `kept float32: holds ${why}`);
      for (const u of uses.get(name) ?? []) if (u.index >= 0 && !out.has(u.node)) out.set(u.node, reason);
    };
    for (const t of g.initializer ?? []) if (t.name) check(t.name, t);
    for (const n of g.node ?? []) if (n.op_type === 'Constant' && !n.domain && n.output?.[0]) check(n.output[0], attr(n, 'value')?.t, n);
  });
  if (out.size) result.notes.push(`${out.size} node(s) kept float32 because a weight or constant they read is outside float16's range (listed under skipped)`);
  return out;
}

export interface Fp16Result extends RewriteResult {
  clamped: number;
  raisedToMinSubnormal: number;
  castsInserted: number;
}

export function convertToFloat16(model: ModelProto, options: Fp16Options = {}): Fp16Result {
  const result: Fp16Result = { ...emptyResult(), clamped: 0, raisedToMinSubnormal: 0, castsInserted: 0 };
  const main = model.graph;
  if (!main) return result;
  const keepIo = options.keepIoTypes ?? true;
  const blockList = new Set(options.blockOps ?? DEFAULT_FP16_BLOCK_LIST);
  const only = options.opTypes ? new Set([...options.opTypes, 'Constant', 'Identity']) : undefined;
  const excluded = new Set(options.excludeNodes ?? []);
  const names = new NameAllocator(model);
  const types: ModelTypes = inferTensorTypes(main);
  const kept = rangeBlockedNodes(main, result);
  if (options.keepFloat32?.size) {
    forEachGraph(main, (g) => {
      for (const n of g.node ?? []) {
        const why = options.keepFloat32!.get(nodeLabel(n));
        if (why && !kept.has(n)) kept.set(n, why);
      }
    });
  }

  const blocked = (n: NodeProto): boolean => {
    const op = n.op_type ?? '';
    if (CONTROL_FLOW.has(op) && !n.domain) return false;
    if (n.domain && n.domain !== 'ai.onnx') return true;
    return blockList.has(op) || excluded.has(n.name ?? '') || kept.has(n) || (only !== undefined && !only.has(op));
  };

  // ---- where each name is defined, and the parent of each graph (for scoped lookups)
  const parent = new Map<GraphProto, GraphProto | undefined>();
  const producer = new Map<GraphProto, Map<string, NodeProto>>();
  forEachGraph(main, (g) => {
    const p = new Map<string, NodeProto>();
    for (const n of g.node ?? []) {
      for (const o of n.output ?? []) if (o) p.set(o, n);
      for (const s of subgraphsOf(n)) parent.set(s, g);
    }
    producer.set(g, p);
  });
  if (!parent.has(main)) parent.set(main, undefined);
  const defGraph = (g: GraphProto, name: string): GraphProto | undefined => {
    for (let cur: GraphProto | undefined = g; cur; cur = parent.get(cur)) if (definedNames(cur).has(name)) return cur;
    return undefined;
  };
  const isFloat = (g: GraphProto, name: string) => types.get(g)?.get(name) === T.FLOAT;

  // ---- pass 1: the new type of every float32 definition
  const newType = new Map<GraphProto, Map<string, number>>();
  forEachGraph(main, (g) => {
    const m = new Map<string, number>();
    const top = g === main;
    for (const v of g.input ?? []) if (v.name && isFloat(g, v.name)) m.set(v.name, top && keepIo ? T.FLOAT : T.FLOAT16);
    const readers = new Map<string, NodeProto[]>();
    forEachGraph(g, (h) => {
      for (const n of h.node ?? []) for (const x of n.input ?? []) if (x) (readers.get(x) ?? readers.set(x, []).get(x)!).push(n);
    });
    for (const t of g.initializer ?? []) {
      if (!t.name || t.data_type !== T.FLOAT || m.has(t.name)) continue;
      const rs = readers.get(t.name) ?? [];
      const onlyBlocked = rs.length > 0 && rs.every(blocked);
      const isOutput = top && keepIo && (g.output ?? []).some((o) => o.name === t.name);
      m.set(t.name, onlyBlocked || isOutput ? T.FLOAT : T.FLOAT16);
    }
    for (const n of g.node ?? []) {
      (n.output ?? []).forEach((o, k) => {
        if (!o || !isFloat(g, o)) return;
        const pinned = n.op_type === 'LayerNormalization' && k > 0;
        m.set(o, blocked(n) || pinned ? T.FLOAT : T.FLOAT16);
      });
    }
    newType.set(g, m);
  });
  const typeNow = (g: GraphProto, name: string): number | undefined => {
    const d = defGraph(g, name);
    return d ? newType.get(d)?.get(name) : undefined;
  };

  // ---- pass 2: change the types inside nodes, initializers and value infos (original nodes only)
  forEachGraph(main, (g) => {
    for (const t of g.initializer ?? []) {
      if (t.name && newType.get(g)?.get(t.name) === T.FLOAT16) {
        replaceTensor(g.initializer!, t, toHalf(t, result));
        result.changed.push({ name: t.name, what: `float16 ← float32 [${tensorDims(t).join(',')}]` });
      }
    }
    for (const n of g.node ?? []) {
      if (blocked(n)) {
        if ((n.input ?? []).some((x) => x && isFloat(g, x)) || (n.output ?? []).some((x) => x && isFloat(g, x))) {
          result.skipped.push({ name: nodeLabel(n), reason: kept.get(n) ?? blockReason(n, blockList, excluded) });
        }
        continue;
      }
      convertNodeAttributes(n, g, isFloat, result);
    }
    const m = newType.get(g)!;
    const setType = (v: ValueInfoProto) => {
      const nt = v.name ? m.get(v.name) : undefined;
      if (nt && v.type?.tensor_type) v.type.tensor_type.elem_type = nt;
    };
    (g.value_info ?? []).forEach(setType);
    if (g !== main) {
      (g.input ?? []).forEach(setType);
      for (const v of g.output ?? []) if (v.type?.tensor_type?.elem_type === T.FLOAT) v.type.tensor_type.elem_type = T.FLOAT16;
    } else if (!keepIo) {
      (g.input ?? []).forEach(setType);
      for (const v of g.output ?? []) if (v.type?.tensor_type?.elem_type === T.FLOAT) v.type.tensor_type.elem_type = T.FLOAT16;
    }
  });

  // ---- pass 3: Casts where a reader needs another type than the definition has
  const atStart = new Map<GraphProto, NodeProto[]>();
  const atEnd = new Map<GraphProto, NodeProto[]>();
  const after = new Map<NodeProto, NodeProto[]>();
  const castCache = new Map<GraphProto, Map<string, string>>();
  const push = <K>(map: Map<K, NodeProto[]>, key: K, node: NodeProto) => (map.get(key) ?? map.set(key, []).get(key)!).push(node);
  const castOf = (g: GraphProto, name: string, to: number): string => {
    const d = defGraph(g, name)!;
    const cache = castCache.get(d) ?? castCache.set(d, new Map()).get(d)!;
    const hit = cache.get(`${to}:${name}`);
    if (hit) return hit;
    const out = names.fresh(`${name}_${to === T.FLOAT16 ? 'fp16' : 'fp32'}`);
    const cast = makeNode('Cast', [name], [out], names.fresh(`${name}_Cast_${to === T.FLOAT16 ? 'fp16' : 'fp32'}`), [intAttr('to', to)]);
    const prod = producer.get(d)!.get(name);
    if (prod) push(after, prod, cast);
    else push(atStart, d, cast);
    newType.get(d)!.set(out, to);
    cache.set(`${to}:${name}`, out);
    result.castsInserted++;
    return out;
  };

  // main-graph outputs kept float32: the float16 value gets a new name, a Cast restores the output
  if (keepIo) {
    for (const o of main.output ?? []) {
      if (!o.name || typeNow(main, o.name) !== T.FLOAT16) continue;
      const inner = names.fresh(`${o.name}_fp16`);
      const prod = producer.get(main)!.get(o.name);
      if (!prod) continue;
      prod.output = prod.output!.map((x) => (x === o.name ? inner : x));
      renameReads(main, o.name, inner);
      producer.get(main)!.set(inner, prod);
      newType.get(main)!.set(inner, T.FLOAT16);
      for (const v of main.value_info ?? []) if (v.name === o.name) v.name = inner;
      push(after, prod, makeNode('Cast', [inner], [o.name], names.fresh(`${o.name}_Cast_fp32`), [intAttr('to', T.FLOAT)]));
      result.castsInserted++;
    }
  }
  forEachGraph(main, (g) => {
    for (const n of [...(g.node ?? [])]) {
      const need = blocked(n) ? T.FLOAT : T.FLOAT16;
      n.input = n.input?.map((x) => {
        if (!x) return x;
        const have = typeNow(g, x);
        if (have === undefined || have === need) return x;
        return castOf(g, x, need);
      });
    }
    if (g !== main) {
      for (const o of g.output ?? []) {
        if (!o.name) continue;
        const have = typeNow(g, o.name);
        if (have !== T.FLOAT) continue;
        const out = names.fresh(`${o.name}_fp16`);
        push(atEnd, g, makeNode('Cast', [o.name], [out], names.fresh(`${o.name}_Cast_fp16`), [intAttr('to', T.FLOAT16)]));
        result.castsInserted++;
        o.name = out;
      }
    }
  });
  forEachGraph(main, (g) => {
    const nodes: NodeProto[] = [...(atStart.get(g) ?? [])];
    for (const n of g.node ?? []) nodes.push(n, ...(after.get(n) ?? []));
    nodes.push(...(atEnd.get(g) ?? []));
    g.node = nodes;
  });

  if (result.clamped) result.notes.push(`${result.clamped} weight value(s) beyond ±65504 clamped to ±65504 (constants inside If/Loop bodies read by float16 nodes)`);
  if (result.raisedToMinSubnormal) result.notes.push(`${result.raisedToMinSubnormal} tiny weight value(s) below 2^-24 raised to ±2^-24`);
  result.notes.push(`${result.castsInserted} Cast node(s) inserted${keepIo ? '; graph inputs and outputs kept float32' : ''}`);
  return result;
}

function blockReason(n: NodeProto, blockList: Set<string>, excluded: Set<string>): string {
  if (excluded.has(n.name ?? '')) return 'excluded by --exclude-nodes; computes in float32';
  if (n.domain && n.domain !== 'ai.onnx') return `op ${n.domain}.${n.op_type} is outside the ONNX domain; computes in float32`;
  if (blockList.has(n.op_type ?? '')) return `op ${n.op_type} is on the float16 block list; computes in float32`;
  return `op ${n.op_type} is not in --op-types; computes in float32`;
}

function replaceTensor(list: TensorProto[], old: TensorProto, next: TensorProto): void {
  list[list.indexOf(old)] = next;
}

function toHalf(t: TensorProto, result: Fp16Result): TensorProto {
  const conv = toFloat16(tensorToTypedArray(t) as Float32Array);
  result.clamped += conv.clamped;
  result.raisedToMinSubnormal += conv.raisedToMinSubnormal;
  const half = makeTensor(t.name ?? '', T.FLOAT16, tensorDims(t), conv.bits);
  if (t.doc_string) half.doc_string = t.doc_string;
  return half;
}

/** Float32 values and type attributes inside a node that computes in float16. */
function convertNodeAttributes(n: NodeProto, g: GraphProto, isFloat: (g: GraphProto, name: string) => boolean, result: Fp16Result): void {
  const op = n.op_type;
  if (op === 'Constant') {
    const v = attr(n, 'value');
    if (v?.t?.data_type === T.FLOAT) {
      v.t = toHalf(v.t, result);
      result.changed.push({ name: n.output?.[0] ?? '', what: `float16 ← float32 [${tensorDims(v.t).join(',')}] (Constant)` });
    }
    const vf = attr(n, 'value_float') ?? attr(n, 'value_floats');
    if (vf) {
      const values = vf.name === 'value_float' ? [vf.f ?? 0] : vf.floats ?? [];
      const dims = vf.name === 'value_float' ? [] : [values.length];
      n.attribute = [tensorAttr('value', toHalf(makeTensor('', T.FLOAT, dims, Float32Array.from(values)), result))];
    }
  } else if (op === 'ConstantOfShape' && isFloat(g, n.output?.[0] ?? '')) {
    const v = attr(n, 'value');
    if (v?.t) v.t = toHalf(v.t, result);
    else n.attribute = [...(n.attribute ?? []), tensorAttr('value', makeTensor('', T.FLOAT16, [1], new Uint16Array(1)))];
  } else if (op === 'Cast') {
    const to = attr(n, 'to');
    if (to && Number(to.i) === T.FLOAT) to.i = T.FLOAT16;
  } else if (op === 'EyeLike') {
    const d = attr(n, 'dtype');
    if (d && Number(d.i) === T.FLOAT) d.i = T.FLOAT16;
  }
}
