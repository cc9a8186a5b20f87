/**
 * Skips decided when a test is registered, never inside its body: a test that cannot run here is
 * registered with uvu's `test.skip`, so uvu counts it under "Skipped" (not "Passed"), and one line
 * `SKIP: <test name>: <reason>` is printed for it. test/run.js checks that each file printed as
 * many SKIP lines as uvu counted skipped tests, and test/unit/skip-scan.test.ts rejects the old
 * in-body forms (`return skipMessage(…)`, `if (!x) { … } else { test(…) }`).
 *
 * A probe returns the reason a test cannot run, or `false` when it can. The probes here start no
 * process, so unit files may use them; `pythonWith()` runs python3 and is for integration files.
 */
import type { Callback, Test } from 'uvu';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { ROOT, SHARED, SHARED_MODELS } from './cli.js';

/** Why a test cannot run here, or false (or undefined) when it can. */
export type Unavailable = string | false | undefined;

/** Registers `fn` as `name`, or, when `unavailable` gives a reason, as skipped with a SKIP line. */
export function testIf<T>(t: Test<T>, unavailable: Unavailable, name: string, fn: Callback<T>): void {
  if (!unavailable) return t(name, fn);
  t.skip(name, fn);
  console.log(`SKIP: ${name}: ${unavailable}`);
}

/** The first reason of several, or false when every probe passed. */
export function firstReason(...reasons: Unavailable[]): Unavailable {
  return reasons.find((r) => r) || false;
}

/** `../shared/models` next to the repository, an absolute path farther away. */
const shown = (path: string) => {
  const rel = relative(ROOT, path);
  return rel && !rel.startsWith(join('..', '..')) ? rel : path;
};

/** The real models of ../shared/models (ONNX, TF.js). */
export const noSharedModels: Unavailable = existsSync(SHARED_MODELS) ? false : `${shown(SHARED_MODELS)} is absent (real models)`;

/** The real text-line PNGs and speech WAVs of ../shared/samples. */
export const SHARED_SAMPLES = join(SHARED, 'samples');
export const noSharedSamples: Unavailable = existsSync(SHARED_SAMPLES) ? false : `${shown(SHARED_SAMPLES)} is absent (real samples)`;

/** The built CLI (dist/, from `npm run build`). */
export const noBuild: Unavailable =
  existsSync(join(ROOT, 'dist', 'commands', 'inspect.js')) && existsSync(join(ROOT, 'dist', 'oclif-core.cjs')) ? false : 'dist/ is not built (npm run build)';

/** A path that must exist, e.g. generated fixtures. */
export function missingPath(path: string, hint: string): Unavailable {
  return existsSync(path) ? false : `${shown(path)} is absent (${hint})`;
}

/** The first executable called `bin` on PATH (or `bin` itself when it is a path), or undefined. */
export function findExecutable(bin: string, extra: string[] = []): string | undefined {
  const dirs = bin.includes('/') ? [''] : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extra];
  for (const dir of dirs) {
    const file = dir ? join(dir, bin) : bin;
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** An outside tool looked up on PATH (no process is started); `install` says how to get it. */
export function missingTool(bin: string, install: string): Unavailable {
  return findExecutable(bin, ['/usr/bin', '/usr/local/bin']) ? false : `${bin} is not installed (${install})`;
}

const pythons = new Map<string, string | null>();

/**
 * A python3 that imports `modules` (PATH's python3, then Debian's /usr/bin/python3), or null.
 * Starts python3: integration files only.
 */
export function pythonWith(modules: string): string | null {
  let py = pythons.get(modules);
  if (py !== undefined) return py;
  py = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', `import ${modules}`], { stdio: 'ignore', timeout: 30_000 }).status === 0) ?? null;
  pythons.set(modules, py);
  return py;
}

/** The reason when no python3 imports `modules`; `debian` names the package that provides them. */
export function noPython(modules: string, debian: string): Unavailable {
  return pythonWith(modules) ? false : `no python3 with ${modules} (apt-get install -y ${debian})`;
}
