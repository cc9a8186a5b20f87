/**
 * int8-static (activations and weights, QDQ): the graph ONNX Runtime's quantize_static writes in
 * QDQ format, which ORT's CPU provider fuses at session start into integer kernels (DQ → Conv → Q
 * becomes QLinearConv, MatMul → QLinearMatMul, Gemm → QGemm, Add/Mul → QLinearAdd/QLinearMul,
 * GlobalAveragePool/AveragePool/Sigmoid/LeakyRelu/Concat → their QLinear forms; DQ → MaxPool/
 * Reshape/Transpose/… → Q pairs with equal parameters are dropped).
 *
 * - Activations: each float input and output of a quantized node gets QuantizeLinear →
 *   DequantizeLinear with the calibrated range (uint8 asymmetric by default: the U8S8 form ORT's
 *   x86 and ARM kernels run fastest; int8 on request, symmetric with `symmetricActivations`).
 *   Graph outputs stay float (the producing node then runs in float on dequantized inputs).
 * - Weights of Conv, MatMul and Gemm: int8 symmetric, per output channel by default; biases
 *   int32 with scale input scale × weight scale, zero point 0 (ORT's quantize_bias_static).
 *   Constant inputs of Add/Mul/Concat are quantized with the activation type (QLinearAdd needs one type).
 * - Relu, and Clip with min 0, right after a quantized node are folded into its output's
 *   QuantizeLinear (its range starts at 0, so the clamp is the same), as ORT's quantizer removes them.
 * - Mul/Div by a positive scalar constant after a quantized tensor becomes a scale change of its
 *   DequantizeLinear (no node; HardSwish's "/6" costs nothing).
 * - Everything else stays float: ops without integer kernels (Div, Pow, Sqrt, ReduceMean,
 *   HardSigmoid, Softmax, LSTM/GRU, …), nodes the mixed-precision search keeps, excluded nodes.
 */
import type { ModelProto, NodeProto, TensorProto } from '../../formats/onnx/index.js';
import { OnnxDataType, makeTensor, tensorDims } from '../../formats/onnx/index.js';
import { computeScaleZeroPoint, quantizePerChannel, quantizePerTensor, type QuantType } from '../quant-math.js';
import type { Range } from './calibration-math.js';
import { NameAllocator, makeNode, nodeLabel } from './graph-edit.js';
import { ELEMENTWISE_OPS, clipBound, constantTensors, dataOf, emitDequantized, fmt, producerOf, scalarOperand, unquantizable, weightAxis, zpArray } from './static-helpers.js';
import type { KeepMap } from './mixed-precision-onnx.js';
import { planStatic } from './static-plan.js';
import { emptyResult, type RewriteResult, type SelectionOptions } from './transform-result.js';

/** Op types whose integer form ORT's CPU provider runs (QDQ node units), by how their inputs are quantized. */
const WEIGHTED_OPS = new Set(['Conv', 'MatMul', 'Gemm']);
const UNARY_OPS = new Set(['GlobalAveragePool', 'AveragePool', 'Sigmoid', 'LeakyRelu']);
/** Ops that only move or select values: quantized when their input is, with the input's parameters (ORT drops their DQ/Q). */
const PASSTHROUGH_OPS = new Set(['MaxPool', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten']);
/** Ops that only describe shapes or constants: not worth naming among the nodes left float. */
const LAYOUT_ONLY = new Set(['Constant', 'Shape', 'Cast', 'Slice', 'Concat', 'Gather', 'Unsqueeze', 'Squeeze', 'Reshape', 'Transpose', 'Flatten', 'Identity']);
export const STATIC_OP_TYPES = [...WEIGHTED_OPS, ...ELEMENTWISE_OPS, ...UNARY_OPS, 'Concat', ...PASSTHROUGH_OPS];

export interface StaticQuantOptions extends SelectionOptions {
  /** Weights per output channel (default true). */
  perChannel?: boolean;
  /** Activation type (default uint8). */
  activationType?: QuantType;
  /** Activations symmetric around 0 (int8 only; zero point 0). */
  symmetricActivations?: boolean;
  reduceRange?: boolean;
  /** Nodes (by label) left in float (mixed precision). */
  keep?: KeepMap;
}

interface QParams {
  scale: number;
  zeroPoint: number;
}


/** Quantizes activations and weights in place (main graph); returns what changed and what stayed float. */
export function quantizeStatic(model: ModelProto, ranges: Map<string, Range>, options: StaticQuantOptions = {}): RewriteResult {
  const result = emptyResult();
  const g = model.graph;
  if (!g) return result;
  const actType: QuantType = options.activationType ?? 'uint8';
  const symmetric = actType === 'int8' && Boolean(options.symmetricActivations);
  const opTypes = new Set(options.opTypes ?? STATIC_OP_TYPES);
  const excluded = new Set(options.excludeNodes ?? []);
  const names = new NameAllocator(model);
  const constants = constantTensors(g);
  const consumers = new Map<string, NodeProto[]>();
  for (const n of g.node ?? []) for (const x of n.input ?? []) if (x) (consumers.get(x) ?? consumers.set(x, []).get(x)!).push(n);
  const graphOutputs = new Set((g.output ?? []).map((o) => o.name));
  const graphInputs = new Set((g.input ?? []).map((i) => i.name ?? '').filter((n) => n && !constants.has(n)));
  const isFloatConst = (x: string) => constants.get(x)?.data_type === OnnxDataType.FLOAT;

  /** Tensor → its quantization parameters (activations). */
  const params = new Map<string, QParams>();
  /** Tensors that get their own Q → DQ pair. */
  const qdq = new Set<string>();
  /** Tensors that are another's quantized values under a new scale (folded Mul/Div): name → [source, params]. */
  const derived = new Map<string, { source: string; p: QParams }>();
  const removed = new Set<NodeProto>();
  const quantizedNodes = new Set<NodeProto>();
  const activationParams = (r: Range): QParams => computeScaleZeroPoint(r.min, r.max, { type: actType, symmetric, reduceRange: false });
  const canQuantize = (x: string) => ranges.has(x) && !graphOutputs.has(x) && !derived.has(x);
  const quantizeTensor = (x: string) => {
    if (params.has(x) || derived.has(x)) return;
    params.set(x, activationParams(ranges.get(x)!));
    qdq.add(x);
  };
  const isQuantized = (x: string) => params.has(x) || derived.has(x);
  const skip = (n: NodeProto, reason: string) => result.skipped.push({ name: nodeLabel(n), reason });
  const plan = planStatic(g.node ?? [], {
    selectable: (n) => {
      const op = n.op_type ?? '';
      if (!opTypes.has(op) || (n.domain && n.domain !== 'ai.onnx')) return undefined;
      if (excluded.has(n.name ?? '')) return 'excluded by --exclude-nodes';
      const kept = options.keep?.get(nodeLabel(n));
      if (kept) return kept.reason;
      return PASSTHROUGH_OPS.has(op) ? '' : unquantizable(n, op, ranges, constants, isFloatConst) ?? '';
    },
    transparent: (n) => {
      const op = n.op_type ?? '';
      if (excluded.has(n.name ?? '') || options.keep?.has(nodeLabel(n))) return false;
      if (op === 'Relu') return !symmetric;
      if (op === 'Clip') return !symmetric && clipBound(n, 1, constants, 'min') === 0;
      if (op === 'Mul' || op === 'Div') return scalarOperand(n, constants) !== undefined;
      return false;
    },
    weighted: (n) => WEIGHTED_OPS.has(n.op_type ?? ''),
    entry: (n) => n.op_type === 'MatMul' || graphInputs.has(n.input?.[0] ?? ''),
    graphInputs,
  });

  for (const n of g.node ?? []) {
    const op = n.op_type ?? '';
    if (n.domain && n.domain !== 'ai.onnx') continue;
    const label = nodeLabel(n);
    const x = n.input?.[0] ?? '';
    const y = n.output?.[0] ?? '';
    // Mul/Div by a positive scalar after a quantized tensor: a scale change
    const scaled = scalarOperand(n, constants);
    if (scaled && isQuantized(scaled.x) && !graphOutputs.has(y) && !excluded.has(n.name ?? '') && !options.keep?.has(label)) {
      const c = scaled.c;
      {
        const src = derived.get(scaled.x) ?? { source: scaled.x, p: params.get(scaled.x)! };
        derived.set(y, { source: src.source, p: { scale: Math.fround(op === 'Mul' ? src.p.scale * c : src.p.scale / c), zeroPoint: src.p.zeroPoint } });
        removed.add(n);
        result.changed.push({ name: label, what: `${op} by ${c} folded into the scale of its input's DequantizeLinear` });
        continue;
      }
    }
    if (!opTypes.has(op) && op !== 'Relu' && op !== 'Clip') continue;
    if (excluded.has(n.name ?? '')) {
      skip(n, 'excluded by --exclude-nodes');
      continue;
    }
    const kept = options.keep?.get(label);
    if (kept) {
      skip(n, kept.reason);
      continue;
    }
    // Relu / Clip(min 0) after a quantized node whose only reader it is: folded into that node's output
    if (op === 'Relu' || op === 'Clip') {
      const min = op === 'Relu' ? 0 : clipBound(n, 1, constants, 'min');
      const max = op === 'Relu' ? Infinity : clipBound(n, 2, constants, 'max') ?? Infinity;
      const producer = producerOf(g, x);
      if (min === 0 && producer && quantizedNodes.has(producer) && qdq.has(x) && consumers.get(x)?.length === 1 && canQuantize(y) && !symmetric) {
        const r = ranges.get(y)!;
        qdq.delete(x);
        params.delete(x);
        producer.output = producer.output!.map((o) => (o === x ? y : o));
        removed.add(n);
        params.set(y, activationParams({ min: 0, max: Math.min(max, r.max) }));
        qdq.add(y);
        result.changed.push({ name: label, what: `${op} folded into the QuantizeLinear of ${nodeLabel(producer)} (range [0, ${fmt(Math.min(max, r.max))}])` });
      }
      continue;
    }
    if (!plan.nodes.has(n)) {
      const why = plan.why.get(n);
      if (why) skip(n, why);
      continue;
    }
    if (PASSTHROUGH_OPS.has(op)) {
      if (params.has(x) && canQuantize(y) && !params.has(y)) {
        params.set(y, params.get(x)!);
        qdq.add(y);
        quantizedNodes.add(n);
      }
      continue;
    }
    const outputs = (n.output ?? []).filter((o) => o && canQuantize(o) && plan.feedsPlan(o));
    for (const i of n.input ?? []) if (i && ranges.has(i) && !isFloatConst(i)) quantizeTensor(i);
    for (const o of outputs) quantizeTensor(o);
    quantizedNodes.add(n);
  }

  // emit: weights and biases of quantized nodes, constants of Add/Mul/Concat, Q/DQ pairs
  const newInits: TensorProto[] = [];
  const before = new Map<NodeProto, NodeProto[]>();
  const after = new Map<NodeProto, NodeProto[]>();
  const prelude: NodeProto[] = [];
  const inputOf = (n: NodeProto, i: number) => n.input?.[i] ?? '';
  for (const n of quantizedNodes) {
    const op = n.op_type ?? '';
    const label = nodeLabel(n);
    if (PASSTHROUGH_OPS.has(op)) continue;
    const parts: string[] = [];
    if (WEIGHTED_OPS.has(op)) {
      const wName = inputOf(n, 1);
      const wTensor = constants.get(wName);
      if (wTensor) {
        const dims = tensorDims(wTensor);
        const axis = options.perChannel === false ? undefined : weightAxis(n, op, dims.length);
        const q = axis === undefined ? quantizePerTensor(dataOf(wTensor), { type: 'int8', symmetric: true, reduceRange: options.reduceRange }) : quantizePerChannel(dataOf(wTensor), dims, axis, { type: 'int8', symmetric: true, reduceRange: options.reduceRange });
        const dq = emitDequantized(wName, 'int8', dims, q.data, q.scales, new Int8Array(q.scales.length), axis, names, newInits, prelude);
        n.input![1] = dq;
        parts.push(`int8 ${axis === undefined ? 'per-tensor' : `per-channel (${q.scales.length})`} weight [${dims.join(',')}]`);
        const bName = op === 'MatMul' ? '' : inputOf(n, 2);
        const bTensor = bName ? constants.get(bName) : undefined;
        const xs = params.get(n.input![0]) ?? derived.get(n.input![0])?.p;
        if (bTensor && bTensor.data_type === OnnxDataType.FLOAT && xs && (op === 'Conv' || axis !== undefined || q.scales.length === 1)) {
          const b = dataOf(bTensor);
          const scales = new Float32Array(b.length);
          const qb = new Int32Array(b.length);
          for (let c = 0; c < b.length; c++) {
            const s = Math.fround(xs.scale * q.scales[q.scales.length === 1 ? 0 : c]);
            scales[c] = s;
            qb[c] = Math.max(-2147483647, Math.min(2147483647, Math.round(b[c] / s)));
          }
          n.input![2] = emitDequantized(bName, 'int32', [b.length], qb, scales, new Int32Array(b.length), 0, names, newInits, prelude);
          parts.push('int32 bias');
        }
      } else {
        parts.push('activation × activation');
      }
    }
    if (ELEMENTWISE_OPS.has(op) || op === 'Concat') {
      (n.input ?? []).forEach((c, i) => {
        const t = constants.get(c);
        if (!t || t.data_type !== OnnxDataType.FLOAT) return;
        const q = quantizePerTensor(dataOf(t), { type: actType, symmetric, reduceRange: false });
        const zp = actType === 'int8' ? Int8Array.from(q.zeroPoints) : Uint8Array.from(q.zeroPoints);
        n.input![i] = emitDequantized(c, actType, tensorDims(t), q.data, q.scales, zp, undefined, names, newInits, prelude);
        parts.push(`constant ${c} ${actType}`);
      });
    }
    result.changed.push({ name: label, what: `${op}: ${[`${actType} activations`, ...parts].join(', ')}` });
  }
  // Q → DQ pairs; a derived tensor is its source's quantized values under another scale
  const quantizedName = new Map<string, string>();
  for (const t of qdq) {
    const p = params.get(t)!;
    const s = names.fresh(`${t}_s`);
    const z = names.fresh(`${t}_z`);
    newInits.push(makeTensor(s, 'float32', [], Float32Array.of(p.scale)), makeTensor(z, actType, [], zpArray(actType, p.zeroPoint)));
    const tq = names.fresh(`${t}_q`);
    quantizedName.set(t, tq);
    if (graphInputs.has(t)) {
      const dq = names.fresh(`${t}_dq`);
      for (const c of consumers.get(t) ?? []) c.input = c.input!.map((i) => (i === t ? dq : i));
      prelude.push(makeNode('QuantizeLinear', [t, s, z], [tq], ''), makeNode('DequantizeLinear', [tq, s, z], [dq], ''));
      continue;
    }
    const producer = producerOf(g, t);
    if (!producer) continue;
    const raw = names.fresh(`${t}_f`);
    producer.output = producer.output!.map((o) => (o === t ? raw : o));
    const list = after.get(producer) ?? [];
    list.push(makeNode('QuantizeLinear', [raw, s, z], [tq], ''), makeNode('DequantizeLinear', [tq, s, z], [t], ''));
    after.set(producer, list);
  }
  for (const [y, d] of derived) {
    const tq = quantizedName.get(d.source);
    const src = [...removed].find((n) => n.output?.[0] === y);
    if (!tq || !src) continue;
    const s = names.fresh(`${y}_s`);
    const z = names.fresh(`${y}_z`);
    newInits.push(makeTensor(s, 'float32', [], Float32Array.of(d.p.scale)), makeTensor(z, actType, [], zpArray(actType, d.p.zeroPoint)));
    const list = before.get(src) ?? [];
    list.push(makeNode('DequantizeLinear', [tq, s, z], [y], ''));
    before.set(src, list);
  }
  const nodes: NodeProto[] = [...prelude];
  for (const n of g.node ?? []) {
    nodes.push(...(before.get(n) ?? []));
    if (!removed.has(n)) nodes.push(n);
    nodes.push(...(after.get(n) ?? []));
  }
  g.node = nodes;
  g.initializer = [...(g.initializer ?? []), ...newInits];
  const nq = [...quantizedNodes].filter((n) => !PASSTHROUGH_OPS.has(n.op_type ?? '')).length;
  const floatOps = new Map<string, number>();
  for (const n of g.node ?? []) {
    const op = n.op_type ?? '';
    if (quantizedNodes.has(n) || removed.has(n) || LAYOUT_ONLY.has(op) || op === 'QuantizeLinear' || op === 'DequantizeLinear') continue;
    floatOps.set(op, (floatOps.get(op) ?? 0) + 1);
  }
  if (floatOps.size) {
    const list = [...floatOps].sort((a, b) => b[1] - a[1]).map(([op, k]) => `${op}×${k}`).join(', ');
    result.notes.push(`left in float (no integer kernel in ONNX Runtime's CPU provider, or no quantized neighbour to pay for the conversion): ${list}`);
  }
  result.notes.push(`${nq} node(s) quantized, ${qdq.size} activation(s) with QuantizeLinear → DequantizeLinear (${actType}${symmetric ? ' symmetric' : ' asymmetric'}), weights int8 symmetric ${options.perChannel === false ? 'per tensor' : 'per channel'}, biases int32`);
  return result;
}

