/**
 * The benchmark harness: named sections, each measuring figures in one run against a baseline
 * measured in the same run (so a ratio means something on a shared, noisy machine).
 */
import { spawnSync } from 'node:child_process';
import { percentile, sortedCopy } from '../src/core/stats/percentiles.js';

export interface BenchRow {
  /** What is measured, e.g. "dlpack --version wall time". */
  metric: string;
  value: number;
  unit: string;
  /** The baseline measured in the same run, and what it is. */
  baseline?: number;
  baselineLabel?: string;
  /** value / baseline (or another ratio the section defines). */
  ratio?: number;
  /** The target the ratio must meet, as text ("≤ 1.10×"), and whether it did. */
  target?: string;
  pass?: boolean;
  note?: string;
}

export interface BenchSection {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export interface BenchContext {
  root: string;
  /** Repetitions to use (smaller with --quick). */
  quick: boolean;
  log(message: string): void;
}

/** p50 of unsorted samples, with dlpack's one percentile definition (nearest rank, src/core/stats). */
export function p50(xs: readonly number[]): number {
  return percentile(sortedCopy(xs), 50);
}

/** Wall time of a command in ms, run `n` times interleaved with the others (p50 per command). */
export function timeCommands(commands: { label: string; argv: string[]; cwd: string; env?: () => NodeJS.ProcessEnv }[], n: number): Record<string, number[]> {
  const times: Record<string, number[]> = {};
  for (const c of commands) times[c.label] = [];
  for (let i = 0; i < n; i++) {
    for (const c of commands) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: c.cwd, stdio: 'ignore', env: c.env?.() });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status}`);
      times[c.label].push(ms);
    }
  }
  return times;
}
