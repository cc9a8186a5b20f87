/**
 * What `dlpack bench` runs: a bundle folder or zip from `dlpack bundle` (manifest.json names the
 * target and entry), a plain handler module (`--handler file.mjs --target …`), or a model file,
 * bundled on the fly with the target's default template through dlpack's bundler — once per
 * process for the same model files, target and arch (the bundle is reused by later runs, e.g. the
 * sections of `npm run bench` or a library caller's repeated runBench, and removed at exit).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DlpackError, toDlpackError } from '../core/errors/dlpack-error.js';
import { resolveContained } from '../core/io/contained-path.js';
import { isPlatformId, platformModule } from '../platforms/index.js';
import type { Arch, PlatformId } from '../core/platform-facts.js';
import { extractZip } from './extract-zip.js';
import type { InputLike } from './bench-event.js';

export interface ResolvedInput {
  kind: 'bundle' | 'handler' | 'model';
  /** Absolute path of the module to import. */
  entry: string;
  /** Working folder of the function (LAMBDA_TASK_ROOT). */
  cwd: string;
  /** The target the bundle was built for (bundles only). */
  target?: PlatformId;
  exportName?: string;
  /** Model inputs, when known (for generating an event). */
  inputs?: InputLike[];
  runtime?: string;
  /** The memory size the bundle was built for (manifest.json), MB. */
  memoryMb?: number;
  /** Extra Node flags the bundle needs (Workers: module rules for .wasm and model files). */
  nodeFlags?: string[];
  /** Removes temporary files (unpacked zips, on-the-fly bundles). */
  cleanup(): void;
}

interface Manifest {
  schema?: string;
  target?: string;
  entry?: string;
  runtime?: string;
  arch?: string;
  export?: string;
  model?: string;
  modules?: string[];
  memoryMb?: number;
}

const HANDLER_EXTENSIONS = new Set(['.mjs', '.js', '.cjs']);

/** A bundle folder (with manifest.json) or zip; a handler module with `asHandler`; else a model. */
export async function resolveBenchInput(path: string, opts: { asHandler?: boolean; target?: PlatformId; arch?: Arch }): Promise<ResolvedInput> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new DlpackError('FILE_NOT_FOUND', 'no such file or directory', { file: path });
  if (opts.asHandler) return handlerInput(abs, path);
  const st = statSync(abs);
  if (st.isDirectory()) return bundleFolder(abs, path, () => undefined);
  if (extname(abs).toLowerCase() === '.zip') {
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-'));
    const cleanup = () => rmSync(dir, { recursive: true, force: true });
    try {
      await extractZip(abs, dir);
      return await bundleFolder(dir, path, cleanup);
    } catch (err) {
      cleanup();
      throw err;
    }
  }
  if (HANDLER_EXTENSIONS.has(extname(abs).toLowerCase())) {
    throw new DlpackError('USAGE', 'this looks like a handler module, not a model or bundle', { file: path, hint: 'use --handler with --target' });
  }
  if (!opts.target) throw new DlpackError('USAGE', 'a model needs a target to be bundled for', { file: path, hint: 'add --target aws-lambda' });
  return modelInput(abs, path, opts.target, opts.arch ?? 'x64');
}

function handlerInput(abs: string, shown: string): ResolvedInput {
  if (!HANDLER_EXTENSIONS.has(extname(abs).toLowerCase())) {
    throw new DlpackError('USAGE', 'a handler must be a JavaScript module (.mjs, .js or .cjs)', { file: shown, hint: 'bundle TypeScript first with dlpack bundle --handler' });
  }
  return { kind: 'handler', entry: abs, cwd: dirname(abs), cleanup: () => undefined };
}

async function bundleFolder(dir: string, shown: string, cleanup: () => void): Promise<ResolvedInput> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new DlpackError('USAGE', 'not a dlpack bundle (no manifest.json)', { file: shown, hint: 'create one with dlpack bundle, or pass --handler file.mjs' });
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  } catch (err) {
    throw new DlpackError('CORRUPT_MODEL', `manifest.json is not valid JSON: ${(toDlpackError(err) as Error).message}`, { file: manifestPath });
  }
  if (manifest.schema !== undefined && !MANIFEST_SCHEMAS.includes(manifest.schema)) {
    throw new DlpackError('UNSUPPORTED', `manifest schema "${manifest.schema}" is not one of ${MANIFEST_SCHEMAS.join(', ')}`, { file: manifestPath });
  }
  if (!manifest.target || !isPlatformId(manifest.target)) {
    throw new DlpackError('CORRUPT_MODEL', `manifest.json names no known target ("${manifest.target}")`, { file: manifestPath });
  }
  if (typeof manifest.entry !== 'string') throw new DlpackError('CORRUPT_MODEL', 'manifest.json has no entry', { file: manifestPath });
  const entry = resolveContained(dir, manifest.entry, { file: manifestPath, what: 'entry' });
  let inputs: InputLike[] | undefined;
  if (typeof manifest.model === 'string') {
    const model = resolveContained(dir, manifest.model, { file: manifestPath, what: 'model' });
    const { describeModel } = await import('../formats/load-model.js');
    inputs = (await describeModel(model)).inputs;
  }
  const nodeFlags = (platformModule(manifest.target).emulator.nodeImports?.(manifest) ?? []).flatMap((m) => ['--import', m]);
  return {
    kind: 'bundle',
    entry,
    cwd: dir,
    target: manifest.target,
    exportName: manifest.export,
    inputs,
    runtime: manifest.runtime,
    memoryMb: typeof manifest.memoryMb === 'number' ? manifest.memoryMb : undefined,
    nodeFlags,
    cleanup,
  };
}

/** On-the-fly bundles of this process, by model files + target + arch (see `modelKey`). */
interface CachedBundle {
  out: string;
  dir: string;
  users: number;
  lastUsed: number;
}
const bundles = new Map<string, CachedBundle>();
/** Bundles kept when no run uses them (each holds the model and the runtime's native files). */
const KEEP_IDLE = 4;
let exitHook = false;

function removeBundle(key: string): void {
  const b = bundles.get(key);
  if (!b) return;
  bundles.delete(key);
  rmSync(b.out, { recursive: true, force: true });
}

/**
 * What identifies a model's bundle: its path, target and arch, and the size, mtime and inode of the
 * model file and of every file beside it (TF.js weight shards, ONNX external data): a file changed
 * between runs is bundled again. Undefined (no reuse) for a folder too large to check cheaply.
 */
function modelKey(abs: string, target: PlatformId, arch: Arch): string | undefined {
  const sig = (p: string) => {
    const s = statSync(p, { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ino}`;
  };
  const folder = dirname(abs);
  const entries = readdirSync(folder).sort();
  if (entries.length > 1000) return undefined;
  const files = entries.map((e) => `${e}=${(() => { try { return sig(join(folder, e)); } catch { return '?'; } })()}`);
  return JSON.stringify([abs, target, arch, sig(abs), files]);
}

/** Bundles a model for `target` with dlpack's bundler (src/bundle, loaded lazily: it pulls in esbuild) into a temp folder, or reuses this process's bundle of the same files. */
async function modelInput(abs: string, shown: string, target: PlatformId, arch: Arch): Promise<ResolvedInput> {
  const { detectModelFile } = await import('../formats/detect-model.js');
  const { describeModel } = await import('../formats/load-model.js');
  await detectModelFile(abs);
  const key = modelKey(abs, target, arch);
  let cached = key ? bundles.get(key) : undefined;
  if (cached && !existsSync(join(cached.dir, 'manifest.json'))) {
    removeBundle(key!);
    cached = undefined;
  }
  if (!cached) {
    const bundler = await import('../bundle/index.js');
    const out = mkdtempSync(join(tmpdir(), 'dlpack-bench-bundle-'));
    try {
      const dir = join(out, basename(abs).replace(/\W+/g, '-'));
      await bundler.bundleModel({ model: abs, target, arch, out: dir });
      cached = { out, dir, users: 0, lastUsed: 0 };
    } catch (err) {
      rmSync(out, { recursive: true, force: true });
      throw err;
    }
    if (key) {
      bundles.set(key, cached);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const k of [...bundles.keys()]) removeBundle(k);
        });
      }
    }
  }
  const entry = cached;
  entry.users++;
  let released = false;
  const cleanup = () => {
    if (released) return;
    released = true;
    entry.users--;
    entry.lastUsed = performance.now();
    if (!key) return rmSync(entry.out, { recursive: true, force: true });
    // keep the most recently used idle bundles, remove the rest
    const idle = [...bundles].filter(([, b]) => b.users === 0).sort((a, b) => b[1].lastUsed - a[1].lastUsed);
    for (const [k] of idle.slice(KEEP_IDLE)) removeBundle(k);
  };
  try {
    const input = await bundleFolder(entry.dir, shown, cleanup);
    input.kind = 'model';
    input.inputs ??= (await describeModel(abs)).inputs;
    return input;
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** `dlpack bundle` writes dlpack.bundle-manifest/1; dlpack.bundle/1 is accepted for hand-made bundles. */
const MANIFEST_SCHEMAS = ['dlpack.bundle-manifest/1', 'dlpack.bundle/1'];
