/**
 * int8-weights (weight-only, QDQ): float weights feeding MatMul/Gemm/Conv/ConvTranspose/Gather/
 * LSTM/GRU/RNN are stored as int8 (symmetric) or uint8 (asymmetric) with a scale and zero point,
 * and a DequantizeLinear node rebuilds the float tensor under its old name — the weight half of
 * what ONNX Runtime's quantize_static writes in QDQ format. Weights held in Constant nodes (older
 * exporters) are handled like initializers. Opset < 13 has no per-axis DequantizeLinear and opset
 * < 10 none at all; there the same values are rebuilt with Cast and Mul (and Sub for a zero point).
 */
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../../formats/onnx/index.js';
import { OnnxDataType, makeTensor, tensorDims, tensorToTypedArray, isExternalTensor } from '../../formats/onnx/index.js';
import { toFloat16 } from '../../core/tensor/to-float16.js';
import { dequantize, quantizePerChannel, quantizePerTensor, type QuantizedTensor } from '../quant-math.js';
import type { QuantizedWeight } from './bias-correction.js';
import { NameAllocator, attr, forEachGraph, intAttr, makeNode, opsetVersion, usesOfGraphDefinitions, type Use } from './graph-edit.js';
import { emptyResult, type RewriteResult, type SelectionOptions } from './transform-result.js';
import { DEFAULT_WEIGHT_OP_TYPES, weightSlot } from './weight-slots.js';

/**
 * Weights with fewer elements stay float. Quantizing costs a DequantizeLinear node and a scale per
 * channel (≈ 120 bytes + 4 per channel, half that once scales are float16) and saves 3 bytes per
 * element: from ~128 elements on it pays, depthwise 3×3 kernels included.
 */
export const WEIGHTS_MIN_ELEMENTS = 128;

export interface WeightQuantOptions extends SelectionOptions {
  /** One scale per output channel where the op allows it (default true). */
  perChannel?: boolean;
  /** Weights kept at a higher precision (mixed precision): float32 as they are, or float16 + Cast. */
  keep?: Map<string, { precision: 'float32' | 'float16'; reason: string }>;
  /** Filled with each main-graph weight quantized (for bias correction). */
  record?: Map<string, QuantizedWeight>;
  /** Symmetric int8 (default, zero point 0) or asymmetric uint8. */
  symmetric?: boolean;
  reduceRange?: boolean;
}

export interface Candidate {
  name: string;
  tensor: TensorProto;
  /** The Constant node holding it, when it is not an initializer. */
  constantNode?: NodeProto;
}

/** The constant tensors of a graph: its initializers and the values of its Constant nodes. */
export function candidatesOf(graph: GraphProto): Candidate[] {
  const out: Candidate[] = [];
  for (const t of graph.initializer ?? []) if (t.name) out.push({ name: t.name, tensor: t });
  for (const node of graph.node ?? []) {
    const value = node.op_type === 'Constant' && !node.domain ? attr(node, 'value')?.t : undefined;
    if (value && node.output?.[0]) out.push({ name: node.output[0], tensor: value, constantNode: node });
  }
  return out;
}

function describeQuant(q: QuantizedTensor, type: string): string {
  return q.axis === undefined ? `${type} per-tensor` : `${type} per-channel (axis ${q.axis}, ${q.scales.length} scales)`;
}

/** Quantizes weights in place; returns what changed and what was left in float (and why). */
export function quantizeWeightsInt8(model: ModelProto, options: WeightQuantOptions = {}): RewriteResult {
  const result = emptyResult();
  const graph = model.graph;
  if (!graph) return result;
  const opTypes = new Set(options.opTypes ?? DEFAULT_WEIGHT_OP_TYPES);
  const excluded = new Set(options.excludeNodes ?? []);
  const minElements = options.minElements ?? WEIGHTS_MIN_ELEMENTS;
  const symmetric = options.symmetric ?? true;
  const qtype = symmetric ? 'int8' : 'uint8';
  const opset = opsetVersion(model);
  const names = new NameAllocator(model);
  const irVersion = Number(model.ir_version ?? 0);
  let small = 0;
  let fallbackCastMul = 0;
  let perTensorFallback = 0;

  forEachGraph(graph, (g) => {
    const uses = usesOfGraphDefinitions(g);
    const prelude: NodeProto[] = [];
    const removeNodes = new Set<NodeProto>();
    for (const cand of candidatesOf(g)) {
      const list: Use[] = uses.get(cand.name) ?? [];
      const slots = list.map((u) => ({ u, slot: u.index >= 0 ? weightSlot(u.node, u.index) : undefined }));
      const weightUses = slots.filter((s) => s.slot && opTypes.has(s.u.node.op_type ?? ''));
      if (weightUses.length === 0) continue;
      const usedBy = [...new Set(weightUses.map((s) => s.u.node.op_type))].join('/');
      const t = cand.tensor;
      if (t.data_type !== OnnxDataType.FLOAT) {
        result.skipped.push({ name: cand.name, reason: `weight is ${t.data_type === OnnxDataType.FLOAT16 ? 'float16' : 'not float32'}; only float32 weights are quantized` });
        continue;
      }
      const dims = tensorDims(t);
      const elements = dims.reduce((a, b) => a * b, 1);
      if (elements < minElements) {
        small++;
        continue;
      }
      const excludedUse = weightUses.find((s) => excluded.has(s.u.node.name ?? ''));
      if (excludedUse) {
        result.skipped.push({ name: cand.name, reason: `feeds node "${excludedUse.u.node.name}", excluded by --exclude-nodes` });
        continue;
      }
      if (list.some((u) => u.index === -1)) {
        result.skipped.push({ name: cand.name, reason: 'is also a graph output' });
        continue;
      }
      const inputIdx = (g.input ?? []).findIndex((v) => v.name === cand.name);
      if (inputIdx >= 0 && irVersion < 4) {
        result.skipped.push({ name: cand.name, reason: 'is also a graph input (IR < 4), so it can be overridden at run time' });
        continue;
      }
      const kept = options.keep?.get(cand.name);
      if (kept?.precision === 'float32') {
        result.skipped.push({ name: cand.name, reason: kept.reason });
        continue;
      }
      if (inputIdx >= 0) g.input!.splice(inputIdx, 1);
      if (isExternalTensor(t) && !t.raw_data) {
        result.skipped.push({ name: cand.name, reason: 'external data not loaded' });
        continue;
      }
      const values = tensorToTypedArray(t) as Float32Array;
      if (kept) {
        const half = toFloat16(values);
        if (half.clamped) {
          result.skipped.push({ name: cand.name, reason: `${kept.reason}; float32, its values exceed float16's range` });
          continue;
        }
        const hName = names.fresh(`${cand.name}_float16`);
        prelude.push(makeNode('Cast', [hName], [cand.name], names.fresh(`${cand.name}_Cast`), [intAttr('to', OnnxDataType.FLOAT)]));
        if (cand.constantNode) removeNodes.add(cand.constantNode);
        else g.initializer = (g.initializer ?? []).filter((x) => x !== t);
        g.initializer = [...(g.initializer ?? []), makeTensor(hName, 'float16', dims, half.bits)];
        result.changed.push({ name: cand.name, what: `float16 ← float32 [${dims.join(',')}] (${usedBy}) — ${kept.reason}` });
        continue;
      }
      let axis: number | undefined;
      if (options.perChannel ?? true) {
        const axes = new Set(weightUses.map((s) => s.slot!.axis(s.u.node, dims.length)));
        axis = axes.size === 1 ? [...axes][0] : undefined;
        if (axes.size > 1) perTensorFallback++;
      }
      const range = { type: qtype, symmetric, reduceRange: options.reduceRange } as const;
      const q = axis === undefined ? quantizePerTensor(values, range) : quantizePerChannel(values, dims, axis, range);
      if (options.record && g === graph) options.record.set(cand.name, { original: values, dequantized: dequantize(q, dims), dims });
      const qName = names.fresh(`${cand.name}_quantized`);
      const sName = names.fresh(`${cand.name}_scale`);
      const zName = names.fresh(`${cand.name}_zero_point`);
      const paramDims = axis === undefined ? [] : [q.scales.length];
      const zpData = qtype === 'int8' ? Int8Array.from(q.zeroPoints) : Uint8Array.from(q.zeroPoints);
      const newInits: TensorProto[] = [makeTensor(qName, qtype, dims, q.data)];
      const useDq = opset >= 10 && (axis === undefined || opset >= 13);
      if (useDq) {
        // a zero point of all zeros is left out (DequantizeLinear's default): symmetric int8 needs none
        const zeroZp = q.zeroPoints.every((z) => z === 0);
        newInits.push(makeTensor(sName, 'float32', paramDims, q.scales), ...(zeroZp ? [] : [makeTensor(zName, qtype, paramDims, zpData)]));
        const dq = makeNode('DequantizeLinear', zeroZp ? [qName, sName] : [qName, sName, zName], [cand.name], '', axis === undefined ? [] : [intAttr('axis', axis)]);
        prelude.push(dq);
      } else {
        fallbackCastMul++;
        // broadcastable parameter shape: the channel axis keeps its size, the others are 1
        const bdims = axis === undefined ? [] : dims.map((d, i) => (i === axis ? d : 1));
        const castOut = names.fresh(`${cand.name}_cast`);
        prelude.push(makeNode('Cast', [qName], [castOut], names.fresh(`${cand.name}_Cast`), [intAttr('to', OnnxDataType.FLOAT)]));
        let centred = castOut;
        if (q.zeroPoints.some((z) => z !== 0)) {
          centred = names.fresh(`${cand.name}_centred`);
          newInits.push(makeTensor(zName, 'float32', bdims, Float32Array.from(q.zeroPoints)));
          prelude.push(makeNode('Sub', [castOut, zName], [centred], names.fresh(`${cand.name}_Sub`)));
        }
        newInits.push(makeTensor(sName, 'float32', bdims, q.scales));
        prelude.push(makeNode('Mul', [centred, sName], [cand.name], names.fresh(`${cand.name}_Mul`)));
      }
      if (cand.constantNode) removeNodes.add(cand.constantNode);
      else g.initializer = (g.initializer ?? []).filter((x) => x !== t);
      g.initializer = [...(g.initializer ?? []), ...newInits];
      result.changed.push({ name: cand.name, what: `${describeQuant(q, qtype)} ← float32 [${dims.join(',')}] (${usedBy})` });
    }
    if (prelude.length || removeNodes.size) g.node = [...prelude, ...(g.node ?? []).filter((n) => !removeNodes.has(n))];
  });

  if (small) result.notes.push(`${small} weight tensor(s) under ${minElements} elements left in float (--min-elements)`);
  if (perTensorFallback) result.notes.push(`${perTensorFallback} weight(s) shared by nodes with different channel axes were quantized per-tensor`);
  if (fallbackCastMul) {
    result.notes.push(
      opset < 10
        ? `opset ${opset} has no DequantizeLinear: ${fallbackCastMul} weight(s) are rebuilt with Cast and Mul (same values)`
        : `opset ${opset} has no per-axis DequantizeLinear (opset 13): ${fallbackCastMul} per-channel weight(s) are rebuilt with Cast and Mul (same values)`,
    );
  }
  if (result.changed.length && opset >= 10) {
    result.notes.push(
      'ONNX Runtime runs DequantizeLinear at every inference for weight-only QDQ models unless the session sets session.disable_quant_qdq=1 (then dequantized once at load: fp32 speed, int8 file); dlpack bundle handlers and this check set it',
    );
  }
  collectUnquantizedOps(graph, opTypes, result);
  return result;
}

/** Nodes of a quantizable type whose weight input is not a constant (activation × activation). */
function collectUnquantizedOps(graph: GraphProto, opTypes: Set<string>, result: RewriteResult): void {
  const constants = new Set(result.changed.map((c) => c.name));
  forEachGraph(graph, (g) => {
    for (const t of g.initializer ?? []) if (t.name) constants.add(t.name);
    for (const n of g.node ?? []) if (n.op_type === 'Constant' && n.output?.[0]) constants.add(n.output[0]);
  });
  forEachGraph(graph, (g) => {
    for (const node of g.node ?? []) {
      if (!opTypes.has(node.op_type ?? '') || node.domain) continue;
      const slotIdx = node.op_type === 'Gather' ? 0 : 1;
      const w = node.input?.[slotIdx];
      if (!w || constants.has(w)) continue;
      if (node.op_type === 'Gather') continue; // Gather on activations is not a weight
      result.skipped.push({ name: node.name || `${node.op_type}(${w})`, reason: `${node.op_type} weight input "${w}" is computed at run time, not a constant` });
    }
  });
}
