/**
 * `dlpack bench --host real`: one function instance in the platform's own local runtime
 * (real-host.ts), with the same limits as the emulator's instances (its cgroup: memory limit and
 * CFS quota; the platform's Node flags and environment) and the same figures. The host cannot time
 * itself, so every phase is measured from outside: wall time from the request (or spawn) to the
 * answer, CPU time and run-queue waits from /proc/<pid>/task/*\/schedstat (ns, all threads),
 * resident set and its high-water mark from /proc/<pid>/status, the group's throttled time from
 * cpu.stat. INIT runs from Node being up (its fd-3 stamp; workerd: spawn) to the runtime asking for
 * its first event (Lambda's Runtime API) or its server listening.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { PlatformProfile } from '../core/platform-facts.js';
import type { InstanceCgroup } from './cgroup.js';
import type { PhaseResult } from './instance.js';
import { localHostOf, type LocalHosts } from './local-hosts.js';
import type { PhaseSample } from './protocol.js';
import { RealHost, type RealRequest } from './real-host.js';

export interface RealInstanceOptions {
  profile: PlatformProfile;
  dir: string;
  entry: string;
  modules?: string[];
  hosts: LocalHosts;
  event: unknown;
  memoryMb: number;
  functionName: string;
  nodeFlags: string[];
  env: Record<string, string>;
  timeoutMs: number;
  initTimeoutMs: number;
  cgroup?: InstanceCgroup;
  /**
   * Workers: the limit is the isolate's. workerd's resident set when it listens (its own runtime and
   * the compiled script, before the model loads on the first request) is added to it, as the emulator
   * adds Node's baseline.
   */
  isolateLimitBytes?: number;
}

interface Counters {
  cpuNs: number;
  waitNs: number;
  throttledNs: number;
}

/** CPU and run-queue time of every thread of a process (schedstat: on-CPU ns, waiting ns). */
function processCounters(pid: number | undefined, cgroup: InstanceCgroup | undefined): Counters {
  let cpuNs = 0;
  let waitNs = 0;
  if (pid) {
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        try {
          const [run, wait] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'latin1').split(' ').map(Number);
          cpuNs += run || 0;
          waitNs += wait || 0;
        } catch {
          /* thread ended */
        }
      }
    } catch {
      /* process gone */
    }
  }
  return { cpuNs, waitNs, throttledNs: throttledNs(cgroup) };
}

function throttledNs(cgroup: InstanceCgroup | undefined): number {
  for (const dir of cgroup?.dirs ?? []) {
    try {
      const stat = readFileSync(`${dir}/cpu.stat`, 'latin1');
      const usec = stat.match(/^throttled_usec (\d+)/m);
      if (usec) return Number(usec[1]) * 1000;
      const ns = stat.match(/^throttled_time (\d+)/m);
      if (ns) return Number(ns[1]);
    } catch {
      /* no cpu controller here */
    }
  }
  return NaN;
}

function memoryOf(pid: number | undefined): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

function sampleOf(ms: number, from: Counters, to: Counters, pid: number | undefined): PhaseSample {
  const mem = memoryOf(pid);
  const throttled = (to.throttledNs - from.throttledNs) / 1e6;
  return {
    ms,
    queuedMs: 0,
    cpuMs: (to.cpuNs - from.cpuNs) / 1e6,
    runQueueMs: (to.waitNs - from.waitNs) / 1e6,
    throttledMs: Number.isFinite(throttled) ? Math.max(0, throttled) : undefined,
    maxRssBytes: mem.hwm,
    rssBytes: mem.rss,
    heapBytes: 0,
  };
}

export class RealInstance {
  private host?: RealHost;
  private last: Counters = { cpuNs: 0, waitNs: 0, throttledNs: NaN };
  isolateBaselineBytes = 0;
  unreportedDeath?: PhaseResult;
  cgroupPeak?: number;
  readonly watchdogPeakBytes = undefined;
  private ended = false;
  /** The host polls dlpack's Runtime API for events (Lambda's RIC) rather than serving HTTP. */
  private readonly eventHost: boolean;

  constructor(private readonly opts: RealInstanceOptions) {
    const recipe = localHostOf(opts.profile.id);
    this.eventHost = recipe.kind === 'npm' && recipe.boot === 'runtime-api';
  }

  get alive(): boolean {
    return !this.ended && !!this.host?.alive;
  }

  get leftovers(): string[] {
    return this.host?.leftovers.filter((l) => l !== 'host') ?? [];
  }

  get output(): string {
    return this.host?.output ?? '';
  }

  async init(): Promise<PhaseResult & { bootMs: number }> {
    const o = this.opts;
    // INIT's counters start when Node is up (its stamp): boot is not INIT's, as in the emulator
    let before = processCounters(undefined, o.cgroup);
    const { host, start } = await RealHost.start({
      onUp: (pid) => (before = processCounters(pid, o.cgroup)),
      profile: o.profile,
      dir: o.dir,
      entry: o.entry,
      modules: o.modules,
      memoryMb: o.memoryMb,
      hosts: o.hosts,
      nodeFlags: o.nodeFlags,
      env: o.env,
      functionName: o.functionName,
      cgroup: o.cgroup,
      startTimeoutMs: o.initTimeoutMs + 10_000,
      timeoutMs: o.timeoutMs,
    });
    this.host = host;
    if (o.isolateLimitBytes !== undefined && start.ok) {
      this.isolateBaselineBytes = memoryOf(host.pid).rss;
      o.cgroup?.setMemoryLimit(o.isolateLimitBytes + this.isolateBaselineBytes);
    }
    // the whole start-up's counters (boot included: the stamp comes from inside the process)
    const after = processCounters(host.pid, o.cgroup);
    this.last = after;
    const sample = sampleOf(start.initMs, before, after, host.pid);
    if (!start.ok) {
      this.cgroupPeak = o.cgroup?.peakBytes();
      const oom = (o.cgroup?.oomKills() ?? 0) > 0;
      return {
        ok: false,
        kind: oom ? 'oom' : start.errorType === 'Runtime.InitTimeout' ? 'timeout' : 'error',
        errorType: oom ? 'Runtime.OutOfMemory' : start.errorType,
        errorMessage: oom ? 'Runtime exited with error: signal: killed' : start.errorMessage,
        parentMs: start.bootMs + start.initMs,
        bootMs: start.bootMs,
        sample,
      };
    }
    return { ok: true, sample, parentMs: start.initMs, bootMs: start.bootMs };
  }

  async invoke(): Promise<PhaseResult> {
    const host = this.host!;
    // counted from the end of the previous phase, as the emulator does: work the module left running
    // after INIT (a model load it started) happens before the event arrives and is this phase's
    const from = this.last;
    const body = typeof this.opts.event === 'string' ? this.opts.event : JSON.stringify(this.opts.event ?? {});
    // a Runtime API host takes the event itself, an HTTP host the event as a JSON body
    const req: RealRequest = this.eventHost ? { event: this.opts.event } : { body, headers: { 'content-type': 'application/json' } };
    try {
      const answer = await host.send(req);
      const to = processCounters(host.pid, this.opts.cgroup);
      this.last = to;
      const sample = sampleOf(answer.ms, from, to, host.pid);
      if (answer.errorType) return { ok: false, kind: 'error', errorType: answer.errorType, errorMessage: answer.errorMessage, sample, parentMs: answer.ms };
      const httpError = answer.status !== undefined && answer.status >= 400;
      const text = answer.body.toString('utf8', 0, Math.min(answer.body.length, 300));
      return {
        ok: !httpError,
        kind: httpError ? 'error' : undefined,
        errorType: httpError ? `HTTP ${answer.status}` : undefined,
        errorMessage: httpError ? text : undefined,
        status: answer.status,
        bodyBytes: answer.body.length,
        preview: text,
        backend: backendOf(answer.body),
        sample,
        parentMs: answer.ms,
      };
    } catch (err) {
      const oom = (this.opts.cgroup?.oomKills() ?? 0) > 0;
      return oom
        ? { ok: false, kind: 'oom', errorType: 'Runtime.OutOfMemory', errorMessage: 'Runtime exited with error: signal: killed', parentMs: 0, maxMemoryBytes: this.opts.cgroup?.peakBytes() }
        : { ok: false, kind: 'crash', errorType: 'Runtime.ExitError', errorMessage: (err as Error).message.slice(0, 300), parentMs: 0 };
    }
  }

  /** The real hosts expose no heap: growth per invocation is not measured. */
  async heapAfterGc(): Promise<number | undefined> {
    return undefined;
  }

  async stop(): Promise<void> {
    this.ended = true;
    this.cgroupPeak = this.opts.cgroup?.peakBytes();
    await this.host?.stop();
  }
}

/** The `backend` field of dlpack's answers (Lambda HTTP events: inside the JSON body). */
function backendOf(body: Buffer): string | undefined {
  if (body.length > 1_000_000) return undefined;
  try {
    let v = JSON.parse(body.toString('utf8')) as { backend?: unknown; body?: unknown };
    if (typeof v?.body === 'string') v = JSON.parse(v.body) as { backend?: unknown };
    return typeof v?.backend === 'string' ? v.backend : undefined;
  } catch {
    return undefined;
  }
}
