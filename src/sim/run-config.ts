/**
 * One configuration (target × memory size): `cold` fresh instances (INIT + first invocation each),
 * `warm` further invocations on the first instance, `concurrency` requests in flight at a time.
 * Failures (OOM, timeout, error, crash) are recorded the platform's way and the run goes on.
 */
import { availableParallelism } from 'node:os';
import type { BenchConfigResult } from '../report/report-schemas.js';
import type { Arch, PlatformProfile } from '../platforms/platform-profile.js';
import { billedDuration, nodeFlags, priceFor, runtimeEnv, vcpuFor } from '../platforms/index.js';
import { detectCgroups, InstanceCgroup } from './cgroup.js';
import { RuntimeInstance, type PhaseResult } from './instance.js';
import { projectMs } from './cpu-projection.js';
import { mean, percentiles, round } from './stats.js';
import type { ResolvedInput } from './bench-input.js';

export type CpuMode = 'cgroup' | 'scale' | 'off';
export type MemoryLimitMode = 'cgroup' | 'watchdog';

export interface ConfigPlan {
  profile: PlatformProfile;
  memoryMb: number;
  arch: Arch;
  cpuMode: CpuMode;
  memoryLimitMode: MemoryLimitMode;
  cold: number;
  warm: number;
  concurrency: number;
  timeoutMs: number;
  initTimeoutMs: number;
  input: ResolvedInput;
  event: unknown;
  hostScript: string;
  functionName?: string;
  /** Nice value for the instances (see BenchOptions.priority). */
  priority?: number;
  /** Lambda-style log lines (REPORT, errors), for --verbose. */
  log?: (line: string) => void;
  progress?: (message: string) => void;
}

/** A configuration's result: the schema's BenchConfigResult with the optional details filled in. */
export type ConfigResult = BenchConfigResult;

const MIB = 1024 * 1024;
/** Memory growth above this per warm invocation (after a full GC), with ≥ 1 MB in total, is flagged. */
const LEAK_KB_PER_INVOKE = 64;
/** Fewer warm invocations than this are too few to tell a leak from GC noise. */
const LEAK_MIN_INVOCATIONS = 10;
/** Platforms whose memory limit is per isolate, not per process (developers.cloudflare.com/workers/platform/limits/). */
const ISOLATE_PLATFORMS = new Set(['cloudflare-workers']);
/**
 * A first invocation whose event waited longer than this for the host's main thread (IPC alone is
 * ~0.1 ms) is flagged: the module left work running after INIT.
 */
const QUEUED_NOTE_MS = 5;
/**
 * …and only when the host's main thread was busy for part of that wait (event-loop utilization): a
 * wait for the CPU share (CFS throttling at small memory sizes, a loaded machine) or other threads'
 * CPU (V8's background GC) is not work the module left on the main thread.
 */
const QUEUED_BUSY_NOTE_MS = 2;

export async function runConfiguration(plan: ConfigPlan): Promise<ConfigResult> {
  const { profile, memoryMb } = plan;
  const vcpu = vcpuFor(profile, memoryMb);
  const support = detectCgroups();
  const notes: string[] = [];
  // Workers limit each isolate (JS heap + wasm memory) to 128 MB; the Node process around it is not counted.
  const isolate = ISOLATE_PLATFORMS.has(profile.id);
  let baseline = 0;
  const cores = availableParallelism();
  if (vcpu > cores && plan.cpuMode !== 'off') notes.push(`${round(vcpu, 2)} vCPU is more than this machine's ${cores} cores: measured with at most ${cores}`);
  const duration = (s: PhaseResult['sample']) => (!s ? 0 : plan.cpuMode === 'scale' ? projectMs(s.ms, s.cpuMs, vcpu, s.runQueueMs) : s.ms);
  const errors = { oom: 0, timeout: 0, error: 0, messages: [] as string[] };
  const initMs: number[] = [];
  const bootMs: number[] = [];
  const coldTotalMs: number[] = [];
  const firstQueuedMs: number[] = [];
  const firstQueuedBusyMs: number[] = [];
  const warmMs: number[] = [];
  const initCpu: number[] = [];
  const warmCpu: number[] = [];
  const warmRunQueue: number[] = [];
  const warmCost: number[] = [];
  const coldCost: number[] = [];
  let peakBytes = 0;
  let cgroupPeak = 0;
  let oomSeen = false;
  let growthKb = 0;
  let backend: string | undefined;
  let requestNo = 0;

  const fail = (r: PhaseResult, phase: string) => {
    if (r.kind === 'oom') {
      errors.oom++;
      oomSeen = true;
    } else if (r.kind === 'timeout') errors.timeout++;
    else errors.error++;
    const msg = `${phase}: ${r.errorType}: ${r.errorMessage}`;
    if (!errors.messages.includes(msg) && errors.messages.length < 10) errors.messages.push(msg);
    plan.log?.(`ERROR ${phase} ${JSON.stringify({ errorType: r.errorType, errorMessage: r.errorMessage })}`);
  };
  const seen = (r: PhaseResult) => {
    if (r.sample) peakBytes = Math.max(peakBytes, r.sample.maxRssBytes - baseline);
    if (r.backend) backend = r.backend;
  };
  const report = (r: PhaseResult, ms: number, initDuration?: number) => {
    const billed = billedDuration(profile, ms + (initDuration !== undefined && profile.billing.initBilled.value ? initDuration : 0));
    // a death without a sample (timeout, exit, signal): the cgroup's or watchdog's high-water mark, else unknown
    const peak = r.sample?.maxRssBytes ?? r.maxMemoryBytes;
    const used = r.kind === 'oom' ? `${memoryMb} MB` : peak !== undefined ? `${Math.round(peak / MIB)} MB` : 'unknown';
    const id = `${(++requestNo).toString(16).padStart(8, '0')}-dlpack`;
    plan.log?.(
      `REPORT RequestId: ${id} Duration: ${ms.toFixed(2)} ms Billed Duration: ${billed} ms Memory Size: ${memoryMb} MB Max Memory Used: ${used}` +
        (initDuration !== undefined ? ` Init Duration: ${initDuration.toFixed(2)} ms` : '') +
        (r.ok ? '' : r.kind === 'timeout' ? ' Status: timeout' : ' Status: error'),
    );
  };
  const tooSlow = (ms: number) => plan.cpuMode === 'scale' && ms > plan.timeoutMs;
  // With several requests in flight, they share the instance time they are billed for.
  const fee = profile.billing.pricePerMillionRequests.value / 1e6;
  const cost = (ms: number, cpuMs: number) =>
    fee + (priceFor(profile, { memoryMb, arch: plan.arch, billedMs: billedDuration(profile, ms), cpuMs }) - fee) / plan.concurrency;

  for (let i = 0; i < plan.cold; i++) {
    plan.progress?.(`${profile.id} ${memoryMb} MB: cold start ${i + 1}/${plan.cold}`);
    const cgroup = makeCgroup(plan, support, vcpu);
    const inst = new RuntimeInstance({
      entry: plan.input.entry,
      cwd: plan.input.cwd,
      convention: profile.id,
      exportName: plan.input.exportName,
      event: plan.event,
      memoryMb,
      functionName: plan.functionName ?? 'dlpack-bench',
      nodeFlags: [...nodeFlags(profile, memoryMb), ...(plan.input.nodeFlags ?? [])],
      env: runtimeEnv(profile, memoryMb, plan.functionName ?? 'dlpack-bench'),
      hostScript: plan.hostScript,
      timeoutMs: plan.timeoutMs,
      initTimeoutMs: plan.initTimeoutMs,
      cgroup,
      watchdogLimitBytes: plan.memoryLimitMode === 'watchdog' ? memoryMb * MIB : undefined,
      isolate: isolate ? { limitBytes: memoryMb * MIB } : undefined,
      priority: plan.priority,
    });
    try {
      const init = await inst.init();
      baseline = inst.isolateBaselineBytes;
      seen(init);
      bootMs.push(init.bootMs);
      const initD = init.sample ? duration(init.sample) : init.parentMs;
      if (!init.ok) {
        fail(init, 'INIT');
        report(init, 0, initD);
        continue;
      }
      initMs.push(initD);
      initCpu.push(init.sample?.cpuMs ?? 0);
      const first = await inst.invoke();
      seen(first);
      if (first.sample?.queuedMs !== undefined) firstQueuedMs.push(first.sample.queuedMs);
      if (first.sample?.queuedBusyMs !== undefined) firstQueuedBusyMs.push(first.sample.queuedBusyMs);
      const firstD = first.sample ? duration(first.sample) : first.parentMs;
      if (!first.ok) fail(first, 'INVOKE (cold)');
      else if (tooSlow(firstD)) fail({ ...first, ok: false, kind: 'timeout', errorType: 'Sandbox.Timedout', errorMessage: `projected ${firstD.toFixed(0)} ms exceeds the ${plan.timeoutMs} ms timeout` }, 'INVOKE (cold)');
      else {
        coldTotalMs.push(initD + firstD);
        coldCost.push(priceFor(profile, { memoryMb, arch: plan.arch, billedMs: billedDuration(profile, firstD + (profile.billing.initBilled.value ? initD : 0)), cpuMs: first.sample?.cpuMs }));
      }
      report(first, firstD, initD);
      if (i === 0 && plan.warm > 0 && inst.alive) {
        let heapStart: number | undefined;
        let counted = 0;
        let done = 0;
        while (done < plan.warm && inst.alive) {
          const batch = Math.min(plan.concurrency, plan.warm - done);
          const results = await Promise.all(Array.from({ length: batch }, () => inst.invoke()));
          done += batch;
          plan.progress?.(`${profile.id} ${memoryMb} MB: warm ${done}/${plan.warm}`);
          for (const r of results) {
            seen(r);
            const d = r.sample ? duration(r.sample) : r.parentMs;
            if (!r.ok) fail(r, 'INVOKE (warm)');
            else if (tooSlow(d)) fail({ ...r, ok: false, kind: 'timeout', errorType: 'Sandbox.Timedout', errorMessage: `projected ${d.toFixed(0)} ms exceeds the ${plan.timeoutMs} ms timeout` }, 'INVOKE (warm)');
            else {
              warmMs.push(d);
              warmCpu.push(r.sample?.cpuMs ?? 0);
              warmRunQueue.push(r.sample?.runQueueMs ?? 0);
              warmCost.push(cost(d, r.sample?.cpuMs ?? d));
            }
            report(r, d);
          }
          if (heapStart === undefined && inst.alive) heapStart = await inst.heapAfterGc();
          else counted += batch;
        }
        if (!inst.alive && done < plan.warm) errors.messages.push(`instance died: ${plan.warm - done} warm invocations not run`);
        if (heapStart !== undefined && counted > 0 && inst.alive) {
          const heapEnd = await inst.heapAfterGc();
          if (heapEnd !== undefined) growthKb = (heapEnd - heapStart) / 1024 / counted;
        }
      }
    } finally {
      await inst.stop();
      if (inst.unreportedDeath) fail(inst.unreportedDeath, 'SHUTDOWN');
      if (inst.leftovers.length) {
        // processes the handler left running: killed, and a fault of the handler
        const n = inst.leftovers.length;
        fail({ ok: false, parentMs: 0, kind: 'error', errorType: 'dlpack.LeftoverProcesses', errorMessage: `the handler left ${n} process${n > 1 ? 'es' : ''} running, killed with the instance: ${inst.leftovers.slice(0, 3).join(', ')}${n > 3 ? ', …' : ''}` }, 'SHUTDOWN');
      }
      cgroupPeak = Math.max(cgroupPeak, inst.cgroupPeak ?? 0);
      if (inst.watchdogPeakBytes) peakBytes = Math.max(peakBytes, inst.watchdogPeakBytes - baseline);
    }
  }

  const queued = percentiles(firstQueuedMs).p50;
  const queuedBusy = firstQueuedBusyMs.length ? percentiles(firstQueuedBusyMs).p50 : Infinity;
  if (queued >= QUEUED_NOTE_MS && queuedBusy >= QUEUED_BUSY_NOTE_MS) {
    notes.push(
      `the first invocation waited ${queued.toFixed(0)} ms (p50) for main-thread work the handler module left running after INIT (not awaited or exported): ` +
        'counted in the first invocation, as on the platform; export its promise (e.g. `export const ready = load()`) to make it INIT',
    );
  }
  if (isolate && baseline) notes.push(`memory limit applies to the isolate: Node's own ${(baseline / MIB).toFixed(0)} MB before INIT is not counted`);
  const warmP = percentiles(warmMs);
  const costs = warmCost.length ? warmCost : coldCost;
  const result: ConfigResult = {
    target: profile.id,
    memoryMb,
    vcpu: round(vcpu, 3),
    arch: plan.arch,
    cpuMode: plan.cpuMode,
    memoryLimitMode: plan.memoryLimitMode,
    coldStarts: plan.cold,
    warmInvocations: warmMs.length,
    concurrency: plan.concurrency,
    initMs: percentiles(initMs),
    coldTotalMs: percentiles(coldTotalMs),
    warmMs: warmP,
    peakMemoryMb: oomSeen ? memoryMb : round(peakBytes / MIB, 1),
    billedMs: warmMs.length ? billedDuration(profile, warmP.p50) : 0,
    costPerMillion: round(mean(costs) * 1e6, 6),
    errors,
    memoryGrowthKbPerInvoke: round(growthKb, 2),
    leakWarning: warmMs.length >= LEAK_MIN_INVOCATIONS && growthKb > LEAK_KB_PER_INVOKE && growthKb * warmMs.length > 1024,
    samples: { initMs: initMs.map((x) => round(x)), coldTotalMs: coldTotalMs.map((x) => round(x)), warmMs: warmMs.map((x) => round(x)) },
    runtimeStartMs: percentiles(bootMs),
    cpuMs: { init: percentiles(initCpu), warm: percentiles(warmCpu) },
    contentionMs: warmRunQueue.length ? { warm: percentiles(warmRunQueue), samples: warmRunQueue.map((x) => round(x)) } : undefined,
    cgroupPeakMb: cgroupPeak ? round(cgroupPeak / MIB, 1) : undefined,
    costPerColdStart: coldCost.length ? round(mean(coldCost), 10) : undefined,
    backend,
    notes: notes.length ? notes : undefined,
  };
  return result;
}

function makeCgroup(plan: ConfigPlan, support: ReturnType<typeof detectCgroups>, vcpu: number): InstanceCgroup | undefined {
  const memory = plan.memoryLimitMode === 'cgroup' ? plan.memoryMb * MIB : undefined;
  const cpu = plan.cpuMode === 'cgroup' ? vcpu : undefined;
  // without limits, a group still holds every process of the instance (and measures its memory)
  if (memory === undefined && cpu === undefined && !support.memoryParent && !support.cpuParent) return undefined;
  return new InstanceCgroup(support, { memoryBytes: memory, vcpu: cpu });
}
