/**
 * The platform profiles and the rules derived from them: vCPU for a memory size, the memory sizes
 * to sweep, the Node flags and environment the platform's runtime starts with, billing and price.
 * The figures live in ./profiles/ (one file per platform, every number with its source).
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import { parseMemoryList } from '../core/units.js';
import type { Arch, PlatformId, PlatformProfile } from '../core/platform-facts.js';
import { awsLambda } from './profiles/aws-lambda.js';
import { gcpFunctions } from './profiles/gcp-functions.js';
import { azureFunctions } from './profiles/azure-functions.js';
import { cloudflareWorkers } from './profiles/cloudflare-workers.js';
import { vercel } from './profiles/vercel.js';

export type { Arch, PlatformId, PlatformProfile, Sourced, VcpuRule, RuntimeLaunch } from '../core/platform-facts.js';

const PROFILES: Record<PlatformId, PlatformProfile> = {
  'aws-lambda': awsLambda,
  'gcp-functions': gcpFunctions,
  'azure-functions': azureFunctions,
  'cloudflare-workers': cloudflareWorkers,
  vercel,
};

export const PLATFORM_IDS = Object.keys(PROFILES) as PlatformId[];

export function isPlatformId(id: string): id is PlatformId {
  return Object.hasOwn(PROFILES, id);
}

/** The profile of a platform; a USAGE error naming the known ids otherwise. */
export function getPlatform(id: string): PlatformProfile {
  if (!isPlatformId(id)) {
    throw new DlpackError('USAGE', `unknown target "${id}"`, { hint: `use one of: ${PLATFORM_IDS.join(', ')}` });
  }
  return PROFILES[id];
}

export function listPlatforms(): PlatformProfile[] {
  return PLATFORM_IDS.map((id) => PROFILES[id]);
}

/** vCPU share the platform gives a function of `memoryMb` (Lambda: memory / 1,769 MB, up to 6). */
export function vcpuFor(profile: PlatformProfile, memoryMb: number): number {
  const rule = profile.vcpu;
  if (rule.kind === 'fixed') return rule.vcpu.value;
  if (rule.kind === 'linear') {
    const v = Math.min(rule.maxVcpu.value, memoryMb / rule.mbPerVcpu.value);
    return Math.max(rule.minVcpu ?? 0, v);
  }
  const tiers = [...rule.tiers.value].sort((a, b) => a.memoryMb - b.memoryMb);
  let vcpu = tiers[0].vcpu;
  for (const t of tiers) if (t.memoryMb <= memoryMb) vcpu = t.vcpu;
  return vcpu;
}

/** Lambda sizes in the manner of Lambda Power Tuning's defaults, plus 1,769 MB (one full vCPU). */
const LAMBDA_SWEEP = [128, 256, 512, 1024, 1769, 3008];
/** Sweeps stop at 4 GB: larger tiers need more cores than a laptop has to emulate faithfully. */
const SWEEP_MAX_MB = 4096;

/** The memory sizes to bench: `sweep` (a sensible set), `default` (the platform's default), or a list. */
export function memorySizes(profile: PlatformProfile, spec: 'sweep' | 'default' | number[] | string): number[] {
  if (spec === 'default') return [profile.memory.defaultMb.value];
  if (spec === 'sweep') {
    if (profile.id === 'aws-lambda') return [...LAMBDA_SWEEP];
    const sizes = profile.memory.sizesMb?.value ?? [profile.memory.minMb.value, profile.memory.defaultMb.value];
    const within = sizes.filter((mb) => mb <= SWEEP_MAX_MB);
    return within.length ? within : [sizes[0]];
  }
  const list = typeof spec === 'string' ? parseMemoryList(spec, { hint: 'use MB, e.g. --memory 128,512,1769 (2gb = 2048) or --memory sweep' }) : spec;
  for (const mb of list) checkMemory(profile, mb);
  return [...new Set(list)].sort((a, b) => a - b);
}

/** Throws a USAGE error when the platform does not offer `memoryMb`. */
export function checkMemory(profile: PlatformProfile, memoryMb: number): void {
  const { minMb, maxMb, stepMb, sizesMb } = profile.memory;
  const hint = sizesMb
    ? `${profile.name} offers ${sizesMb.value.join(', ')} MB`
    : `${profile.name} offers ${minMb.value}–${maxMb.value} MB${stepMb ? ` in ${stepMb.value} MB steps` : ''}`;
  const inRange = memoryMb >= minMb.value && memoryMb <= maxMb.value;
  const onStep = sizesMb ? sizesMb.value.includes(memoryMb) : !stepMb || (memoryMb - minMb.value) % stepMb.value === 0;
  if (!Number.isInteger(memoryMb) || !inRange || !onStep) {
    throw new DlpackError('USAGE', `${memoryMb} MB is not a memory size of ${profile.id}`, { hint });
  }
}

/** The Node flags the platform's runtime starts with for `memoryMb` (Lambda: heap sizing). */
export function nodeFlags(profile: PlatformProfile, memoryMb: number): string[] {
  return profile.launch?.nodeFlags(memoryMb) ?? [];
}

/** The environment variables the platform's runtime sets for `memoryMb`. */
export function runtimeEnv(profile: PlatformProfile, memoryMb: number, functionName = 'dlpack-bench'): Record<string, string> {
  return profile.launch?.env(memoryMb, functionName) ?? {};
}

/** Billed duration: rounded up to the platform's granularity (Azure Consumption: at least 100 ms). */
export function billedDuration(profile: PlatformProfile, ms: number): number {
  const g = profile.billing.granularityMs.value;
  const billed = Math.ceil(Math.max(0, ms) / g - 1e-9) * g;
  return profile.id === 'azure-functions' ? Math.max(100, billed) : Math.max(g, billed);
}

export interface PriceInput {
  memoryMb: number;
  arch: Arch;
  /** Billed duration in ms (already rounded, see billedDuration). */
  billedMs: number;
  /** CPU time used, for platforms that bill CPU time (Workers, Vercel active CPU). */
  cpuMs?: number;
}

/** Price in USD of one invocation: memory × time (+ allocated vCPU × time, + CPU time) + request fee. */
export function priceFor(profile: PlatformProfile, input: PriceInput): number {
  const b = profile.billing;
  const seconds = input.billedMs / 1000;
  const gbPrice = priceForArch(b.pricePerGbSecond, input.arch)?.value ?? 0;
  const vcpuPrice = priceForArch(b.pricePerVcpuSecond ?? {}, input.arch)?.value ?? 0;
  const memoryGb = (profile.id === 'azure-functions' ? Math.ceil(input.memoryMb / 128) * 128 : input.memoryMb) / 1024;
  let usd = memoryGb * seconds * gbPrice + vcpuFor(profile, input.memoryMb) * seconds * vcpuPrice;
  if (b.pricePerCpuSecond) usd += ((input.cpuMs ?? input.billedMs) / 1000) * b.pricePerCpuSecond.value;
  return usd + b.pricePerMillionRequests.value / 1e6;
}

/** The price for `arch`, falling back to x64 where the platform lists one price. */
function priceForArch<T>(prices: Partial<Record<Arch, T>>, arch: Arch): T | undefined {
  return prices[arch] ?? prices.x64;
}

/** Whether the platform lists a price for `arch` (Lambda: x64 and arm64). */
export function supportsArch(profile: PlatformProfile, arch: Arch): boolean {
  if (arch === 'x64') return true;
  return Boolean(profile.billing.pricePerGbSecond.arm64);
}
