/**
 * Linear quantization arithmetic, as ONNX Runtime's Python quantizer does it
 * (onnxruntime/python/tools/quantization/quant_utils.py: get_qmin_qmax_for_qType, compute_scale_zp,
 * quantize_nparray): float32 arithmetic, round half to even, ranges widened to include 0,
 * symmetric int8 uses [-127, 127], reduce_range uses 7 bits. Pure functions, no ONNX here.
 */

export type QuantType = 'int8' | 'uint8';

export interface QuantRangeOptions {
  type: QuantType;
  symmetric: boolean;
  /** 7-bit range (for CPUs without VNNI, where u8×s8 products can saturate). */
  reduceRange?: boolean;
}

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

export interface PerChannelParams {
  scales: Float32Array;
  zeroPoints: Int32Array;
}

const f32 = Math.fround;
/** Smallest positive normal float32 (numpy.finfo(float32).tiny). */
const FLOAT32_TINY = 1.1754943508222875e-38;

/** Rounds to the nearest integer, ties to even (numpy.round / std::nearbyint). */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds ties up; fix the ties whose result is odd.
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** The integer range of a quantized type (ORT's get_qmin_qmax_for_qType). */
export function quantRange(options: QuantRangeOptions): { qmin: number; qmax: number } {
  const { type, symmetric, reduceRange = false } = options;
  if (type === 'uint8') return reduceRange ? { qmin: 0, qmax: 127 } : { qmin: 0, qmax: 255 };
  if (reduceRange) return { qmin: -64, qmax: 64 };
  return symmetric ? { qmin: -127, qmax: 127 } : { qmin: -128, qmax: 127 };
}

/** Scale and zero point for values in [rmin, rmax] (ORT's compute_scale_zp). */
export function computeScaleZeroPoint(rmin: number, rmax: number, options: QuantRangeOptions): QuantParams {
  const { qmin, qmax } = quantRange(options);
  let lo = f32(Math.min(rmin, 0));
  let hi = f32(Math.max(rmax, 0));
  if (options.symmetric) {
    const absmax = f32(Math.max(Math.abs(lo), Math.abs(hi)));
    lo = -absmax;
    hi = absmax;
  }
  let scale = f32(f32(hi - lo) / f32(qmax - qmin));
  if (!(scale >= FLOAT32_TINY)) {
    return { scale: 1, zeroPoint: options.symmetric ? roundHalfToEven((qmin + qmax) / 2) : 0 };
  }
  const zeroPoint = options.symmetric ? roundHalfToEven((qmin + qmax) / 2) : roundHalfToEven(f32(qmin - f32(lo / scale)));
  scale = f32(scale);
  return { scale, zeroPoint: Math.min(qmax, Math.max(qmin, zeroPoint)) };
}

/** Minimum and maximum of a float array (NaN ignored; [0, 0] when empty). */
export function minMax(values: ArrayLike<number>, start = 0, end = values.length, stride = 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i += stride) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** q = clip(round(x / scale) + zp, qmin, qmax), in float32 like numpy. */
export function quantizeValue(x: number, scale: number, zeroPoint: number, qmin: number, qmax: number): number {
  const q = roundHalfToEven(f32(x / scale)) + zeroPoint;
  return q < qmin ? qmin : q > qmax ? qmax : q;
}

export interface QuantizedTensor {
  data: Int8Array | Uint8Array;
  scales: Float32Array;
  zeroPoints: Int32Array;
  /** The channel axis, or undefined for per-tensor. */
  axis?: number;
}

function allocate(type: QuantType, n: number): Int8Array | Uint8Array {
  return type === 'int8' ? new Int8Array(n) : new Uint8Array(n);
}

/** Per-tensor quantization of a whole array. */
export function quantizePerTensor(values: Float32Array, options: QuantRangeOptions): QuantizedTensor {
  const [lo, hi] = minMax(values);
  const { scale, zeroPoint } = computeScaleZeroPoint(lo, hi, options);
  const { qmin, qmax } = quantRange(options);
  const data = allocate(options.type, values.length);
  for (let i = 0; i < values.length; i++) data[i] = quantizeValue(values[i], scale, zeroPoint, qmin, qmax);
  return { data, scales: Float32Array.of(scale), zeroPoints: Int32Array.of(zeroPoint) };
}

/**
 * Per-channel quantization along `axis` of a row-major tensor of `shape`: one scale and zero point
 * per index of that axis (ORT's quantize_weight_per_channel).
 */
export function quantizePerChannel(values: Float32Array, shape: number[], axis: number, options: QuantRangeOptions): QuantizedTensor {
  if (axis < 0) axis += shape.length;
  if (axis < 0 || axis >= shape.length) throw new RangeError(`axis ${axis} out of range for rank ${shape.length}`);
  const channels = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const scales = new Float32Array(channels);
  const zeroPoints = new Int32Array(channels);
  const { qmin, qmax } = quantRange(options);
  const data = allocate(options.type, values.length);
  for (let c = 0; c < channels; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) {
        const v = values[base + i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (!(lo <= hi)) lo = hi = 0;
    const p = computeScaleZeroPoint(lo, hi, options);
    scales[c] = p.scale;
    zeroPoints[c] = p.zeroPoint;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) data[base + i] = quantizeValue(values[base + i], p.scale, p.zeroPoint, qmin, qmax);
    }
  }
  return { data, scales, zeroPoints, axis };
}

/** x = (q - zp) * scale, per tensor or along the tensor's axis (the DequantizeLinear definition). */
export function dequantize(q: QuantizedTensor, shape: number[]): Float32Array {
  const out = new Float32Array(q.data.length);
  if (q.axis === undefined) {
    const s = q.scales[0];
    const z = q.zeroPoints[0];
    for (let i = 0; i < out.length; i++) out[i] = f32((q.data[i] - z) * s);
    return out;
  }
  const channels = shape[q.axis];
  const inner = shape.slice(q.axis + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = f32((q.data[i] - q.zeroPoints[c]) * q.scales[c]);
  }
  return out;
}
