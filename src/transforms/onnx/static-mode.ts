/**
 * int8-static as a mode of the ONNX quantize entry: the calibration / held-back split of the
 * check's input sets, the measurement before rewriting (calibrated ranges of every float tensor
 * on the calibration sets), and the rewrite (opset upgrade to 13 where needed, then QDQ).
 */
import type { CheckInputs } from '../../accuracy/check-inputs.js';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { ModelProto } from '../../formats/onnx/index.js';
import type { QuantizeOptions } from '../transform-options.js';
import { measurableTensors } from './activation-stats.js';
import { calibrateTensors, type TensorCalibration } from './calibration.js';
import type { KeepMap } from './mixed-precision-onnx.js';
import type { Prepared } from './mode-measurements.js';
import { upgradeOpset } from './opset-upgrade.js';
import { pruneUnusedInitializers } from './prune-initializers.js';
import { qdqToQOperator } from './qdq-to-qoperator.js';
import { quantizeStatic } from './quantize-static.js';
import type { RewriteResult } from './transform-result.js';

export interface StaticPrepared extends Prepared {
  ranges: Map<string, TensorCalibration>;
}

export interface CalibrationSplit {
  calibration: CheckInputs;
  /** The input sets not used for calibration (the accuracy check runs on them); undefined when none are left. */
  heldBack?: CheckInputs;
  note: string;
}

/**
 * Splits the input sets: `calibSize` of them, evenly spread over the list (files are in path
 * order, so a folder sorted by kind is not cut in two), calibrate; the others are held back for
 * the accuracy check. Default: three quarters calibrate, one quarter is held back.
 */
export function splitCalibration(inputs: CheckInputs, calibSize: number | undefined, file: string): CalibrationSplit {
  const n = inputs.feeds.length;
  if (calibSize !== undefined && !(Number.isInteger(calibSize) && calibSize >= 1)) {
    throw new DlpackError('USAGE', `--calib-size must be a whole number ≥ 1, got ${calibSize}`, { file });
  }
  const size = Math.min(n, calibSize ?? Math.max(1, n - Math.floor(n / 4)));
  const picked = new Set<number>();
  for (let k = 0; k < size; k++) picked.add(Math.floor((k * n) / size));
  const calibration = { ...inputs, feeds: inputs.feeds.filter((_, i) => picked.has(i)), summary: `${inputs.summary}; ${size} of ${n} for calibration` };
  const rest = inputs.feeds.filter((_, i) => !picked.has(i));
  if (!rest.length) {
    return { calibration, note: `calibrated on all ${n} input set(s): none held back, so the accuracy figures are on the calibration inputs themselves (use more samples or a smaller --calib-size)` };
  }
  return {
    calibration,
    heldBack: { ...inputs, feeds: rest, summary: `${inputs.summary}; ${rest.length} of ${n} held back from calibration` },
    note: `calibrated on ${size} of ${n} input set(s); the accuracy check runs on the other ${rest.length}, held back from calibration`,
  };
}

/** Calibrated ranges of every float tensor (and float graph input) on the calibration sets. */
export async function prepareStatic(proto: ModelProto, options: QuantizeOptions): Promise<StaticPrepared> {
  const feeds = options.checkInputs?.feeds;
  if (!feeds?.length) throw new DlpackError('USAGE', '--mode int8-static calibrates on real inputs: pass --samples', { file: options.input });
  const names = measurableTensors(proto);
  for (const i of proto.graph?.input ?? []) if (i.name && i.type?.tensor_type?.elem_type === 1) names.push(i.name);
  const method = options.calibrate ?? 'minmax';
  const ranges = await calibrateTensors(proto, feeds, names, { method, threads: options.check?.threads, onProgress: options.onProgress });
  return { ranges, notes: [`calibration: ${method} over ${feeds.length} input set(s), ${ranges.size} tensor range(s)`] };
}

/** Upgrades the opset where needed and writes the QDQ graph; `keep` names nodes left float. */
export function rewriteStatic(proto: ModelProto, options: QuantizeOptions, prepared: StaticPrepared, keep: KeepMap = new Map()): RewriteResult {
  const ranks = new Map([...prepared.ranges].map(([n, r]) => [n, r.rank]));
  const up = upgradeOpset(proto, ranks, options.input);
  const result = quantizeStatic(proto, prepared.ranges, {
    opTypes: options.opTypes,
    excludeNodes: options.excludeNodes,
    perChannel: options.perChannel,
    activationType: options.activationType,
    symmetricActivations: options.symmetricActivations,
    reduceRange: options.reduceRange,
    keep,
  });
  if (options.quantFormat === 'qoperator') {
    const ops = qdqToQOperator(proto);
    result.notes.push(`QOperator format: ${Object.entries(ops).map(([op, k]) => `${op}×${k}`).join(', ') || 'no group'} written as integer operators; the other groups stay QuantizeLinear/DequantizeLinear pairs`);
  }
  pruneUnusedInitializers(proto);
  if (up.from !== up.to) {
    const rw = Object.entries(up.rewritten).map(([op, k]) => `${op}×${k}`).join(', ');
    result.notes.push(`opset ${up.from} → ${up.to} (per-channel QuantizeLinear/DequantizeLinear need 13)${rw ? `; rewritten to their opset-13 form: ${rw}` : ''}`);
  }
  return result;
}
