/**
 * Accuracy-driven mixed precision for ONNX (the idea of onnxconverter-common's
 * auto_convert_mixed_precision for fp16 and of accuracy-aware tuning in ONNX Runtime / Neural
 * Compressor for int8): starting from the fully converted model, the units that hurt the outputs
 * most (int8-weights: weights; int8-dynamic and fp16: nodes) are kept at the fallback precision
 * until every output meets the goal (cosine, top-1) on the check's inputs, within a file-size
 * budget. It is not one model run per unit:
 *  1. rank: the original and the fully converted model run once per input set with every
 *     intermediate tensor exposed; each unit's local harm is the relative error (1/SQNR) at its
 *     outputs minus the error already present at its inputs (ORT's qdq_loss_debug comparison);
 *  2. grow: keep units in rank order in batches of 1, 1, 2, 4, 8, …, measuring the real candidate
 *     model on the check's inputs after each batch, until the goal holds; bisect the last batch;
 *  3. prune: try the costliest kept units back at low precision (kept there when the goal holds):
 *     the costlier half, at most 8, within the budget; up to 64 when the mix is over it;
 *  4. budget: the best measured mix within --max-ratio; the goal missed within it is reported.
 */
import { compareRuns, type AccuracyGates } from '../../accuracy/accuracy-check.js';
import { toNumbers } from '../../accuracy/compare-outputs.js';
import type { ModelProto } from '../../formats/onnx/index.js';
import type { OutputAccuracy } from '../../core/reports/schemas.js';
import type { Feeds, TensorData } from '../../runtimes/runtime.js';
import { measurableTensors, openExposed } from './activation-stats.js';

/** int8: int4-weights' units kept as 8-bit MatMulNBits blocks. */
export type KeepMap = Map<string, { precision: 'float32' | 'float16' | 'int8'; reason: string }>;

export interface MixedCandidate {
  bytes: Uint8Array;
  proto: ModelProto;
}

/** A unit of the search: what it is called, which activations surround it, and what keeping it costs. */
export interface MixedUnit {
  name: string;
  outputs: string[];
  inputs: string[];
  extraBytes: number;
  /** For units whose activations cannot be measured (inside If/Loop bodies): the weight's own relative int8 error. */
  weightError?: number;
}

export interface OnnxMixedInput {
  original: ModelProto;
  units: MixedUnit[];
  fallback: 'float32' | 'float16' | 'int8';
  /** Precision the units are converted to (for the reasons). */
  low: string;
  goal: AccuracyGates;
  maxBytes: number;
  feeds: Feeds[];
  /** The original's outputs on `feeds` (names in order). */
  outputNames: string[];
  reference: Record<string, TensorData>[];
  /** Builds the candidate with these units kept (fresh rewrite of the model). */
  build(keep: KeepMap): Promise<MixedCandidate>;
  threads?: number;
  /** Session config entries the candidates are run with (as the deployment runs them; see src/runtimes/ort-session-config.ts). */
  sessionConfig?: Record<string, string>;
  onProgress?: (message: string) => void;
}

export interface OnnxMixedResult {
  keep: KeepMap;
  candidate: MixedCandidate;
  outputs: OutputAccuracy[];
  baseline: OutputAccuracy[];
  met: boolean;
  measured: number;
  /** Units that would have helped but did not fit the budget. */
  overBudget: string[];
}

/** How far the outputs are from the goal; 0 when it holds. */
export function goalShortfall(outputs: OutputAccuracy[], goal: AccuracyGates): number {
  let s = 0;
  for (const o of outputs) {
    if (goal.minCosine !== undefined) s += Math.max(0, goal.minCosine - (Number.isFinite(o.cosine) ? o.cosine : -1));
    const top1Applies = o.top1Agreement !== undefined && (!goal.defaults?.includes('minTop1') || o.probabilities);
    if (goal.minTop1 !== undefined && top1Applies) s += Math.max(0, goal.minTop1 - o.top1Agreement!);
    if (goal.maxError !== undefined && o.maxAbsError > goal.maxError) s += (o.maxAbsError - goal.maxError) / (goal.maxError || 1);
  }
  return s;
}

const MAX_PRUNE_TRIES = 8;
/** Prune tries when the mix that meets the goal is over the budget. */
const MAX_PRUNE_TRIES_OVER_BUDGET = 64;
/** Input sets used for the layer-wise ranking (each exposes every activation of both models). */
const RANK_SETS = 4;

/** Per unit: the local relative error the conversion adds (rank 1–2). */
export async function rankUnits(input: OnnxMixedInput, converted: ModelProto): Promise<Map<string, { harm: number; error: number }>> {
  const names = measurableTensors(input.original);
  const a = await openExposed(input.original, names, input.threads);
  const b = await openExposed(converted, names, input.threads).catch(async (err) => {
    await a.dispose();
    throw err;
  });
  const noise = new Map<string, number>();
  const signal = new Map<string, number>();
  try {
    for (const feeds of input.feeds.slice(0, RANK_SETS)) {
      const ra = await a.run(feeds);
      const rb = await b.run(feeds);
      for (const n of names) {
        if (!ra[n] || !rb[n] || ra[n].data.length !== rb[n].data.length) continue;
        const x = toNumbers(ra[n]);
        const y = toNumbers(rb[n]);
        let s = 0;
        let e = 0;
        for (let i = 0; i < x.length; i++) {
          if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
          s += x[i] * x[i];
          e += (x[i] - y[i]) ** 2;
        }
        signal.set(n, (signal.get(n) ?? 0) + s);
        noise.set(n, (noise.get(n) ?? 0) + e);
      }
    }
  } finally {
    await a.dispose();
    await b.dispose();
  }
  const rel = (n: string) => (signal.get(n) ? noise.get(n)! / signal.get(n)! : 0);
  const out = new Map<string, { harm: number; error: number }>();
  for (const u of input.units) {
    const measured = u.outputs.filter((n) => signal.has(n));
    if (!measured.length) {
      out.set(u.name, { harm: u.weightError ?? 0, error: u.weightError ?? 0 });
      continue;
    }
    const error = Math.max(0, ...measured.map(rel));
    const upstream = Math.max(0, ...u.inputs.filter((n) => signal.has(n)).map(rel));
    out.set(u.name, { harm: Math.max(0, error - upstream), error });
  }
  return out;
}

export async function searchOnnxMixedPrecision(input: OnnxMixedInput): Promise<OnnxMixedResult> {
  const progress = input.onProgress ?? (() => {});
  const { openOnnxSession } = await import('../../runtimes/onnxruntime-session.js');
  const { adaptFeeds } = await import('../../accuracy/accuracy-check.js');
  let measured = 0;
  const cache = new Map<string, { candidate: MixedCandidate; outputs: OutputAccuracy[]; keep: KeepMap }>();
  const reasonOf = new Map<string, string>();
  const keepMap = (set: Iterable<string>): KeepMap => new Map([...set].map((n) => [n, { precision: input.fallback, reason: reasonOf.get(n) ?? 'kept (mixed precision)' }]));
  const measure = async (set: Set<string>) => {
    const key = [...set].sort().join('\n');
    const hit = cache.get(key);
    if (hit) return hit;
    measured++;
    const keep = keepMap(set);
    const candidate = await input.build(keep);
    const session = await openOnnxSession(candidate.bytes, { threads: input.threads, label: 'a mixed-precision candidate', sessionConfig: input.sessionConfig });
    const gots: Record<string, TensorData>[] = [];
    try {
      for (const f of input.feeds) gots.push(await session.run(adaptFeeds(f, session.inputs)));
    } finally {
      await session.dispose();
    }
    const entry = { candidate, outputs: compareRuns(input.outputNames, input.reference, gots), keep };
    cache.set(key, entry);
    return entry;
  };
  const short = (o: OutputAccuracy[]) => goalShortfall(o, input.goal);
  const met = (o: OutputAccuracy[]) => short(o) === 0 && !o.some((x) => x.degenerate);

  const fits = (e: { candidate: MixedCandidate }) => e.candidate.bytes.length <= input.maxBytes;
  progress(`mixed precision: measuring the fully converted model`);
  const base = await measure(new Set());
  const baseline = base.outputs;
  const done = (e: typeof base, ok: boolean, overBudget: string[] = []): OnnxMixedResult => ({
    keep: e.keep,
    candidate: e.candidate,
    outputs: e.outputs,
    baseline,
    met: ok,
    measured,
    overBudget,
  });
  if (met(baseline) || baseline.some((o) => o.degenerate)) return done(base, met(baseline));

  progress(`mixed precision: ranking ${input.units.length} units by the error each adds`);
  const ranks = await rankUnits(input, base.candidate.proto);
  const order = [...input.units].sort((x, y) => ranks.get(y.name)!.harm - ranks.get(x.name)!.harm || ranks.get(y.name)!.error - ranks.get(x.name)!.error);
  order.forEach((u, i) => {
    const r = ranks.get(u.name)!;
    reasonOf.set(
      u.name,
      `kept ${input.fallback} instead of ${input.low} (mixed precision): rank ${i + 1} of ${order.length} by the error it adds — ${fmtRel(r.error)} of the signal at its output vs ${fmtRel(Math.max(0, r.error - r.harm))} at its input`,
    );
  });

  // 2: grow in rank order until the goal holds, then bisect the last batch.
  const kept = new Set<string>();
  let next = 0;
  let batch = 1;
  let rounds = 0;
  let current = base;
  while (!met(current.outputs) && next < order.length) {
    const add = order.slice(next, next + batch).map((u) => u.name);
    next += add.length;
    const before = [...kept];
    for (const n of add) kept.add(n);
    progress(`mixed precision: ${kept.size} unit(s) kept ${input.fallback}, measuring`);
    current = await measure(kept);
    if (met(current.outputs) && add.length > 1) {
      let lo = 0;
      let hi = add.length;
      let hiEntry = current;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        const e = await measure(new Set([...before, ...add.slice(0, mid)]));
        if (met(e.outputs)) [hi, hiEntry] = [mid, e];
        else lo = mid;
      }
      kept.clear();
      for (const n of [...before, ...add.slice(0, hi)]) kept.add(n);
      current = hiEntry;
    }
    batch = ++rounds < 2 ? 1 : batch * 2;
  }
  if (met(current.outputs)) {
    // 3: prune the costliest kept units
    const extra = new Map(input.units.map((u) => [u.name, u.extraBytes]));
    // within the budget, pruning only trims bytes: the costlier half, a few tries; over it, it must find room
    const tries = fits(current) ? Math.min(MAX_PRUNE_TRIES, Math.ceil(kept.size / 2)) : MAX_PRUNE_TRIES_OVER_BUDGET;
    const byCost = [...kept].sort((x, y) => extra.get(y)! - extra.get(x)!).slice(0, tries);
    for (const [i, n] of byCost.entries()) {
      progress(`mixed precision: trying ${n} back at ${input.low} (${i + 1}/${byCost.length})`);
      kept.delete(n);
      const e = await measure(kept);
      if (met(e.outputs)) current = e;
      else kept.add(n);
    }
    if (fits(current)) return done(current, true);
  }
  // 4: the goal is out of reach within the budget: the best measured mix that fits
  let best = base;
  for (const e of cache.values()) if (fits(e) && short(e.outputs) < short(best.outputs)) best = e;
  const overBudget = [...kept].filter((n) => !best.keep.has(n));
  return done(best, false, overBudget);
}

function fmtRel(x: number): string {
  return x === 0 ? '0' : x >= 0.01 ? `${(x * 100).toPrecision(2)}%` : x.toExponential(1);
}
