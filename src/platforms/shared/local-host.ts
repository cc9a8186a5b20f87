/**
 * A platform's own local runtime, installed from the npm registry (never a dependency of dlpack),
 * as data and small functions: which packages it needs and the file to find in each, how it is
 * launched (command, args, env), how it boots (dlpack's Lambda Runtime API, or an HTTP server),
 * whether Node's start is stamped, the message when it is missing. Each platform folder's
 * `local-host.ts` exports one (`localHost`); src/sim/local-hosts.ts finds the packages and
 * src/sim/real-host.ts runs the launch. Runs in dlpack's process.
 */

/** One installed host package: its file, its version, and a module the recipe resolved beside it. */
export interface HostPackage {
  script: string;
  version: string;
  module?: string;
}

/** What is installed where (src/sim/local-hosts.ts findLocalHosts). */
export interface LocalHosts {
  /** node_modules folders searched, in order. */
  searched: string[];
  /** The host packages found, by npm name (only those the recipes accepted). */
  packages: Record<string, HostPackage>;
  /** Node.js binaries by major version (the running one included). */
  nodes: Record<string, string>;
}

/** A package a host needs: its npm name and the file inside it that runs (or is) the host. */
export interface HostPackageSpec {
  name: string;
  file: string;
  /** Refines what was found (a module beside it), or undefined when it cannot run (the host counts as absent). */
  accept?(found: HostPackage): HostPackage | undefined;
}

/** How a host process starts. */
export interface HostLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** A line on stdout/stderr that says the host is ready; absent: a TCP connection succeeds (HTTP) or the Runtime API's INIT ends. */
  readyLine?: RegExp;
  /** Node starts with the fd-3 stamp (`ctx.nodeArgs`): boot and INIT split there. */
  stamped: boolean;
  /** No stamp: the host's own start is measured once on `bootProbe` and counted as boot. */
  calibrateBoot?: boolean;
}

export interface LaunchContext {
  hosts: LocalHosts;
  /** The unpacked bundle folder. */
  dir: string;
  entry: string;
  /** The modules beside the entry (manifest.modules). */
  modules: string[];
  /** The HTTP port to listen on (HTTP hosts). */
  port: number;
  /** dlpack's Runtime API `host:port` (boot `runtime-api`). */
  runtimeApi?: string;
  /** The Node.js of the target's major when installed, else this one. */
  node: string;
  /** The platform's Node flags, the fd-3 stamp, then the script and its arguments. */
  nodeArgs(script: string, ...rest: string[]): string[];
  /** A temp folder of the host's own (removed at stop). */
  scratch(): string;
  /** Which of a platform's hosts (Workers: `wrangler`, `workerd`, `workerd-calibration`). */
  variant?: string;
}

export type LocalHostRecipe =
  | {
      kind: 'npm';
      packages: HostPackageSpec[];
      /** `runtime-api`: the host polls dlpack's Lambda Runtime API for events; `http`: it serves HTTP on ctx.port. */
      boot: 'runtime-api' | 'http';
      /** Why it cannot run here (one line), or undefined when it can. */
      missing(hosts: LocalHosts, use: 'parity' | 'bench'): string | undefined;
      /** The host with its version, for reports. */
      name(hosts: LocalHosts): string;
      /** The runtime's own modules the emulator loads first in INIT, when installed. */
      runtimeModules?(hosts: LocalHosts): string[] | undefined;
      launch(ctx: LaunchContext): HostLaunch;
      /** An empty function whose start-up is the host's boot (`calibrateBoot`), started with variant `calibration`. */
      bootProbe?: { entry: string; files: Record<string, string>; variant: string };
    }
  | { kind: 'none'; /** Why it stays emulated (one line). */ reason: string };

export const INSTALL_HINT = 'install it with .ci/install-tools.sh, or npm i -D it in this folder';

/** `<name> is not installed (…hint)` unless `hosts` has it. */
export function notInstalled(hosts: LocalHosts, name: string): string | undefined {
  return hosts.packages[name] ? undefined : `${name} is not installed (${INSTALL_HINT})`;
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
