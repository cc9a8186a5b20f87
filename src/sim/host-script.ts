/**
 * Where the runtime host script is: dist/src/sim/runtime-host.js next to this file when dlpack
 * runs compiled; when it runs from its TypeScript sources (tsx), runtime-host.ts is bundled once
 * with esbuild into a cached .mjs in the temp folder, so the child runs plain Node with no loader
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

async function locate(): Promise<string> {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) {
    const js = join(here, '..', 'runtime-host.js');
    if (existsSync(js)) return js;
  }
  const source = join(here, '..', 'runtime-host.ts');
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  // esbuild keeps a service process alive: stop it, no child is left behind.
  await esbuild.stop();
  const code = result.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `dlpack-runtime-host-${hash}.mjs`);
  if (!existsSync(out) || readFileSync(out, 'utf8') !== code) {
    const temp = `${out}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, out);
  }
  return out;
}
