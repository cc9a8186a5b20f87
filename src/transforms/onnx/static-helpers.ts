/**
 * Pieces of the int8-static rewrite (quantize-static.ts): reading constants, Clip bounds and
 * scalar operands, the weight's channel axis, why a node stays float, and emitting a quantized
 * initializer with its DequantizeLinear.
 */
import type { GraphProto, NodeProto, TensorProto } from '../../formats/onnx/index.js';
import { OnnxDataType, makeTensor, tensorDims, tensorToTypedArray } from '../../formats/onnx/index.js';
import type { QuantType } from '../quant-math.js';
import type { Range } from './calibration-math.js';
import { NameAllocator, attr, attrFloat, attrInt, intAttr, makeNode } from './graph-edit.js';

export const ELEMENTWISE_OPS = new Set(['Add', 'Mul']);

export const dataOf = (t: TensorProto) => tensorToTypedArray(t) as Float32Array;

export function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

export function zpArray(type: QuantType | 'int32', zp: number): Int8Array | Uint8Array | Int32Array {
  return type === 'int8' ? Int8Array.of(zp) : type === 'uint8' ? Uint8Array.of(zp) : Int32Array.of(zp);
}

/** Adds `name`'s quantized initializer + scale + zero point and a DequantizeLinear; returns the dequantized tensor's name. */
export function emitDequantized(
  name: string,
  type: QuantType | 'int32',
  dims: number[],
  data: ArrayBufferView,
  scales: Float32Array,
  zeroPoints: ArrayBufferView,
  axis: number | undefined,
  names: NameAllocator,
  inits: TensorProto[],
  nodes: NodeProto[],
): string {
  const q = names.fresh(`${name}_q`);
  const s = names.fresh(`${name}_s`);
  const z = names.fresh(`${name}_z`);
  const pdims = axis === undefined ? [] : [scales.length];
  inits.push(makeTensor(q, type, dims, data), makeTensor(s, 'float32', pdims, axis === undefined ? scales.subarray(0, 1) : scales), makeTensor(z, type, pdims, axis === undefined ? sub1(zeroPoints) : zeroPoints));
  const out = names.fresh(`${name}_dq`);
  nodes.push(makeNode('DequantizeLinear', [q, s, z], [out], '', axis === undefined ? [] : [intAttr('axis', axis)]));
  return out;
}

function sub1(a: ArrayBufferView): ArrayBufferView {
  const t = a as Int8Array;
  return t.subarray(0, 1);
}

/** Initializers and Constant-node values of the main graph, by name. */
export function constantTensors(g: GraphProto): Map<string, TensorProto> {
  const out = new Map<string, TensorProto>();
  for (const t of g.initializer ?? []) if (t.name) out.set(t.name, t);
  for (const n of g.node ?? []) {
    const v = n.op_type === 'Constant' && !n.domain ? attr(n, 'value')?.t : undefined;
    if (v && n.output?.[0]) out.set(n.output[0], v);
  }
  return out;
}

export function producerOf(g: GraphProto, tensor: string): NodeProto | undefined {
  return (g.node ?? []).find((n) => n.output?.includes(tensor));
}

/** The value of a float constant whose elements are all equal, or undefined. */
export function scalarOf(t: TensorProto | undefined): number | undefined {
  if (!t || t.data_type !== OnnxDataType.FLOAT) return undefined;
  const d = dataOf(t);
  if (!d.length || d.some((v) => v !== d[0])) return undefined;
  return d[0];
}

/** For Mul/Div by a positive scalar constant (Mul: on either side): the other input and the constant. */
export function scalarOperand(n: NodeProto, constants: Map<string, TensorProto>): { x: string; c: number } | undefined {
  if ((n.op_type !== 'Mul' && n.op_type !== 'Div') || (n.domain && n.domain !== 'ai.onnx')) return undefined;
  const [a, b] = n.input ?? [];
  // one value of rank ≤ 1: multiplying by it changes no shape
  const single = (x: string | undefined) => {
    const t = constants.get(x ?? '');
    return t && tensorDims(t).length <= 1 && tensorDims(t).reduce((p, q) => p * q, 1) === 1 ? scalarOf(t) : undefined;
  };
  const cb = single(b);
  if (cb !== undefined && cb > 0 && a && !constants.has(a)) return { x: a, c: cb };
  const ca = n.op_type === 'Mul' ? single(a) : undefined;
  if (ca !== undefined && ca > 0 && b && !constants.has(b)) return { x: b, c: ca };
  return undefined;
}

/** Clip's bound from its input (opset ≥ 11) or attribute (older). */
export function clipBound(n: NodeProto, index: number, constants: Map<string, TensorProto>, name: 'min' | 'max'): number | undefined {
  const i = n.input?.[index];
  if (i) return scalarOf(constants.get(i));
  const a = attr(n, name);
  return a?.f === undefined ? undefined : attrFloat(n, name, 0);
}

export function weightAxis(n: NodeProto, op: string, rank: number): number | undefined {
  if (op === 'Conv') return 0;
  if (op === 'Gemm') return attrInt(n, 'transB', 0) ? 0 : 1;
  return rank === 2 ? 1 : undefined;
}

/** Why a node of a quantizable type stays float, or undefined. */
export function unquantizable(n: NodeProto, op: string, ranges: Map<string, Range>, constants: Map<string, TensorProto>, isFloatConst: (x: string) => boolean): string | undefined {
  const ins = n.input ?? [];
  if (!ranges.has(ins[0] ?? '') && !isFloatConst(ins[0] ?? '')) return `no calibrated range for its input "${ins[0]}"`;
  if (op === 'Conv') {
    if (!isFloatConst(ins[1] ?? '')) return 'its weight is not a float constant';
    if (ins[2] && !isFloatConst(ins[2])) return 'its bias is not a float constant';
  }
  if (op === 'Gemm') {
    if (!isFloatConst(ins[1] ?? '')) return 'its B input is not a float constant';
    if (attrInt(n, 'transA', 0) || attrFloat(n, 'alpha', 1) !== 1 || attrFloat(n, 'beta', 1) !== 1) return 'Gemm with transA, alpha or beta ≠ 1 stays float';
    if (ins[2] && (!isFloatConst(ins[2]) || tensorDims(constants.get(ins[2])!).length !== 1)) return 'its C input is not a 1-D float constant';
  }
  if (op === 'MatMul') {
    // attention's Q·Kᵀ and P·V: little compute at the sequence lengths of these models, and 8-bit softmax probabilities lose most
    if (!isFloatConst(ins[1] ?? '')) return 'activation × activation MatMul (attention) stays float';
    if (tensorDims(constants.get(ins[1])!).length !== 2) return 'its weight is not 2-D';
  }
  if (ELEMENTWISE_OPS.has(op) || op === 'Concat') {
    for (const i of ins) if (i && !ranges.has(i) && !isFloatConst(i)) return `no calibrated range for its input "${i}"`;
  }
  return undefined;
}
