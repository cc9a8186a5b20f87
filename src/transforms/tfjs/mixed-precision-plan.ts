/**
 * `dlpack quantize model.json --dtype uint8 --fallback float16 --min-cosine 0.99 [--max-ratio 0.27]`:
 * checks the options, runs the mixed-precision search (mixed-precision.ts) against the real
 * runtime through the shared accuracy check, and turns its result into per-weight reasons and
 * report notes. Whether the goal held is decided by the same accuracy gate as always (the final
 * check of finish-transform.ts, on the same inputs), so an unmet goal is CHECK_FAILED and nothing is
 * written (the report still shows the best mix found).
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { TfjsModel, TfjsWeight } from '../../formats/tfjs/tfjs-model.js';
import { formatBytes } from '../../core/units.js';
import type { QuantizeOptions } from '../transform-options.js';
import { openCandidateChecker } from './candidate-check.js';
import { searchMixedPrecision } from './mixed-precision.js';
import { PRECISION_BYTES, type EncodedWeight } from './weight-encoding.js';

/** Default weight-bytes budget: the targets (uint8 ≤ 0.27×, uint16/float16 ≤ 0.52× of float32). */
export const DEFAULT_MAX_RATIO = { uint8: 0.27, uint16: 0.52, float16: 0.52 } as const;

export interface MixedPrecisionPlan {
  encoded: Map<string, EncodedWeight>;
  /** Why each weight kept a higher precision. */
  reasons: Map<string, string>;
  notes: string[];
}

export async function chooseMixedPrecision(
  options: QuantizeOptions,
  model: TfjsModel,
  candidates: { weight: TfjsWeight; values: Float32Array }[],
  low: Map<string, EncodedWeight>,
  bytesBefore: number,
): Promise<MixedPrecisionPlan> {
  const dtype = options.dtype!;
  const fallback = options.fallback as Exclude<NonNullable<QuantizeOptions['fallback']>, 'none' | 'int8'>; // int8 is ONNX int4-weights' (refused for TF.js in quantize-model.ts)
  const file = options.input;
  const minCosine = options.check?.minCosine;
  if (minCosine === undefined) {
    throw new DlpackError('USAGE', `--fallback ${fallback} needs a goal: --min-cosine (e.g. 0.99), the cosine every output must keep`, { file });
  }
  if (options.check?.enabled === false) throw new DlpackError('USAGE', '--fallback needs the accuracy check; drop --no-check', { file });
  if (PRECISION_BYTES[fallback] <= PRECISION_BYTES[dtype]) {
    throw new DlpackError('USAGE', `--fallback ${fallback} is no wider than --dtype ${dtype}; use ${dtype === 'uint8' ? 'uint16, float16 or float32' : 'float32'}`, { file });
  }
  const maxRatio = options.maxRatio ?? DEFAULT_MAX_RATIO[dtype];
  if (!(maxRatio > 0)) throw new DlpackError('USAGE', `--max-ratio must be a number > 0, got ${maxRatio}`, { file });
  const lowBytes = model.weights.reduce((a, w) => a + (low.get(w.name)?.data.byteLength ?? w.data.byteLength), 0);
  const ratio = (b: number) => (bytesBefore ? b / bytesBefore : 0);
  if (lowBytes > maxRatio * bytesBefore) {
    throw new DlpackError('USAGE', `--max-ratio ${maxRatio} is below the ${ratio(lowBytes).toFixed(3)}× that --dtype ${dtype} alone gives`, { file });
  }

  const checker = await openCandidateChecker(model, file, options.check ?? {}, options.checkInputs);
  try {
    const r = await searchMixedPrecision({
      weights: model.weights,
      candidates,
      low,
      dtype,
      fallback,
      range: options.range ?? 'minmax',
      minCosine,
      maxBytes: maxRatio * bytesBefore,
      measure: (weights, samples) => checker.measure(weights, samples),
      onProgress: options.onProgress,
    });
    const reasons = new Map<string, string>();
    for (const p of r.promoted) {
      reasons.set(
        p.name,
        `kept at ${r.precisions.get(p.name)} instead of ${dtype} (mixed precision): rank ${p.rank} by measured output harm per byte; ${dtype} error ${(p.relError * 100).toPrecision(2)}% of its energy` +
          (p.aloneMinCosine !== undefined ? `; alone at ${dtype} (others ${fallback}) min cosine ${p.aloneMinCosine.toFixed(4)}` : '') +
          `; +${formatBytes(p.extraBytes)}`,
      );
    }
    const digits = Math.max(4, Math.ceil(-Math.log10(1 - Math.min(minCosine, 1 - 1e-12))) + 1);
    const cos = (outs: typeof r.outputs) => outs.map((o) => `${o.name} ${o.cosine.toFixed(digits)}`).join(', ');
    const extraBytes = r.promoted.reduce((a, p) => a + p.extraBytes, 0);
    const notes = [
      `mixed precision (goal cosine ≥ ${minCosine} on every output, budget ${maxRatio}× weight bytes, ${checker.backend}): ${r.promoted.length} of ${candidates.length} weight(s) kept at ${fallback} (+${formatBytes(extraBytes)}), weight bytes ${ratio(r.bytes).toFixed(3)}×; ${r.measured} accuracy checks (sensitivity on 1 sample, the rest on the check's samples)`,
      `all at ${dtype}: ${cos(r.baseline)}; chosen: ${cos(r.outputs)}`,
    ];
    if (!r.met) {
      notes.push(
        `goal not met within --max-ratio ${maxRatio}: the best mix found within the budget is written` +
          (r.overBudget.length ? `; ${r.overBudget.length} more weight(s) that help did not fit (${r.overBudget.slice(0, 5).join(', ')}${r.overBudget.length > 5 ? ', …' : ''})` : '') +
          '; raise --max-ratio or lower --min-cosine',
      );
    }
    return { encoded: r.encoded, reasons, notes };
  } finally {
    await checker.dispose();
  }
}
