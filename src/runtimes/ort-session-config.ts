/**
 * ONNX Runtime session config entries a model needs to run at its best, decided from its
 * description (ops and weight dtypes), so the accuracy/latency check and the bundled handler open
 * it the same way.
 *
 * Weight-only QDQ (int8-weights: DequantizeLinear on constant int8/uint8 weights, no
 * QuantizeLinear anywhere): ORT's constant folding skips DequantizeLinear by default, keeping the
 * nodes for its QDQ fusions, so the weights are dequantized again on every request (measured 13×
 * fp32 latency on a 4×1024 MLP at batch 1). `session.disable_quant_qdq=1` turns the QDQ fusions off
 * and lets constant folding dequantize them once, at session creation: the session then holds and
 * runs float32 weights (fp32 latency and memory; the file stays int8). Not for models that quantize
 * activations (QuantizeLinear/DynamicQuantizeLinear: their speed comes from those fusions) or
 * carry int4 weights (ORT fuses blocked int4 DequantizeLinear+MatMul into MatMulNBits).
 */
import type { ModelDescription } from '../core/model-description.js';

export interface OrtSessionConfig {
  /** Entries for SessionOptions.extra (flat, dotted keys). */
  entries: Record<string, string>;
  /** One line saying what they do, for reports. */
  why: string;
}

/** Ops that mean activations are quantized (static QDQ or dynamic): their speed needs ORT's QDQ fusions. */
const ACTIVATION_QUANT_OPS = new Set(['QuantizeLinear', 'DynamicQuantizeLinear']);

export const FOLD_QDQ_WEIGHTS: Record<string, string> = { 'session.disable_quant_qdq': '1' };

export function ortSessionConfig(model: Pick<ModelDescription, 'format' | 'ops' | 'weights'>): OrtSessionConfig | undefined {
  if (model.format !== 'onnx') return undefined;
  const dq = model.ops.filter((o) => o.type === 'DequantizeLinear').length;
  if (!dq || model.ops.some((o) => ACTIVATION_QUANT_OPS.has(o.type))) return undefined;
  if (model.weights.some((w) => w.dtype === 'int4' || w.dtype === 'uint4')) return undefined;
  return {
    entries: { ...FOLD_QDQ_WEIGHTS },
    why: `weight-only QDQ: ${dq} DequantizeLinear node(s) on constant weights, folded once at session creation (session.disable_quant_qdq=1) instead of run on every request — float32 speed and memory, int8 file`,
  };
}
