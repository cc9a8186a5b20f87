/**
 * What bin/run.js runs. Every path ends in oclif; the two that people wait on most start faster:
 * - `dlpack --version` prints oclif's user agent (`dlpack/0.1.0 linux-x64 node-v20.20.2`, the same
 *   string as `dlpack version`) without loading oclif. Valid because no plugin of dlpack declares
 *   an `init` hook (test/integration/cli-conventions.test.ts checks that); on WSL, where oclif reports the
 *   platform as "wsl", oclif answers itself.
 * - help (`--help`, `-h`, no arguments) runs oclif from dist/oclif-core.cjs, one esbuild bundle of
 *   the installed @oclif/core compiled through a V8 code cache (compile-cache.ts); help renders from
 *   oclif.manifest.json and loads no command. When the bundle is missing, built from another
 *   @oclif/core version, or fails to load, the installed @oclif/core runs instead.
 * Everything else (commands, `dlpack help <cmd>`, `dlpack version`, completion) runs the installed
 * @oclif/core as usual, so a command's classes and oclif's are always one copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirFor, requireWithCodeCache } from './compile-cache.js';

interface PackageJson {
  name: string;
  version?: string;
  oclif?: { dirname?: string; additionalHelpFlags?: string[]; additionalVersionFlags?: string[] };
}

type Oclif = { execute(options: { dir: string; args?: string[] }): Promise<unknown> };

/** oclif's `config.userAgent`, or undefined where oclif computes it differently (WSL). */
export function userAgent(pjson: PackageJson): string | undefined {
  if (platform() === 'linux' && (process.env.WSL_DISTRO_NAME || /microsoft/i.test(release()))) return undefined;
  const a = arch() === 'ia32' ? 'x86' : arch();
  return `${pjson.name}/${pjson.version || '0.0.0'} ${platform()}-${a} node-${process.version}`;
}

/** The same test oclif's `run` makes before it shows help. */
export function wantsHelp(argv: string[], pjson: PackageJson): boolean {
  if (argv.length === 0) return true;
  const flags = new Set(['--help', ...(pjson.oclif?.additionalHelpFlags ?? [])]);
  for (const a of argv) {
    if (a === '--') return false;
    if (flags.has(a)) return true;
  }
  return false;
}

/** The bundled @oclif/core when it matches the installed one, else undefined. */
export function loadBundledOclif(root: string, pjson: PackageJson): Oclif | undefined {
  const bundle = join(root, 'dist', 'oclif-core.cjs');
  if (!existsSync(bundle)) return undefined;
  try {
    const require = createRequire(join(root, 'package.json'));
    const installed = JSON.parse(readFileSync(require.resolve('@oclif/core/package.json'), 'utf8')) as { version: string };
    const built = JSON.parse(readFileSync(join(root, 'dist', 'oclif-core.json'), 'utf8')) as { version: string };
    if (installed.version !== built.version) return undefined;
    const cacheDir = join(cacheDirFor(pjson.oclif?.dirname ?? pjson.name), 'compile-cache');
    return requireWithCodeCache(bundle, cacheDir, require.resolve('@oclif/core')) as Oclif;
  } catch (err) {
    if (process.env.DEBUG) process.stderr.write(`dlpack: bundled oclif not used: ${String(err)}\n`);
    return undefined;
  }
}

export async function start(binUrl: string, argv: string[] = process.argv.slice(2)): Promise<void> {
  const root = fileURLToPath(new URL('..', binUrl));
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  if (argv.length === 1 && argv[0] === '--version') {
    const agent = userAgent(pjson);
    if (agent) {
      process.stdout.write(agent + '\n');
      return;
    }
  }
  const oclif = (wantsHelp(argv, pjson) ? loadBundledOclif(root, pjson) : undefined) ?? ((await import('@oclif/core')) as Oclif);
  await oclif.execute({ dir: binUrl, args: argv });
}
