/**
 * One float32 TF.js weight encoded at one of the dtypes a manifest can express — uint8/uint16
 * affine (the converter's min/max range or an MSE-searched clipped range), float16, or float32 as
 * it was — with what that costs: stored bytes and the relative squared error of the decoded values
 * (1 / SQNR), the cheap sensitivity figure the mixed-precision search starts from.
 */
import type { TfjsQuantization } from '../../formats/tfjs/tfjs-model.js';
import { decodeFloat16 } from '../../core/tensor/float16.js';
import { searchClipRange } from './range-search.js';
import { countFloat16Overflow, quantizeAffine, quantizeFloat16, valueRange, type RangeMethod } from './weight-quantization.js';

export type WeightPrecision = 'uint8' | 'uint16' | 'float16' | 'float32';

export const PRECISION_BYTES: Record<WeightPrecision, number> = { uint8: 1, uint16: 2, float16: 2, float32: 4 };

export interface EncodedWeight {
  precision: WeightPrecision;
  data: Uint8Array;
  /** Absent for float32 (stored as it was). */
  quantization?: TfjsQuantization;
  /** Σ(w − decoded)² / Σw² (0 for float32 and for all-zero weights). */
  relError: number;
  /** The clipped range, when the MSE search narrowed [min, max]. */
  clipped?: { lo: number; hi: number; min: number; max: number };
}

/** The values tfjs-core would decode from an encoding (q · scale + min, or half → float). */
function decoded(e: Pick<EncodedWeight, 'data' | 'quantization'>, n: number): Float32Array {
  const q = e.quantization!;
  if (q.dtype === 'float16') return decodeFloat16(new Uint16Array(e.data.slice().buffer));
  const stored = q.dtype === 'uint8' ? e.data : new Uint16Array(e.data.slice().buffer);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = stored[i] * (q.scale as number) + (q.min as number);
  return out;
}

function relativeError(values: Float32Array, got: Float32Array): number {
  let err = 0;
  let sig = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - got[i];
    err += d * d;
    sig += values[i] * values[i];
  }
  return sig === 0 ? (err === 0 ? 0 : Infinity) : err / sig;
}

/**
 * Encodes float32 `values` at `precision`. Throws a plain Error when it cannot (NaN/Infinity for
 * affine, values beyond ±65504 for float16); callers report it as a skip with the reason.
 */
export function encodeWeight(values: Float32Array, precision: WeightPrecision, range: RangeMethod = 'minmax'): EncodedWeight {
  if (precision === 'float32') {
    return { precision, data: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)), relError: 0 };
  }
  if (precision === 'float16') {
    const overflow = countFloat16Overflow(values);
    if (overflow > 0) throw new Error(`${overflow} value(s) beyond ±65504 would become infinite in float16`);
    const q = quantizeFloat16(values);
    return { precision, ...q, relError: relativeError(values, decoded(q, values.length)) };
  }
  let clip: EncodedWeight['clipped'];
  if (range === 'mse' && values.length > 0) {
    const [min, max] = valueRange(values);
    if (Number.isFinite(min) && Number.isFinite(max)) {
      const c = searchClipRange(values, min, max, precision);
      if (c.errorRatio < 1) clip = { lo: c.lo, hi: c.hi, min, max };
    }
  }
  const q = quantizeAffine(values, precision, clip);
  return { precision, ...q, relError: relativeError(values, decoded(q, values.length)), clipped: clip };
}
