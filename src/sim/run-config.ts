/**
 * One configuration (target × memory size): `cold` fresh instances (INIT + first invocation each),
 * `warm` further invocations on the first instance, `concurrency` requests in flight at a time.
 * Failures (OOM, timeout, error, crash) are recorded the platform's way and the run goes on.
 */
import { availableParallelism } from 'node:os';
import type { BenchConfigResult } from '../core/reports/schemas.js';
import type { Arch, PlatformProfile } from '../core/platform-facts.js';
import { billedDuration, nodeFlags, priceFor, runtimeEnv, vcpuFor, platformModule } from '../platforms/index.js';
import { detectCgroups } from './cgroup.js';
import type { PhaseResult } from './instance.js';
import { RealInstance } from './real-instance.js';
import type { LocalHosts } from './local-hosts.js';
import { isIsolatePlatform, makeCgroup, payloadLimits, startEmulatedInstance, type CpuMode, type MemoryLimitMode } from './emulated-instance.js';
import { projectMs } from './cpu-projection.js';
import { percentiles, round } from '../core/stats/percentiles.js';
import type { ResolvedInput } from './bench-input.js';
import type { Estimate } from '../core/reports/schemas.js';
import type { PhaseSample } from './protocol.js';
import { invocationReport, reportLine } from './report-line.js';
import { contentionOf, QuotaReplay, shapeOf } from './load-model.js';
import { emptyLoad, measureOf, record, share, type Measured } from './phase-records.js';
import { buildFigures, type CostModel, type PhaseDurations } from './figures.js';
import { DEFAULT_SAMPLING, stopReason, type SamplingOptions, type StopReason } from './sampling.js';

export type { CpuMode, MemoryLimitMode };
/** Re-exported for the tests and host-parity checks that imported it from here. */
export { payloadLimits };

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
  /** Which estimate the headline figures hold and adaptive sampling aims at (default stable). */
  estimate?: Estimate;
  /** Adaptive sampling; `cold` and `warm` are the minimums (default DEFAULT_SAMPLING). */
  sampling?: SamplingOptions;
  /** Share trimmed at each end of the per-request costs (default 0.2). */
  costTrim?: number;
  /** Where instances run: dlpack's emulator (default) or the platform's own local host (real-instance.ts). */
  host?: 'emulator' | 'real';
  /** The installed local hosts, for `host: 'real'`. */
  hosts?: LocalHosts;
  /** The bundle's manifest entry and modules (`host: 'real'`). */
  bundle?: { dir: string; entry: string; modules?: string[] };
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
  const estimate: Estimate = plan.estimate ?? 'stable';
  const sampling = plan.sampling ?? DEFAULT_SAMPLING;
  const trim = plan.costTrim ?? 0.2;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  // Workers limit each isolate (JS heap + wasm memory) to 128 MB; the Node process around it is not counted.
  const isolate = isIsolatePlatform(profile);
  let baseline = 0;
  const cores = availableParallelism();
  if (vcpu > cores && plan.cpuMode !== 'off') notes.push(`${round(vcpu, 2)} vCPU is more than this machine's ${cores} cores: measured with at most ${cores}`);
  const wallOf = (s: PhaseSample) => (plan.cpuMode === 'scale' ? projectMs(s.ms, s.cpuMs, vcpu, s.runQueueMs) : s.ms);
  // The estimate replays the phase at the platform's share; `--cpu off` means the whole machine.
  const shareVcpu = plan.cpuMode === 'off' ? cores : vcpu;
  const errors = { oom: 0, timeout: 0, error: 0, messages: [] as string[] };
  const inits: Measured[] = [];
  const colds: { init: Measured; first: Measured }[] = [];
  const warms: Measured[] = [];
  const bootMs: number[] = [];
  const bootCpuMs: number[] = [];
  const firstQueuedMs: number[] = [];
  const firstQueuedBusyMs: number[] = [];
  const initCpu: number[] = [];
  const firstCpu: number[] = [];
  const warmCpu: number[] = [];
  const coldFirstCpu: number[] = [];
  const load = { init: emptyLoad(), first: emptyLoad(), warm: emptyLoad() };
  let peakBytes = 0;
  let cgroupPeak = 0;
  let oomSeen = false;
  let growthKb = 0;
  let backend: string | undefined;
  let requestNo = 0;
  let stoppedBy: StopReason = 'fixed';
  let warmStoppedBy: StopReason | undefined;
  const coldLoad = { wallMs: [] as number[], contentionMs: [] as number[] };

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
    const id = `${(++requestNo).toString(16).padStart(8, '0')}-dlpack`;
    plan.log?.(reportLine(invocationReport(profile, memoryMb, r, ms, id, initDuration)));
  };
  const tooSlow = (ms: number) => plan.cpuMode === 'scale' && ms > plan.timeoutMs;
  const timedOut = (r: PhaseResult, d: number): PhaseResult => ({ ...r, ok: false, kind: 'timeout', errorType: 'Sandbox.Timedout', errorMessage: `projected ${d.toFixed(0)} ms exceeds the ${plan.timeoutMs} ms timeout` });
  // With several requests in flight, they share the instance time they are billed for.
  const fee = profile.billing.pricePerMillionRequests.value / 1e6;
  const price = (billedMs: number, cpuMs: number | undefined) => priceFor(profile, { memoryMb, arch: plan.arch, billedMs, cpuMs });
  const costModel: CostModel = {
    billed: (ms) => billedDuration(profile, ms),
    warm: (ms, i) => fee + (price(billedDuration(profile, ms), warms[i].sample?.cpuMs ?? ms) - fee) / plan.concurrency,
    cold: (initD, firstD, i) => price(billedDuration(profile, firstD + (profile.billing.initBilled.value ? initD : 0)), coldFirstCpu[i]),
  };
  /** The figure adaptive sampling aims at, per estimate. */
  const aim = (m: Measured) => (estimate === 'stable' ? m.stable : m.wall);

  for (let i = 0; ; i++) {
    if (i >= plan.cold) {
      // A configuration that failed gets no more samples than asked for: its verdict is the failure.
      const failed = errors.oom + errors.timeout + errors.error > 0;
      const reason = failed ? 'fixed' : stopReason(colds.map((c) => aim(c.init) + aim(c.first)), plan.cold, sampling.maxCold, elapsed(), sampling.maxTimeMs, sampling.precision);
      if (reason) {
        stoppedBy = reason;
        break;
      }
    }
    plan.progress?.(`${profile.id} ${memoryMb} MB: cold start ${i + 1}${i < plan.cold ? `/${plan.cold}` : ' (until the figures are stable)'}`);
    const env = runtimeEnv(profile, memoryMb, plan.functionName ?? 'dlpack-bench');
    const inst =
      plan.host === 'real'
        ? new RealInstance({
            profile,
            dir: plan.bundle!.dir,
            entry: plan.bundle!.entry,
            modules: plan.bundle!.modules,
            hosts: plan.hosts!,
            event: plan.event,
            memoryMb,
            functionName: plan.functionName ?? 'dlpack-bench',
            // the real host's own flags: the platform's (no module hooks: workerd has the rules)
            nodeFlags: nodeFlags(profile, memoryMb),
            env,
            timeoutMs: plan.timeoutMs,
            initTimeoutMs: plan.initTimeoutMs,
            cgroup: makeCgroup(plan, support, vcpu),
            isolateLimitBytes: isolate ? memoryMb * MIB : undefined,
          })
        : startEmulatedInstance({ ...plan, support });
    const replay = new QuotaReplay({ vcpu: shareVcpu, cores });
    const measure = (r: PhaseResult, through = replay): Measured => {
      const s = r.sample;
      if (!s) return { wall: r.parentMs, stable: r.parentMs };
      const shape = shapeOf(measureOf(s));
      const stable = through.phase(shape);
      if (plan.cpuMode === 'cgroup') {
        // Waits our own CFS quota caused are not contention. Some kernels (this VM's among them)
        // report throttled_time 0 while throttling: then the replay's quota wait stands in for it.
        const quotaWait = Math.max(0, stable - shape.waitMs - shape.cpuMs / Math.min(shape.parallelism, cores));
        s.throttledMs = Math.max(s.throttledMs ?? 0, quotaWait);
      }
      return { sample: s, wall: wallOf(s), stable };
    };
    try {
      const init = await inst.init();
      baseline = inst.isolateBaselineBytes;
      seen(init);
      bootMs.push(init.bootMs);
      if ('bootCpuMs' in init && typeof init.bootCpuMs === 'number') bootCpuMs.push(init.bootCpuMs);
      const initM = measure(init);
      if (!init.ok) {
        fail(init, 'INIT');
        report(init, 0, initM.wall);
        continue;
      }
      inits.push(initM);
      record(load.init, init.sample);
      initCpu.push(init.sample?.cpuMs ?? 0);
      const first = await inst.invoke();
      seen(first);
      if (first.sample?.queuedMs !== undefined) firstQueuedMs.push(first.sample.queuedMs);
      if (first.sample?.queuedBusyMs !== undefined) firstQueuedBusyMs.push(first.sample.queuedBusyMs);
      const firstM = measure(first);
      if (!first.ok) fail(first, 'INVOKE (cold)');
      else if (tooSlow(firstM.wall)) fail(timedOut(first, firstM.wall), 'INVOKE (cold)');
      else {
        colds.push({ init: initM, first: firstM });
        coldFirstCpu.push(first.sample?.cpuMs ?? firstM.wall);
        record(load.first, first.sample);
        if (init.sample && first.sample) {
          coldLoad.wallMs.push(init.sample.ms + first.sample.ms);
          coldLoad.contentionMs.push(contentionOf(measureOf(init.sample)) + contentionOf(measureOf(first.sample)));
        }
        firstCpu.push(first.sample?.cpuMs ?? 0);
      }
      report(first, firstM.wall, initM.wall);
      if (i === 0 && plan.warm > 0 && inst.alive) {
        let heapStart: number | undefined;
        let counted = 0;
        let done = 0;
        const warmCap = sampling.maxTimeMs / 2;
        for (;;) {
          // Failed invocations end sampling at the minimum too.
          const reason = done < plan.warm ? undefined : warms.length < done ? 'fixed' : stopReason(warms.map(aim), plan.warm, sampling.maxWarm, elapsed(), warmCap, sampling.precision);
          if (reason || !inst.alive) {
            warmStoppedBy = reason;
            break;
          }
          const batch = Math.max(1, Math.min(plan.concurrency, done < plan.warm ? plan.warm - done : plan.concurrency));
          const results = await Promise.all(Array.from({ length: batch }, () => inst.invoke()));
          done += batch;
          plan.progress?.(`${profile.id} ${memoryMb} MB: warm ${done}${done <= plan.warm ? `/${plan.warm}` : ' (until the figures are stable)'}`);
          for (const r of results) {
            seen(r);
            // Requests in flight together overlap: each is estimated on its own (no shared quota replay).
            const m = measure(r, plan.concurrency > 1 ? new QuotaReplay({ vcpu: shareVcpu, cores }) : replay);
            if (!r.ok) fail(r, 'INVOKE (warm)');
            else if (tooSlow(m.wall)) fail(timedOut(r, m.wall), 'INVOKE (warm)');
            else {
              warms.push(m);
              warmCpu.push(r.sample?.cpuMs ?? 0);
              record(load.warm, r.sample);
            }
            report(r, m.wall);
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
    notes.push(deferredInitNote(queued, profile.name, platformModule(profile.id).emulator.loader === 'ric', plan.input.kind !== 'handler' && plan.input.runtime !== undefined));
  }
  if (isolate && baseline) notes.push(`memory limit applies to the isolate: Node's own ${(baseline / MIB).toFixed(0)} MB before INIT is not counted`);
  const durations = (pick: (m: Measured) => number): PhaseDurations => ({
    initMs: inits.map(pick),
    cold: colds.map((c) => ({ initMs: pick(c.init), firstMs: pick(c.first) })),
    warmMs: warms.map(pick),
  });
  const wall = buildFigures(durations((m) => m.wall), costModel, trim);
  const stable = buildFigures(durations((m) => m.stable), costModel, trim);
  const chosen = estimate === 'stable' ? stable : wall;
  const contentionShare = { init: share(load.init), cold: share(coldLoad), warm: share(load.warm) };
  const warmRunQueue = load.warm.contentionMs;
  const result: ConfigResult = {
    target: profile.id,
    memoryMb,
    vcpu: round(vcpu, 3),
    arch: plan.arch,
    cpuMode: plan.cpuMode,
    memoryLimitMode: plan.memoryLimitMode,
    coldStarts: bootMs.length,
    warmInvocations: warms.length,
    concurrency: plan.concurrency,
    initMs: chosen.initMs,
    coldTotalMs: chosen.coldTotalMs,
    warmMs: chosen.warmMs,
    peakMemoryMb: oomSeen ? memoryMb : round(peakBytes / MIB, 1),
    billedMs: chosen.billedMs,
    costPerMillion: chosen.costPerMillion,
    errors,
    memoryGrowthKbPerInvoke: round(growthKb, 2),
    leakWarning: warms.length >= LEAK_MIN_INVOCATIONS && growthKb > LEAK_KB_PER_INVOKE && growthKb * warms.length > 1024,
    samples: chosen.samples,
    runtimeStartMs: percentiles(bootMs),
    ...(bootCpuMs.length ? { runtimeStartCpuMs: percentiles(bootCpuMs) } : {}),
    cpuMs: { init: percentiles(initCpu), warm: percentiles(warmCpu), first: percentiles(firstCpu) },
    contentionMs: warmRunQueue.length || load.init.wallMs.length
      ? { warm: percentiles(warmRunQueue), samples: warmRunQueue, init: percentiles(load.init.contentionMs), cold: percentiles(coldLoad.contentionMs) }
      : undefined,
    cgroupPeakMb: cgroupPeak ? round(cgroupPeak / MIB, 1) : undefined,
    costPerColdStart: chosen.costPerColdStart,
    backend,
    notes: notes.length ? notes : undefined,
    estimate,
    wall,
    stable,
    load,
    contentionShare,
    sampling: { coldStarts: bootMs.length, warmInvocations: warms.length, stoppedBy, warmStoppedBy, elapsedMs: Math.round(elapsed()), precision: sampling.precision, maxTimeMs: sampling.maxTimeMs },
  };
  return result;
}

/**
 * The note when the first invocation waited for work the module left running after INIT: stated as
 * the platform's behaviour for dlpack's own handler, as advice for a user's.
 */
function deferredInitNote(queuedMs: number, platform: string, ricLoader: boolean, ownHandler: boolean): string {
  const waited = `the first invocation waited ${queuedMs.toFixed(0)} ms (p50) for main-thread work the handler module left running after INIT`;
  if (ricLoader && ownHandler) {
    return `dlpack's handler loads the model in the first invocation (${queuedMs.toFixed(0)} ms p50 of it): ${platform}'s runtime starts the first event once a CommonJS module has loaded, without awaiting the load it started, so it counts there, as on ${platform}`;
  }
  if (ricLoader) {
    return `${waited} (e.g. a model load it started): counted in the first invocation, as on ${platform}, whose runtime starts the first event once the module has loaded; a top-level await in an ES module entry (.mjs) makes such work INIT`;
  }
  return `${waited} (not awaited or exported): counted in the first invocation, as on the platform; export its promise (e.g. \`export const ready = load()\`) to make it INIT`;
}
