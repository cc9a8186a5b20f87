/**
 * Loads one CommonJS file through V8's code cache (Node 20 has no module.enableCompileCache):
 * the compiled code of the functions that ran is written to a cache file when the process exits,
 * and the next start deserializes it instead of parsing and compiling again. V8 checks the cache
 * against the source and its own version and flags, and rejects a stale one (then it is rewritten).
 * The cache lives in the user's own cache folder (created 0700): a code cache is trusted input.
 * `import()` inside the file works (the main context's loader), unlike the `v8-compile-cache` package.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

/** oclif's cache folder rule for a CLI's `dirname`: $XDG_CACHE_HOME/<name>, ~/Library/Caches/<name> on macOS, else ~/.cache/<name>. */
export function cacheDirFor(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const own = env[`${name.toUpperCase().replace(/-/g, '_')}_CACHE_DIR`];
  if (own) return own;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, name);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', name);
  return join(homedir(), '.cache', name);
}

type Wrapped = (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;

/**
 * `require(file)`, compiled with a code cache kept in `cacheDir`. `as` is the path the code runs
 * as (its __filename, __dirname and require base): a bundle of a package runs as the package's
 * own entry, so its `__dirname`-relative reads find the package's files.
 */
export function requireWithCodeCache(file: string, cacheDir: string, as: string = file): unknown {
  const source = readFileSync(file, 'utf8');
  const st = statSync(file);
  const cacheFile = join(cacheDir, `${st.size}-${Math.round(st.mtimeMs)}-${process.version}-${process.arch}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER as unknown as undefined,
  });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, cacheFile);
      } catch {
        // a read-only home or a full disk: start without the cache next time too
      }
    });
  }
  const mod = { exports: {} as unknown, filename: as, id: as, loaded: false };
  (script.runInThisContext() as Wrapped).call(mod.exports, mod.exports, createRequire(as), mod, as, dirname(as));
  mod.loaded = true;
  return mod.exports;
}
