/**
 * Which node inputs hold weights, per op type, and the channel axis of each for per-channel
 * quantization (the output-channel / column axis, as ONNX Runtime's quantizer picks it).
 */
import type { NodeProto } from '../../formats/onnx/index.js';
import { attrInt } from './graph-edit.js';

export interface WeightSlot {
  index: number;
  /** The per-channel axis for a weight of this rank, or undefined (per-tensor only). */
  axis(node: NodeProto, rank: number): number | undefined;
}

export const WEIGHT_SLOTS: Record<string, WeightSlot[]> = {
  Conv: [{ index: 1, axis: () => 0 }],
  ConvTranspose: [{ index: 1, axis: () => 1 }],
  MatMul: [{ index: 1, axis: (_n, rank) => (rank >= 2 ? rank - 1 : undefined) }],
  Gemm: [{ index: 1, axis: (n) => (attrInt(n, 'transB', 0) ? 0 : 1) }],
  Gather: [{ index: 0, axis: () => undefined }],
  LSTM: [{ index: 1, axis: () => 1 }, { index: 2, axis: () => 1 }],
  GRU: [{ index: 1, axis: () => 1 }, { index: 2, axis: () => 1 }],
  RNN: [{ index: 1, axis: () => 1 }, { index: 2, axis: () => 1 }],
};

/** The op types int8-weights quantizes by default. */
export const DEFAULT_WEIGHT_OP_TYPES = Object.keys(WEIGHT_SLOTS);

export function weightSlot(node: NodeProto, index: number): WeightSlot | undefined {
  if (node.domain && node.domain !== 'ai.onnx') return undefined;
  return WEIGHT_SLOTS[node.op_type ?? '']?.find((s) => s.index === index);
}
