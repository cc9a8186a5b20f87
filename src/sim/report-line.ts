/**
 * The platform's per-invocation report, in Lambda's words (the REPORT line CloudWatch Logs gets
 * after every invocation): Duration, Billed Duration (the platform's rounding, INIT included where
 * the platform bills it), Memory Size, Max Memory Used and, on a cold start, Init Duration.
 * `bench --verbose`, `invoke` and `serve` print it alike.
 */
import type { PlatformProfile } from '../core/platform-facts.js';
import { billedDuration } from '../platforms/index.js';
import type { PhaseResult } from './instance.js';

const MIB = 1024 * 1024;

export interface InvocationReport {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  /** Undefined when nothing measured it (a death without a sample and without a cgroup or watchdog). */
  maxMemoryUsedMb?: number;
  /** Cold starts only. */
  initDurationMs?: number;
  status: 'success' | 'error' | 'timeout';
}

/** The report of one invocation: `ms` its duration, `initMs` the INIT before it (cold start). */
export function invocationReport(profile: PlatformProfile, memoryMb: number, r: PhaseResult, ms: number, requestId: string, initMs?: number, baselineBytes = 0): InvocationReport {
  const billed = billedDuration(profile, ms + (initMs !== undefined && profile.billing.initBilled.value ? initMs : 0));
  // a death without a sample (timeout, exit, signal): the cgroup's or watchdog's high-water mark, else unknown
  // (isolate platforms: Node's own baseline before INIT is not the function's, `baselineBytes`)
  const measured = r.sample?.maxRssBytes ?? r.maxMemoryBytes;
  const peak = measured === undefined ? undefined : Math.max(0, measured - baselineBytes);
  return {
    requestId,
    durationMs: ms,
    billedDurationMs: billed,
    memorySizeMb: memoryMb,
    maxMemoryUsedMb: r.kind === 'oom' ? memoryMb : peak !== undefined ? Math.round(peak / MIB) : undefined,
    initDurationMs: initMs,
    // a function that answered (any HTTP status, a Lambda result) succeeded as far as the platform is concerned
    status: r.ok || r.raw !== undefined ? 'success' : r.kind === 'timeout' ? 'timeout' : 'error',
  };
}

/** `REPORT RequestId: … Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 512 MB Max Memory Used: 80 MB Init Duration: 250.00 ms`. */
export function reportLine(r: InvocationReport): string {
  return (
    `REPORT RequestId: ${r.requestId} Duration: ${r.durationMs.toFixed(2)} ms Billed Duration: ${r.billedDurationMs} ms Memory Size: ${r.memorySizeMb} MB ` +
    `Max Memory Used: ${r.maxMemoryUsedMb === undefined ? 'unknown' : `${r.maxMemoryUsedMb} MB`}` +
    (r.initDurationMs !== undefined ? ` Init Duration: ${r.initDurationMs.toFixed(2)} ms` : '') +
    (r.status === 'success' ? '' : r.status === 'timeout' ? ' Status: timeout' : ' Status: error')
  );
}
