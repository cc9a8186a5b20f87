/**
 * int8-static calibration: the model runs in onnxruntime-node on the calibration input sets with
 * every float tensor of its main graph exposed (activation-stats.ts), and each tensor's range is
 * collected — min/max in one pass; for percentile and entropy a second pass fills a histogram of
 * |x| over [0, max |x|] (2048 bins, as ORT's HistogramCalibrater) and the range is cut from it
 * (calibration-math.ts). The rank of each tensor is kept too (the opset upgrade needs it).
 */
import type { ModelProto } from '../../formats/onnx/index.js';
import type { Feeds } from '../../runtimes/runtime.js';
import { runExposed } from './activation-stats.js';
import { Histogram, calibratedRange, type CalibrationMethod, type Range } from './calibration-math.js';

export interface TensorCalibration extends Range {
  /** The observed min/max (the calibrated range may be narrower). */
  observed: Range;
  rank: number;
}

export interface CalibrationOptions {
  method: CalibrationMethod;
  percentile?: number;
  threads?: number;
  onProgress?: (message: string) => void;
}

/** Calibrated ranges of `names` (float tensors of the main graph, or graph inputs) over `feeds`. */
export async function calibrateTensors(model: ModelProto, feeds: Feeds[], names: string[], options: CalibrationOptions): Promise<Map<string, TensorCalibration>> {
  const observed = new Map<string, { min: number; max: number; rank: number }>();
  const inputs = new Set((model.graph?.input ?? []).map((i) => i.name));
  const visit = (tensors: Record<string, { data: ArrayLike<number> | unknown; shape: number[] }>) => {
    for (const name of names) {
      const t = tensors[name];
      if (!t || !(t.data instanceof Float32Array)) continue;
      const d = t.data;
      const o = observed.get(name) ?? { min: Infinity, max: -Infinity, rank: t.shape.length };
      for (let i = 0; i < d.length; i++) {
        const v = d[i];
        if (v < o.min) o.min = v;
        if (v > o.max) o.max = v;
      }
      observed.set(name, o);
    }
  };
  const withInputs = (f: Feeds, out: Record<string, { data: unknown; shape: number[] }>) => {
    for (const n of inputs) if (n && f[n] && !out[n]) out[n] = f[n];
    return out;
  };
  options.onProgress?.(`calibrating: ${names.length} tensor range(s) on ${feeds.length} input set(s)`);
  await runExposed(model, names.filter((n) => !inputs.has(n)), feeds, (t, i) => visit(withInputs(feeds[i], t)), options.threads);
  const hists = new Map<string, Histogram>();
  if (options.method !== 'minmax') {
    for (const [name, o] of observed) if (o.min <= o.max) hists.set(name, new Histogram(0, Math.max(Math.abs(o.min), Math.abs(o.max)), true));
    options.onProgress?.(`calibrating (${options.method}): histograms of ${hists.size} tensor(s)`);
    await runExposed(model, names.filter((n) => !inputs.has(n)), feeds, (t, i) => {
      const all = withInputs(feeds[i], t);
      for (const [name, h] of hists) {
        const x = all[name];
        if (x && x.data instanceof Float32Array) h.add(x.data);
      }
    }, options.threads);
  }
  const out = new Map<string, TensorCalibration>();
  for (const [name, o] of observed) {
    if (!(o.min <= o.max) || !Number.isFinite(o.min) || !Number.isFinite(o.max)) continue;
    const obs = { min: o.min, max: o.max };
    const r = calibratedRange(options.method, obs, hists.get(name), options.percentile);
    out.set(name, { ...r, observed: obs, rank: o.rank });
  }
  return out;
}
