/**
 * Byte savings that change no value a model computes, for small models where the graph itself is
 * a large part of the file (PaddleOCR's 0.58 MB direction classifier: after int8 weights, its
 * names, attributes and per-channel parameters were ~0.11× of the original file):
 * - `tidyOptimized`: after ORT's offline optimizer — the names it invents for fused weights
 *   ("ConvBnFusion_W_conv2d_5.w_0", "ConvBnFusion_BN_B_batch_norm_0.b_0") go back to the
 *   originals where those are free, attributes written out at their default value (auto_pad
 *   NOTSET, dilations and strides of 1, group 1) are dropped, and the opset imports it adds for
 *   domains no node uses (ai.onnx.ml, com.microsoft.nchwc, …) are removed.
 * - `float16Params`: per-channel scales of DequantizeLinear and the biases of layers whose weight
 *   is dequantized are stored as float16 with one Cast (ONNX Runtime folds the Cast when the
 *   session starts: no per-inference cost); only vectors of ≥ 32 values in float16's normal
 *   range (relative rounding ≤ 2^-11, far below int8's step), else they stay float32.
 */
import type { ModelProto, NodeProto, TensorProto } from '../../formats/onnx/index.js';
import { OnnxDataType, makeTensor, tensorDims, tensorToTypedArray } from '../../formats/onnx/index.js';
import { toFloat16 } from '../../core/tensor/to-float16.js';
import { NameAllocator, attr, intAttr, makeNode, renameReads } from './graph-edit.js';

const FUSED_PREFIXES = ['ConvBnFusion_W_', 'ConvBnFusion_BN_B_'];
/** Attribute values that equal the op's default (ONNX spec), per op type. */
const DEFAULT_ATTRS: Record<string, Record<string, (a: NonNullable<NodeProto['attribute']>[number]) => boolean>> = {};
const allOnes = (a: { ints?: unknown[] }) => (a.ints ?? []).length > 0 && (a.ints ?? []).every((v) => Number(v) === 1);
const notSet = (a: { s?: Uint8Array | string }) => (typeof a.s === 'string' ? a.s : new TextDecoder().decode(a.s ?? new Uint8Array())) === 'NOTSET';
for (const op of ['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'ConvInteger', 'QLinearConv']) {
  DEFAULT_ATTRS[op] = { auto_pad: notSet, dilations: allOnes, strides: allOnes, group: (a) => Number(a.i) === 1 };
}

/** Undoes the byte overhead ORT's offline optimizer adds (names, default attributes, unused opset imports). */
export function tidyOptimized(model: ModelProto): void {
  const g = model.graph;
  if (!g) return;
  const used = new NameAllocator(model);
  for (const t of g.initializer ?? []) {
    const prefix = FUSED_PREFIXES.find((p) => t.name?.startsWith(p));
    if (!prefix || !t.name) continue;
    const original = t.name.slice(prefix.length);
    if (!original || used.fresh(original) !== original) continue;
    renameReads(g, t.name, original);
    t.name = original;
  }
  for (const n of g.node ?? []) {
    const defaults = DEFAULT_ATTRS[n.op_type ?? ''];
    if (!defaults || (n.domain && n.domain !== 'ai.onnx') || !n.attribute) continue;
    n.attribute = n.attribute.filter((a) => !(defaults[a.name ?? '']?.(a) ?? false));
    if (!n.attribute.length) delete n.attribute;
  }
  const domains = new Set<string>(['']);
  const visit = (nodes: NodeProto[] | undefined) => {
    for (const n of nodes ?? []) {
      domains.add(n.domain === 'ai.onnx' ? '' : n.domain ?? '');
      for (const a of n.attribute ?? []) {
        if (a.g) visit(a.g.node);
        for (const s of a.graphs ?? []) visit(s.node);
      }
    }
  };
  visit(g.node);
  model.opset_import = (model.opset_import ?? []).filter((o) => domains.has(o.domain === 'ai.onnx' ? '' : o.domain ?? ''));
}

const MIN_FLOAT16_VECTOR = 32;
const FLOAT16_MIN_NORMAL = 2 ** -14;

/** Stores per-channel DequantizeLinear scales and the biases of dequantized-weight layers as float16 + Cast; returns how many. */
export function float16Params(model: ModelProto): number {
  const g = model.graph;
  if (!g) return 0;
  const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
  const dqOutputs = new Set<string>();
  const targets = new Set<string>();
  for (const n of g.node ?? []) {
    if (n.op_type !== 'DequantizeLinear' || (n.domain && n.domain !== 'ai.onnx')) continue;
    dqOutputs.add(n.output?.[0] ?? '');
    if (attr(n, 'axis') !== undefined || (n.input?.[1] && tensorDims(inits.get(n.input[1]) ?? {}).length === 1)) targets.add(n.input?.[1] ?? '');
  }
  for (const n of g.node ?? []) {
    if ((n.op_type === 'Conv' || n.op_type === 'Gemm' || n.op_type === 'ConvTranspose') && !n.domain && dqOutputs.has(n.input?.[1] ?? '') && n.input?.[2]) targets.add(n.input[2]);
  }
  // only tensors nothing else reads as float32 from an initializer (a graph input could be overridden)
  const inputs = new Set((g.input ?? []).map((i) => i.name));
  const names = new NameAllocator(model);
  const casts: NodeProto[] = [];
  const replaced = new Map<TensorProto, TensorProto>();
  for (const name of targets) {
    const t = inits.get(name);
    if (!t || inputs.has(name) || t.data_type !== OnnxDataType.FLOAT || tensorDims(t).length !== 1) continue;
    const v = tensorToTypedArray(t) as Float32Array;
    if (v.length < MIN_FLOAT16_VECTOR || v.some((x) => x !== 0 && (!(Math.abs(x) >= FLOAT16_MIN_NORMAL) || Math.abs(x) > 65504))) continue;
    const half = names.fresh(`${name}_f16`);
    replaced.set(t, makeTensor(half, 'float16', tensorDims(t), toFloat16(v).bits));
    casts.push(makeNode('Cast', [half], [name], '', [intAttr('to', OnnxDataType.FLOAT)]));
  }
  if (!casts.length) return 0;
  g.initializer = (g.initializer ?? []).map((t) => replaced.get(t) ?? t);
  g.node = [...casts, ...(g.node ?? [])];
  return casts.length;
}

/** Renames `<name><suffix>` tensors back to `<name>` where that name is free again (bias correction's copies once the originals are pruned). */
export function dropSuffix(model: ModelProto, suffix: string): void {
  const g = model.graph;
  if (!g) return;
  const used = new NameAllocator(model);
  for (const t of g.initializer ?? []) {
    if (!t.name?.endsWith(suffix)) continue;
    const base = t.name.slice(0, -suffix.length);
    if (!base || used.fresh(base) !== base) continue;
    renameReads(g, t.name, base);
    t.name = base;
  }
}
