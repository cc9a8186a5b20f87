/**
 * float32 → float16 for ONNX fp16 conversion, on the shared bit conversion (float16.ts).
 * Like onnxconverter-common's convert_np_to_float16 (defaults min_positive_val=5.96e-8,
 * max_finite_val=65504): finite values beyond ±65504 are clamped to ±65504 instead of becoming
 * ±Inf, and non-zero values smaller than the smallest subnormal (2^-24) are raised to ±2^-24
 * instead of vanishing; both are counted.
 */
import { decodeFloat16, float16BitsToFloat32, float32ToFloat16Bits } from './float16.js';

export const FLOAT16_MAX = 65504;
/** Smallest positive float16 subnormal, 2^-24. */
export const FLOAT16_MIN_SUBNORMAL = 2 ** -24;

export { float16BitsToFloat32, float32ToFloat16Bits };

export interface Float16Conversion {
  bits: Uint16Array;
  /** Finite values beyond ±65504, stored as ±65504. */
  clamped: number;
  /** Non-zero values smaller than 2^-24 in magnitude, stored as ±2^-24. */
  raisedToMinSubnormal: number;
}

/** Converts a float32 array to float16 bits, clamping out-of-range finite values to ±65504. */
export function toFloat16(values: ArrayLike<number>): Float16Conversion {
  const bits = new Uint16Array(values.length);
  let clamped = 0;
  let raisedToMinSubnormal = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i];
    const a = Math.abs(v);
    if (a > FLOAT16_MAX && a !== Infinity) {
      v = v > 0 ? FLOAT16_MAX : -FLOAT16_MAX;
      clamped++;
    } else if (a > 0 && a < FLOAT16_MIN_SUBNORMAL) {
      v = v > 0 ? FLOAT16_MIN_SUBNORMAL : -FLOAT16_MIN_SUBNORMAL;
      raisedToMinSubnormal++;
    }
    bits[i] = float32ToFloat16Bits(v);
  }
  return { bits, clamped, raisedToMinSubnormal };
}

/** Converts float16 bits back to a float32 array. */
export const fromFloat16: (bits: Uint16Array) => Float32Array = decodeFloat16;
