/**
 * Build step (`npm run build`): bundles @oclif/core into dist/oclif-core.cjs with esbuild, so the
 * help paths (`dlpack --help`, `dlpack <command> --help`) load one file through a V8 code cache
 * instead of ~150 CommonJS files (src/cli/start.ts). The installed @oclif/core's version is recorded
 * beside it; start.ts uses the bundle only while the installed version still matches.
 * Two changes to oclif's code, each giving the same result for dlpack (test/integration/cli-conventions.test.ts
 * compares the bundled help with the installed oclif's, and the build fails when the patched text
 * is not found):
 * - Plugin.load sorts command ids with localeCompare, whose first call initializes ICU collation
 *   (~12 ms, a third of the help path). Ids made only of a-z, ':' and '-' are compared by code
 *   unit — the order ICU gives them too ('-' < ':' < letters); any other id uses localeCompare.
 * - Plugin names listed in `oclif.plugins` are matched against dependencies with minimatch, whose
 *   pattern compiler costs ~4 ms; a name without glob characters is compared for equality (what
 *   minimatch would answer).
 * It also writes the bench's runtime host as one CommonJS file, dist/runtime-host.cjs, and each
 * platform's calling convention as one beside its compiled module (dist/src/platforms/<id>/convention.cjs)
 * (src/sim/host-script.ts: an instance then starts close to a bare Node process).
 * Usage: node dist/src/cli/build-start-bundle.js
 */
import { build, type Plugin } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../core/units.js';
import { bundleHostScripts, prebuildTargets, writeHostScript } from '../sim/host-script.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const core = JSON.parse(readFileSync(require.resolve('@oclif/core/package.json'), 'utf8')) as { version: string };
const out = join(root, 'dist', 'oclif-core.cjs');
const PATCHES: { file: RegExp; from: string; to: string }[] = [
  {
    file: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    from: '.sort((a, b) => a.id.localeCompare(b.id))',
    to: '.sort((a, b) => (/^[a-z:-]*$/.test(a.id) && /^[a-z:-]*$/.test(b.id) ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.id.localeCompare(b.id)))',
  },
  {
    file: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin-loader\.js$/,
    from: 'patterns.some((w) => (0, minimatch_1.minimatch)(p, w))',
    to: 'patterns.some((w) => (/[*?[\\]{}()!+@]/.test(w.replace(/^@[^/]+\\//, "")) ? (0, minimatch_1.minimatch)(p, w) : p === w))',
  },
];
const patchOclif: Plugin = {
  name: 'patch-oclif-start-up',
  setup(b) {
    for (const patch of PATCHES) {
      b.onLoad({ filter: patch.file }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes(patch.from)) throw new Error(`${args.path}: "${patch.from}" not found; review build-start-bundle.ts`);
        return { contents: text.replace(patch.from, patch.to), loader: 'js' };
      });
    }
  },
};
const result = await build({
  stdin: { contents: "module.exports = require('@oclif/core');", resolveDir: root, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: out,
  // oclif reads tsconfig with TypeScript only in development (ts-node/tsx): never bundled.
  external: ['typescript', 'ts-node', 'tsx'],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [patchOclif],
});
writeFileSync(join(root, 'dist', 'oclif-core.json'), JSON.stringify({ version: core.version }) + '\n');
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
console.log(`dist/oclif-core.cjs: @oclif/core ${core.version}, ${formatBytes(bytes)}`);
const hostFiles = prebuildTargets();
const hostCodes = await bundleHostScripts(hostFiles.map((f) => f.source));
for (const [i, f] of hostFiles.entries()) writeHostScript(f.out, hostCodes[i]);
console.log(`dist/runtime-host.cjs: the bench runtime host; ${hostFiles.length - 1} platform conventions beside their modules (convention.cjs)`);
