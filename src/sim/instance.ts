/**
 * One function instance: a fresh runtime host process started with the platform's Node flags and
 * environment, placed in its own cgroup before Node starts (a `sh` wrapper writes its pid to
 * cgroup.procs, then execs node), or watched by the RSS watchdog. Phases (INIT, INVOKE) are timed
 * in the child, from the moment the request is sent here (stamped on a clock both share); here we
 * enforce the INIT and function timeouts and classify deaths the way the platform reports them
 * (out of memory, timed out, exited, signal).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { monotonicMs, type HostReply, type HostRequest, type PhaseSample } from './protocol.js';
import type { InstanceCgroup } from './cgroup.js';
import { startWatchdog, type Watchdog } from './memory-watchdog.js';
import { track, untrack } from './instance-registry.js';
import type { PlatformId } from '../platforms/platform-profile.js';

export type FailureKind = 'oom' | 'timeout' | 'error' | 'crash';

export interface PhaseResult {
  ok: boolean;
  sample?: PhaseSample;
  /** Wall time seen by the parent (used when the child died before reporting). */
  parentMs: number;
  kind?: FailureKind;
  errorType?: string;
  errorMessage?: string;
  status?: number;
  bodyBytes?: number;
  preview?: string;
  backend?: string;
}

export interface InstanceOptions {
  entry: string;
  cwd: string;
  convention: PlatformId;
  exportName?: string;
  event: unknown;
  memoryMb: number;
  functionName: string;
  nodeFlags: string[];
  env: Record<string, string>;
  hostScript: string;
  timeoutMs: number;
  initTimeoutMs: number;
  /** cgroup already created (memory limit and/or CPU quota), or undefined. */
  cgroup?: InstanceCgroup;
  /** Memory limit for the watchdog when no cgroup enforces it. */
  watchdogLimitBytes?: number;
  /**
   * The limit applies to the isolate, not the process (Workers: 128 MB of JS heap and wasm
   * memory): the host's own baseline RSS, measured before INIT, is added to the limit.
   */
  isolate?: { limitBytes: number };
  /** Scheduling priority (nice value) for the instance; negative values need privileges. */
  priority?: number;
}

const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: 'killed',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGTERM: 'terminated',
  SIGILL: 'illegal instruction',
  SIGFPE: 'floating point exception',
};

const PLACE_AND_EXEC = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift; n=$((n-1)); done; exec "$@"';

export class RuntimeInstance {
  private child: ChildProcess;
  private pending = new Map<string, (r: HostReply | undefined) => void>();
  /** Node's own RSS before the handler loaded (isolate platforms: not counted against the limit). */
  isolateBaselineBytes = 0;
  private exited?: { code: number | null; signal: NodeJS.Signals | null };
  private exitWaiters: (() => void)[] = [];
  private killReason?: 'timeout' | 'oom-watchdog';
  private watchdog?: Watchdog;
  private stderrTail = '';
  private oomKilled = false;
  /** The cgroup's memory high-water mark, read when the process exited. */
  cgroupPeak?: number;
  private nextId = 0;
  readonly bootStarted = performance.now();
  readonly disposable = { killNow: () => this.killNow() };
  /** Lines the handler printed (stdout and stderr), most recent last. */
  output = '';

  constructor(private readonly opts: InstanceOptions) {
    const node = [process.execPath, '--expose-gc', ...opts.nodeFlags, opts.hostScript];
    const procs = opts.cgroup?.procsFiles ?? [];
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      LAMBDA_TASK_ROOT: opts.cwd,
      ...opts.env,
    };
    this.child = spawn('/bin/sh', ['-c', PLACE_AND_EXEC, 'sh', String(procs.length), ...procs, ...node], {
      cwd: opts.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    track(this.disposable);
    if (opts.priority !== undefined && this.child.pid) {
      try {
        setPriority(this.child.pid, opts.priority);
      } catch {
        /* not permitted: measure at normal priority */
      }
    }
    this.child.stdout?.on('data', (d: Buffer) => this.keep(d, false));
    this.child.stderr?.on('data', (d: Buffer) => this.keep(d, true));
    this.child.on('message', (msg: HostReply) => this.onMessage(msg));
    this.child.on('error', () => undefined);
    this.child.on('close', (code, signal) => {
      this.exited = { code, signal };
      this.watchdog?.stop();
      // Read the kernel's verdict before the group goes away.
      this.oomKilled = (opts.cgroup?.oomKills() ?? 0) > 0;
      this.cgroupPeak = opts.cgroup?.peakBytes();
      opts.cgroup?.remove();
      for (const w of this.exitWaiters.splice(0)) w();
      for (const [, resolve] of this.pending) resolve(undefined);
      this.pending.clear();
      untrack(this.disposable);
    });
    if (opts.watchdogLimitBytes !== undefined && this.child.pid) {
      this.watchdog = startWatchdog(this.child.pid, opts.watchdogLimitBytes, () => {
        this.killReason ??= 'oom-watchdog';
        this.child.kill('SIGKILL');
      });
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Highest RSS the watchdog saw (watchdog mode). */
  get watchdogPeakBytes(): number | undefined {
    return this.watchdog?.peakBytes;
  }

  private keep(d: Buffer, isErr: boolean): void {
    this.output = (this.output + d.toString('utf8')).slice(-8192);
    if (isErr) this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4096);
  }

  private onMessage(msg: HostReply): void {
    const key = msg.type === 'invoke-done' ? `invoke-${msg.id}` : msg.type;
    const resolve = this.pending.get(key);
    if (resolve) {
      this.pending.delete(key);
      resolve(msg);
    }
  }

  private request(key: string, msg: HostRequest | undefined, timeoutMs: number): Promise<{ reply: HostReply | undefined; parentMs: number }> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      if (this.exited) return resolve({ reply: undefined, parentMs: 0 });
      const timer = setTimeout(() => {
        this.killReason ??= 'timeout';
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.pending.set(key, (reply) => {
        clearTimeout(timer);
        resolve({ reply, parentMs: performance.now() - t0 });
      });
      // Stamped as it leaves: the child times the phase from here (the event is delivered).
      if (msg) this.child.send(msg.type === 'gc' ? msg : { ...msg, sentAt: monotonicMs() });
    });
  }

  /** Waits for Node to start (time from spawn to the host's first message), then runs INIT. */
  async init(): Promise<PhaseResult & { bootMs: number }> {
    const ready = await this.request('ready', undefined, this.opts.initTimeoutMs + 10_000);
    const bootMs = performance.now() - this.bootStarted;
    if (!ready.reply || ready.reply.type !== 'ready') return { ...(await this.failure(ready.parentMs, 'init')), bootMs };
    const o = this.opts;
    if (o.isolate) {
      this.isolateBaselineBytes = ready.reply.rssBytes;
      o.cgroup?.setMemoryLimit(o.isolate.limitBytes + ready.reply.rssBytes);
      this.watchdog?.setLimit(o.isolate.limitBytes + ready.reply.rssBytes);
    }
    const { reply, parentMs } = await this.request(
      'init-done',
      { type: 'init', entry: o.entry, convention: o.convention, exportName: o.exportName, event: o.event, memoryMb: o.memoryMb, timeoutMs: o.timeoutMs, functionName: o.functionName },
      o.initTimeoutMs,
    );
    if (!reply || reply.type !== 'init-done') return { ...(await this.failure(parentMs, 'init')), bootMs };
    const { type: _t, ok, ...sample } = reply;
    if (!reply.ok) {
      return { ok: false, kind: 'error', errorType: reply.errorType, errorMessage: reply.errorMessage, sample: pickSample(sample), parentMs, bootMs };
    }
    return { ok, sample: pickSample(sample), parentMs, bootMs, backend: reply.backend };
  }

  async invoke(): Promise<PhaseResult> {
    const id = ++this.nextId;
    const { reply, parentMs } = await this.request(`invoke-${id}`, { type: 'invoke', id }, this.opts.timeoutMs);
    if (!reply || reply.type !== 'invoke-done') return this.failure(parentMs, 'invoke');
    const sample = pickSample(reply);
    if (!reply.ok) return { ok: false, kind: 'error', errorType: reply.errorType, errorMessage: reply.errorMessage, sample, parentMs };
    const httpError = reply.status !== undefined && reply.status >= 400;
    return {
      ok: !httpError,
      kind: httpError ? 'error' : undefined,
      errorType: httpError ? `HTTP ${reply.status}` : undefined,
      errorMessage: httpError ? reply.preview : undefined,
      status: reply.status,
      bodyBytes: reply.bodyBytes,
      preview: reply.preview,
      backend: reply.backend,
      sample,
      parentMs,
    };
  }

  /** Full GC in the child and the heap (+ external) in use after it, bytes. */
  async heapAfterGc(): Promise<number | undefined> {
    const { reply } = await this.request('gc-heap', { type: 'gc' }, 30_000);
    return reply && reply.type === 'gc-heap' ? reply.heapBytes : undefined;
  }

  private waitExit(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Classifies a death during a phase the way the platform reports it. */
  private async failure(parentMs: number, phase: 'init' | 'invoke'): Promise<PhaseResult> {
    await this.waitExit();
    const { code, signal } = this.exited ?? { code: null, signal: null };
    const oomByKernel = this.oomKilled;
    const heapOom = /heap out of memory|Reached heap limit/i.test(this.stderrTail);
    if (this.killReason === 'oom-watchdog' || oomByKernel || heapOom) {
      const how = heapOom && !oomByKernel && this.killReason !== 'oom-watchdog' ? 'JavaScript heap out of memory' : 'signal: killed';
      return { ok: false, kind: 'oom', errorType: 'Runtime.OutOfMemory', errorMessage: `Runtime exited with error: ${how}`, parentMs };
    }
    if (this.killReason === 'timeout') {
      const limit = phase === 'init' ? this.opts.initTimeoutMs : this.opts.timeoutMs;
      return {
        ok: false,
        kind: 'timeout',
        errorType: phase === 'init' ? 'Runtime.InitTimeout' : 'Sandbox.Timedout',
        errorMessage: `${phase === 'init' ? 'INIT phase timed out' : 'Task timed out'} after ${(limit / 1000).toFixed(2)} seconds`,
        parentMs,
      };
    }
    if (code === 97 && phase === 'init' && !this.output) {
      return { ok: false, kind: 'crash', errorType: 'Runtime.ExitError', errorMessage: 'could not place the process in its cgroup', parentMs };
    }
    const how = signal ? `signal: ${SIGNAL_WORDS[signal] ?? signal}` : `exit status ${code}`;
    const lastLine = this.stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
    return {
      ok: false,
      kind: 'crash',
      errorType: 'Runtime.ExitError',
      errorMessage: `Runtime exited with error: ${how}${lastLine ? ` (${lastLine.slice(0, 200)})` : ''}`,
      parentMs,
    };
  }

  /** Ends the instance and waits until the process is gone and its cgroups are removed. */
  async stop(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.waitExit();
  }

  private killNow(): void {
    if (!this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.opts.cgroup?.remove();
  }
}

function pickSample(s: PhaseSample): PhaseSample {
  return { ms: s.ms, queuedMs: s.queuedMs, cpuMs: s.cpuMs, runQueueMs: s.runQueueMs, throttledMs: s.throttledMs, maxRssBytes: s.maxRssBytes, rssBytes: s.rssBytes, heapBytes: s.heapBytes };
}
