/**
 * Warnings about the benching machine's own load, in the manner of Lighthouse CI's warning when
 * the host is busy: when waiting for a CPU held by other work is a material share of a figure's
 * wall time, every output says so, and which estimate the verdicts used.
 */
import type { BenchConfigResult, Estimate } from '../core/reports/schemas.js';

/** A share of wall time spent in contention at or above this is worth a warning (10%). */
export const MATERIAL_CONTENTION = 0.1;

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function loadWarnings(configs: readonly BenchConfigResult[], material = MATERIAL_CONTENTION): string[] {
  const out: string[] = [];
  for (const c of configs) {
    const s = c.contentionShare;
    if (!s) continue;
    const parts = (
      [
        ['INIT', s.init],
        ['cold start', s.cold],
        ['warm', s.warm],
      ] as const
    ).filter(([, v]) => v >= material);
    if (!parts.length) continue;
    const what = parts.map(([name, v]) => `${pct(v)} of ${name}`).join(', ');
    const tail =
      (c.estimate ?? 'wall') === 'stable'
        ? 'verdicts use the load-robust estimate, which leaves that wait out'
        : 'these are wall figures: other work stretched them (the load-robust estimate leaves that wait out: estimate "stable")';
    out.push(`${c.target} ${c.memoryMb} MB: ${what} wall time was waiting for a CPU held by other work on this machine; ${tail}`);
  }
  return out;
}

/** One line naming the estimate a report's figures use. */
export function estimateLine(estimate: Estimate | undefined): string {
  return estimate === 'stable'
    ? 'Figures: load-robust estimate (CPU time replayed through the vCPU share + I/O waits, run-queue delay left out); raw wall times are in the JSON.'
    : 'Figures: wall time as measured (other load on this machine counts in them).';
}
