/**
 * int4-weights: every MatMul whose B input is a constant float32 [K, N] weight becomes ONNX
 * Runtime's com.microsoft.MatMulNBits (bits 4, block-wise along K; int4-blocks.ts has the layout),
 * what ORT's matmul_nbits_quantizer writes. Other weights (Conv, Gemm, Gather, biases) stay as
 * they are. A weight that something other than a MatMul's B input reads (or that is a graph
 * output) stays float: the float tensor would be gone. Weights held in Constant nodes (paddle2onnx,
 * older exporters) are handled like initializers; If/Loop bodies too. Mixed precision keeps a weight
 * as 8-bit MatMulNBits blocks (the default fallback: a quarter of float32, the same fast kernels),
 * float16 behind a Cast, or float32.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { ModelProto, NodeProto, TensorProto } from '../../formats/onnx/index.js';
import { OnnxDataType, isExternalTensor, makeTensor, tensorDims, tensorToTypedArray } from '../../formats/onnx/index.js';
import { toFloat16 } from '../../core/tensor/to-float16.js';
import { NameAllocator, ensureOpset, forEachGraph, intAttr, makeNode, nodeLabel, usesOfGraphDefinitions } from './graph-edit.js';
import { int4RelativeError, isValidBlockSize, quantizeBlocks } from './int4-blocks.js';
import type { KeepMap, MixedUnit } from './mixed-precision-onnx.js';
import { int8Units } from './mixed-precision-units.js';
import { candidatesOf } from './quantize-weights.js';
import { DEFAULT_MIN_ELEMENTS, emptyResult, type RewriteResult, type SelectionOptions } from './transform-result.js';

export const MS_DOMAIN = 'com.microsoft';
export const DEFAULT_INT4_BLOCK_SIZE = 32;
/**
 * MatMulNBits' accuracy_level by default: 4 lets MLAS quantize the activations block-wise to int8
 * and run its int8 kernels (what ORT's model builder picks for CPU). Measured with onnxruntime-node
 * 1.30 on a 4×1024 MLP, 1 thread: 0.18–0.27× fp32 latency at batch 1 and 8, where level 0 (float
 * compute) is 0.5× at batch 1 and 1.5× at batch 8; the transformer fixture at 16–128 tokens:
 * 0.67–0.89× vs 0.95–1.21×. The same cosine on every model tried; onnxruntime-web ignores it.
 */
export const DEFAULT_INT4_ACCURACY_LEVEL = 4;

export interface Int4Options extends Omit<SelectionOptions, 'opTypes'> {
  /** Block size along K: a power of two ≥ 16 (default 32). */
  blockSize?: number;
  /** true (default): no zero points (the runtime's 8); false: one 4-bit zero point per block. */
  symmetric?: boolean;
  /** MatMulNBits' accuracy_level: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 compute of A (default: unset). */
  accuracyLevel?: number;
  /** Weights kept at a higher precision (mixed precision): 8-bit MatMulNBits blocks, float32 as they are, or float16 + Cast. */
  keep?: KeepMap;
}

const isMatMul = (n: NodeProto) => n.op_type === 'MatMul' && (!n.domain || n.domain === 'ai.onnx');

/** Rewrites MatMuls in place; returns what changed and what was left in float (and why). */
export function quantizeWeightsInt4(model: ModelProto, options: Int4Options = {}): RewriteResult {
  const result = emptyResult();
  const graph = model.graph;
  if (!graph) return result;
  const blockSize = options.blockSize ?? DEFAULT_INT4_BLOCK_SIZE;
  if (!isValidBlockSize(blockSize)) throw new RangeError(`block size must be a power of two ≥ 16, got ${blockSize}`);
  const symmetric = options.symmetric ?? true;
  const level = options.accuracyLevel;
  if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 4)) throw new RangeError(`accuracy level must be 0–4, got ${level}`);
  const excluded = new Set(options.excludeNodes ?? []);
  const minElements = options.minElements ?? DEFAULT_MIN_ELEMENTS;
  const names = new NameAllocator(model);
  let small = 0;
  let rewritten = 0;
  let eight = 0;

  forEachGraph(graph, (g) => {
    const uses = usesOfGraphDefinitions(g);
    const prelude: NodeProto[] = [];
    const removeNodes = new Set<NodeProto>();
    for (const w of candidatesOf(g)) {
      const list = uses.get(w.name) ?? [];
      const matmuls = list.filter((u) => u.index === 1 && isMatMul(u.node));
      if (!matmuls.length) continue;
      const t = w.tensor;
      const dims = tensorDims(t);
      const skip = (reason: string) => result.skipped.push({ name: w.name, reason });
      if (t.data_type !== OnnxDataType.FLOAT) {
        skip(`weight is ${t.data_type === OnnxDataType.FLOAT16 ? 'float16' : 'not float32'}; only float32 weights are quantized`);
        continue;
      }
      if (dims.length !== 2) {
        skip(`weight is ${dims.length}-D; MatMulNBits takes a 2-D [K, N] weight`);
        continue;
      }
      if (dims[0] * dims[1] < minElements) {
        small++;
        continue;
      }
      const other = list.find((u) => !(u.index === 1 && isMatMul(u.node)));
      if (other) {
        skip(other.index === -1 ? 'is also a graph output' : `is also read by ${other.node.op_type} node "${nodeLabel(other.node)}", which needs it in float`);
        continue;
      }
      const excludedUse = matmuls.find((u) => excluded.has(u.node.name ?? ''));
      if (excludedUse) {
        skip(`feeds node "${excludedUse.node.name}", excluded by --exclude-nodes`);
        continue;
      }
      if ((g.input ?? []).some((v) => v.name === w.name)) {
        skip('is also a graph input, so it can be overridden at run time');
        continue;
      }
      if (isExternalTensor(t) && !t.raw_data) {
        skip('external data not loaded');
        continue;
      }
      const kept = options.keep?.get(w.name);
      if (kept?.precision === 'float32') {
        skip(kept.reason);
        continue;
      }
      const values = tensorToTypedArray(t) as Float32Array;
      const drop = () => {
        if (w.constantNode) removeNodes.add(w.constantNode);
        else g.initializer = (g.initializer ?? []).filter((x) => x !== t);
      };
      if (kept && kept.precision === 'float16') {
        const half = toFloat16(values);
        if (half.clamped) {
          skip(`${kept.reason}; float32, its values exceed float16's range`);
          continue;
        }
        const hName = names.fresh(`${w.name}_float16`);
        prelude.push(makeNode('Cast', [hName], [w.name], names.fresh(`${w.name}_Cast`), [intAttr('to', OnnxDataType.FLOAT)]));
        drop();
        g.initializer = [...(g.initializer ?? []), makeTensor(hName, 'float16', dims, half.bits)];
        result.changed.push({ name: w.name, what: `float16 ← float32 [${dims.join(',')}] (MatMul) — ${kept.reason}` });
        continue;
      }
      const [K, N] = dims;
      const bits = kept?.precision === 'int8' ? 8 : 4;
      const q = quantizeBlocks(values, K, N, blockSize, symmetric, bits);
      const bName = names.fresh(`${w.name}_int${bits}`);
      const sName = names.fresh(`${w.name}_scales`);
      const inits = [makeTensor(bName, 'uint8', [N, q.kBlocks, (blockSize * bits) / 8], q.packed), makeTensor(sName, 'float32', [N, q.kBlocks], q.scales)];
      const inputsTail = [bName, sName];
      if (q.zeroPoints) {
        const zName = names.fresh(`${w.name}_zero_points`);
        inits.push(makeTensor(zName, 'uint8', [N, q.zeroPoints.length / N], q.zeroPoints));
        inputsTail.push(zName);
      }
      const attributes = [intAttr('K', K), intAttr('N', N), intAttr('bits', bits), intAttr('block_size', blockSize)];
      if (level !== undefined) attributes.push(intAttr('accuracy_level', level));
      for (const u of matmuls) {
        const n = u.node;
        n.op_type = 'MatMulNBits';
        n.domain = MS_DOMAIN;
        n.input = [n.input![0], ...inputsTail];
        n.attribute = attributes.map((a) => ({ ...a }));
        rewritten++;
        if (bits === 8) eight++;
      }
      drop();
      g.initializer = [...(g.initializer ?? []), ...inits];
      result.changed.push({
        name: w.name,
        what: `int${bits} blocks of ${blockSize}${symmetric ? ', symmetric' : ', zero points'} ← float32 [${K},${N}] (${matmuls.length > 1 ? `${matmuls.length} MatMuls` : 'MatMul'} → com.microsoft.MatMulNBits)${kept ? ` — ${kept.reason}` : ''}`,
      });
    }
    if (prelude.length || removeNodes.size) g.node = [...prelude, ...(g.node ?? []).filter((n) => !removeNodes.has(n))];
  });

  if (rewritten) {
    ensureOpset(model, MS_DOMAIN, 1);
    result.notes.push(
      `${rewritten} MatMul node(s) → com.microsoft.MatMulNBits (${eight ? `4-bit, ${eight} of them 8-bit` : '4-bit'}, block ${blockSize}${level !== undefined ? `, accuracy_level ${level}` : ''}): an ONNX Runtime contrib op — onnxruntime-node runs it with fast kernels, onnxruntime-web correctly but 10–50× slower than fp32 (no fast wasm kernel), other ONNX runtimes cannot load it`,
    );
  }
  if (small) result.notes.push(`${small} MatMul weight(s) under ${minElements} elements left in float (--min-elements)`);
  return result;
}

/** --block-size and --accuracy-level belong to int4-weights: refused with another mode rather than ignored. */
export function checkInt4Options(options: { mode?: string; blockSize?: number; accuracyLevel?: number; input: string }): void {
  if (options.mode === 'int4-weights') return;
  const flag = options.blockSize !== undefined ? '--block-size' : options.accuracyLevel !== undefined ? '--accuracy-level' : undefined;
  if (flag) throw new DlpackError('USAGE', `${flag} is for --mode int4-weights`, { file: options.input });
}

/** The int4-weights rewrite of `dlpack quantize` (the options as the command passes them). */
export function rewriteInt4(
  proto: ModelProto,
  options: { blockSize?: number; symmetric?: boolean; accuracyLevel?: number; opTypes?: string[]; excludeNodes?: string[]; minElements?: number },
  keep?: KeepMap,
): RewriteResult {
  if (options.opTypes?.some((t) => t !== 'MatMul')) {
    throw new DlpackError('USAGE', `int4-weights rewrites MatMul weights only; --op-types ${options.opTypes.join(',')} names others`, { hint: 'drop --op-types, or use int8-weights for Conv/Gemm/Gather' });
  }
  if (options.blockSize !== undefined && !isValidBlockSize(options.blockSize)) {
    throw new DlpackError('USAGE', `--block-size must be a power of two ≥ 16 (32, 64, 128), got ${options.blockSize}`);
  }
  const accuracyLevel = options.accuracyLevel ?? DEFAULT_INT4_ACCURACY_LEVEL;
  return quantizeWeightsInt4(proto, { ...options, accuracyLevel: accuracyLevel === 0 ? undefined : accuracyLevel, keep });
}

/** Mixed-precision units of int4-weights: the MatMul weights, ranked (inside If/Loop bodies) by their own 4-bit error. */
export function int4Units(
  original: ModelProto,
  changed: string[],
  floatTensors: Set<string>,
  fallback: 'float32' | 'float16' | 'int8',
  options: { blockSize?: number; symmetric?: boolean },
): MixedUnit[] {
  const blockSize = options.blockSize ?? DEFAULT_INT4_BLOCK_SIZE;
  // keeping a weight costs its kept bytes per element less its 4-bit ones (½ byte + a 4-byte scale per block)
  const kept = { int8: 1 + 4 / blockSize, float16: 2, float32: 4 }[fallback];
  const units = int8Units(original, changed, 'weight', floatTensors, kept - (0.5 + 4 / blockSize));
  const tensors = new Map<string, TensorProto>();
  forEachGraph(original.graph!, (g) => {
    for (const w of candidatesOf(g)) tensors.set(w.name, w.tensor);
  });
  for (const u of units) {
    const t = tensors.get(u.name);
    if (u.weightError === undefined || !t) continue;
    const [K, N] = tensorDims(t);
    u.weightError = int4RelativeError(tensorToTypedArray(t) as Float32Array, K, N, blockSize, options.symmetric ?? true);
  }
  return units;
}
