/** `dlpack platforms`: the profiles as a table, optionally with the source of every figure. */
import Table from 'cli-table3';
import type { PlatformProfile, Sourced, VcpuRule } from '../core/platform-facts.js';
import type { PlatformsReport } from '../core/reports/schemas.js';
import { listPlatforms } from './index.js';

export function buildPlatformsReport(ids?: string[]): PlatformsReport {
  const all = listPlatforms();
  return { schema: 'dlpack.platforms/1', platforms: ids?.length ? all.filter((p) => ids.includes(p.id)) : all };
}

function vcpuRule(rule: VcpuRule): string {
  if (rule.kind === 'fixed') return `${rule.vcpu.value} (fixed)`;
  if (rule.kind === 'linear') return `memory / ${rule.mbPerVcpu.value} MB, max ${rule.maxVcpu.value}`;
  return rule.tiers.value.map((t) => `${t.memoryMb}→${t.vcpu}`).join(', ');
}

function memory(p: PlatformProfile): string {
  const m = p.memory;
  if (m.sizesMb) return `${m.sizesMb.value.join(', ')} MB`;
  return `${m.minMb.value}–${m.maxMb.value} MB${m.stepMb ? ` (step ${m.stepMb.value})` : ''}`;
}

/** Platforms state package limits in binary units (50 MB = 52,428,800 bytes). */
function mib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${+(bytes / 1024 ** 3).toFixed(2)} GiB` : `${+(bytes / 1024 ** 2).toFixed(2)} MiB`;
}

function packageLimits(p: PlatformProfile): string {
  const k = p.package;
  const parts: string[] = [];
  if (k.zippedBytes) parts.push(`${mib(k.zippedBytes.value)} zip`);
  if (k.unzippedBytes) parts.push(`${mib(k.unzippedBytes.value)} unzipped`);
  if (k.gzipBytes) parts.push(`${mib(k.gzipBytes.value)} gzip`);
  if (k.imageBytes) parts.push(`${mib(k.imageBytes.value)} image`);
  return parts.join('\n') || '—';
}

function prices(p: PlatformProfile): string {
  const b = p.billing;
  const parts = Object.entries(b.pricePerGbSecond).map(([arch, s]) => `${arch} $${s!.value.toPrecision(3)}/GB-s`);
  for (const [arch, s] of Object.entries(b.pricePerVcpuSecond ?? {})) parts.push(`${arch} $${s!.value.toPrecision(3)}/vCPU-s`);
  if (b.pricePerCpuSecond) parts.push(`$${b.pricePerCpuSecond.value.toPrecision(3)}/CPU-s`);
  parts.push(`$${b.pricePerMillionRequests.value}/1M req, ${b.granularityMs.value} ms steps`);
  return parts.join('\n');
}

export function renderPlatforms(report: PlatformsReport, withSources: boolean): string {
  const t = new Table({ head: ['platform', 'memory', 'vCPU', 'package', 'timeout', 'price'], style: { head: [], border: [] } });
  for (const p of report.platforms) {
    const timeout = `${p.timeoutMs.value / 1000} s${p.initTimeoutMs ? `\nINIT ${p.initTimeoutMs.value / 1000} s` : ''}`;
    t.push([`${p.id}\n${p.name}`, memory(p), vcpuRule(p.vcpu), packageLimits(p), timeout, prices(p)]);
  }
  const lines = [t.toString()];
  if (withSources) {
    for (const p of report.platforms) {
      lines.push('', `${p.id}:`);
      for (const [path, s] of sourcedFacts(p)) lines.push(`  ${path} = ${JSON.stringify(s.value)}  ${s.source}${s.verify ? `  [verify: ${s.verify}]` : ''}`);
    }
  } else {
    lines.push('', 'Figures marked "verify" in the data come from secondary sources; see --sources (or --json) for every source.');
  }
  return lines.join('\n');
}

/** Every sourced figure of a profile with its dotted path. */
export function sourcedFacts(p: PlatformProfile): [string, Sourced<unknown>][] {
  const out: [string, Sourced<unknown>][] = [];
  const walk = (v: unknown, path: string) => {
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ('value' in o && typeof o.source === 'string') {
      out.push([path, o as unknown as Sourced<unknown>]);
      return;
    }
    for (const [k, child] of Object.entries(o)) walk(child, path ? `${path}.${k}` : k);
  };
  walk(p, '');
  return out;
}
