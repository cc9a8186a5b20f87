/**
 * Conversions between the handler's tensors and onnxruntime tensors (shared by onnxruntime-node
 * and onnxruntime-web; the Tensor class is passed in so each bundle holds one runtime only).
 */
import type { Tensor as OrtTensor } from 'onnxruntime-common';
import type { Tensor } from './model-session.js';

type OrtTensorClass = new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;

export function toOrtFeeds(Ctor: OrtTensorClass, feeds: Record<string, Tensor>): Record<string, OrtTensor> {
  const out: Record<string, OrtTensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = new Ctor(t.dtype, t.data, t.dims);
  return out;
}

export function fromOrtResults(results: Record<string, OrtTensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(results)) {
    out[name] = { dtype: t.type, dims: [...t.dims], data: t.data as Tensor['data'] };
  }
  return out;
}
