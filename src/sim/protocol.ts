/**
 * Messages between the bench (parent) and a runtime host (child) over Node's IPC channel.
 * Timings and CPU time are measured inside the child, so the channel adds nothing to them.
 */
import type { PlatformId } from '../platforms/platform-profile.js';

/** Parent → child. */
export type HostRequest =
  | {
      type: 'init';
      /** Absolute path of the handler module. */
      entry: string;
      convention: PlatformId;
      /** Export to call (default: the convention's usual export). */
      exportName?: string;
      /** The event (Lambda) or request body (HTTP targets), sent once and reused per invocation. */
      event: unknown;
      memoryMb: number;
      timeoutMs: number;
      functionName: string;
    }
  | { type: 'invoke'; id: number }
  /** Full GC, then report the heap in use (for memory growth per invocation). */
  | { type: 'gc' };

export interface PhaseSample {
  /** Wall time inside the child, ms. */
  ms: number;
  /** CPU time of the whole process (user + system, all threads), ms. */
  cpuMs: number;
  /** Kernel high-water mark of the process's resident set after the phase, bytes. */
  maxRssBytes: number;
  /** Time the process's threads waited for a CPU (run queue, from each thread's /proc schedstat), ms. */
  runQueueMs?: number;
  /** Current RSS and V8 heap + external memory after the phase, bytes. */
  rssBytes: number;
  heapBytes: number;
}

/** Child → parent. */
export type HostReply =
  /** The host is up; its RSS before the handler loads (Node's own baseline). */
  | { type: 'ready'; rssBytes: number }
  | ({ type: 'init-done'; ok: true; backend?: string } & PhaseSample)
  | ({ type: 'init-done'; ok: false; errorType: string; errorMessage: string } & PhaseSample)
  | ({ type: 'invoke-done'; id: number; ok: true; status?: number; bodyBytes: number; preview: string; backend?: string } & PhaseSample)
  | ({ type: 'invoke-done'; id: number; ok: false; errorType: string; errorMessage: string; status?: number } & PhaseSample)
  | { type: 'gc-heap'; heapBytes: number };
