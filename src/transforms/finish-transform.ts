/**
 * The part of every transform around the format-specific rewrite, shared by ONNX and TF.js: the
 * output is refused early when it cannot be written, the check's inputs are resolved once, the
 * rewrite writes into a staged sibling folder, then both models are described, compared and timed
 * through the one runtime interface, the kernels ORT ran are profiled, the report is built and the
 * gates applied — and only when every gate held is the staged output moved into place. A failed
 * gate or a failing transform leaves nothing at -o.
 */
import { gateFailure, runAccuracyCheck, type AccuracyCheckResult } from '../accuracy/accuracy-check.js';
import { resolveCheckInputs, type CheckInputs } from '../accuracy/check-inputs.js';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { describeModel } from '../formats/load-model.js';
import { detectModelFile } from '../formats/detect-model.js';
import { assertEmptyOrAbsentFolder, assertNotInput, assertWritableFolder, withStagedOutput } from '../core/io/atomic-output.js';
import type { ModelDescription } from '../core/model-description.js';
import type { TransformReport } from '../core/reports/schemas.js';
import { ortSessionConfig } from '../runtimes/ort-session-config.js';
import type { CheckOptions, TransformOutcome } from './transform-options.js';
import { buildTransformReport } from './transform-report.js';

/** Refuses an output equal to the input, a missing or unwritable folder, and a non-empty output folder, before any work. */
export async function prepareOutput(input: string, output: string, kind: 'file' | 'dir' = 'file'): Promise<void> {
  assertNotInput(output, [input]);
  await assertWritableFolder(output);
  if (kind === 'dir') await assertEmptyOrAbsentFolder(output);
}

/** Resolves the check's input sets from the original model's inputs (undefined when nothing will run). */
export async function transformInputs(before: ModelDescription, input: string, check: CheckOptions | undefined): Promise<CheckInputs | undefined> {
  const c = check ?? {};
  if (c.enabled === false && (c.runs ?? 20) === 0) return undefined;
  return resolveCheckInputs(before.inputs, c, input);
}

export interface FinishOptions {
  kind: TransformReport['kind'];
  mode: string;
  input: string;
  /** The destination the user named (what the report shows). */
  output: string;
  /** Where the transform wrote (the staged path); replaced by `output` in notes. */
  staged?: string;
  before: ModelDescription;
  outcome: TransformOutcome;
  check?: CheckOptions;
  checkInputs?: CheckInputs;
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
  const checkInputs = o.checkInputs ?? (compare || runs > 0 ? await transformInputs(o.before, o.input, check) : undefined);
  // each model opened as a bundle's handler opens it (int8 QDQ weights dequantized once at load)
  const sessionConfig = { original: ortSessionConfig(o.before), candidate: ortSessionConfig(after) };
  if ((compare || runs > 0) && sessionConfig.candidate) notes.push(`measured as dlpack bundle's handler runs it — ${sessionConfig.candidate.why}`);
  if (compare || runs > 0) {
    o.onProgress?.('checking accuracy and latency');
    result = await runAccuracyCheck({
      ...check,
      checkInputs,
      original: o.input,
      candidate: o.outcome.outputModel,
      compare,
      runs,
      sessionConfig: { original: sessionConfig.original?.entries, candidate: sessionConfig.candidate?.entries },
      onProgress: o.onProgress,
    });
  }
  if (compare && checkInputs && (await detectModelFile(o.outcome.outputModel)) === 'onnx') {
    const { profileKernels } = await import('./onnx/kernel-profile.js');
    const { adaptFeeds } = await import('../accuracy/accuracy-check.js');
    kernels = await profileKernels(o.outcome.outputModel, adaptFeeds(checkInputs.feeds[0], after.inputs), check.threads, sessionConfig.candidate?.entries).catch(() => undefined);
  }
  const outcome = o.staged ? unstage(o.outcome, o.staged, o.output) : o.outcome;
  const report = buildTransformReport({ ...o, outcome, after, check: result, kernels, notes });
  const failure = gateFailure(report.accuracy);
  if (failure) {
    report.written = false;
    throw new CheckFailedError(`accuracy gate failed: ${failure} — nothing was written to ${o.output}`, report);
  }
  return report;
}

/** The outcome with the staged path replaced by the destination in its texts. */
function unstage(outcome: TransformOutcome, staged: string, output: string): TransformOutcome {
  const fix = (s: string) => s.split(staged).join(output);
  return {
    ...outcome,
    outputModel: output,
    notes: outcome.notes.map(fix),
    changed: outcome.changed.map((c) => ({ name: c.name, what: fix(c.what) })),
    skipped: outcome.skipped.map((c) => ({ name: c.name, reason: fix(c.reason) })),
  };
}

/**
 * Stages the output, runs `transform` into it and finishes; moves the output into place only
 * when everything passed. The report says `written: true` then.
 */
export async function runStagedTransform(
  output: string,
  kind: 'file' | 'dir',
  transform: (staged: string) => Promise<TransformReport>,
): Promise<TransformReport> {
  const report = await withStagedOutput(output, kind, transform);
  report.written = true;
  return report;
}
