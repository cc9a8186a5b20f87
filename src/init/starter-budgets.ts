/**
 * Starter budgets from one short measurement plus headroom: sizes +10%; warm latency, peak memory
 * and cost +20%; INIT and cold starts +50% — they swing most between runs and machines (process
 * start, file cache, a shared CPU), and a budget that noise alone breaks teaches people to ignore
 * it. Each time budget also has an absolute floor (+5 ms warm, +100 ms init/cold p50, +200 ms cold
 * p90), so a 0.2 ms call does not get a 0.24 ms budget. Values are rounded up and written in human
 * units, as a person would write them; tighten them once CI has a few runs of history.
 */
import type { BenchConfigResult, BundleReport } from '../report/report-schemas.js';
import type { BudgetKey } from '../budgets/budget-keys.js';

export interface Headroom {
  /** Relative headroom on sizes (0.1 = +10%). */
  size: number;
  /** Relative headroom on warm latency, memory and cost (0.2 = +20%). */
  time: number;
  /** Relative headroom on INIT and cold-start times (0.5 = +50%). */
  cold: number;
}

export const DEFAULT_HEADROOM: Headroom = { size: 0.1, time: 0.2, cold: 0.5 };

/** Rounds up to 2 significant digits (3 from 100 up), so limits read like "19 MB", "240 ms". */
export function roundUpNice(v: number): number {
  if (!(v > 0)) return 0;
  const digits = v >= 100 ? 3 : 2;
  const mag = 10 ** (Math.floor(Math.log10(v)) - digits + 1);
  return Number((Math.ceil(v / mag - 1e-9) * mag).toPrecision(digits + 1));
}

function sizeText(bytes: number): string {
  return bytes >= 1e6 ? `${roundUpNice(bytes / 1e6)} MB` : `${roundUpNice(bytes / 1e3)} kB`;
}

function msText(ms: number): string {
  return ms >= 10_000 ? `${roundUpNice(ms / 1000)} s` : `${roundUpNice(ms)} ms`;
}

/** Budgets for one target at one memory size from its bundle and bench results. */
export function starterBudgets(bundle: BundleReport | undefined, bench: BenchConfigResult | undefined, headroom = DEFAULT_HEADROOM): Partial<Record<BudgetKey, string>> {
  const out: Partial<Record<BudgetKey, string>> = {};
  const grow = (v: number, floor: number) => Math.max(v * (1 + headroom.time), v + floor);
  const growCold = (v: number, floor: number) => Math.max(v * (1 + headroom.cold), v + floor);
  if (bundle) {
    if (bundle.zipBytes !== undefined) out.zipped = sizeText(bundle.zipBytes * (1 + headroom.size));
    out.unzipped = sizeText(bundle.unzippedBytes * (1 + headroom.size));
  }
  if (bench) {
    out.initP50 = msText(growCold(bench.initMs.p50, 100));
    out.coldP50 = msText(growCold(bench.coldTotalMs.p50, 100));
    out.coldP90 = msText(growCold(bench.coldTotalMs.p90, 200));
    out.warmP50 = msText(grow(bench.warmMs.p50, 5));
    out.warmP95 = msText(grow(bench.warmMs.p95 ?? bench.warmMs.p90, 10));
    out.peakMemory = `${Math.min(bench.memoryMb, roundUpNice(grow(bench.peakMemoryMb, 16)))} MB`;
    out.costPer1M = `$${roundUpNice(bench.costPerMillion * (1 + headroom.time))}`;
  }
  return out;
}
