/**
 * `dlpack platforms` as data: the profiles (every figure with its source) as a report, and the
 * sourced figures of a profile by path. Rendered by src/report/kinds/platforms.ts.
 */
import type { PlatformProfile, Sourced } from '../core/platform-facts.js';
import type { PlatformsReport } from '../core/reports/schemas.js';
import { listPlatforms } from './index.js';

export function buildPlatformsReport(ids?: string[]): PlatformsReport {
  const all = listPlatforms();
  return { schema: 'dlpack.platforms/1', platforms: ids?.length ? all.filter((p) => ids.includes(p.id)) : all };
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
