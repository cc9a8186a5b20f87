/**
 * The accuracy check shared by every transform (ONNX and TF.js): run the original and the new
 * model through the one runtime interface on the same inputs, compare every output, time both.
 */
import { DlpackError } from '../errors/dlpack-error.js';
import type { TensorInfo } from '../model/model-description.js';
import type { AccuracyReport, Percentiles } from '../report/report-schemas.js';
import type { Feeds, InferenceSessionLike, TensorData } from '../runtimes/runtime.js';
import { float32ToFloat16Bits } from '../transforms/float16.js';
import { OutputComparison, toNumbers } from './compare-outputs.js';
import { generateFeeds, parseShapeFlags, readFeedsFile, resolveInputShapes, allocateTyped } from './input-feeds.js';
import { measureLatency } from './latency.js';

export interface AccuracyCheckOptions {
  original: string;
  candidate: string;
  /** `--shape name=1,3,224,224` flags. */
  shape?: string[];
  /** `--inputs file.json`: fixed inputs (then one sample). */
  inputsFile?: string;
  /** Generated samples compared (default 5). */
  samples?: number;
  seed?: number;
  /** Timed runs per model for latency (0: no latency). */
  runs?: number;
  /** Skip the comparison (latency only when runs > 0). */
  compare?: boolean;
  maxError?: number;
  minCosine?: number;
  backend?: string;
  threads?: number;
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

export async function runAccuracyCheck(options: AccuracyCheckOptions): Promise<AccuracyCheckResult> {
  const open = options.open ?? (async (path: string) => {
    const { openSession } = await import('../runtimes/open-session.js');
    return openSession(path, { backend: options.backend, threads: options.threads });
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
    let feedSets: Feeds[];
    if (options.inputsFile) {
      feedSets = [await readFeedsFile(options.inputsFile, before.inputs)];
    } else {
      const shapes = resolveInputShapes(before.inputs, parseShapeFlags(options.shape), options.original);
      const n = Math.max(1, options.samples ?? 5);
      feedSets = Array.from({ length: n }, (_, s) => generateFeeds(before.inputs, shapes, options.seed ?? 1, s));
    }
    const result: AccuracyCheckResult = {};
    if (options.compare !== false) {
      const comparisons = before.outputs.map((o) => new OutputComparison(o.name));
      for (const [s, feeds] of feedSets.entries()) {
        progress(`comparing outputs, sample ${s + 1}/${feedSets.length}`);
        const ref = await before.run(adaptFeeds(feeds, before.inputs));
        const got = await after.run(adaptFeeds(feeds, after.inputs));
        for (const c of comparisons) {
          if (!got[c.name]) throw new DlpackError('RUNTIME', `the new model has no output "${c.name}"`, { file: options.candidate });
          try {
            c.add(ref[c.name], got[c.name]);
          } catch (err) {
            throw new DlpackError('RUNTIME', (err as Error).message, { file: options.candidate, cause: err });
          }
        }
      }
      const outputs = comparisons.map((c) => c.result());
      const accuracy: AccuracyReport = { backend: after.backend, samples: feedSets.length, outputs };
      if (options.maxError !== undefined || options.minCosine !== undefined) {
        const pass = outputs.every(
          (o) => (options.maxError === undefined || o.maxAbsError <= options.maxError) && (options.minCosine === undefined || o.cosine >= options.minCosine),
        );
        accuracy.gates = { maxError: options.maxError, minCosine: options.minCosine, pass };
      }
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

/** The one-line reason an accuracy gate failed, or undefined when it held. */
export function gateFailure(accuracy: AccuracyReport | undefined): string | undefined {
  const g = accuracy?.gates;
  if (!accuracy || !g || g.pass) return undefined;
  const bad = accuracy.outputs.filter(
    (o) => (g.maxError !== undefined && !(o.maxAbsError <= g.maxError)) || (g.minCosine !== undefined && !(o.cosine >= g.minCosine)),
  );
  return bad
    .map((o) => `output "${o.name}": max abs error ${o.maxAbsError.toPrecision(3)}${g.maxError !== undefined ? ` (limit ${g.maxError})` : ''}, cosine ${o.cosine.toFixed(5)}${g.minCosine !== undefined ? ` (min ${g.minCosine})` : ''}`)
    .join('; ');
}
