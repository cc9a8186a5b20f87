/**
 * A platform's whole contract, as one module per folder (src/platforms/<id>/index.ts): its sourced
 * facts, how dlpack bundles for it (the handler template and the files beside it) and how the
 * emulator calls what it bundled (the calling convention, run inside the runtime host). Nothing
 * outside src/platforms/ branches on a platform's id: it reads these fields.
 */
import { fileURLToPath } from 'node:url';
import type { Arch, PlatformProfile } from '../core/platform-facts.js';
import type { HttpFront } from './shared/http-front.js';
import type { LocalHostRecipe } from './shared/local-host.js';

export type { HostLaunch, HostPackage, HostPackageSpec, LaunchContext, LocalHostRecipe, LocalHosts } from './shared/local-host.js';
export type { Convention, FaultBehaviour, InvokeContext, InvokeOutcome, Invoker, PlatformFault } from './shared/convention.js';

export interface PlatformModule {
  /** The folder name: /^[a-z][a-z0-9-]*$/, equal to `facts.id`. */
  id: string;
  facts: PlatformProfile;
  bundle: BundleTarget;
  emulator: EmulatorSpec;
  /** The platform's own local runtime from npm (`bench --host real`, host parity), or why it stays emulated; absent: none. */
  localHost?: LocalHostRecipe;
}

export interface BundleTarget {
  id: string;
  /** The handler template esbuild bundles (a file of the platform's folder: .ts from sources, .js under dist/). */
  handler: string;
  /** Entry file name inside the bundle. */
  entry: string;
  /** How esbuild builds for this target. */
  build: 'node-cjs' | 'worker-esm';
  /** The export the platform calls; `--handler` files must have it. */
  export: string;
  /** What the platform calls, for messages and the README. */
  calls: string;
  /** Runtime ids (src/bundle/runtime-registry.ts) used when `--runtime` is not given. */
  defaultRuntime: { onnx: string; tfjs: string };
  /** How to deploy the folder or zip, for the report's notes. */
  deploy: (ctx: { out: string; zip?: string; node: string; memoryMb: number; arch: string }) => string;
  /** Deploy files written beside the bundle (name → contents). */
  deployFiles(ctx: { entry: string; node: string; memoryMb: number; name: string }): Record<string, string>;
  /** `--format image`: the platform's base image and how it starts the app; absent when the platform deploys no images. */
  image?: (ctx: ImageContext) => ImageRecipe;
}

export interface ImageContext {
  /** The platform's Node.js major version. */
  node: string;
  /** `linux/amd64` or `linux/arm64`. */
  platform: string;
  arch: Arch;
  /** The Dockerfile's first comment line(s). */
  header: string;
  /** The folder the bundle is copied from (next to the Dockerfile). */
  app: string;
  /** The export the platform calls. */
  exportName: string;
  /** The note every image gets (the OCI layout holds the app layer only). */
  appLayerNote: string;
}

export interface ImageRecipe {
  baseImage: string;
  /** Where the bundle goes inside the image. */
  imageDir: string;
  dockerfile: string;
  config: { Env: string[]; Entrypoint?: string[]; Cmd: string[]; WorkingDir: string };
  notes: string[];
}

export interface EmulatorSpec {
  /** The module exporting `convention: Convention` (a file of the platform's folder, or of src/platforms/shared/). */
  convention: string;
  /**
   * How the platform's runtime loads the handler module, and when INIT ends:
   * - `ric`: as aws-lambda-ric 3 (UserFunction.js): require() for CommonJS (`.cjs`, `.js` unless the
   *   nearest package.json says `"type": "module"`), import() for ES modules; INIT ends when the
   *   module has loaded (exported promises are not awaited).
   * - `by-type`: the same require()/import() rule (the Functions Framework's loader.js `isEsModule`,
   *   the Azure Functions Node worker's `loadScriptFile`); the promises the module exports are part of INIT.
   * - `import`: import() whatever the format (@vercel/node's dev server, workerd's ES modules); the
   *   promises the module exports are part of INIT.
   */
  loader: 'ric' | 'by-type' | 'import';
  /** The platform's HTTP front door under `dlpack serve`/`invoke` (its error answers; Lambda: function URL and Invoke API); absent: shared/http-front.ts genericFront. */
  front?: HttpFront;
  /** Globals the function does not have (Workers without nodejs_compat: `process`), deleted before the handler loads. */
  hideGlobals?: string[];
  /** `node --import` modules the runtime host starts with for a bundle (Workers: the module rules for its wasm and model files). */
  nodeImports?(bundle: { modules?: string[] }): string[];
}

/**
 * The path of a module beside `base` (an index.ts/.js's import.meta.url): `name.ts` when running
 * from TypeScript sources, `name.js` under dist/.
 */
export function sibling(base: string, name: string): string {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./${name}${ext}`, base));
}

/**
 * A platform module from its folder's parts: the id is the facts' id, the convention is
 * `convention.ts` (or `.js`) beside `base` (the index module's import.meta.url) unless given;
 * `localHost` is the folder's local-host.ts recipe, when it has one.
 */
export function definePlatform(
  base: string,
  facts: PlatformProfile,
  bundle: BundleTarget,
  emulator: Omit<EmulatorSpec, 'convention'> & { convention?: string },
  localHost?: LocalHostRecipe,
): PlatformModule {
  return { id: facts.id, facts, bundle, emulator: { ...emulator, convention: emulator.convention ?? sibling(base, 'convention') }, ...(localHost ? { localHost } : {}) };
}
