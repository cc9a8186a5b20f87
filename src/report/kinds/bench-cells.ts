/**
 * The cells every bench format shows for load (terminal table, Markdown, HTML, JUnit), so they say
 * the same thing in the same words: CPU time, the share of wall time spent waiting for a CPU that
 * other work held, raw wall time beside the estimate, and the notes naming the estimate used.
 */
import { shardNotes } from './shard-notes.js';
import type { BenchConfigResult, BenchReport } from '../../core/reports/schemas.js';
import { formatMs } from '../../core/units.js';
import { estimateLine, loadWarnings } from '../../sim/load-warnings.js';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** "init 70.1 ms / warm 0.22 ms" — CPU time (user + system, all threads), p50. */
export function cpuCell(c: BenchConfigResult): string {
  if (!c.cpuMs) return '—';
  return `${formatMs(c.cpuMs.init.p50)} / ${formatMs(c.cpuMs.warm.p50)}`;
}

/** "39% / 12%" — share of INIT and warm wall time spent waiting for a CPU other work held. */
export function contentionCell(c: BenchConfigResult): string {
  const s = c.contentionShare;
  if (!s) return '—';
  return `${pct(s.init)} / ${pct(s.warm)}${Math.max(s.init, s.cold, s.warm) >= 0.1 ? ' ⚠' : ''}`;
}

/** Raw wall p50 of cold start and warm, when the headline figures are the load-robust estimate. */
export function wallCell(c: BenchConfigResult): string {
  if (c.estimate !== 'stable' || !c.wall) return '—';
  return `${formatMs(c.wall.coldTotalMs.p50)} / ${formatMs(c.wall.warmMs.p50)}`;
}

/** Lines under every bench rendering: which estimate, and load warnings. */
export function benchNotes(r: BenchReport): string[] {
  const warnings = r.loadWarnings ?? loadWarnings(r.configurations);
  const sampling = r.configurations.find((c) => c.sampling)?.sampling;
  const adaptive = sampling && sampling.maxTimeMs > 0 ? [`Sampling: until the medians' 95% CI is within ±${pct(sampling.precision)} or ${(sampling.maxTimeMs / 1000).toFixed(0)} s per configuration.`] : [];
  const mix = r.coldShare !== undefined ? [`Recommendations judge latency as cold p50 × ${+(r.coldShare * 100).toFixed(2)}% + warm p50 × ${+((1 - r.coldShare) * 100).toFixed(2)}%; cost is a ${pct(r.costTrim ?? 0.2)}-trimmed mean; balance weight ${r.balanceWeight ?? 0.5}.`] : [];
  return [estimateLine(r.estimate), ...mix, ...adaptive, ...warnings.map((w) => `⚠ ${w}`), ...shardNotes(r)];
}

/** Column heads for the three cells above. */
export const LOAD_HEADS = { cpu: 'CPU init / warm', contention: 'waiting for CPU init / warm', wall: 'wall cold / warm' } as const;
