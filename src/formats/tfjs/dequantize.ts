/**
 * Weight values from stored bytes, exactly as tfjs-core's io.decodeWeights computes them:
 * uint8/uint16 affine (value = q * scale + min, rounded for int32 weights), float16 → float32,
 * unquantized weights as their own typed array. Data is little-endian (as TF.js writes it).
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { decodeFloat16 } from '../../core/tensor/float16.js';
import type { TfjsWeight } from './tfjs-model.js';
import { elementCount, weightDataProblem } from './weight-bytes.js';

/** float32 and complex64 (interleaved re, im) → Float32Array; int32 → Int32Array; bool → Uint8Array (0/1); string → bytes of each element. */
export type TfjsWeightValues = Float32Array | Int32Array | Uint8Array | Uint8Array[];

type WeightLike = Pick<TfjsWeight, 'name' | 'shape' | 'dtype' | 'quantization' | 'data'>;

/** A typed array view over a copy of `data` (copies so the view is aligned). */
function view<T>(data: Uint8Array, make: (b: ArrayBuffer) => T): T {
  return make(data.slice().buffer);
}

export function dequantizeWeight(w: WeightLike): TfjsWeightValues {
  const why = weightDataProblem(w);
  if (why) throw new DlpackError('CORRUPT_MODEL', `weight "${w.name}" ${why}`);
  const q = w.quantization;
  if (q) {
    const stored = q.dtype === 'uint8' ? w.data : view(w.data, (b) => new Uint16Array(b));
    if (q.dtype === 'float16') return decodeFloat16(stored);
    const scale = q.scale as number;
    const min = q.min as number;
    if (w.dtype === 'int32') {
      const out = new Int32Array(stored.length);
      for (let i = 0; i < stored.length; i++) out[i] = Math.round(stored[i] * scale + min);
      return out;
    }
    const out = new Float32Array(stored.length);
    for (let i = 0; i < stored.length; i++) out[i] = stored[i] * scale + min;
    return out;
  }
  switch (w.dtype) {
    case 'float32':
    case 'complex64':
      return view(w.data, (b) => new Float32Array(b));
    case 'int32':
      return view(w.data, (b) => new Int32Array(b));
    case 'bool':
      return w.data.slice();
    case 'string': {
      const dv = new DataView(w.data.buffer, w.data.byteOffset, w.data.byteLength);
      const out: Uint8Array[] = [];
      let pos = 0;
      const n = elementCount(w.shape) ?? 0;
      for (let i = 0; i < n; i++) {
        const len = dv.getUint32(pos, true);
        out.push(w.data.slice(pos + 4, pos + 4 + len));
        pos += 4 + len;
      }
      return out;
    }
  }
}
