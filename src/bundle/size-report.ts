/**
 * The bundle's size against the platform's package limits (from src/platforms), and the human
 * rendering of a BundleReport: limits with pass/fail, the largest files, the largest JS inputs.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Table from 'cli-table3';
import type { PlatformProfile } from '../core/platform-facts.js';
import type { BundleReport, LimitCheck } from '../core/reports/schemas.js';
import { formatBytes } from '../core/units.js';
import { getPlatform, isPlatformId } from '../platforms/index.js';

export interface MeasuredSizes {
  zipBytes?: number;
  unzippedBytes: number;
  /** Sum of gzip sizes of the uploaded files (Workers). */
  gzipBytes?: number;
  /** Image formats: bytes of the app layer (uncompressed). */
  imageBytes?: number;
}

/** Sum of per-file gzip sizes: Workers count the compressed size of every uploaded module. */
export async function gzipTotal(dir: string, paths: string[]): Promise<number> {
  let total = 0;
  for (const p of paths) total += gzipSync(await fs.readFile(join(dir, p))).length;
  return total;
}

export function checkLimits(profile: PlatformProfile, sizes: MeasuredSizes): LimitCheck[] {
  const out: LimitCheck[] = [];
  const add = (limit: string, sourced: { value: number; source: string } | undefined, actual: number | undefined) => {
    if (!sourced || actual === undefined) return;
    out.push({ limit, limitBytes: sourced.value, actualBytes: actual, pass: actual <= sourced.value, source: sourced.source });
  };
  const p = profile.package;
  if (sizes.imageBytes !== undefined) {
    add('image (app layer; base image not counted)', p.imageBytes, sizes.imageBytes);
    add('unzipped', p.imageBytes ? undefined : p.unzippedBytes, sizes.unzippedBytes);
    return out;
  }
  add('zipped', p.zippedBytes, sizes.zipBytes);
  add('unzipped', p.unzippedBytes, sizes.unzippedBytes);
  add(`gzip (all modules)${p.plan ? `, ${p.plan} plan` : ''}`, p.gzipBytes, sizes.gzipBytes);
  return out;
}

/**
 * What the size check assumed and what it means on the platform's other plans (Workers: the check
 * is the Paid plan's 10 MB; the Free plan's 3 MB is named when the bundle is over it), and the
 * start-up limit a bundle's global scope must meet (Workers: 1 s, where dlpack's template does no work).
 */
export function planNotes(profile: PlatformProfile, sizes: MeasuredSizes, options: { modelLoadsOnFirstRequest?: boolean } = {}): string[] {
  const notes: string[] = [];
  const p = profile.package;
  if (p.plan && p.gzipBytes && sizes.gzipBytes !== undefined) {
    for (const other of p.otherPlans ?? []) {
      const over = sizes.gzipBytes > other.gzipBytes.value;
      notes.push(
        `size checked against the ${profile.name} ${p.plan} plan (${formatBytes(p.gzipBytes.value)} gzip); ` +
          `${over ? 'over' : 'within'} the ${other.plan} plan's ${formatBytes(other.gzipBytes.value)}${over ? `: deploys on the ${p.plan} plan only` : ''} (${other.gzipBytes.source})`,
      );
    }
  }
  if (profile.initTimeoutMs && options.modelLoadsOnFirstRequest) {
    notes.push(`start-up: the global scope must finish within ${profile.initTimeoutMs.value} ms of CPU (${profile.initTimeoutMs.source}); the model loads on the first request, not at start-up`);
  }
  return notes;
}

function table(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}

export function renderBundleReport(r: BundleReport, options: { maxFiles?: number; maxInputs?: number } = {}): string {
  const lines: string[] = [];
  const verdict = r.pass ? 'PASS' : 'FAIL';
  lines.push(`${verdict}  ${r.target} · ${r.runtime} · ${isPlatformId(r.target) && getPlatform(r.target).runtime.sandbox?.value === 'v8-isolate' ? 'V8 isolate (wasm)' : `linux/${r.arch}`} · ${r.format}${r.memoryMb ? ` · ${r.memoryMb} MB (${r.vcpu?.toFixed(2)} vCPU, ${r.threads} thread${r.threads === 1 ? '' : 's'})` : ''}`);
  lines.push(`bundle   ${r.outDir}  (entry ${r.entry}, model ${r.model})`);
  if (r.zipPath) lines.push(`zip      ${r.zipPath}  ${formatBytes(r.zipBytes ?? 0)}  sha256 ${r.sha256}`);
  if (r.image) {
    lines.push(`image    ${r.image.dockerfile} (FROM ${r.image.baseImage})`);
    if (r.image.ociLayout) lines.push(`oci      ${r.image.ociLayout}  ${r.image.ociDigest ?? ''}`);
  }
  const limits = table(['limit', 'actual', 'platform limit', '']);
  for (const l of r.limits) limits.push([l.limit, formatBytes(l.actualBytes), formatBytes(l.limitBytes), l.pass ? 'ok' : 'OVER']);
  if (!r.limits.length) limits.push(['(this platform publishes no package limit)', formatBytes(r.unzippedBytes), '', '']);
  lines.push(limits.toString());
  const files = table(['largest files', 'bytes']);
  const sorted = [...r.files].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  const maxFiles = options.maxFiles ?? 8;
  for (const f of sorted.slice(0, maxFiles)) files.push([f.path, formatBytes(f.bytes)]);
  if (sorted.length > maxFiles) files.push([`(${sorted.length - maxFiles} more files)`, '']);
  files.push(['total (unzipped)', formatBytes(r.unzippedBytes)]);
  lines.push(files.toString());
  const inputs = table([`${r.entry}: largest inputs`, 'bytes']);
  const maxInputs = options.maxInputs ?? 8;
  for (const i of r.bundleInputs.slice(0, maxInputs)) inputs.push([i.path, formatBytes(i.bytes)]);
  if (r.bundleInputs.length > maxInputs) inputs.push([`(${r.bundleInputs.length - maxInputs} more inputs)`, '']);
  lines.push(inputs.toString());
  for (const n of r.notes ?? []) lines.push(`note: ${n}`);
  return lines.join('\n');
}
