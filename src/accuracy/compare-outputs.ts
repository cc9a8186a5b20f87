/**
 * Output comparison metrics: max and mean absolute error, cosine similarity, SQNR (dB) and the max
 * error relative to the reference's range — the two that stay meaningful when outputs are small —
 * and top-1 agreement (for outputs that look like class scores: float, rank 2–3, last dim > 1).
 * Accumulated over several samples, so the figures describe every value compared. The reference
 * side is summarized too, so a run whose reference outputs carry no signal (degenerate.ts) says so.
 */
import type { OutputAccuracy } from '../core/reports/schemas.js';
import type { TensorData } from '../runtimes/runtime.js';
import { float16BitsToFloat32 } from '../core/tensor/to-float16.js';
import { degenerateReason, ReferenceStats } from './degenerate.js';

/** Reads any tensor as float64 numbers (float16 bits decoded, bigints converted). */
export function toNumbers(t: TensorData): Float64Array {
  const out = new Float64Array(t.data.length);
  if (t.dtype === 'float16') {
    for (let i = 0; i < out.length; i++) out[i] = float16BitsToFloat32((t.data as Uint16Array)[i]);
  } else if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) {
    for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]);
  } else {
    out.set(t.data as ArrayLike<number>);
  }
  return out;
}

export function isFloat(t: TensorData): boolean {
  return t.dtype === 'float32' || t.dtype === 'float16' || t.dtype === 'float64';
}

/**
 * True when an output looks like class scores: float, rank 2 ([N, C]) or 3 ([N, T, C], e.g. a
 * sequence of per-step scores), last dim > 1. Rank-4 outputs are maps (a detector's [N,1,H,W]),
 * whose arg-max along a row means nothing.
 */
export function looksLikeClassScores(t: TensorData): boolean {
  return isFloat(t) && (t.shape.length === 2 || t.shape.length === 3) && t.shape[t.shape.length - 1] > 1;
}

function argmax(xs: Float64Array, start: number, n: number): number {
  let best = start;
  for (let i = start + 1; i < start + n; i++) if (xs[i] > xs[best]) best = i;
  return best - start;
}

/** Accumulates the comparison of one output over samples. */
export class OutputComparison {
  private absSum = 0;
  private maxAbs = 0;
  private count = 0;
  private dot = 0;
  private normA = 0;
  private normB = 0;
  private rows = 0;
  private agree = 0;
  private classScores = true;
  private noise = 0;
  private refMin = Infinity;
  private refMax = -Infinity;
  private float = true;
  readonly reference = new ReferenceStats();

  constructor(readonly name: string) {}

  /** Adds one sample: `reference` from the original model, `candidate` from the new one. */
  add(reference: TensorData, candidate: TensorData): void {
    const a = toNumbers(reference);
    const b = toNumbers(candidate);
    if (a.length !== b.length || reference.shape.join(',') !== candidate.shape.join(',')) {
      throw new RangeError(`output "${this.name}" has shape [${reference.shape}] in the original and [${candidate.shape}] in the new model`);
    }
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      let d = Math.abs(x - y);
      if (Number.isNaN(d)) d = Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity;
      if (d === Infinity && x === y) d = 0; // same infinity
      if (d > this.maxAbs) this.maxAbs = d;
      this.absSum += d;
      if (Number.isFinite(x) && Number.isFinite(y)) {
        this.dot += x * y;
        this.normA += x * x;
        this.normB += y * y;
        this.noise += (x - y) * (x - y);
      }
      if (x < this.refMin) this.refMin = x;
      if (x > this.refMax) this.refMax = x;
    }
    this.count += a.length;
    this.float &&= isFloat(reference);
    this.classScores &&= looksLikeClassScores(reference);
    const k = reference.shape.length >= 2 ? reference.shape[reference.shape.length - 1] : 0;
    this.reference.add(a, this.classScores ? k : 0);
    if (this.classScores) {
      for (let r = 0; r + k <= a.length; r += k) {
        this.rows++;
        if (argmax(a, r, k) === argmax(b, r, k)) this.agree++;
      }
    }
  }

  result(): OutputAccuracy {
    let cosine: number;
    if (this.normA === 0 && this.normB === 0) cosine = 1;
    else if (this.normA === 0 || this.normB === 0) cosine = 0;
    else cosine = this.dot / Math.sqrt(this.normA * this.normB);
    const out: OutputAccuracy = {
      name: this.name,
      maxAbsError: this.maxAbs,
      meanAbsError: this.count ? this.absSum / this.count : 0,
      cosine: Math.min(1, cosine),
    };
    if (this.normA > 0 && this.noise > 0) out.sqnrDb = 10 * Math.log10(this.normA / this.noise);
    const range = this.refMax - this.refMin;
    if (range > 0 && Number.isFinite(range)) out.maxErrorOfRange = this.maxAbs / range;
    if (this.classScores && this.rows > 0) {
      out.top1Agreement = this.agree / this.rows;
      if (this.reference.probabilities) out.probabilities = true;
    }
    if (this.count) out.reference = this.reference.summary();
    const why = this.float ? degenerateReason(this.reference) : undefined;
    if (why) out.degenerate = why;
    return out;
  }
}
