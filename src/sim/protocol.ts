/**
 * Messages between the bench (parent) and a runtime host (child) over Node's IPC channel.
 * Timings and CPU time are measured inside the child. A phase starts when the parent *sent* its
 * request (`sentAt`, on the clock below), as a platform's clock starts when it delivers the event:
 * if the host's main thread is still busy with work the handler module left running (a model load
 * neither awaited nor exported), the event waits, and that wait counts in the phase.
 */
// a module binding: Workers bundles run in the emulator with globalThis.process hidden
import process from 'node:process';
import type { PlatformId } from '../core/platform-facts.js';
import type { HttpRequestData } from '../platforms/shared/convention.js';

/**
 * A clock both processes read alike: `process.hrtime` is CLOCK_MONOTONIC on Linux (libuv's
 * uv_hrtime), one clock for the whole machine, never set back. Milliseconds.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Parent → child. */
export type HostRequest =
  | {
      type: 'init';
      /** Absolute path of the handler module. */
      entry: string;
      /** The platform (its calling convention is the module the host was started with). */
      convention: PlatformId;
      /** How the handler module loads and when INIT ends (the platform's EmulatorSpec.loader). */
      loader: 'ric' | 'by-type' | 'import';
      /** Globals deleted before the handler module loads (the platform's EmulatorSpec.hideGlobals). */
      hideGlobals?: string[];
      /** Export to call (default: the convention's usual export). */
      exportName?: string;
      /** The event (Lambda) or request body (HTTP targets), sent once and reused per invocation. */
      event: unknown;
      memoryMb: number;
      timeoutMs: number;
      functionName: string;
      /**
       * The platform runtime's own code, loaded as the first part of INIT when installed (Lambda:
       * aws-lambda-ric's module and its native client: Lambda's Init Duration includes the runtime's start).
       */
      runtimeModules?: string[];
      /** The platform's payload limits and how it refuses a body over them (the handler never sees it). */
      payload?: PayloadLimits;
      /** When the parent sent this request, monotonicMs(). */
      sentAt?: number;
    }
  | {
      type: 'invoke';
      id: number;
      sentAt?: number;
      /** This invocation's event, instead of the one sent with init (host-parity tests). */
      event?: { value: unknown };
      /** Send the whole response body and headers back (at most 1 MB). */
      wantBody?: boolean;
      /** Send the whole response back as bytes, headers too, whatever its size under the platform's limit (invoke, serve). */
      wantRaw?: boolean;
      /** The client's HTTP request (serve): HTTP targets receive it instead of `POST /` with the event. */
      http?: HttpRequestData;
    }
  /** Full GC, then report the heap in use (for memory growth per invocation). */
  | { type: 'gc' };

export interface PayloadLimits {
  requestBytes: number;
  responseBytes: number;
  requestTooLarge?: { status: number; errorType: string; message: string };
  responseTooLarge?: { status: number; errorType: string; message: string };
}

export interface PhaseSample {
  /** Wall time from the parent sending the request to the phase's end, ms (includes `queuedMs`). */
  ms: number;
  /**
   * Time the request waited before the host's event loop took it, ms: IPC transit (~0.1 ms) plus
   * main-thread work the handler module left running after the previous phase.
   */
  queuedMs?: number;
  /**
   * Time the main thread was busy (event-loop utilization) while the request waited, ms: tells work
   * the module left running from a wait for the CPU share (throttled or descheduled, the loop idles).
   */
  queuedBusyMs?: number;
  /**
   * CPU time of the whole process (user + system, all threads), ms, counted from the end of the
   * previous phase when no other phase was in flight (so work done while the request waited counts).
   */
  cpuMs: number;
  /** Kernel high-water mark of the process's resident set after the phase, bytes. */
  maxRssBytes: number;
  /** Time the process's threads waited for a CPU (run queue, from each thread's /proc schedstat), ms; counted like cpuMs. */
  runQueueMs?: number;
  /** Of that, the wait the instance's own CFS quota caused (its CPU group's throttled time), ms; counted like cpuMs. */
  throttledMs?: number;
  /** Current RSS and V8 heap + external memory after the phase, bytes. */
  rssBytes: number;
  heapBytes: number;
}

/** Child → parent. */
export type HostReply =
  /** The host is up; its RSS before the handler loads (Node's own baseline). */
  | { type: 'ready'; rssBytes: number; /** CPU time the process used to get here (user + sys, all threads, since exec), ms. */ cpuMs?: number }
  | ({ type: 'init-done'; ok: true; backend?: string } & PhaseSample)
  | ({ type: 'init-done'; ok: false; errorType: string; errorMessage: string } & PhaseSample)
  | ({ type: 'invoke-done'; id: number; ok: true; status?: number; bodyBytes: number; preview: string; backend?: string; body?: string; headers?: Record<string, string>; raw?: Uint8Array } & PhaseSample)
  | ({ type: 'invoke-done'; id: number; ok: false; errorType: string; errorMessage: string; status?: number; body?: string; headers?: Record<string, string> } & PhaseSample)
  | { type: 'gc-heap'; heapBytes: number }
  /** The host is about to exit on a fault outside any phase it could fail (the platform's wording). */
  | { type: 'fault'; errorType: string; errorMessage: string };
