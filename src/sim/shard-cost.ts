/**
 * What one bench configuration costs to run, for splitting a matrix over CI runners
 * (`--shard i/n`, src/core/shard-plan.ts): measured from an earlier report when one covers it,
 * else estimated from the model's size, the cold/warm counts and the vCPU share.
 */
import { getPlatform, vcpuFor } from '../platforms/index.js';
import type { PlatformId } from '../core/platform-facts.js';
import type { BenchConfigResult } from '../core/reports/schemas.js';

export interface CostInput {
  target: PlatformId;
  memoryMb: number;
  /** Bytes of the model (or bundle) the instances load. */
  modelBytes: number;
  cold: number;
  warm: number;
  /** Bench runs of the configuration (check repeats the bench for timing budgets). */
  runs?: number;
  /** Adaptive sampling's time cap per configuration (0 = exactly cold/warm). */
  maxTimeMs?: number;
}

/** Fixed work per configuration: the host script, a cgroup, the first process start. */
const CONFIG_OVERHEAD_MS = 1500;
/** Node start-up and runtime import per cold start at a full vCPU. */
const START_MS = 250;
/** Model load at a full vCPU (ONNX/TF.js parse and session set-up), per MB. */
const LOAD_MS_PER_MB = 20;
/** A warm call at a full vCPU, per MB of model (dense models: work ~ weights). */
const INFER_MS_PER_MB = 2;

/**
 * A rough estimate in ms: fixed overhead, cold starts (start + load + one call) and warm calls,
 * slowed by the configuration's vCPU share below one; with adaptive sampling, at least the fixed
 * counts and at most the time cap. Only the proportions between configurations matter for the split.
 */
export function estimateConfigCost(c: CostInput): number {
  const vcpu = Math.min(1, Math.max(0.05, vcpuFor(getPlatform(c.target), c.memoryMb)));
  const mb = c.modelBytes / 1e6;
  const call = (5 + INFER_MS_PER_MB * mb) / vcpu;
  const coldStart = START_MS + (LOAD_MS_PER_MB * mb) / vcpu + call;
  let work = c.cold * coldStart + c.warm * call;
  if (c.maxTimeMs && c.maxTimeMs > work) work = Math.min(c.maxTimeMs, work * 3);
  return Math.round((c.runs ?? 1) * (CONFIG_OVERHEAD_MS + work));
}

/** What a configuration took in an earlier bench: the sampling's elapsed time, else the sum of its samples. */
export function measuredConfigCost(c: BenchConfigResult): number {
  if (c.sampling?.elapsedMs && c.sampling.elapsedMs > 0) return Math.round(CONFIG_OVERHEAD_MS + c.sampling.elapsedMs);
  const sum = (xs: number[] | undefined) => (xs ?? []).reduce((s, x) => s + (Number.isFinite(x) ? x : 0), 0);
  const starts = (c.runtimeStartMs?.p50 ?? START_MS) * (c.coldStarts ?? c.samples?.coldTotalMs?.length ?? 0);
  return Math.round(CONFIG_OVERHEAD_MS + starts + sum(c.samples?.coldTotalMs) + sum(c.samples?.warmMs));
}
