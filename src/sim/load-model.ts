/**
 * The load-robust estimate: what a phase would take on an otherwise idle machine under the
 * platform's CPU share, from figures that other work on the machine barely moves.
 *
 * Each phase is measured as wall time W, CPU time C (all threads), run-queue delay R (time its
 * threads were runnable but waited for a CPU, Linux schedstat) and, under a CFS quota, throttled
 * time T (the group's cpu.stat: waits its own quota caused, part of R).
 *
 * - Contention (waiting for a CPU taken by *other* work): (R − T) / k, where k = max(1, C / W) is
 *   the average parallelism, so threads delayed together count once. Reported, never estimated.
 * - The estimate removes every run-queue wait, splits what is left into CPU work at parallelism
 *   p = max(1, C / W') and other waits (I/O, timers) w = W' − C / p, where W' = W − R / k, and
 *   replays the phase against the platform's CPU share: the waits as they were, the CPU work at
 *   min(p, host cores) cores through a CFS quota of vCPU × 100 ms per 100 ms period. The quota is
 *   carried from phase to phase of one instance (a phase starting right after a busy one finds
 *   less of it left, as under the real quota), with a fixed 0.1 ms between phases instead of the
 *   measured gap (which load stretches). The period's phase is unknown: the result is the mean
 *   over 16 evenly spaced offsets, so it is deterministic for the same inputs.
 *   A phase that fits in the quota left in its period runs at full speed; a long busy one runs at
 *   C / vCPU on average, as `--cpu cgroup` measures it on an idle machine.
 *
 * What stays load-sensitive: CPU time itself grows a little when a sibling hyperthread is busy
 * (measured here: INIT of the MLP fixture +8% with both cores hogged), and page-cache misses.
 */

export interface PhaseMeasure {
  wallMs: number;
  cpuMs: number;
  runQueueMs?: number;
  throttledMs?: number;
}

export interface PhaseShape {
  /** Non-CPU waits (I/O, timers), ms. */
  waitMs: number;
  cpuMs: number;
  /** Average cores in use while computing (≥ 1). */
  parallelism: number;
}

const PERIOD_MS = 100;
const GAP_MS = 0.1;
const OFFSETS = 16;

/** Average parallelism of a phase over its wall time (at least 1). */
function parallelismOf(m: PhaseMeasure): number {
  return m.wallMs > 0 ? Math.max(1, m.cpuMs / m.wallMs) : 1;
}

/** Wall time the phase spent waiting for a CPU that other work on this machine held, ms. */
export function contentionOf(m: PhaseMeasure): number {
  const rq = Math.max(0, (m.runQueueMs ?? 0) - (m.throttledMs ?? 0));
  // A single thread cannot wait for a CPU while it computes: at most the wall time it did not run.
  const ceiling = m.cpuMs < m.wallMs ? m.wallMs - m.cpuMs : m.wallMs;
  return Math.min(ceiling, rq / parallelismOf(m));
}

/** The phase without run-queue waits: its CPU work, parallelism and other waits. */
export function shapeOf(m: PhaseMeasure): PhaseShape {
  const k = parallelismOf(m);
  const free = Math.max(m.cpuMs / k, m.wallMs - (m.runQueueMs ?? 0) / k);
  const parallelism = free > 0 ? Math.max(1, m.cpuMs / free) : 1;
  return { waitMs: Math.max(0, free - m.cpuMs / parallelism), cpuMs: Math.max(0, m.cpuMs), parallelism };
}

export interface ReplayOptions {
  /** The platform's vCPU share (quota per period / period). */
  vcpu: number;
  /** Cores of this machine (a phase never computes on more). */
  cores: number;
  periodMs?: number;
}

/**
 * Replays an instance's phases, in order, through a CFS quota: `phase()` returns the estimated
 * wall time of the next phase (mean over period offsets). Causal: a phase's estimate depends only
 * on the phases before it, so estimates can be taken as the instance runs.
 */
export class QuotaReplay {
  private readonly period: number;
  private readonly quota: number;
  /** Per offset: time and quota used in the current period. */
  private readonly clocks: { t: number; used: number }[];

  constructor(private readonly o: ReplayOptions) {
    this.period = o.periodMs ?? PERIOD_MS;
    this.quota = o.vcpu * this.period;
    this.clocks = Array.from({ length: OFFSETS }, (_, k) => ({ t: (k * this.period) / OFFSETS, used: 0 }));
  }

  phase(ph: PhaseShape): number {
    const rate = Math.max(1e-9, Math.min(ph.parallelism, this.o.cores));
    let sum = 0;
    for (const c of this.clocks) sum += this.run(c, ph.waitMs, ph.cpuMs, rate);
    return sum / OFFSETS;
  }

  /** Moves one clock through a phase (wait, then CPU work at `rate`), then the gap; returns the phase's duration. */
  private run(c: { t: number; used: number }, waitMs: number, cpuMs: number, rate: number): number {
    const { period, quota } = this;
    const advance = (dt: number) => {
      const next = c.t + dt;
      if (Math.floor(next / period) > Math.floor(c.t / period)) c.used = 0;
      c.t = next;
    };
    const start = c.t;
    advance(waitMs);
    let left = cpuMs;
    while (left > 1e-9) {
      const periodEnd = (Math.floor(c.t / period) + 1) * period;
      const room = Math.min(quota - c.used, rate * (periodEnd - c.t));
      if (room >= left) {
        const before = Math.floor(c.t / period);
        c.t += left / rate;
        c.used = Math.floor(c.t / period) > before ? 0 : c.used + left;
        left = 0;
      } else {
        // Quota or period used up: the rest waits for the next period (throttled, or simply later).
        left -= Math.max(0, room);
        c.t = periodEnd;
        c.used = 0;
      }
    }
    const d = c.t - start;
    advance(GAP_MS);
    return d;
  }
}

/** Replays a whole instance at once (see QuotaReplay). */
export function replayInstance(phases: readonly PhaseShape[], o: ReplayOptions): number[] {
  const r = new QuotaReplay(o);
  return phases.map((ph) => r.phase(ph));
}
