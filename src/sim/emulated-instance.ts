/**
 * One instance in dlpack's emulator, set up the way the platform starts it: its cgroup (memory
 * limit and CFS quota for the memory size's vCPU share, or a group without limits that still holds
 * its processes), the platform's Node flags and environment, its payload limits, the runtime's own
 * modules loaded in INIT and the target's Node.js major when installed. Shared by `bench`
 * (run-config.ts), `invoke` and `serve`, so that all three run a function alike.
 */
import type { PlatformProfile } from '../core/platform-facts.js';
import { nodeFlags, runtimeEnv, vcpuFor } from '../platforms/index.js';
import { detectCgroups, InstanceCgroup, type CgroupSupport } from './cgroup.js';
import { RuntimeInstance, type InstanceOptions, type PhaseResult } from './instance.js';
import { projectMs } from './cpu-projection.js';
import { nodeFor, runtimeModulesFor, type LocalHosts } from './local-hosts.js';
import type { ResolvedInput } from './bench-input.js';
import type { PayloadLimits } from './protocol.js';

const MIB = 1024 * 1024;

/** Whether the platform's memory limit is per isolate, not per process (its facts' memory.limitScope; Workers). */
export function isIsolatePlatform(profile: PlatformProfile): boolean {
  return profile.memory.limitScope?.value === 'isolate';
}

export type CpuMode = 'cgroup' | 'scale' | 'off';
export type MemoryLimitMode = 'cgroup' | 'watchdog';

export interface EmulatedInstancePlan {
  profile: PlatformProfile;
  memoryMb: number;
  cpuMode: CpuMode;
  memoryLimitMode: MemoryLimitMode;
  input: ResolvedInput;
  /** The event sent with INIT (each invocation may bring its own). */
  event: unknown;
  hostScript: string;
  timeoutMs: number;
  initTimeoutMs: number;
  functionName?: string;
  priority?: number;
  /** The installed local runtimes: their own code loads in INIT, and the target's Node.js major runs the host. */
  hosts?: LocalHosts;
  support?: CgroupSupport;
  onOutput?: InstanceOptions['onOutput'];
}

/** Starts one instance (the process is spawned; call init() next). */
export function startEmulatedInstance(plan: EmulatedInstancePlan): RuntimeInstance {
  const { profile, memoryMb } = plan;
  const isolate = isIsolatePlatform(profile);
  const cgroup = makeCgroup(plan, plan.support ?? detectCgroups(), vcpuFor(profile, memoryMb));
  return new RuntimeInstance({
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
    payload: payloadLimits(profile),
    runtimeModules: plan.hosts ? runtimeModulesFor(plan.hosts, profile.id) : undefined,
    // the platform's Node.js major when installed (Workers run workerd's V8: this Node)
    nodePath: plan.hosts && profile.runtime.nativeAddons.value ? nodeFor(plan.hosts, profile.runtime.node.value).path : undefined,
    onOutput: plan.onOutput,
  });
}

/** A phase's duration: as measured in the child (projected to the vCPU share under `--cpu scale`), else as seen by the parent. */
export function phaseMs(r: PhaseResult, cpuMode: CpuMode, vcpu: number): number {
  if (!r.sample) return r.parentMs;
  return cpuMode === 'scale' ? projectMs(r.sample.ms, r.sample.cpuMs, vcpu, r.sample.runQueueMs) : r.sample.ms;
}

/** Stops the instance; a death after its last answer and processes the handler left running (killed) become notes. */
export async function stopAndNote(inst: RuntimeInstance, notes: string[]): Promise<void> {
  await inst.stop();
  const death = inst.unreportedDeath;
  if (death) notes.push(`the instance died after answering: ${death.errorType}: ${death.errorMessage}`);
  if (inst.leftovers.length) notes.push(`the handler left ${inst.leftovers.length} process(es) running, killed with the instance: ${inst.leftovers.slice(0, 3).join(', ')}`);
}

/** The profile's payload limits and refusals, as the runtime host enforces them. */
export function payloadLimits(profile: PlatformProfile): PayloadLimits {
  const p = profile.payload;
  return { requestBytes: p.requestBytes.value, responseBytes: p.responseBytes.value, requestTooLarge: p.requestTooLarge?.value, responseTooLarge: p.responseTooLarge?.value };
}

/** The instance's cgroup: the memory limit and/or CPU quota asked for, else one without limits that holds its processes. */
export function makeCgroup(
  plan: { memoryMb: number; memoryLimitMode: MemoryLimitMode; cpuMode: CpuMode },
  support: CgroupSupport,
  vcpu: number,
): InstanceCgroup | undefined {
  const memory = plan.memoryLimitMode === 'cgroup' ? plan.memoryMb * MIB : undefined;
  const cpu = plan.cpuMode === 'cgroup' ? vcpu : undefined;
  // without limits, a group still holds every process of the instance (and measures its memory)
  if (memory === undefined && cpu === undefined && !support.memoryParent && !support.cpuParent) return undefined;
  return new InstanceCgroup(support, { memoryBytes: memory, vcpu: cpu });
}
