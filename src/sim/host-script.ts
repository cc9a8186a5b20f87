/**
 * Where the runtime host script and the platforms' calling conventions are, as CommonJS files with
 * everything they import bundled in, so an instance starts as close to a bare Node process as it
 * can (an ES module host initializes Node's ES module loader and ~10 files before it is ready:
 * ~10 ms more CPU per cold start at Lambda's flags, multiplied by the CPU share at small memory
 * sizes; and the builtins it had compiled were missing from the handler's INIT). The host
 * require()s the convention given as its argument while it boots, before `ready`.
 *
 * `npm run build` writes the host to dist/runtime-host.cjs and each built-in platform's convention
 * beside its compiled module (dist/src/platforms/<id>/convention.cjs). Without them (dlpack running
 * from its TypeScript sources, a platform folder holding TypeScript such as a test fixture, or a
 * build without them) the host and the conventions are bundled in one esbuild run into cached .cjs
 * files in the temp folder. The child runs plain Node with no loader hooks that would slow the
 * handler's INIT.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listPlatformModules, platformModule } from '../platforms/index.js';

/** Module (host or convention source) → its runnable .cjs, for the modules resolved so far. */
const runnable = new Map<string, string>();

/**
 * The runtime host script, with the convention of every registered platform made runnable
 * (call it again after registering a platform). What is not prebuilt is bundled in one esbuild run.
 */
export async function hostScript(): Promise<string> {
  const host = hostSource();
  const sources = [host, ...listPlatformModules().map((p) => p.emulator.convention)];
  for (const s of sources) {
    const built = prebuilt(s);
    if (built && !runnable.has(s)) runnable.set(s, built);
  }
  const pending = sources.filter((s) => !runnable.has(s));
  if (pending.length) await bundleAll(pending);
  return runnable.get(host)!;
}

/** The runnable file of a platform's convention module (prepared by hostScript()). */
export function conventionScript(platformId: string): string {
  const file = platformModule(platformId).emulator.convention;
  const out = runnable.get(file) ?? prebuilt(file);
  if (!out) throw new Error(`the calling convention of ${platformId} is not prepared: call hostScript() after registering the platform`);
  return out;
}

/** runtime-host.ts beside this file (sources), else dist/src/sim/runtime-host.js (compiled). */
function hostSource(): string {
  const source = fileURLToPath(new URL('./runtime-host.ts', import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL('./runtime-host.js', import.meta.url));
}

/** The CommonJS file `npm run build` wrote for a module when dlpack runs compiled, if any. */
function prebuilt(source: string): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  // dist/src/sim/host-script.js → dist/runtime-host.cjs; dist/src/platforms/<id>/convention.js → convention.cjs beside it
  const out = source === hostSource() ? fileURLToPath(new URL('../../runtime-host.cjs', import.meta.url)) : source.endsWith('.js') ? source.replace(/\.js$/, '.cjs') : undefined;
  return out && existsSync(out) ? out : undefined;
}

/**
 * The code of each module bundled on its own (esbuild, CommonJS, one run); the dynamic `import()`
 * of the handler is kept as is.
 */
export async function bundleHostScripts(sources: string[]): Promise<string[]> {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: Object.fromEntries(sources.map((s, i) => [`m${i}`, s])),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      outdir: 'out',
      logLevel: 'silent',
    });
    return sources.map((_, i) => result.outputFiles.find((f) => f.path.endsWith(`/m${i}.js`))!.text);
  } finally {
    // esbuild keeps a service process alive: stop it, no child is left behind.
    await esbuild.stop();
  }
}

/** What `npm run build` prebuilds (run compiled): the host and each built-in platform's convention, with the file each goes to (see prebuilt()). */
export function prebuildTargets(): Array<{ source: string; out: string }> {
  return [
    { source: hostSource(), out: fileURLToPath(new URL('../../runtime-host.cjs', import.meta.url)) },
    ...listPlatformModules()
      .map((p) => p.emulator.convention)
      .filter((c) => c.endsWith('.js'))
      .map((c) => ({ source: c, out: c.replace(/\.js$/, '.cjs') })),
  ];
}

/** Writes `code` to `out` through a temp sibling (never a half-written host). */
export function writeHostScript(out: string, code: string): void {
  if (existsSync(out) && readFileSync(out, 'utf8') === code) return;
  const temp = `${out}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, out);
}

let building: Promise<void> = Promise.resolve();

/** Bundles modules into cached .cjs files, one esbuild run at a time. */
function bundleAll(sources: string[]): Promise<void> {
  const run = building.then(async () => {
    const unbuilt = sources.filter((s) => !runnable.has(s));
    if (!unbuilt.length) return;
    const codes = await bundleHostScripts(unbuilt);
    for (const [i, source] of unbuilt.entries()) {
      const hash = createHash('sha256').update(codes[i]).digest('hex').slice(0, 16);
      const out = join(tmpdir(), `dlpack-runtime-host-${hash}.cjs`);
      writeHostScript(out, codes[i]);
      runnable.set(source, out);
    }
  });
  building = run.catch(() => undefined);
  return run;
}
