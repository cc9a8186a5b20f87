/**
 * p50/p90 latency of sessions (nearest-rank percentiles, src/core/stats) on the same feeds, runs interleaved between the sessions so noise
 * on a shared machine hits both alike.
 */
import type { Percentiles } from '../core/reports/schemas.js';
import { percentiles } from '../core/stats/percentiles.js';
import type { Feeds, InferenceSessionLike } from '../runtimes/runtime.js';

/** Times `runs` runs of every session (after `warmup` untimed runs each); milliseconds. */
export async function measureLatency(sessions: InferenceSessionLike[], feeds: Feeds[], runs: number, warmup = 3): Promise<Percentiles[]> {
  for (let w = 0; w < warmup; w++) for (let s = 0; s < sessions.length; s++) await sessions[s].run(feeds[s]);
  const times: number[][] = sessions.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < sessions.length; k++) {
      const s = (r + k) % sessions.length; // alternate which goes first
      const t0 = process.hrtime.bigint();
      await sessions[s].run(feeds[s]);
      times[s].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return times.map(percentiles);
}
