/**
 * The per-phase records of one configuration: each phase's figures under both estimates, and the
 * raw measurements (wall, CPU, run-queue, throttled, contention) a report carries per sample.
 */
import type { PhaseLoad } from '../core/reports/schemas.js';
import type { PhaseSample } from './protocol.js';
import { contentionOf } from './load-model.js';
import { round } from '../core/stats/percentiles.js';

/** One phase as measured: the sample (if the host reported one) and the emulator's figure for it. */
export interface Measured {
  sample?: PhaseSample;
  /** The wall figure: measured wall time (projected under `--cpu scale`), or the parent's time without a sample. */
  wall: number;
  /** The load-robust estimate. */
  stable: number;
}

export const emptyLoad = (): PhaseLoad => ({ wallMs: [], cpuMs: [], runQueueMs: [], throttledMs: [], contentionMs: [] });

export const measureOf = (s: PhaseSample) => ({ wallMs: s.ms, cpuMs: s.cpuMs, runQueueMs: s.runQueueMs, throttledMs: s.throttledMs });

export function record(load: PhaseLoad, s: PhaseSample | undefined): void {
  if (!s) return;
  load.wallMs.push(round(s.ms));
  load.cpuMs.push(round(s.cpuMs));
  load.runQueueMs.push(round(s.runQueueMs ?? 0));
  load.throttledMs.push(round(s.throttledMs ?? 0));
  load.contentionMs.push(round(contentionOf(measureOf(s))));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Contention's share of a phase's wall time over all its samples. */
export const share = (l: { wallMs: number[]; contentionMs: number[] }) => (sum(l.wallMs) > 0 ? round(sum(l.contentionMs) / sum(l.wallMs), 4) : 0);

