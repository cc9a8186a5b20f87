/**
 * Where the runtime host script and the platforms' calling conventions are, as files plain Node
 * can run: dist/src/sim/runtime-host.js next to this file when dlpack runs compiled (and each
 * platform's compiled convention.js); when it runs from its TypeScript sources (tsx), or a platform
 * folder holds TypeScript (a test fixture), the .ts module is bundled once with esbuild into a
 * cached .mjs in the temp folder, so the child runs plain Node with no loader hooks that would slow
 * the handler's INIT.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listPlatformModules, platformModule } from '../platforms/index.js';

/** TypeScript module → its bundled .mjs, for the modules bundled so far. */
const bundled = new Map<string, string>();

/**
 * The runtime host script, with the convention of every registered platform made runnable
 * (call it again after registering a platform). From sources, the host and the conventions are
 * bundled in one esbuild run.
 */
export async function hostScript(): Promise<string> {
  const host = hostFile();
  const pending = [host, ...listPlatformModules().map((p) => p.emulator.convention)].filter((f) => !isJs(f) && !bundled.has(f));
  if (pending.length) await bundleAll(pending);
  return isJs(host) ? host : bundled.get(host)!;
}

/** The runnable file of a platform's convention module (prepared by hostScript()). */
export function conventionScript(platformId: string): string {
  const file = platformModule(platformId).emulator.convention;
  if (isJs(file)) return file;
  const out = bundled.get(file);
  if (!out) throw new Error(`the calling convention of ${platformId} is not prepared: call hostScript() after registering the platform`);
  return out;
}

const isJs = (f: string) => f.endsWith('.js') || f.endsWith('.mjs');

/** dist/src/sim/runtime-host.js when running compiled, else runtime-host.ts (to bundle). */
function hostFile(): string {
  const here = fileURLToPath(import.meta.url);
  const js = join(here, '..', 'runtime-host.js');
  return here.endsWith('.js') && existsSync(js) ? js : join(here, '..', 'runtime-host.ts');
}

let building: Promise<void> = Promise.resolve();

/** Bundles TypeScript modules into cached .mjs files, one esbuild run at a time (esbuild.stop() ends the service). */
function bundleAll(sources: string[]): Promise<void> {
  const run = building.then(async () => {
    const todo = sources.filter((s) => !bundled.has(s));
    if (!todo.length) return;
    const esbuild = await import('esbuild');
    try {
      const result = await esbuild.build({
        entryPoints: Object.fromEntries(todo.map((s, i) => [`m${i}`, s])),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        outdir: 'out',
        logLevel: 'silent',
      });
      for (const [i, source] of todo.entries()) {
        const code = result.outputFiles.find((f) => f.path.endsWith(`/m${i}.js`))!.text;
        bundled.set(source, cache(code));
      }
    } finally {
      // esbuild keeps a service process alive: stop it, no child is left behind.
      await esbuild.stop();
    }
  });
  building = run.catch(() => undefined);
  return run;
}

/** Writes `code` to a content-addressed file in the temp folder (once), returns its path. */
function cache(code: string): string {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `dlpack-runtime-host-${hash}.mjs`);
  if (!existsSync(out) || readFileSync(out, 'utf8') !== code) {
    const temp = `${out}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, out);
  }
  return out;
}
