/**
 * Element types of every tensor in a model (ONNX TensorProto.DataType codes), found from graph
 * inputs, initializers, Constant values and per-op output rules (most ops: the type of input 0),
 * with value_info as a fallback. Scoped: a subgraph sees its outer graphs' tensors. Enough to know
 * which tensors are float32 — what the float16 rewrite needs — without full shape inference.
 */
import type { GraphProto, NodeProto, TypeProto } from '../../formats/onnx/index.js';
import { OnnxDataType as T } from '../../formats/onnx/index.js';
import { attr, attrInt, subgraphsOf } from './graph-edit.js';

export type TypeScope = Map<string, number>;

/** Per graph: the element type of every name visible in it (outer names included). */
export type ModelTypes = Map<GraphProto, TypeScope>;

const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN', 'IsInf']);
const INT64_OUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);

export function elemTypeOf(type: TypeProto | undefined): number {
  return type?.tensor_type?.elem_type ?? 0;
}

function constantType(node: NodeProto): number {
  for (const a of node.attribute ?? []) {
    switch (a.name) {
      case 'value': return a.t?.data_type ?? 0;
      case 'sparse_value': return a.sparse_tensor?.values?.data_type ?? 0;
      case 'value_float': case 'value_floats': return T.FLOAT;
      case 'value_int': case 'value_ints': return T.INT64;
      case 'value_string': case 'value_strings': return T.STRING;
    }
  }
  return 0;
}

/** The element type of output `k` of `node`, given the types of its inputs. */
function outputType(node: NodeProto, k: number, input: (i: number) => number, subOutputs: (g: GraphProto) => number[]): number {
  const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.op_type}` : node.op_type ?? '';
  if (BOOL_OUT.has(op)) return T.BOOL;
  if (INT64_OUT.has(op)) return T.INT64;
  switch (op) {
    case 'Cast': return attrInt(node, 'to', 0);
    case 'CastLike': return input(1);
    case 'Constant': return constantType(node);
    case 'ConstantOfShape': return attr(node, 'value')?.t?.data_type ?? T.FLOAT;
    case 'EyeLike': case 'RandomNormalLike': case 'RandomUniformLike': case 'Bernoulli':
      return attr(node, 'dtype') ? attrInt(node, 'dtype', 0) : input(0);
    case 'RandomNormal': case 'RandomUniform': return attrInt(node, 'dtype', T.FLOAT);
    case 'Multinomial': return attrInt(node, 'dtype', T.INT32);
    case 'TopK': case 'MaxPool': return k === 0 ? input(0) : T.INT64;
    case 'Unique': return k === 0 ? input(0) : T.INT64;
    case 'Dropout': return k === 0 ? input(0) : T.BOOL;
    case 'Where': return input(1);
    case 'OneHot': return input(2);
    case 'QuantizeLinear': return input(2) || T.UINT8;
    case 'DequantizeLinear': return input(1);
    case 'DynamicQuantizeLinear': return k === 1 ? T.FLOAT : T.UINT8;
    case 'MatMulInteger': case 'ConvInteger': return T.INT32;
    case 'QLinearMatMul': case 'QLinearConv': return input(7);
    case 'LayerNormalization': return k === 0 ? input(0) : attrInt(node, 'stash_type', T.FLOAT);
    case 'BatchNormalization': return k === 0 ? input(0) : input(3);
    case 'If': return subOutputs(attr(node, 'then_branch')!.g!)[k] ?? 0;
    case 'Loop': return subOutputs(attr(node, 'body')!.g!)[k + 1] ?? 0;
    case 'Scan': return subOutputs(attr(node, 'body')!.g!)[k] ?? 0;
    case 'com.microsoft.DynamicQuantizeMatMul': case 'com.microsoft.MatMulIntegerToFloat': return T.FLOAT;
    default: return input(0);
  }
}

/** Infers element types for `graph` and all its subgraphs. */
export function inferTensorTypes(graph: GraphProto, outer: TypeScope = new Map(), out: ModelTypes = new Map()): ModelTypes {
  const scope: TypeScope = new Map(outer);
  const hints = new Map<string, number>();
  for (const v of graph.value_info ?? []) if (v.name) hints.set(v.name, elemTypeOf(v.type));
  for (const v of graph.output ?? []) if (v.name) hints.set(v.name, elemTypeOf(v.type));
  for (const v of graph.input ?? []) if (v.name) scope.set(v.name, elemTypeOf(v.type));
  for (const t of graph.initializer ?? []) if (t.name) scope.set(t.name, t.data_type ?? 0);
  for (const s of graph.sparse_initializer ?? []) if (s.values?.name) scope.set(s.values.name, s.values.data_type ?? 0);
  out.set(graph, scope);
  for (const node of graph.node ?? []) {
    for (const sub of subgraphsOf(node)) inferTensorTypes(sub, scope, out);
    const input = (i: number) => {
      const name = node.input?.[i];
      return name ? scope.get(name) ?? 0 : 0;
    };
    const subOutputs = (g: GraphProto) => (g.output ?? []).map((o) => elemTypeOf(o.type) || (o.name ? out.get(g)?.get(o.name) ?? 0 : 0));
    (node.output ?? []).forEach((name, k) => {
      if (!name) return;
      const t = outputType(node, k, input, subOutputs) || hints.get(name) || 0;
      scope.set(name, t);
    });
  }
  return out;
}
