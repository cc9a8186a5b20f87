/**
 * What a TF.js graph model's topology says about its inputs, outputs and ops: the `signature`
 * when the converter wrote one, else Placeholder nodes in and unconsumed nodes out (as
 * tfjs-converter's OperationMapper decides), and every node's `op` including the nodes of the
 * function library (control-flow bodies), marked inSubgraph.
 */
import type { DType, Dim, OpInfo, TensorInfo } from '../../core/model-description.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const TF_DTYPES: Record<string, DType> = {
  DT_FLOAT: 'float32',
  DT_DOUBLE: 'float64',
  DT_HALF: 'float16',
  DT_BFLOAT16: 'bfloat16',
  DT_INT8: 'int8',
  DT_UINT8: 'uint8',
  DT_INT16: 'int16',
  DT_UINT16: 'uint16',
  DT_INT32: 'int32',
  DT_UINT32: 'uint32',
  DT_INT64: 'int64',
  DT_UINT64: 'uint64',
  DT_BOOL: 'bool',
  DT_STRING: 'string',
  DT_COMPLEX64: 'complex64',
  DT_COMPLEX128: 'complex128',
};
/** tensorflow/core/framework/types.proto enum numbers, for JSON written with numeric enums. */
const TF_DTYPE_NUMBERS: Record<number, string> = {
  1: 'DT_FLOAT', 2: 'DT_DOUBLE', 3: 'DT_INT32', 4: 'DT_UINT8', 5: 'DT_INT16', 6: 'DT_INT8', 7: 'DT_STRING',
  8: 'DT_COMPLEX64', 9: 'DT_INT64', 10: 'DT_BOOL', 14: 'DT_BFLOAT16', 17: 'DT_UINT16', 18: 'DT_COMPLEX128',
  19: 'DT_HALF', 22: 'DT_UINT32', 23: 'DT_UINT64',
};

export function tfDType(v: unknown): DType {
  const key = typeof v === 'number' ? TF_DTYPE_NUMBERS[v] : v;
  return (typeof key === 'string' && TF_DTYPES[key]) || 'unknown';
}

/** A TensorShapeProto in JSON form → dims (-1 → null); null for unknown rank. */
export function tfShape(shape: unknown): Dim[] | null {
  if (!isObject(shape) || shape.unknownRank) return null;
  if (!Array.isArray(shape.dim)) return [];
  return shape.dim.map((d) => {
    const size = Number(isObject(d) ? (d.size ?? 0) : NaN);
    return Number.isInteger(size) && size >= 0 ? size : null;
  });
}

/** "node:0" → "node"; "^node" → "node"; "node:output:0" (function bodies) → "node". */
export function nodeNameOf(input: string): string {
  return input.replace(/^\^/, '').split(':')[0];
}

function nodeList(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function attrType(node: Json, ...keys: string[]): DType {
  const attr = isObject(node.attr) ? node.attr : {};
  for (const k of keys) {
    const a = attr[k];
    if (isObject(a) && a.type !== undefined) return tfDType(a.type);
  }
  return 'unknown';
}

function signatureTensors(map: unknown): TensorInfo[] | undefined {
  if (!isObject(map)) return undefined;
  return Object.entries(map).map(([key, t]) => {
    const info = isObject(t) ? t : {};
    const name = typeof info.name === 'string' ? info.name.replace(/:0$/, '') : key;
    return { name, dtype: tfDType(info.dtype), shape: tfShape(info.tensorShape) };
  });
}

export interface GraphTopologyInfo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  ops: OpInfo[];
}

export function describeGraphTopology(topology: Json, signature: unknown): GraphTopologyInfo {
  const nodes = nodeList(topology.node);
  const sig = isObject(signature) ? signature : {};

  const inputs =
    signatureTensors(sig.inputs) ??
    nodes
      .filter((n) => n.op === 'Placeholder')
      .map((n) => {
        const attr = isObject(n.attr) ? n.attr : {};
        const shapeAttr = isObject(attr.shape) ? attr.shape.shape : undefined;
        return { name: String(n.name), dtype: attrType(n, 'dtype'), shape: shapeAttr === undefined ? null : tfShape(shapeAttr) };
      });

  let outputs = signatureTensors(sig.outputs);
  if (!outputs) {
    const consumed = new Set<string>();
    for (const n of nodes) for (const i of Array.isArray(n.input) ? n.input : []) if (typeof i === 'string') consumed.add(nodeNameOf(i));
    outputs = nodes
      .filter((n) => !consumed.has(String(n.name)) && n.op !== 'Const' && n.op !== 'NoOp' && n.op !== 'Placeholder')
      .map((n) => {
        const attr = isObject(n.attr) ? n.attr : {};
        const shapes = isObject(attr._output_shapes) && isObject(attr._output_shapes.list) ? attr._output_shapes.list.shape : undefined;
        return { name: String(n.name), dtype: attrType(n, 'T', 'dtype', 'out_type'), shape: Array.isArray(shapes) ? tfShape(shapes[0]) : null };
      });
  }

  const ops: OpInfo[] = nodes.map((n) => ({ type: String(n.op), name: String(n.name) }));
  const library = isObject(topology.library) ? topology.library : {};
  for (const fn of nodeList(library.function)) {
    for (const n of nodeList(fn.nodeDef)) ops.push({ type: String(n.op), name: String(n.name), inSubgraph: true });
  }
  return { inputs, outputs, ops };
}
