/**
 * TF.js weight quantization exactly as tensorflowjs_converter writes it (its quantization.py and
 * write_weights.py): per-tensor affine uint8/uint16 — min/max of the tensor, scale =
 * (max − min) / (2^bits − 1), the range "nudged" (as TF Lite does) so that 0.0 is exactly
 * representable when it lies inside, values rounded half to even — or IEEE float16. The manifest
 * entry is `{dtype, min, scale, original_dtype}` (float16: `{dtype, original_dtype}`), which
 * tfjs-core's decodeWeights reads back as `q * scale + min`.
 */
import { encodeFloat16 } from '../../core/tensor/float16.js';
import type { TfjsQuantization } from '../../formats/tfjs/tfjs-model.js';
import { roundHalfToEven } from '../quant-math.js';

export type TfjsQuantDType = 'uint8' | 'uint16' | 'float16';

export interface QuantizedWeightData {
  data: Uint8Array;
  quantization: TfjsQuantization;
}

export interface AffineRange {
  /** The dequantization offset (the nudged minimum). */
  min: number;
  /** The dequantization step. */
  scale: number;
  /** The largest representable value (min + scale × qmax), the clip bound. */
  max: number;
}

export const QUANT_MAX: Record<'uint8' | 'uint16', number> = { uint8: 255, uint16: 65535 };

/**
 * The converter's `_get_affine_quantization_range`: scale from the true range, then min/max
 * nudged so that 0 maps to a whole quantized step when min ≤ 0 ≤ max (computed in float64).
 */
export function affineRange(minVal: number, maxVal: number, dtype: 'uint8' | 'uint16'): AffineRange {
  const qmax = QUANT_MAX[dtype];
  const scale = (maxVal - minVal) / qmax;
  if (minVal <= 0 && 0 <= maxVal) {
    const zeroPoint = roundHalfToEven((0 - minVal) / scale);
    const min = -zeroPoint * scale;
    return { min, scale, max: qmax * scale + min };
  }
  return { min: minVal, scale, max: maxVal };
}

/** Min and max of float32 values; NaN anywhere makes the range unusable (returned as NaN). */
export function valueRange(values: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) return [NaN, NaN];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** How an affine range is chosen: the converter's [min, max], or a clipped range minimizing weight MSE. */
export type RangeMethod = 'minmax' | 'mse';

/**
 * Quantizes float32 values the converter's way. Throws a plain Error for values an affine range
 * cannot hold (NaN, ±Infinity); callers turn it into a skip with the reason. `clip` replaces the
 * tensor's [min, max] by a narrower range (values outside are clipped), e.g. from searchClipRange.
 */
export function quantizeAffine(values: Float32Array, dtype: 'uint8' | 'uint16', clip?: { lo: number; hi: number }): QuantizedWeightData {
  const out = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  let quantization: TfjsQuantization;
  if (values.length === 0) {
    quantization = { dtype, min: 0, scale: 1, original_dtype: 'float32' };
  } else {
    const [minVal, maxVal] = valueRange(values);
    if (!Number.isFinite(minVal) || !Number.isFinite(maxVal)) {
      throw new Error('holds NaN or infinite values, which an affine range cannot represent');
    }
    if (minVal === maxVal) {
      // A single value: every element is 0 with min = that value, scale 1 (as the converter does).
      quantization = { dtype, min: minVal, scale: 1, original_dtype: 'float32' };
    } else {
      const r = clip && clip.hi > clip.lo ? affineRange(clip.lo, clip.hi, dtype) : affineRange(minVal, maxVal, dtype);
      const qmax = QUANT_MAX[dtype];
      for (let i = 0; i < values.length; i++) {
        const clipped = Math.min(r.max, Math.max(r.min, values[i]));
        out[i] = Math.min(qmax, Math.max(0, roundHalfToEven((clipped - r.min) / r.scale)));
      }
      quantization = { dtype, min: r.min, scale: r.scale, original_dtype: 'float32' };
    }
  }
  return { data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), quantization };
}

/** float32 → IEEE half (round to nearest even, like numpy's astype(float16)). */
export function quantizeFloat16(values: Float32Array): QuantizedWeightData {
  const bits = encodeFloat16(values);
  return { data: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength), quantization: { dtype: 'float16', original_dtype: 'float32' } };
}

export function quantizeValues(values: Float32Array, dtype: TfjsQuantDType): QuantizedWeightData {
  return dtype === 'float16' ? quantizeFloat16(values) : quantizeAffine(values, dtype);
}

/** From this magnitude on, float16 rounding gives ±Infinity (65504 is the largest finite half). */
export const FLOAT16_OVERFLOW = 65520;

/** How many finite values fall outside float16's range (they would turn into ±Infinity). */
export function countFloat16Overflow(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && Math.abs(values[i]) >= FLOAT16_OVERFLOW) n++;
  return n;
}
