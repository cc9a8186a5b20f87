/**
 * The version of dlpack that is running, from its package.json (two folders up from src/core in
 * the sources, three from dist/src/core). Shard reports carry it: `dlpack report merge` refuses to
 * join reports written by different versions (their figures are not comparable).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]dist[\\/]?$/, '');

let cached: string | undefined;

export function dlpackVersion(): string {
  if (cached === undefined) {
    try {
      cached = String((JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
