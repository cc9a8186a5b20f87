/**
 * The part of every transform after the output is written, shared by ONNX and TF.js: describe
 * both models, run the accuracy check and latency through the one runtime interface, profile the
 * kernels ORT ran, build the report, and apply the accuracy gates.
 */
import { gateFailure, runAccuracyCheck, type AccuracyCheckResult } from '../accuracy/accuracy-check.js';
import { DlpackError } from '../errors/dlpack-error.js';
import { describeModel, detectModelFile } from '../formats/load-model.js';
import { assertNotInput, assertWritableFolder } from '../io/atomic-output.js';
import type { ModelDescription } from '../model/model-description.js';
import type { TransformReport } from '../report/report-schemas.js';
import type { CheckOptions, TransformOutcome } from './transform-options.js';
import { buildTransformReport } from './transform-report.js';

/** Refuses an output equal to the input and an output folder that is missing or not writable, before any work. */
export async function prepareOutput(input: string, output: string): Promise<void> {
  assertNotInput(output, [input]);
  await assertWritableFolder(output);
}

export interface FinishOptions {
  kind: TransformReport['kind'];
  mode: string;
  input: string;
  output: string;
  before: ModelDescription;
  outcome: TransformOutcome;
  check?: CheckOptions;
  /** Why no accuracy check can run (e.g. Keras input); the report says so. */
  noCheckReason?: string;
  onProgress?: (message: string) => void;
}

/** Thrown when an accuracy gate fails; carries the full report (the command prints it first). */
export class CheckFailedError extends DlpackError {
  constructor(message: string, readonly report: TransformReport) {
    super('CHECK_FAILED', message, { file: report.output });
  }
}

export async function finishTransform(o: FinishOptions): Promise<TransformReport> {
  const after = await describeModel(o.outcome.outputModel);
  const check = o.check ?? {};
  const notes: string[] = [];
  let result: AccuracyCheckResult | undefined;
  let kernels: Record<string, number> | undefined;
  const compare = check.enabled !== false && !o.noCheckReason;
  const runs = o.noCheckReason ? 0 : check.runs ?? 20;
  if (o.noCheckReason) notes.push(o.noCheckReason);
  else if (!compare) notes.push('accuracy not checked (--no-check)');
  if (compare || runs > 0) {
    o.onProgress?.('checking accuracy and latency');
    result = await runAccuracyCheck({ ...check, original: o.input, candidate: o.outcome.outputModel, compare, runs, onProgress: o.onProgress });
  }
  if (compare && (await detectModelFile(o.outcome.outputModel)) === 'onnx') {
    const { profileKernels } = await import('./onnx/kernel-profile.js');
    const { generateFeeds, resolveInputShapes, parseShapeFlags, readFeedsFile } = await import('../accuracy/input-feeds.js');
    const feeds = check.inputsFile
      ? await readFeedsFile(check.inputsFile, after.inputs)
      : generateFeeds(after.inputs, resolveInputShapes(after.inputs, parseShapeFlags(check.shape), o.outcome.outputModel), check.seed ?? 1);
    kernels = await profileKernels(o.outcome.outputModel, feeds, check.threads).catch(() => undefined);
  }
  const report = buildTransformReport({ ...o, after, check: result, kernels, notes });
  const failure = gateFailure(report.accuracy);
  if (failure) throw new CheckFailedError(`accuracy gate failed: ${failure}`, report);
  return report;
}
