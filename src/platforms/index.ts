/**
 * The platform registry and the rules derived from the platforms' facts: vCPU for a memory size,
 * the memory sizes to sweep, the Node flags and environment the platform's runtime starts with,
 * billing and price. Each platform is a folder (./<id>/: facts, bundle target, handler template,
 * emulator convention); ./list.ts lists the built-in ones. Every rule here reads the facts: none
 * branches on a platform's id.
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import { parseMemoryList } from '../core/units.js';
import type { Arch, PlatformProfile, Sourced } from '../core/platform-facts.js';
import type { PlatformModule } from './contract.js';
import { PLATFORMS } from './list.js';

export type { Arch, PlatformId, PlatformProfile, Sourced, VcpuRule, RuntimeLaunch } from '../core/platform-facts.js';
export type { PlatformModule, BundleTarget, EmulatorSpec, ImageRecipe, ImageContext } from './contract.js';

/** The ids of the built-in platforms (flag options, the config schema's enum, help). */
export type BuiltinPlatformId = (typeof PLATFORMS)[number]['id'];
export const PLATFORM_IDS: readonly string[] = PLATFORMS.map((p) => p.id);
/** The target when none is given: the first platform of the list. */
export const DEFAULT_PLATFORM_ID: string = PLATFORMS[0].id;

const registry = new Map<string, PlatformModule>(PLATFORMS.map((p) => [p.id, p]));

export function isPlatformId(id: string): boolean {
  return registry.has(id);
}

/** The platform module of `id`; a USAGE error naming the known ids otherwise. */
export function platformModule(id: string): PlatformModule {
  const p = registry.get(id);
  if (!p) throw new DlpackError('USAGE', `unknown target "${id}"`, { hint: `use one of: ${[...registry.keys()].join(', ')}` });
  return p;
}

/** The facts of a platform; a USAGE error naming the known ids otherwise. */
export function getPlatform(id: string): PlatformProfile {
  return platformModule(id).facts;
}

export function listPlatforms(): PlatformProfile[] {
  return [...registry.values()].map((p) => p.facts);
}

/** Every registered platform module: the built-in ones, then those added with registerPlatform. */
export function listPlatformModules(): PlatformModule[] {
  return [...registry.values()];
}

const ID = /^[a-z][a-z0-9-]*$/;

/**
 * Adds a platform (a folder loaded with loadPlatformFolder: tests, later plugins) after checking
 * its id is new and well-formed and every number of its facts has a source. Returns `unregister`.
 */
export function registerPlatform(p: PlatformModule): () => void {
  const bad = (message: string) => new DlpackError('USAGE', `platform "${p.id}": ${message}`);
  if (typeof p.id !== 'string' || !ID.test(p.id)) throw bad('the id must be lower-case letters, digits and dashes, starting with a letter');
  if (registry.has(p.id)) throw bad('a platform with this id is already registered');
  if (p.facts?.id !== p.id || p.bundle?.id !== p.id) throw bad('facts.id and bundle.id must equal the id');
  const unsourced = unsourcedNumbers(p.facts);
  if (unsourced.length) throw bad(`${unsourced[0]} is a number without a source (write { value, source })`);
  registry.set(p.id, p);
  return () => {
    if (registry.get(p.id) === p) registry.delete(p.id);
  };
}

/** Paths of numbers in `facts` not held in a `{ value, source }` (the vCPU rule's `minVcpu` is a bound, not a fact). */
function unsourcedNumbers(facts: PlatformProfile): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') out.push(path);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      if (isSourced(v)) return;
      for (const [k, x] of Object.entries(v)) if (k !== 'minVcpu') walk(x, path ? `${path}.${k}` : k);
    }
  };
  walk(facts, '');
  return out;
}

const isSourced = (v: object): v is Sourced<unknown> => 'value' in v && typeof (v as { source?: unknown }).source === 'string';

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

/** Sweeps stop at 4 GB: larger tiers need more cores than a laptop has to emulate faithfully. */
const SWEEP_MAX_MB = 4096;

/** The memory sizes to bench: `sweep` (a sensible set), `default` (the platform's default), or a list. */
export function memorySizes(profile: PlatformProfile, spec: 'sweep' | 'default' | number[] | string): number[] {
  if (spec === 'default') return [profile.memory.defaultMb.value];
  if (spec === 'sweep') {
    if (profile.memory.sweepMb) return [...profile.memory.sweepMb.value];
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

/** Billed duration: rounded up to the platform's granularity, at least its minimum (Azure Consumption: 100 ms). */
export function billedDuration(profile: PlatformProfile, ms: number): number {
  const g = profile.billing.granularityMs.value;
  const billed = Math.ceil(Math.max(0, ms) / g - 1e-9) * g;
  return Math.max(profile.billing.minimumBilledMs?.value ?? g, billed);
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
  const roundUp = b.memoryRoundUpMb?.value ?? 1;
  const memoryGb = (Math.ceil(input.memoryMb / roundUp) * roundUp) / 1024;
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
