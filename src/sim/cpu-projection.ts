/**
 * `--cpu scale`: projects a phase measured at full CPU onto a smaller (or larger) vCPU share.
 *
 * Model: a phase of wall time W used C ms of CPU (all threads). While on CPU it ran on
 * p = max(1, C / W) cores on average; the rest of the wall time is waiting (I/O, timers):
 *   wait = max(0, W − C / p)
 * Under a share of v vCPU the CPU work runs on min(p, v) cores, so
 *   projected = wait + C / min(p, v)
 * A single-threaded busy loop of 100 ms at 0.25 vCPU → 400 ms; a 100 ms sleep stays 100 ms; a
 * phase already using fewer cores than v is unchanged (projection never speeds a phase up).
 * Not modelled: the CFS period (a burst shorter than the quota in one 100 ms period runs at full
 * speed on the platform too) and memory-bandwidth or cache effects.
 */
export function projectMs(wallMs: number, cpuMs: number, vcpu: number): number {
  if (wallMs <= 0) return wallMs;
  const cores = Math.max(1, cpuMs / wallMs);
  const wait = Math.max(0, wallMs - cpuMs / cores);
  const projected = wait + cpuMs / Math.min(cores, vcpu);
  return Math.max(wallMs, projected);
}
