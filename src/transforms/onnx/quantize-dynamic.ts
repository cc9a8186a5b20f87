/**
 * int8-dynamic: MatMul and Gemm with a constant float weight compute in int8, activations
 * quantized at run time — what ONNX Runtime's quantize_dynamic writes (QOperator format), in one
 * of two kernel styles:
 *  - 'fused': com.microsoft DynamicQuantizeMatMul(A, B_int8, B_scale, B_zero_point, bias), the op
 *    ORT's CPU provider fuses quantize_dynamic's graph into; works at any ai.onnx opset;
 *  - 'integer': the standard-ONNX graph quantize_dynamic writes: DynamicQuantizeLinear(A) →
 *    MatMulInteger → Cast → Mul by (A_scale × B_scale) (→ Add bias); needs opset ≥ 11.
 * Weights: int8 symmetric (ORT's default for dynamic) or uint8 asymmetric, per-tensor or per
 * output column. A following Add of a constant [N] bias is folded into the fused op.
 */
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../../formats/onnx/index.js';
import { OnnxDataType as T, makeTensor, tensorDims, tensorToTypedArray } from '../../formats/onnx/index.js';
import { toFloat16 } from '../../core/tensor/to-float16.js';
import { quantizePerChannel, quantizePerTensor } from '../quant-math.js';
import { NameAllocator, attr, attrFloat, attrInt, ensureOpset, forEachGraph, intAttr, makeNode, opsetVersion, usesOfGraphDefinitions } from './graph-edit.js';
import { pruneUnusedInitializers } from './prune-initializers.js';
import { DEFAULT_MIN_ELEMENTS, emptyResult, type RewriteResult, type SelectionOptions } from './transform-result.js';

export type DynamicKernels = 'fused' | 'integer';

export interface DynamicQuantOptions extends SelectionOptions {
  /** One scale per output column (default true). */
  perChannel?: boolean;
  /** Nodes (by label) kept at a higher precision (mixed precision): float32 as they are, or a float16 weight + Cast. */
  keep?: Map<string, { precision: 'float32' | 'float16'; reason: string }>;
  symmetric?: boolean;
  reduceRange?: boolean;
  kernels?: DynamicKernels;
}

export const DYNAMIC_OP_TYPES = ['MatMul', 'Gemm'];

/** Float constants visible in a graph: initializers and Constant outputs, with their tensors. */
function constantsIn(g: GraphProto, outer: Map<string, TensorProto>): Map<string, TensorProto> {
  const m = new Map(outer);
  for (const t of g.initializer ?? []) if (t.name) m.set(t.name, t);
  for (const n of g.node ?? []) {
    const v = n.op_type === 'Constant' ? attr(n, 'value')?.t : undefined;
    if (v && n.output?.[0]) m.set(n.output[0], v);
  }
  for (const v of g.input ?? []) if (v.name) m.delete(v.name); // overridable
  return m;
}

function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

export function quantizeDynamic(model: ModelProto, options: DynamicQuantOptions = {}): RewriteResult {
  const result = emptyResult();
  const graph = model.graph;
  if (!graph) return result;
  const opTypes = new Set(options.opTypes ?? DYNAMIC_OP_TYPES);
  const excluded = new Set(options.excludeNodes ?? []);
  const minElements = options.minElements ?? DEFAULT_MIN_ELEMENTS;
  const symmetric = options.symmetric ?? true;
  const qtype = symmetric ? 'int8' : 'uint8';
  const opset = opsetVersion(model);
  let kernels: DynamicKernels = options.kernels ?? 'fused';
  if (kernels === 'integer' && opset < 11) {
    result.notes.push(`opset ${opset} has no DynamicQuantizeLinear (opset 11): using com.microsoft DynamicQuantizeMatMul`);
    kernels = 'fused';
  }
  const names = new NameAllocator(model);
  let small = 0;
  let usedMs = false;

  const visit = (g: GraphProto, outerConsts: Map<string, TensorProto>) => {
    const consts = constantsIn(g, outerConsts);
    const uses = usesOfGraphDefinitions(g);
    const replaced = new Map<NodeProto, NodeProto[]>();
    const removed = new Set<NodeProto>();
    for (const n of g.node ?? []) {
      for (const a of n.attribute ?? []) for (const s of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) visit(s, consts);
      const op = n.op_type ?? '';
      if (n.domain || !opTypes.has(op)) continue;
      const label = n.name || `${op}(${n.output?.[0]})`;
      if (!DYNAMIC_OP_TYPES.includes(op)) {
        result.skipped.push({ name: label, reason: `int8-dynamic handles MatMul and Gemm; ${op} left in float (use int8-weights)` });
        continue;
      }
      if (excluded.has(n.name ?? '')) {
        result.skipped.push({ name: label, reason: 'excluded by --exclude-nodes' });
        continue;
      }
      const [a, bName, cName] = n.input ?? [];
      const b = bName ? consts.get(bName) : undefined;
      if (!b) {
        result.skipped.push({ name: label, reason: `weight input "${bName}" is computed at run time, not a constant` });
        continue;
      }
      if (b.data_type !== T.FLOAT) {
        result.skipped.push({ name: label, reason: 'weight is not float32' });
        continue;
      }
      const dims = tensorDims(b);
      if (dims.length !== 2) {
        result.skipped.push({ name: label, reason: `weight "${bName}" has rank ${dims.length}; only 2-D weights are quantized dynamically` });
        continue;
      }
      if (dims[0] * dims[1] < minElements) {
        small++;
        continue;
      }
      const kept = options.keep?.get(label);
      if (kept) {
        const half = kept.precision === 'float16' ? toFloat16(tensorToTypedArray(b) as Float32Array) : undefined;
        if (!half || half.clamped) {
          result.skipped.push({ name: label, reason: half ? `${kept.reason}; float32, its weight exceeds float16's range` : kept.reason });
          continue;
        }
        const hName = names.fresh(`${bName}_float16`);
        const cName2 = names.fresh(`${bName}_from_float16`);
        g.initializer = [...(g.initializer ?? []), makeTensor(hName, 'float16', dims, half.bits)];
        replaced.set(n, [makeNode('Cast', [hName], [cName2], names.fresh(`${label}_weight_Cast`), [intAttr('to', T.FLOAT)]), { ...n, input: n.input!.map((x, i) => (i === 1 ? cName2 : x)) }]);
        result.changed.push({ name: label, what: `${op} weight float16 ← float32 [${dims.join(',')}], computes in float32 — ${kept.reason}` });
        continue;
      }
      let values = tensorToTypedArray(b) as Float32Array;
      let [k, nCols] = dims;
      if (op === 'Gemm') {
        if (attrInt(n, 'transA', 0) || attrFloat(n, 'alpha', 1) !== 1 || (cName && attrFloat(n, 'beta', 1) !== 1)) {
          result.skipped.push({ name: label, reason: 'Gemm with transA, alpha ≠ 1 or beta ≠ 1 left in float' });
          continue;
        }
        if (attrInt(n, 'transB', 0)) {
          values = transpose2d(values, dims[0], dims[1]);
          [k, nCols] = [dims[1], dims[0]];
        }
      }
      // bias: Gemm's C, or the single Add of a constant [N] right after a MatMul
      let bias: TensorProto | undefined;
      let biasInput: string | undefined;
      let output = n.output![0];
      let foldedAdd: NodeProto | undefined;
      if (op === 'Gemm' && cName) {
        const c = consts.get(cName);
        if (c && c.data_type === T.FLOAT && tensorDims(c).reduce((x, y) => x * y, 1) === nCols) bias = c;
        else biasInput = cName;
      } else if (op === 'MatMul') {
        const readers = uses.get(output) ?? [];
        const add = readers.length === 1 ? readers[0].node : undefined;
        if (add && add.op_type === 'Add' && !add.domain && readers[0].graph === g) {
          const other = add.input![readers[0].index === 0 ? 1 : 0];
          const c = consts.get(other);
          if (c && c.data_type === T.FLOAT && tensorDims(c).length === 1 && tensorDims(c)[0] === nCols) {
            bias = c;
            foldedAdd = add;
            output = add.output![0];
          }
        }
      }
      const range = { type: qtype, symmetric, reduceRange: options.reduceRange } as const;
      const perChannel = options.perChannel ?? true;
      const q = perChannel ? quantizePerChannel(values, [k, nCols], 1, range) : quantizePerTensor(values, range);
      const base = bName;
      const pdims = perChannel ? [nCols] : [];
      const qName = names.fresh(`${base}_quantized`);
      const sName = names.fresh(`${base}_scale`);
      const zName = names.fresh(`${base}_zero_point`);
      const zp = qtype === 'int8' ? Int8Array.from(q.zeroPoints) : Uint8Array.from(q.zeroPoints);
      const inits = [makeTensor(qName, qtype, [k, nCols], q.data), makeTensor(sName, 'float32', pdims, q.scales), makeTensor(zName, qtype, pdims, zp)];
      const newNodes: NodeProto[] = [];
      const id = n.name || names.fresh(`${op}_${output}`);
      if (kernels === 'fused') {
        usedMs = true;
        let biasName = '';
        if (bias) {
          biasName = names.fresh(`${base}_bias`);
          inits.push(makeTensor(biasName, 'float32', [nCols], tensorToTypedArray(bias) as Float32Array));
        }
        const y = biasInput ? names.fresh(`${output}_nobias`) : output;
        newNodes.push(makeNode('DynamicQuantizeMatMul', [a, qName, sName, zName, biasName], [y], names.fresh(`${id}_quant`), [], 'com.microsoft'));
        if (biasInput) newNodes.push(makeNode('Add', [y, biasInput], [output], names.fresh(`${id}_bias_add`)));
      } else {
        const aq = names.fresh(`${a}_quantized`);
        const as = names.fresh(`${a}_scale`);
        const az = names.fresh(`${a}_zero_point`);
        const yi = names.fresh(`${output}_int32`);
        const yf = names.fresh(`${output}_float`);
        const sp = names.fresh(`${output}_scale_product`);
        const hasBias = Boolean(bias || biasInput);
        const ys = hasBias ? names.fresh(`${output}_nobias`) : output;
        newNodes.push(
          makeNode('DynamicQuantizeLinear', [a], [aq, as, az], names.fresh(`${id}_DynamicQuantizeLinear`)),
          makeNode('MatMulInteger', [aq, qName, az, zName], [yi], names.fresh(`${id}_MatMulInteger`)),
          makeNode('Cast', [yi], [yf], names.fresh(`${id}_Cast`), [intAttr('to', T.FLOAT)]),
          makeNode('Mul', [as, sName], [sp], names.fresh(`${id}_scales_Mul`)),
          makeNode('Mul', [yf, sp], [ys], names.fresh(`${id}_Mul`)),
        );
        if (hasBias) {
          let biasName = biasInput!;
          if (bias) {
            biasName = names.fresh(`${base}_bias`);
            inits.push(makeTensor(biasName, 'float32', [nCols], tensorToTypedArray(bias) as Float32Array));
          }
          newNodes.push(makeNode('Add', [ys, biasName], [output], names.fresh(`${id}_bias_Add`)));
        }
      }
      g.initializer = [...(g.initializer ?? []), ...inits];
      replaced.set(n, newNodes);
      if (foldedAdd) removed.add(foldedAdd);
      result.changed.push({
        name: label,
        what: `${op} → ${kernels === 'fused' ? 'com.microsoft.DynamicQuantizeMatMul' : 'DynamicQuantizeLinear + MatMulInteger'} (${qtype} ${perChannel ? 'per-column' : 'per-tensor'} weight [${k},${nCols}]${bias ? ' + bias' : ''})`,
      });
    }
    if (replaced.size || removed.size) {
      g.node = (g.node ?? []).flatMap((n) => (removed.has(n) ? [] : replaced.get(n) ?? [n]));
    }
  };
  visit(graph, new Map());
  const pruned = pruneUnusedInitializers(model);
  if (pruned.removed.length) result.notes.push(`${pruned.removed.length} float weight(s) replaced by their int8 form removed`);
  if (usedMs) ensureOpset(model, 'com.microsoft', 1);
  if (small) result.notes.push(`${small} MatMul/Gemm weight(s) under ${minElements} elements left in float (--min-elements)`);
  return result;
}
