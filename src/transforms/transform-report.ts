/**
 * Builds the TransformReport (dlpack.transform/1) of a quantize/convert run from the two model
 * descriptions, what the transform did, and the accuracy check.
 */
import type { ModelDescription } from '../core/model-description.js';
import { summarize } from '../core/model-description.js';
import type { AccuracyCheckResult } from '../accuracy/accuracy-check.js';
import type { TransformReport } from '../core/reports/schemas.js';
import type { TransformOutcome } from './transform-options.js';

export interface TransformReportInput {
  kind: TransformReport['kind'];
  mode: string;
  input: string;
  output: string;
  before: ModelDescription;
  after: ModelDescription;
  outcome: TransformOutcome;
  check?: AccuracyCheckResult;
  kernels?: Record<string, number>;
  notes?: string[];
}

export function buildTransformReport(r: TransformReportInput): TransformReport {
  const b = summarize(r.before);
  const a = summarize(r.after);
  const report: TransformReport = {
    schema: 'dlpack.transform/1',
    kind: r.kind,
    input: r.input,
    output: r.output,
    mode: r.mode,
    bytesBefore: b.bytesOnDisk,
    bytesAfter: a.bytesOnDisk,
    ratio: b.bytesOnDisk ? a.bytesOnDisk / b.bytesOnDisk : 0,
    weightBytesByDtype: { before: b.weightBytesByDtype, after: a.weightBytesByDtype },
    changed: r.outcome.changed,
    skipped: r.outcome.skipped,
  };
  if (r.check?.latency) report.latency = r.check.latency;
  if (r.check?.accuracy) report.accuracy = r.check.accuracy;
  const notes = [...r.outcome.notes, ...(r.notes ?? [])];
  if (notes.length) report.notes = notes;
  if (r.outcome.nodes) report.nodes = r.outcome.nodes;
  if (r.kernels) report.kernels = r.kernels;
  if (r.outcome.mixedPrecision) report.mixedPrecision = r.outcome.mixedPrecision;
  return report;
}
