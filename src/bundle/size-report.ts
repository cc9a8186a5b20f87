/**
 * The bundle's size against the platform's package limits (from src/platforms). The report is
 * rendered by src/report/kinds/bundle.ts.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PlatformProfile } from '../core/platform-facts.js';
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
  add('gzip (all modules)', p.gzipBytes, sizes.gzipBytes);
  return out;
}
