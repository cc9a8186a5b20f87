/**
 * Calibration arithmetic for int8-static (the methods of ONNX Runtime's calibrate.py, pure
 * functions): min/max, a percentile of the value histogram, and the KL-divergence ("entropy")
 * threshold of TensorRT's calibrator on the histogram of |x|. Ranges come out as [min, max]; the
 * quantizer widens them to include 0 and turns them into scale and zero point.
 */

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';
export const CALIBRATION_METHODS: CalibrationMethod[] = ['minmax', 'percentile', 'entropy'];

/** Histogram bins (ORT's default num_bins for percentile and entropy). */
export const HISTOGRAM_BINS = 2048;
/** ORT's default percentile. */
export const DEFAULT_PERCENTILE = 99.999;

export interface Range {
  min: number;
  max: number;
}

/** A fixed-range histogram of values (signed, or of |x| when `absolute`). */
export class Histogram {
  readonly counts: Float64Array;
  readonly width: number;

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly absolute: boolean,
    bins = HISTOGRAM_BINS,
  ) {
    this.counts = new Float64Array(bins);
    this.width = hi > lo ? (hi - lo) / bins : 0;
  }

  add(values: ArrayLike<number>): void {
    const { counts, lo, width, absolute } = this;
    const last = counts.length - 1;
    if (!(width > 0)) {
      counts[0] += values.length;
      return;
    }
    for (let i = 0; i < values.length; i++) {
      let v = values[i];
      if (v !== v) continue; // NaN
      if (absolute && v < 0) v = -v;
      let b = Math.floor((v - lo) / width);
      if (b < 0) b = 0;
      else if (b > last) b = last;
      counts[b]++;
    }
  }
}

/**
 * The range holding `percentile` % of the values: with `symmetric`, of |x| (a histogram made with
 * `absolute`), giving [-t, t]; otherwise the tails cut evenly on both sides (ORT's
 * compute_percentile). Never wider than the observed [min, max].
 */
export function percentileRange(h: Histogram, observed: Range, percentile = DEFAULT_PERCENTILE): Range {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (!(total > 0) || !(h.width > 0)) return observed;
  const edgeAt = (fraction: number, upper: boolean) => {
    let acc = 0;
    for (let i = 0; i < h.counts.length; i++) {
      acc += h.counts[i];
      if (acc / total >= fraction) return h.lo + (upper ? i + 1 : i) * h.width;
    }
    return h.hi;
  };
  if (h.absolute) {
    const t = edgeAt(percentile / 100, true);
    return { min: Math.max(observed.min, -t), max: Math.min(observed.max, t) };
  }
  const cut = (100 - percentile) / 200;
  return { min: Math.max(observed.min, edgeAt(cut, false)), max: Math.min(observed.max, edgeAt(1 - cut, true)) };
}

/**
 * The threshold t on |x| that minimizes KL(P‖Q), P the histogram of |x| clipped at t (outliers
 * folded into the last bin) and Q the same quantized to `levels` bins (TensorRT's entropy
 * calibration; ORT's get_entropy_threshold does it on a symmetric signed histogram). `levels`
 * is 128 for a signed int8 half-range, 255 for a non-negative tensor.
 */
export function entropyThreshold(h: Histogram, levels: number): number {
  const counts = h.counts;
  const n = counts.length;
  if (!(h.width > 0) || n <= levels) return h.hi;
  let best = n;
  let bestKl = Infinity;
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  let tail = 0;
  for (let i = levels; i < n; i++) tail += counts[i];
  for (let i = levels; i <= n; i++) {
    // P: bins [0, i), everything beyond folded into bin i-1
    for (let j = 0; j < i; j++) p[j] = counts[j];
    p[i - 1] += tail;
    // Q: the first i bins merged into `levels` groups, each group's mass spread over its non-empty bins
    const per = i / levels;
    for (let k = 0; k < levels; k++) {
      const start = Math.floor(k * per);
      const end = k === levels - 1 ? i : Math.floor((k + 1) * per);
      let sum = 0;
      let nonzero = 0;
      for (let j = start; j < end; j++) {
        sum += counts[j];
        if (counts[j] > 0) nonzero++;
      }
      for (let j = start; j < end; j++) q[j] = counts[j] > 0 && nonzero ? sum / nonzero : 0;
    }
    const kl = klDivergence(p, q, i);
    if (kl < bestKl) {
      bestKl = kl;
      best = i;
    }
    if (i < n) tail -= counts[i];
  }
  return h.lo + best * h.width;
}

/** KL(p‖q) over the first `len` entries, both normalized; bins where p > 0 and q = 0 cost a large constant. */
function klDivergence(p: Float64Array, q: Float64Array, len: number): number {
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < len; j++) {
    sp += p[j];
    sq += q[j];
  }
  if (!(sp > 0) || !(sq > 0)) return Infinity;
  let kl = 0;
  for (let j = 0; j < len; j++) {
    if (p[j] <= 0) continue;
    const pj = p[j] / sp;
    const qj = q[j] / sq;
    kl += qj > 0 ? pj * Math.log(pj / qj) : pj * 20;
  }
  return kl;
}

/** The calibrated range of one tensor from its observed range and (for percentile/entropy) histogram. */
export function calibratedRange(method: CalibrationMethod, observed: Range, h?: Histogram, percentile = DEFAULT_PERCENTILE): Range {
  if (method === 'minmax' || !h) return observed;
  if (method === 'percentile') return percentileRange(h, observed, percentile);
  const signed = observed.min < 0;
  const t = entropyThreshold(h, signed ? 128 : 255);
  return { min: Math.max(observed.min, signed ? -t : 0), max: Math.min(observed.max, t) };
}
