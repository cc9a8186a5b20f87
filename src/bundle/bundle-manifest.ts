/**
 * manifest.json, written into every bundle: what it is for (target, runtime, arch, memory), how to
 * call it (entry, export) and every file with its size and sha256. `dlpack bench` loads bundles by it.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { BundleFile } from '../core/reports/schemas.js';

export const MANIFEST_FILE = 'manifest.json';

export interface BundleManifest {
  schema: 'dlpack.bundle-manifest/1';
  target: string;
  runtime: string;
  arch: string;
  /** Entry file, relative to the bundle folder. */
  entry: string;
  /** What the platform calls (the entry's export), e.g. "handler" or "default". */
  export: string;
  /** How the platform calls it, in words. */
  calls: string;
  /** The main model file, relative to the bundle folder. */
  model: string;
  modelFormat: string;
  node: string;
  memoryMb: number;
  vcpu: number;
  threads: number;
  /** Files Workers upload as modules (CompiledWasm / Data), when the target is cloudflare-workers. */
  modules?: string[];
  files: BundleFile[];
  dlpackVersion: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Size and sha256 of every file in `dir` (paths relative, forward slashes, sorted). */
export async function describeFiles(dir: string, paths: string[]): Promise<BundleFile[]> {
  const sorted = [...paths].sort();
  const out: BundleFile[] = [];
  for (const p of sorted) {
    const full = join(dir, p);
    out.push({ path: p, bytes: (await fs.stat(full)).size, sha256: await sha256File(full) });
  }
  return out;
}
