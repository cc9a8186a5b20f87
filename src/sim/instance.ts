/**
 * One function instance: a fresh runtime host process started with the platform's Node flags and
 * environment, placed in its own cgroup before Node starts (a `sh` wrapper writes its pid to
 * cgroup.procs, then execs node), or watched by the RSS watchdog. Phases (INIT, INVOKE) are timed
 * in the child, from the moment the request is sent here (stamped on a clock both share); here we
 * enforce the INIT and function timeouts and classify deaths the way the platform reports them
 * (out of memory, timed out, exited, signal).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { monotonicMs, type HostReply, type HostRequest, type PayloadLimits, type PhaseSample } from './protocol.js';
import type { InstanceCgroup } from './cgroup.js';
import { startWatchdog, type Watchdog } from './memory-watchdog.js';
import { track, untrack } from './instance-registry.js';
import { INSTANCE_MARKER_ENV, killInstance, type InstanceScope } from './instance-processes.js';
import type { PlatformId } from '../core/platform-facts.js';
import { platformModule, type EmulatorSpec } from '../platforms/index.js';
import { conventionScript } from './host-script.js';
import type { HttpRequestData } from '../platforms/shared/convention.js';

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
  /** Memory high-water mark when the phase ended without a sample (cgroup or watchdog), bytes. */
  maxMemoryBytes?: number;
  bodyBytes?: number;
  preview?: string;
  backend?: string;
  /** The whole body and headers, when asked for (host-parity tests). */
  body?: string;
  /** The whole body as bytes, when asked for (`wantRaw`: invoke, serve). */
  raw?: Uint8Array;
  headers?: Record<string, string>;
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
  /** The platform's payload limits, enforced the platform's way (platform-profile payload). */
  payload?: PayloadLimits;
  /** The platform runtime's own module, loaded first in INIT (protocol.ts `runtimeModules`). */
  runtimeModules?: string[];
  /** The Node.js binary to run (default: this one); the target's major when installed. */
  nodePath?: string;
  /** Everything the handler prints, as it arrives (invoke, serve: the function's logs). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
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

export const PLACE_AND_EXEC = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift; n=$((n-1)); done; exec "$@"';

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
  private deathReported = false;
  private stopping = false;
  /** A death no phase reported (the process exited by itself between phases), classified at stop(). */
  unreportedDeath?: PhaseResult;
  /** Processes other than the host that were still running when the instance ended, and were killed. */
  readonly leftovers: string[] = [];
  /** A fault the host reported before it exited (unhandled rejection, uncaught exception). */
  private lastFault?: { errorType: string; errorMessage: string };
  /** Marks every process of this instance (inherited through the environment). */
  private readonly marker = `${process.pid}-${randomBytes(6).toString('hex')}`;

  /** How the platform loads and calls the handler (its convention module is the host's argument). */
  private readonly emulator: EmulatorSpec;

  constructor(private readonly opts: InstanceOptions) {
    this.emulator = platformModule(opts.convention).emulator;
    const node = [opts.nodePath ?? process.execPath, '--expose-gc', ...opts.nodeFlags, opts.hostScript, conventionScript(opts.convention)];
    const procs = opts.cgroup?.procsFiles ?? [];
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      LAMBDA_TASK_ROOT: opts.cwd,
      ...opts.env,
      [INSTANCE_MARKER_ENV]: this.marker,
    };
    // A session (and process group) of its own: everything the handler starts without detaching
    // stays in it; see instance-processes.ts for the rest.
    this.child = spawn('/bin/sh', ['-c', PLACE_AND_EXEC, 'sh', String(procs.length), ...procs, ...node], {
      cwd: opts.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      detached: true,
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
    let closed = false;
    this.child.on('close', () => (closed = true));
    // 'exit', not 'close': a child the handler started may hold our pipes open for minutes.
    this.child.on('exit', (code, signal) => {
      this.watchdog?.stop();
      // whatever the handler left running dies with the instance (the group must be empty to go)
      this.leftovers.push(...killInstance(this.scope(false)));
      // Read the kernel's verdict before the group goes away.
      this.oomKilled = (opts.cgroup?.oomKills() ?? 0) > 0;
      this.cgroupPeak = opts.cgroup?.peakBytes();
      opts.cgroup?.remove();
      const finish = () => {
        if (this.exited) return;
        this.exited = { code, signal };
        for (const w of this.exitWaiters.splice(0)) w();
        for (const [, resolve] of this.pending) resolve(undefined);
        this.pending.clear();
        untrack(this.disposable);
      };
      // the last stderr lines (a V8 heap OOM message) arrive with 'close'
      if (closed) finish();
      else {
        this.child.once('close', finish);
        setTimeout(finish, 500).unref();
      }
    });
    if (opts.watchdogLimitBytes !== undefined && this.child.pid) {
      this.watchdog = startWatchdog(this.child.pid, opts.watchdogLimitBytes, () => {
        this.killReason ??= 'oom-watchdog';
        this.killHost();
      });
    }
  }

  private scope(hostAlive: boolean): InstanceScope {
    return { hostPid: this.child.pid ?? -1, marker: this.marker, procsFiles: this.opts.cgroup?.procsFiles ?? [], hostAlive };
  }

  /** Kills the host and its process group (the rest is swept when it has exited). */
  private killHost(): void {
    // its own high-water mark, read while it still exists: the Max Memory Used of a timeout
    this.notePeak(peakRssOf(this.child.pid));
    try {
      if (this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
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
    this.opts.onOutput?.(d.toString('utf8'), isErr ? 'stderr' : 'stdout');
    this.output = (this.output + d.toString('utf8')).slice(-8192);
    if (isErr) this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4096);
  }

  /** Highest resident set seen: phase samples, the host's VmHWM before a kill. */
  private peakSeen = 0;

  private notePeak(bytes: number | undefined): void {
    if (bytes && bytes > this.peakSeen) this.peakSeen = bytes;
  }

  private onMessage(msg: HostReply): void {
    if ('maxRssBytes' in msg) this.notePeak(msg.maxRssBytes);
    if (msg.type === 'fault') {
      this.lastFault = { errorType: msg.errorType, errorMessage: msg.errorMessage };
      return;
    }
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
        this.killHost();
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
  async init(): Promise<PhaseResult & { bootMs: number; bootCpuMs?: number }> {
    const ready = await this.request('ready', undefined, this.opts.initTimeoutMs + 10_000);
    const bootMs = performance.now() - this.bootStarted;
    const bootCpuMs = ready.reply?.type === 'ready' ? ready.reply.cpuMs : undefined;
    if (!ready.reply || ready.reply.type !== 'ready') return { ...(await this.failure(ready.parentMs, 'init')), bootMs };
    const o = this.opts;
    if (o.isolate) {
      this.isolateBaselineBytes = ready.reply.rssBytes;
      o.cgroup?.setMemoryLimit(o.isolate.limitBytes + ready.reply.rssBytes);
      this.watchdog?.setLimit(o.isolate.limitBytes + ready.reply.rssBytes);
    }
    const { reply, parentMs } = await this.request(
      'init-done',
      { type: 'init', entry: o.entry, convention: o.convention, loader: this.emulator.loader, hideGlobals: this.emulator.hideGlobals, exportName: o.exportName, event: o.event, memoryMb: o.memoryMb, timeoutMs: o.timeoutMs, functionName: o.functionName, payload: o.payload, runtimeModules: o.runtimeModules },
      o.initTimeoutMs,
    );
    if (!reply || reply.type !== 'init-done') return { ...(await this.failure(parentMs, 'init')), bootMs };
    const { type: _t, ok, ...sample } = reply;
    if (!reply.ok) {
      return { ok: false, kind: 'error', errorType: reply.errorType, errorMessage: reply.errorMessage, sample: pickSample(sample), parentMs, bootMs };
    }
    return { ok, sample: pickSample(sample), parentMs, bootMs, bootCpuMs, backend: reply.backend };
  }

  /** One invocation: the init event, or `options.event`; `wantBody` returns the whole body and headers. */
  async invoke(options: { event?: unknown; wantBody?: boolean; wantRaw?: boolean; http?: HttpRequestData } = {}): Promise<PhaseResult> {
    const id = ++this.nextId;
    const msg: HostRequest = {
      type: 'invoke',
      id,
      ...('event' in options ? { event: { value: options.event } } : {}),
      ...(options.wantBody ? { wantBody: true } : {}),
      ...(options.wantRaw ? { wantRaw: true } : {}),
      ...(options.http ? { http: options.http } : {}),
    };
    const { reply, parentMs } = await this.request(`invoke-${id}`, msg, this.opts.timeoutMs);
    if (!reply || reply.type !== 'invoke-done') return this.failure(parentMs, 'invoke');
    const sample = pickSample(reply);
    if (!reply.ok) return { ok: false, kind: 'error', errorType: reply.errorType, errorMessage: reply.errorMessage, status: reply.status, body: reply.body, headers: reply.headers, sample, parentMs };
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
      body: reply.body,
      raw: reply.raw,
      headers: reply.headers,
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
    this.deathReported = true;
    return { ...this.classifyDeath(phase), parentMs, maxMemoryBytes: this.maxMemoryBytes() };
  }

  /** The best known high-water mark of a dead instance (cgroup charge, watchdog, the host's own VmHWM, samples), or undefined. */
  private maxMemoryBytes(): number | undefined {
    const peak = Math.max(this.cgroupPeak ?? 0, this.watchdogPeakBytes ?? 0, this.peakSeen);
    return peak > 0 ? peak : undefined;
  }

  private classifyDeath(phase: 'init' | 'invoke'): Omit<PhaseResult, 'parentMs'> {
    const { code, signal } = this.exited ?? { code: null, signal: null };
    const oomByKernel = this.oomKilled;
    const heapOom = /heap out of memory|Reached heap limit/i.test(this.stderrTail);
    if (this.killReason === 'oom-watchdog' || oomByKernel || heapOom) {
      const how = heapOom && !oomByKernel && this.killReason !== 'oom-watchdog' ? 'JavaScript heap out of memory' : 'signal: killed';
      return { ok: false, kind: 'oom', errorType: 'Runtime.OutOfMemory', errorMessage: `Runtime exited with error: ${how}` };
    }
    if (this.killReason === 'timeout') {
      const limit = phase === 'init' ? this.opts.initTimeoutMs : this.opts.timeoutMs;
      return {
        ok: false,
        kind: 'timeout',
        errorType: phase === 'init' ? 'Runtime.InitTimeout' : 'Sandbox.Timedout',
        errorMessage: `${phase === 'init' ? 'INIT phase timed out' : 'Task timed out'} after ${(limit / 1000).toFixed(2)} seconds`,
      };
    }
    if (code === 97 && phase === 'init' && !this.output) {
      return { ok: false, kind: 'crash', errorType: 'Runtime.ExitError', errorMessage: 'could not place the process in its cgroup' };
    }
    const how = signal ? `signal: ${SIGNAL_WORDS[signal] ?? signal}` : `exit status ${code}`;
    const f = this.lastFault;
    const lastLine = f ? `${f.errorType}: ${f.errorMessage}` : this.stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
    return {
      ok: false,
      kind: 'crash',
      errorType: 'Runtime.ExitError',
      errorMessage: `Runtime exited with error: ${how}${lastLine ? ` (${lastLine.slice(0, 200)})` : ''}`,
    };
  }

  /** Ends the instance and waits until the process is gone and its cgroups are removed. */
  async stop(): Promise<void> {
    if (!this.exited) this.leftovers.push(...killInstance(this.scope(true)));
    else if (!this.deathReported && !this.stopping) {
      // it died by itself between phases (a fault after its reply): still the handler's fault
      this.deathReported = true;
      this.unreportedDeath = { ...this.classifyDeath('invoke'), parentMs: 0, maxMemoryBytes: this.maxMemoryBytes() };
    }
    this.stopping = true;
    await this.waitExit();
  }

  private killNow(): void {
    killInstance(this.scope(!this.exited));
    this.opts.cgroup?.remove();
  }
}

/** A live process's peak resident set (VmHWM), bytes; undefined when it cannot be read. */
function peakRssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'latin1').match(/^VmHWM:\s+(\d+) kB/m);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function pickSample(s: PhaseSample): PhaseSample {
  return { ms: s.ms, queuedMs: s.queuedMs, cpuMs: s.cpuMs, runQueueMs: s.runQueueMs, throttledMs: s.throttledMs, maxRssBytes: s.maxRssBytes, rssBytes: s.rssBytes, heapBytes: s.heapBytes };
}
