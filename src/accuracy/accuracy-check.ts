/**
 * The accuracy check shared by every transform (ONNX and TF.js): run the original and the new
 * model through the one runtime interface on the same inputs (sample files, an inputs file or
 * generated ones: check-inputs.ts), compare every output, time both, apply the gates.
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { TensorInfo } from '../core/model-description.js';
import type { AccuracyReport, OutputAccuracy, Percentiles } from '../core/reports/schemas.js';
import type { Feeds, InferenceSessionLike, TensorData } from '../runtimes/runtime.js';
import { float32ToFloat16Bits } from '../core/tensor/to-float16.js';
import { resolveCheckInputs, type CheckInputs, type InputSource } from './check-inputs.js';
import { OutputComparison, toNumbers } from './compare-outputs.js';
import { allocateTyped } from './input-feeds.js';
import { measureLatency } from './latency.js';

/** The default accuracy floor of `dlpack quantize`: every output's cosine, and top-1 agreement of probability outputs. */
export const DEFAULT_FLOOR = { minCosine: 0.99, minTop1: 0.99 } as const;

export interface AccuracyGates {
  maxError?: number;
  minCosine?: number;
  /** Top-1 agreement (0–1) of class-score outputs. A default floor applies it to probability outputs only. */
  minTop1?: number;
  /** Which gates are the default floor (named differently in messages). */
  defaults?: ('minCosine' | 'minTop1')[];
}

export interface AccuracyCheckOptions extends InputSource, AccuracyGates {
  original: string;
  candidate: string;
  /** Input sets resolved already (shared with a transform); resolved from the InputSource otherwise. */
  checkInputs?: CheckInputs;
  /** Timed runs per model for latency (0: no latency). */
  runs?: number;
  /** Skip the comparison (latency only when runs > 0). */
  compare?: boolean;
  backend?: string;
  threads?: number;
  /** ONNX Runtime session config entries of each model (src/runtimes/ort-session-config.ts), as its deployment opens it. */
  sessionConfig?: { original?: Record<string, string>; candidate?: Record<string, string> };
  /** Opens a session; defaults to openSession (runtime picked by file). */
  open?: (path: string) => Promise<InferenceSessionLike>;
  onProgress?: (message: string) => void;
}

export interface AccuracyCheckResult {
  accuracy?: AccuracyReport;
  latency?: { runs: number; before: Percentiles; after: Percentiles; ratio: number };
}

/** Converts feeds to the dtypes a session expects (float32 ↔ float16 for fp16 models without kept I/O types). */
export function adaptFeeds(feeds: Feeds, inputs: TensorInfo[]): Feeds {
  const out: Feeds = {};
  for (const info of inputs) {
    const t = feeds[info.name];
    if (!t) continue;
    if (info.dtype === t.dtype || info.dtype === 'unknown') {
      out[info.name] = t;
      continue;
    }
    const values = toNumbers(t);
    const data = allocateTyped(info.dtype, values.length);
    for (let i = 0; i < values.length; i++) {
      if (info.dtype === 'float16') data[i] = float32ToFloat16Bits(values[i]);
      else if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(Math.trunc(values[i]));
      else data[i] = values[i];
    }
    out[info.name] = { dtype: info.dtype, shape: t.shape, data } satisfies TensorData;
  }
  return out;
}

/** Compares reference and candidate outputs of several runs, output by output. */
export function compareRuns(names: string[], refs: Record<string, TensorData>[], gots: Record<string, TensorData>[], file?: string): OutputAccuracy[] {
  const comparisons = names.map((n) => new OutputComparison(n));
  refs.forEach((ref, s) => {
    for (const c of comparisons) {
      if (!gots[s][c.name]) throw new DlpackError('RUNTIME', `the new model has no output "${c.name}"`, { file });
      try {
        c.add(ref[c.name], gots[s][c.name]);
      } catch (err) {
        throw new DlpackError('RUNTIME', (err as Error).message, { file, cause: err });
      }
    }
  });
  return comparisons.map((c) => c.result());
}

export async function runAccuracyCheck(options: AccuracyCheckOptions): Promise<AccuracyCheckResult> {
  const open = options.open ?? (async (path: string) => {
    const { openSession } = await import('../runtimes/open-session.js');
    const sessionConfig = path === options.candidate ? options.sessionConfig?.candidate : options.sessionConfig?.original;
    return openSession(path, { backend: options.backend, threads: options.threads, sessionConfig });
  });
  const progress = options.onProgress ?? (() => {});
  const before = await open(options.original);
  let after: InferenceSessionLike | undefined;
  try {
    after = await open(options.candidate);
    const missing = before.inputs.filter((i) => !after!.inputs.some((j) => j.name === i.name));
    if (missing.length) {
      throw new DlpackError('RUNTIME', `the new model lacks input(s) ${missing.map((m) => m.name).join(', ')}`, { file: options.candidate });
    }
    const inputs = options.checkInputs ?? (await resolveCheckInputs(before.inputs, options, options.original));
    const feedSets = inputs.feeds;
    const result: AccuracyCheckResult = {};
    if (options.compare !== false) {
      const refs: Record<string, TensorData>[] = [];
      const gots: Record<string, TensorData>[] = [];
      for (const [s, feeds] of feedSets.entries()) {
        progress(`comparing outputs, input set ${s + 1}/${feedSets.length}`);
        refs.push(await before.run(adaptFeeds(feeds, before.inputs)));
        gots.push(await after.run(adaptFeeds(feeds, after.inputs)));
      }
      const outputs = compareRuns(before.outputs.map((o) => o.name), refs, gots, options.candidate);
      const accuracy: AccuracyReport = { backend: after.backend, samples: feedSets.length, outputs, inputs: { source: inputs.source, summary: inputs.summary } };
      const gates = applyGates(outputs, options);
      if (gates) accuracy.gates = gates;
      result.accuracy = accuracy;
    }
    const runs = options.runs ?? 20;
    if (runs > 0) {
      progress(`timing ${runs} runs of each model`);
      const feeds = feedSets[0];
      const [b, a] = await measureLatency([before, after], [adaptFeeds(feeds, before.inputs), adaptFeeds(feeds, after.inputs)], runs);
      result.latency = { runs, before: b, after: a, ratio: a.p50 / b.p50 };
    }
    return result;
  } finally {
    await before.dispose();
    await after?.dispose();
  }
}

/** Whether each output meets the gates; a degenerate output never does. */
function outputFails(o: OutputAccuracy, g: AccuracyGates): { cosine: boolean; error: boolean; top1: boolean } {
  const top1Applies = o.top1Agreement !== undefined && (!g.defaults?.includes('minTop1') || o.probabilities === true);
  return {
    error: g.maxError !== undefined && !(o.maxAbsError <= g.maxError),
    cosine: g.minCosine !== undefined && !(o.cosine >= g.minCosine),
    top1: g.minTop1 !== undefined && top1Applies && !(o.top1Agreement! >= g.minTop1),
  };
}

/** The gates block of a report, or undefined when no gate is set. */
export function applyGates(outputs: OutputAccuracy[], g: AccuracyGates): AccuracyReport['gates'] | undefined {
  if (g.maxError === undefined && g.minCosine === undefined && g.minTop1 === undefined) return undefined;
  const inconclusive = outputs.filter((o) => o.degenerate).map((o) => o.name);
  const failing = outputs.some((o) => Object.values(outputFails(o, g)).some(Boolean));
  const gates: NonNullable<AccuracyReport['gates']> = { pass: !failing && inconclusive.length === 0 };
  if (g.maxError !== undefined) gates.maxError = g.maxError;
  if (g.minCosine !== undefined) gates.minCosine = g.minCosine;
  if (g.minTop1 !== undefined) gates.minTop1 = g.minTop1;
  if (g.defaults?.length) gates.defaults = g.defaults;
  if (inconclusive.length) gates.inconclusive = inconclusive;
  return gates;
}

const FLAG = { minCosine: '--min-cosine', minTop1: '--min-top1' } as const;

/** Enough digits to tell a cosine from a limit close to 1 (0.99999 needs 6). */
function cosineDigits(limit: number): number {
  return Math.min(12, Math.max(5, Math.ceil(-Math.log10(Math.max(1e-12, 1 - Math.min(limit, 1)))) + 2));
}

/** The one-line reason an accuracy gate failed (naming the flag that relaxes a default), or undefined when it held. */
export function gateFailure(accuracy: AccuracyReport | undefined): string | undefined {
  const g = accuracy?.gates;
  if (!accuracy || !g || g.pass) return undefined;
  const parts: string[] = [];
  const floor = (k: 'minCosine' | 'minTop1') => (g.defaults?.includes(k) ? ` (default floor; ${FLAG[k]} X relaxes it, ${FLAG[k]} 0 turns it off)` : ` (min ${g[k]})`);
  for (const o of accuracy.outputs) {
    if (o.degenerate) {
      parts.push(`output "${o.name}": figures not meaningful on these inputs — ${o.degenerate}; pass real inputs with --samples`);
      continue;
    }
    const f = outputFails(o, g);
    const why: string[] = [];
    if (f.error) why.push(`max abs error ${o.maxAbsError.toPrecision(3)} (limit ${g.maxError})`);
    if (f.cosine) why.push(`cosine ${o.cosine.toFixed(cosineDigits(g.minCosine!))}${g.defaults?.includes('minCosine') ? ` < ${g.minCosine}${floor('minCosine')}` : floor('minCosine')}`);
    if (f.top1) why.push(`top-1 agreement ${(o.top1Agreement! * 100).toFixed(1)}%${g.defaults?.includes('minTop1') ? ` < ${g.minTop1! * 100}%${floor('minTop1')}` : ` (min ${g.minTop1! * 100}%)`}`);
    if (why.length) parts.push(`output "${o.name}": ${why.join(', ')}`);
  }
  return parts.join('; ');
}
