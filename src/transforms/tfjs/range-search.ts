/**
 * A per-tensor clipping range that minimizes the weight's squared quantization error, instead of
 * the plain [min, max] tensorflowjs_converter uses. A tensor with a few outliers spends most of
 * its 2^bits steps on values nobody has; clipping the outliers buys a finer step for the rest.
 * The result is still one (min, scale) per tensor — what a TF.js manifest can express — so stock
 * tfjs decodes it unchanged. Grid search over both ends (as TensorRT/ORT-style MSE calibrators do),
 * on at most SEARCH_SAMPLE values (a fixed stride), scored with the converter's own nudged range.
 */
import { roundHalfToEven } from '../quant-math.js';
import { affineRange, QUANT_MAX } from './weight-quantization.js';

/** Fractions of each end of the range tried (1 = no clipping). */
const FRACTIONS = Array.from({ length: 20 }, (_, i) => 1 - i * 0.04); // 1.00 … 0.24
const SEARCH_SAMPLE = 1 << 16;

/** Squared error of quantizing `values` to the nudged affine range [lo, hi]. */
export function affineSquaredError(values: Float32Array, lo: number, hi: number, dtype: 'uint8' | 'uint16', stride = 1): number {
  const r = affineRange(lo, hi, dtype);
  const qmax = QUANT_MAX[dtype];
  let err = 0;
  for (let i = 0; i < values.length; i += stride) {
    const v = values[i];
    const q = Math.min(qmax, Math.max(0, roundHalfToEven((Math.min(r.max, Math.max(r.min, v)) - r.min) / r.scale)));
    const d = v - (q * r.scale + r.min);
    err += d * d;
  }
  return err;
}

export interface ClipRange {
  lo: number;
  hi: number;
  /** Squared weight error with [lo, hi] over the squared error with the plain [min, max] (≤ 1). */
  errorRatio: number;
}

/**
 * The [lo, hi] (inside [min, max], still spanning 0 when min ≤ 0 ≤ max) with the least squared
 * quantization error. Returns the plain range when nothing beats it.
 */
export function searchClipRange(values: Float32Array, min: number, max: number, dtype: 'uint8' | 'uint16'): ClipRange {
  if (!(max > min)) return { lo: min, hi: max, errorRatio: 1 };
  const stride = Math.max(1, Math.ceil(values.length / SEARCH_SAMPLE));
  const plain = affineSquaredError(values, min, max, dtype, stride);
  let best: ClipRange = { lo: min, hi: max, errorRatio: 1 };
  if (plain === 0) return best;
  let bestErr = plain;
  // Each end is scaled towards 0 when the range spans it, else towards the other end.
  const spansZero = min <= 0 && 0 <= max;
  const anchor = spansZero ? 0 : (min + max) / 2;
  for (const a of FRACTIONS) {
    for (const b of FRACTIONS) {
      if (a === 1 && b === 1) continue;
      const lo = anchor + (min - anchor) * a;
      const hi = anchor + (max - anchor) * b;
      if (!(hi > lo)) continue;
      const err = affineSquaredError(values, lo, hi, dtype, stride);
      if (err < bestErr) {
        bestErr = err;
        best = { lo, hi, errorRatio: err / plain };
      }
    }
  }
  return best;
}
