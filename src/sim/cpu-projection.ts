/**
 * `--cpu scale`: projects a phase measured at full CPU onto a smaller (or larger) vCPU share.
 *
 * Model: a phase of wall time W used C ms of CPU (all threads) and its threads waited R ms in the
 * run queue for a CPU taken by other work on this machine (Linux schedstat; 0 where unknown).
 * That contention is removed first, divided by the average parallelism so that k threads
 * delayed together count once:  W' = W − R / max(1, C / W).
 * While on CPU the phase ran on p = max(1, C / W') cores on average; the rest is waiting
 * (I/O, timers):  wait = max(0, W' − C / p).  Under a share of v vCPU the CPU work runs on
 * min(p, v) cores, so
 *   projected = wait + C / min(p, v)
 * A single-threaded busy loop of 100 ms at 0.25 vCPU → 400 ms; a 100 ms sleep stays 100 ms; a
 * phase already using fewer cores than v keeps its (contention-free) wall time.
 * Not modelled: the CFS period (a burst shorter than the quota left in a 100 ms period runs at
 * full speed on the platform too), memory bandwidth and cache effects.
 */
export function projectMs(wallMs: number, cpuMs: number, vcpu: number, runQueueMs = 0): number {
  if (wallMs <= 0) return wallMs;
  const contention = runQueueMs / Math.max(1, cpuMs / wallMs);
  const w = Math.max(cpuMs / Math.max(1, cpuMs / wallMs), wallMs - contention);
  const cores = Math.max(1, cpuMs / w);
  const wait = Math.max(0, w - cpuMs / cores);
  return Math.max(w, wait + cpuMs / Math.min(cores, vcpu));
}
