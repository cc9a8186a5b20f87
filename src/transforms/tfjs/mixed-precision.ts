/**
 * Accuracy-driven mixed precision for TF.js weights (in the spirit of ONNX Runtime's
 * nodes_to_exclude and accuracy-aware quantization, restricted to what a TF.js manifest can
 * express: one dtype per weight). Every candidate starts at the target dtype; the weights that
 * hurt the outputs most per byte are kept at the fallback dtype, greedily, until every output's
 * cosine reaches the goal or the byte budget would be exceeded.
 *
 * 1. cheap: each weight's relative quantization error (1 / SQNR) at the target dtype;
 * 2. measured: for each weight (the MAX_MEASURED worst by 1. on large models), that weight alone
 *    at the target dtype and every other at the fallback, through the shared accuracy check (one
 *    sample) — its harm is the cosine it costs on its worst output;
 * 3. greedy: promote by harm per extra byte in batches of 1, 1, 2, 4, …, re-measuring on the
 *    check's full samples, until the goal holds; the last batch is bisected down to the smallest
 *    prefix that still meets it;
 * 4. prune: the biggest promoted weights are tried back at the target dtype one by one (kept
 *    there when the goal still holds); the result counts when it fits the byte budget;
 * 5. otherwise the goal is out of reach within the budget: the most accurate measured mix that
 *    fits is returned (met: false), with the helpful weights that did not fit.
 */
import type { TfjsWeight } from '../../formats/tfjs/tfjs-model.js';
import type { OutputAccuracy } from '../../core/reports/schemas.js';
import { encodeWeight, type EncodedWeight, type WeightPrecision } from './weight-encoding.js';
import type { RangeMethod } from './weight-quantization.js';

/** Above this many candidates only the worst by relative error get a measured sensitivity. */
export const MAX_MEASURED = 160;

export interface MixedPrecisionInput {
  /** Every weight of the model, in order (as read). */
  weights: TfjsWeight[];
  /** The float32 weights that may be quantized, with their values. */
  candidates: { weight: TfjsWeight; values: Float32Array }[];
  dtype: 'uint8' | 'uint16' | 'float16';
  fallback: WeightPrecision;
  range: RangeMethod;
  minCosine: number;
  /** Weight bytes budget: at most this many bytes in all. */
  maxBytes: number;
  /** Candidates already encoded at `dtype` (encoded here when absent). */
  low?: Map<string, EncodedWeight>;
  /** Runs the shared accuracy check on a weight set; `samples` 1 for the quick sensitivity pass. */
  measure(weights: TfjsWeight[], samples?: number): Promise<OutputAccuracy[]>;
  onProgress?: (message: string) => void;
}

export interface Promotion {
  name: string;
  /** Rank by measured gain per extra byte (1 = most harmful at the target dtype). */
  rank: number;
  relError: number;
  /** The worst output cosine with only this weight at the target dtype, the others at the fallback (one sample). */
  aloneMinCosine?: number;
  extraBytes: number;
}

export interface MixedPrecisionResult {
  /** The weights to write (best configuration found). */
  weights: TfjsWeight[];
  precisions: Map<string, WeightPrecision>;
  encoded: Map<string, EncodedWeight>;
  promoted: Promotion[];
  met: boolean;
  bytes: number;
  /** Outputs of the written configuration on the full samples. */
  outputs: OutputAccuracy[];
  /** Outputs with every candidate at the target dtype (full samples). */
  baseline: OutputAccuracy[];
  /** Weights that would have helped but did not fit the budget. */
  overBudget: string[];
  measured: number;
}

/** Demotion attempts after the goal is met (more when the mix is still over the budget). */
export const MAX_PRUNE_TRIES = 24;
export const MAX_PRUNE_TRIES_OVER_BUDGET = 96;

/** How far the outputs are from the goal: Σ max(0, cosine goal − cosine); 0 when every output meets it. */
export function shortfall(outputs: OutputAccuracy[], minCosine: number): number {
  return outputs.reduce((a, o) => a + Math.max(0, minCosine - (Number.isFinite(o.cosine) ? o.cosine : -1)), 0);
}

const minCos = (outputs: OutputAccuracy[]) => Math.min(...outputs.map((o) => o.cosine));

export async function searchMixedPrecision(input: MixedPrecisionInput): Promise<MixedPrecisionResult> {
  const { dtype, fallback, range, minCosine } = input;
  const progress = input.onProgress ?? (() => {});
  const values = new Map(input.candidates.map((c) => [c.weight.name, c.values]));
  const cache = new Map<string, EncodedWeight>();
  const encode = (name: string, p: WeightPrecision): EncodedWeight => {
    const key = `${p}:${name}`;
    if (!cache.has(key)) {
      let e: EncodedWeight;
      try {
        e = encodeWeight(values.get(name)!, p, range);
      } catch {
        e = encodeWeight(values.get(name)!, 'float32'); // float16 fallback would overflow: keep float32
      }
      cache.set(key, e);
    }
    return cache.get(key)!;
  };
  const low = new Map<string, EncodedWeight>();
  for (const c of input.candidates) low.set(c.weight.name, input.low?.get(c.weight.name) ?? encode(c.weight.name, dtype));
  const build = (promoted: Set<string>): { weights: TfjsWeight[]; bytes: number; encoded: Map<string, EncodedWeight> } => {
    const encoded = new Map<string, EncodedWeight>();
    const weights = input.weights.map((w) => {
      if (!values.has(w.name)) return w;
      const e = promoted.has(w.name) ? encode(w.name, fallback) : low.get(w.name)!;
      encoded.set(w.name, e);
      return { ...w, data: e.data, quantization: e.quantization };
    });
    return { weights, bytes: weights.reduce((a, w) => a + w.data.byteLength, 0), encoded };
  };
  const extra = (name: string) => encode(name, fallback).data.byteLength - low.get(name)!.data.byteLength;
  let measured = 0;
  const measure = async (promoted: Set<string>, samples?: number) => {
    measured++;
    return input.measure(build(promoted).weights, samples);
  };
  const bytesOf = (promoted: Set<string>) => build(promoted).bytes;
  // Every configuration measured on the full samples, by its sorted names.
  const key = (promoted: Set<string>) => [...promoted].sort().join('\n');
  const measuredOutputs = new Map<string, OutputAccuracy[]>();
  const sets = new Map<string, Set<string>>();
  const consider = async (promoted: Set<string>) => {
    const k = key(promoted);
    if (!measuredOutputs.has(k)) {
      measuredOutputs.set(k, await measure(promoted));
      sets.set(k, new Set(promoted));
    }
    return measuredOutputs.get(k)!;
  };
  const bestFitting = () => {
    let best = { promoted: new Set<string>(), outputs: measuredOutputs.get('')! };
    for (const [k, outputs] of measuredOutputs) {
      const p = sets.get(k)!;
      if (bytesOf(p) <= input.maxBytes && shortfall(outputs, minCosine) < shortfall(best.outputs, minCosine)) best = { promoted: p, outputs };
    }
    return best;
  };

  progress(`mixed precision: measuring ${input.candidates.length} weights at ${dtype}`);
  const baseline = await consider(new Set());
  const result = (best: { promoted: Set<string>; outputs: OutputAccuracy[] }, met: boolean, overBudget: string[], ranks: Map<string, Omit<Promotion, 'name'>>): MixedPrecisionResult => {
    const b = build(best.promoted);
    const precisions = new Map([...b.encoded].map(([n, e]) => [n, e.precision]));
    const promoted = [...best.promoted].map((name) => ({ name, ...ranks.get(name)! })).sort((x, y) => x.rank - y.rank);
    return { weights: b.weights, precisions, encoded: b.encoded, promoted, met, bytes: b.bytes, outputs: best.outputs, baseline, overBudget, measured };
  };
  if (shortfall(baseline, minCosine) === 0) return result({ promoted: new Set(), outputs: baseline }, true, [], new Map());

  // 1–2: sensitivity. Cheap figure first; then each (worst) weight alone at the target dtype with
  // every other candidate at the fallback: its harm is how much cosine that one weight costs.
  // Alone, one weight's effect stands clear of the others' noise, so one sample ranks it well.
  const all = new Set(input.candidates.map((c) => c.weight.name));
  const byError = [...all].filter((n) => extra(n) > 0).sort((a, b) => low.get(b)!.relError - low.get(a)!.relError);
  const high = await measure(all, 1);
  const harms = new Map<string, { harm: number; alone: number }>();
  for (const [i, name] of byError.slice(0, MAX_MEASURED).entries()) {
    progress(`mixed precision: sensitivity of weight ${i + 1}/${Math.min(byError.length, MAX_MEASURED)} (${name})`);
    const rest = new Set(all);
    rest.delete(name);
    const outs = await measure(rest, 1);
    const harm = Math.max(0, ...outs.map((o, k) => high[k].cosine - o.cosine));
    harms.set(name, { harm, alone: minCos(outs) });
  }
  // Unmeasured weights (large models) rank after the measured ones, by relative error.
  const score = (n: string) => (harms.has(n) ? 1 + harms.get(n)!.harm / extra(n) : low.get(n)!.relError / (1 + low.get(n)!.relError));
  const order = [...byError].sort((a, b) => score(b) - score(a) || low.get(b)!.relError - low.get(a)!.relError);
  const ranks = new Map(order.map((n, i) => [n, { rank: i + 1, relError: low.get(n)!.relError, aloneMinCosine: harms.get(n)?.alone, extraBytes: extra(n) }]));

  // 3: greedy promotion in growing batches until the goal holds (the budget is applied after
  // pruning: the greedy prefix overshoots, pruning takes much of it back).
  const promoted = new Set<string>();
  let next = 0;
  let batchSize = 1;
  let rounds = 0;
  let outs = baseline;
  while (shortfall(outs, minCosine) > 0 && next < order.length) {
    const batch = order.slice(next, next + batchSize);
    next += batch.length;
    const before = new Set(promoted);
    for (const n of batch) promoted.add(n);
    progress(`mixed precision: ${promoted.size} weight(s) at ${fallback}, checking`);
    outs = await consider(promoted);
    if (shortfall(outs, minCosine) === 0 && batch.length > 1) {
      // Bisect the batch: the smallest prefix (in rank order) that still meets the goal.
      let lo = 0;
      let hi = batch.length;
      let hiOuts = outs;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        const o = await consider(new Set([...before, ...batch.slice(0, mid)]));
        if (shortfall(o, minCosine) === 0) [hi, hiOuts] = [mid, o];
        else lo = mid;
      }
      promoted.clear();
      for (const n of [...before, ...batch.slice(0, hi)]) promoted.add(n);
      outs = hiOuts;
    }
    batchSize = ++rounds < 2 ? 1 : batchSize * 2;
  }
  if (shortfall(outs, minCosine) === 0) {
    // 4: prune — the order is an estimate (harms do not add up exactly): try the biggest promoted
    // weights back at the target dtype one by one, keeping each demotion that still meets the goal.
    const overBudget = () => bytesOf(promoted) > input.maxBytes;
    const bySize = [...promoted].sort((a, b) => extra(b) - extra(a)).slice(0, overBudget() ? MAX_PRUNE_TRIES_OVER_BUDGET : MAX_PRUNE_TRIES);
    for (const [i, name] of bySize.entries()) {
      progress(`mixed precision: trying ${name} back at ${dtype} (${i + 1}/${bySize.length})`);
      promoted.delete(name);
      if (shortfall(await consider(promoted), minCosine) > 0) promoted.add(name);
    }
    if (!overBudget()) {
      const outputs = measuredOutputs.get(key(promoted))!;
      return result({ promoted, outputs }, true, [], ranks);
    }
  }
  // 5: the goal is out of reach within the budget: the most accurate mix that fits — the better of
  // every fitting configuration measured and the rank-order fill of the budget.
  const fill = new Set<string>();
  const overBudget: string[] = [];
  for (const n of order) {
    if (bytesOf(new Set([...fill, n])) <= input.maxBytes) fill.add(n);
    else if ((harms.get(n)?.harm ?? 0) > 0) overBudget.push(n);
  }
  await consider(fill);
  return result(bestFitting(), false, overBudget, ranks);
}
