/**
 * The bundle's size against the platform's package limits (from src/platforms). The report is
 * rendered by src/report/kinds/bundle.ts.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PlatformProfile } from '../core/platform-facts.js';
import { formatBytes } from '../core/units.js';
import type { BundleReport, LimitCheck } from '../core/reports/schemas.js';

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
