/**
 * The platforms report (`dlpack.platforms/1`), for `dlpack platforms` and `dlpack report`: memory,
 * vCPU rule, package limits, timeouts and prices per platform; with `verbose` (`--sources`) every
 * figure with its source. Sizes print in the platforms' own binary MB/GB (core/units). Markdown too.
 */
import type { PlatformProfile, VcpuRule } from '../../core/platform-facts.js';
import type { PlatformsReport } from '../../core/reports/schemas.js';
import { formatBytes } from '../../core/units.js';
import { sourcedFacts } from '../../platforms/render-platforms.js';
import { fitNote, fitTable, type Column } from '../fit-table.js';
import { table } from '../markdown.js';
import type { HumanOptions, KindRenderer } from '../render-types.js';

function vcpuRule(rule: VcpuRule): string {
  if (rule.kind === 'fixed') return `${rule.vcpu.value} (fixed)`;
  if (rule.kind === 'linear') return `memory / ${rule.mbPerVcpu.value} MB, max ${rule.maxVcpu.value}`;
  return rule.tiers.value.map((t) => `${t.memoryMb}→${t.vcpu}`).join(', ');
}

function memory(p: PlatformProfile): string {
  const m = p.memory;
  if (m.sizesMb) return `${m.sizesMb.value.join(', ')} MB`;
  return `${m.minMb.value}–${m.maxMb.value} MB${m.stepMb ? `\n(step ${m.stepMb.value})` : ''}`;
}

function packageLimits(p: PlatformProfile): string {
  const k = p.package;
  const parts: string[] = [];
  if (k.zippedBytes) parts.push(`${formatBytes(k.zippedBytes.value)} zip`);
  if (k.unzippedBytes) parts.push(`${formatBytes(k.unzippedBytes.value)} unzipped`);
  if (k.gzipBytes) parts.push(`${formatBytes(k.gzipBytes.value)} gzip`);
  if (k.imageBytes) parts.push(`${formatBytes(k.imageBytes.value)} image`);
  return parts.join('\n') || '—';
}

function prices(p: PlatformProfile): string {
  const b = p.billing;
  const parts = Object.entries(b.pricePerGbSecond).map(([arch, s]) => `${arch} $${s!.value.toPrecision(3)}/GB-s`);
  for (const [arch, s] of Object.entries(b.pricePerVcpuSecond ?? {})) parts.push(`${arch} $${s!.value.toPrecision(3)}/vCPU-s`);
  if (b.pricePerCpuSecond) parts.push(`$${b.pricePerCpuSecond.value.toPrecision(3)}/CPU-s`);
  parts.push(`$${b.pricePerMillionRequests.value}/1M req`, `${b.granularityMs.value} ms steps`);
  return parts.join('\n');
}

const timeout = (p: PlatformProfile) => `${p.timeoutMs.value / 1000} s${p.initTimeoutMs ? `\nINIT ${p.initTimeoutMs.value / 1000} s` : ''}`;

const COLUMNS: { col: Column; cell: (p: PlatformProfile) => string }[] = [
  { col: { head: 'platform', wrap: true, max: 24 }, cell: (p) => `${p.id}\n${p.name}` },
  { col: { head: 'memory', wrap: true, max: 22 }, cell: memory },
  { col: { head: 'vCPU', wrap: true, max: 26, drop: 3 }, cell: (p) => vcpuRule(p.vcpu) },
  { col: { head: 'package' }, cell: packageLimits },
  { col: { head: 'timeout', drop: 1 }, cell: timeout },
  { col: { head: 'price', drop: 2 }, cell: prices },
];

function platformsHuman(r: PlatformsReport, o: HumanOptions = {}): string {
  const width = o.verbose ? undefined : o.width;
  const t = fitTable(COLUMNS.map((c) => c.col), r.platforms.map((p) => COLUMNS.map((c) => c.cell(p))), { width });
  const out = [t.text, ...fitNote(t.hidden, width, o.verboseFlag)];
  if (o.verbose) {
    for (const p of r.platforms) {
      out.push('', `${p.id}:`);
      for (const [path, s] of sourcedFacts(p)) out.push(`  ${path} = ${JSON.stringify(s.value)}  ${s.source}${s.verify ? `  [verify: ${s.verify}]` : ''}`);
    }
  } else {
    out.push('', 'Figures marked "verify" in the data come from secondary sources; see --sources (or --json) for every source.');
  }
  return out.join('\n');
}

function platformsMarkdown(r: PlatformsReport): string {
  const flat = (s: string) => s.replace(/,?\n/g, ', ');
  return [
    '### dlpack platforms',
    '',
    table(COLUMNS.map((c) => c.col.head), r.platforms.map((p) => COLUMNS.map((c) => flat(c.cell(p))))),
    '',
    '<sub>Every figure has its source in `dlpack platforms --sources` (or --json); "verify" marks secondary sources.</sub>',
    '',
  ].join('\n');
}

export const platforms: KindRenderer<PlatformsReport> = { human: platformsHuman, markdown: platformsMarkdown };
