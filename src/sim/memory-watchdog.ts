/**
 * Memory limit without cgroups: samples the process's resident set every 5 ms from
 * /proc/<pid>/statm (one small read) and kills it over the limit. Slower than the kernel (an
 * allocation burst between two samples can overshoot), so cgroups are preferred where writable.
 */
import { readFileSync } from 'node:fs';

export const WATCHDOG_INTERVAL_MS = 5;
const PAGE = 4096;

export interface Watchdog {
  stop(): void;
  /** Changes the limit (e.g. to add the runtime's own baseline). */
  setLimit(bytes: number): void;
  readonly peakBytes: number;
}

export function startWatchdog(pid: number, limitBytes: number, onExceeded: (rssBytes: number) => void): Watchdog {
  let peak = 0;
  let stopped = false;
  const file = `/proc/${pid}/statm`;
  const timer = setInterval(() => {
    if (stopped) return;
    let rss: number;
    try {
      rss = Number(readFileSync(file, 'latin1').split(' ')[1]) * PAGE;
    } catch {
      return; // not started yet or gone
    }
    if (rss > peak) peak = rss;
    if (rss > limitBytes) {
      stopped = true;
      clearInterval(timer);
      onExceeded(rss);
    }
  }, WATCHDOG_INTERVAL_MS);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    get peakBytes() {
      return peak;
    },
    setLimit(bytes: number) {
      limitBytes = bytes;
    },
  };
}
