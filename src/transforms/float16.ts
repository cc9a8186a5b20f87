/**
 * float32 ↔ float16 (IEEE 754 binary16) bit conversion, round to nearest even, with subnormals.
 * Like onnxconverter-common's convert_np_to_float16 (defaults min_positive_val=5.96e-8,
 * max_finite_val=65504): finite values beyond ±65504 are clamped to ±65504 instead of becoming
 * ±Inf, and non-zero values smaller than the smallest subnormal (2^-24) are raised to ±2^-24
 * instead of vanishing; both are counted.
 */

export const FLOAT16_MAX = 65504;
/** Smallest positive float16 subnormal, 2^-24. */
export const FLOAT16_MIN_SUBNORMAL = 2 ** -24;

const f32Buf = new Float32Array(1);
const u32Buf = new Uint32Array(f32Buf.buffer);

/** Bits of the float16 nearest to `value` (round half to even); ±Inf and NaN are kept. */
export function float32ToFloat16Bits(value: number): number {
  f32Buf[0] = value;
  const x = u32Buf[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0); // Inf / NaN (quiet)
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    // subnormal float16 (or zero)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  let h = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++; // may carry into the exponent: correct
  return h;
}

/** The float value of float16 bits. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

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
export function fromFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
  return out;
}
