/**
 * Where the runtime host script is: one CommonJS file with everything it imports bundled in, so an
 * instance starts as close to a bare Node process as it can (an ES module host initializes Node's
 * ES module loader and ~10 files before it is ready: ~10 ms more CPU per cold start at Lambda's
 * flags, multiplied by the CPU share at small memory sizes; and the builtins it had compiled were
 * missing from the handler's INIT). `npm run build` writes it to dist/runtime-host.cjs; without it
 * (dlpack running from its TypeScript sources, or a build without it) runtime-host.ts is bundled
 * once with esbuild into a cached .cjs in the temp folder. The child runs plain Node with no loader
 * hooks that would slow the handler's INIT.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let resolved: Promise<string> | undefined;

export function hostScript(): Promise<string> {
  resolved ??= locate();
  return resolved;
}

/** The host bundle's code (esbuild, CommonJS); `dynamic import()` of the handler is kept as is. */
export async function bundleHostScript(): Promise<string> {
  // from the sources: runtime-host.ts beside this file; compiled: dist/src/sim/runtime-host.js
  const source = fileURLToPath(new URL('./runtime-host.ts', import.meta.url));
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [existsSync(source) ? source : fileURLToPath(new URL('./runtime-host.js', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  // esbuild keeps a service process alive: stop it, no child is left behind.
  await esbuild.stop();
  return result.outputFiles[0].text;
}

/** Writes `code` to `out` through a temp sibling (never a half-written host). */
export function writeHostScript(out: string, code: string): void {
  if (existsSync(out) && readFileSync(out, 'utf8') === code) return;
  const temp = `${out}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, out);
}

async function locate(): Promise<string> {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) {
    // dist/src/sim/host-script.js → dist/runtime-host.cjs
    const built = join(here, '..', '..', '..', 'runtime-host.cjs');
    if (existsSync(built)) return built;
  }
  const code = await bundleHostScript();
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `dlpack-runtime-host-${hash}.cjs`);
  writeHostScript(out, code);
  return out;
}
