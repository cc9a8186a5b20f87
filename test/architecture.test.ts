/**
 * The house rules of src/ and commands/ (src/README.md): tiers, a leaf core, commands through the
 * facade, the function-side payload and the emulator's conventions kept apart, heavy packages
 * lazy, no file cycle, a README per folder. The checker (test/helpers/architecture.ts) is shown
 * failing first on small synthetic trees, then run on the real one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkArchitecture, formatViolation, TIERS, type Violation } from './helpers/architecture.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Violations the real tree still has, with the work package of PLAN-12 that removes them. The
 * list may only shrink: a new violation fails, and so does an entry that no longer occurs.
 */
const KNOWN_VIOLATIONS: Record<string, string> = {
  // Commands reach into the engines instead of going through src/index.ts (WP4: the facade).
  'commands/bench.ts -> src/core/errors/dlpack-error.ts': 'WP4',
  'commands/bench.ts -> src/core/units.ts': 'WP4',
  'commands/bench.ts -> src/sim/run-bench.ts': 'WP4',
  'commands/bundle.ts -> src/bundle/index.ts': 'WP4',
  'commands/bundle.ts -> src/core/reports/schemas.ts': 'WP4',
  'commands/check.ts -> src/budgets/run-check.ts': 'WP4',
  'commands/check.ts -> src/core/reports/schemas.ts': 'WP4',
  'commands/convert.ts -> src/core/reports/schemas.ts': 'WP4',
  'commands/convert.ts -> src/core/units.ts': 'WP4',
  'commands/convert.ts -> src/transforms/convert-model.ts': 'WP4',
  'commands/init.ts -> src/init/ask-tty.ts': 'WP4',
  'commands/init.ts -> src/init/run-init.ts': 'WP4',
  'commands/platforms.ts -> src/platforms/index.ts': 'WP4',
  'commands/platforms.ts -> src/platforms/render-platforms.ts': 'WP4',
  'commands/quantize.ts -> src/core/reports/schemas.ts': 'WP4',
  'commands/quantize.ts -> src/core/units.ts': 'WP4',
  'commands/quantize.ts -> src/transforms/quantize-model.ts': 'WP4',
  'commands/report.ts -> src/core/reports/schemas.ts': 'WP4',
};

/** The files the checker reads: TypeScript of src/ and commands/, READMEs of src/. */
function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${d.name}`;
      if (d.isDirectory()) walk(path);
      else if (/\.(ts|mts)$/.test(d.name) || (d.name === 'README.md' && rel.startsWith('src'))) files.set(path, readFileSync(join(root, path), 'utf8'));
    }
  };
  walk('src');
  walk('commands');
  return files;
}

// ---------------------------------------------------------------- the checker on synthetic trees

/** A small tree that keeps every rule. */
const GOOD: Record<string, string> = {
  'src/README.md': '# src',
  'src/index.ts': "export { y } from './report/y.js';\nexport { load } from './sim/s.js';",
  'src/core/README.md': '# core',
  'src/core/a.ts': "import { readFileSync } from 'node:fs';\nimport { mean } from 'simple-statistics';\nexport const a = mean([1]) + readFileSync.length;",
  'src/core/t.ts': 'export interface T { v: number }',
  'src/bundle/README.md': '# bundle',
  'src/bundle/zip.ts': 'export const zip = 1;',
  'src/bundle/index.ts': "import type { Config } from './handler-runtime/config.js';\nexport const build = async (c: Config) => (await import('esbuild')).build;",
  'src/bundle/handler-runtime/README.md': '# payload',
  'src/bundle/handler-runtime/config.ts': 'export interface Config { model: string }',
  'src/bundle/handler-runtime/predict.ts': "import * as ort from 'onnxruntime-node';\nimport config from 'dlpack:config';\nimport type { Config } from './config.js';\nimport { a } from '../../core/a.js';\nexport const predict = (c: Config) => [ort, config, a, c];",
  'src/sim/README.md': '# sim',
  'src/sim/s.ts': "import type { T } from '../core/t.js';\nimport { build } from '../bundle/index.js';\nexport const load = async (t: T) => [t, build, await import('./conventions/lambda.js')];",
  'src/sim/runtime-host.ts': 'export const run = (entry: string) => import(entry);',
  'src/sim/conventions/README.md': '# conventions',
  'src/sim/conventions/lambda.ts': "import { createRequire } from 'node:module';\nimport type { T } from '../../core/t.js';\nexport const lambda = (t: T) => [t, createRequire];",
  'src/report/README.md': '# report',
  'src/report/w.ts': 'export const w = 1;',
  'src/report/y.ts': "import { a } from '../core/a.js';\nimport type { T } from '../core/t.js';\nexport const y = (t: T) => a + t.v;",
  'src/init/README.md': '# init',
  'src/init/z.ts': 'export const z = 1;',
  'src/cli/README.md': '# cli',
  'src/cli/flags.ts': 'export interface Flag { name: string }',
  'src/cli/c.ts': "import { y } from '../report/y.js';\nimport { z } from '../init/z.js';\nexport const c = [y, z];",
  'commands/run.ts': "import { y } from '../src/index.js';\nimport { c } from '../src/cli/c.js';\nexport default [y, c];",
};

function check(change: Record<string, string | undefined>): Violation[] {
  const tree = new Map(Object.entries({ ...GOOD, ...change }).filter((e): e is [string, string] => e[1] !== undefined));
  return checkArchitecture(tree);
}

/** Exactly one violation, of `rule`, naming `where` (file:line). */
function expectOne(found: Violation[], rule: string, where: string, text: RegExp) {
  assert.is(found.length, 1, found.map(formatViolation).join('\n') || 'no violation');
  const [v] = found;
  assert.is(v.rule, rule);
  assert.is(`${v.file}:${v.line}`, where);
  assert.ok(v.message.includes(where), v.message);
  assert.match(v.message, text);
}

test('checker: a tree that keeps the rules has no violation', () => {
  assert.equal(check({}).map(formatViolation), []);
});

test('checker: an upward static import fails with file:line', () => {
  expectOne(
    check({ 'src/core/a.ts': "import { readFileSync } from 'node:fs';\nimport { w } from '../report/w.js';\nexport const a = [readFileSync, w];" }),
    'R1 tiers',
    'src/core/a.ts:2',
    /src\/core\/a\.ts:2 imports src\/report\/w\.ts: core \(tier 0\) may not import report \(tier 7\)/,
  );
});

test('checker: an upward import type counts like a value import', () => {
  expectOne(check({ 'src/core/t.ts': "import type { w } from '../report/w.js';\nexport interface T { v: typeof w }" }), 'R1 tiers', 'src/core/t.ts:1', /core \(tier 0\) may not import report/);
});

test('checker: an upward import() counts like a static import', () => {
  expectOne(check({ 'src/bundle/zip.ts': "export const later = () => import('../sim/runtime-host.js');" }), 'R1 tiers', 'src/bundle/zip.ts:1', /bundle \(tier 3\) may not import sim \(tier 4\)/);
});

test('checker: an upward re-export and an import("x").T type query fail', () => {
  expectOne(check({ 'src/sim/runtime-host.ts': "export { c } from '../cli/c.js';" }), 'R1 tiers', 'src/sim/runtime-host.ts:1', /sim \(tier 4\) may not import cli \(tier 8\)/);
  expectOne(check({ 'src/init/z.ts': "export const z: import('../cli/flags.js').Flag | 1 = 1;" }), 'R1 tiers', 'src/init/z.ts:1', /init \(tier 7\) may not import cli/);
});

test('checker: a sideways import between folders of one tier fails', () => {
  expectOne(check({ 'src/report/y.ts': "import { z } from '../init/z.js';\nexport const y = z;" }), 'R1 tiers', 'src/report/y.ts:1', /report and init are both tier 7/);
});

test('checker: a command importing past src/index.ts and src/cli fails', () => {
  expectOne(check({ 'commands/deep.ts': "import { y } from '../src/report/y.js';\nexport default y;" }), 'R2 commands', 'commands/deep.ts:1', /commands import only src\/index\.ts and src\/cli/);
});

test('checker: src/core importing a package outside the allowlist fails', () => {
  expectOne(check({ 'src/core/t.ts': "import Table from 'cli-table3';\nexport const T = Table;" }), 'R3 core leaf', 'src/core/t.ts:1', /the package "cli-table3"/);
});

test('checker: a two-file cycle fails', () => {
  expectOne(
    check({ 'src/report/p.ts': "import { q } from './q.js';\nexport const p = () => q;", 'src/report/q.ts': "\nimport { p } from './p.js';\nexport const q = () => p;" }),
    'R8 cycles',
    'src/report/p.ts:1',
    /import cycle: src\/report\/p\.ts → src\/report\/q\.ts/,
  );
});

test('checker: payload, conventions, loaders, heavy packages, READMEs, unknown folders, bad paths', () => {
  expectOne(check({ 'src/bundle/handler-runtime/config.ts': "import { zip } from '../zip.js';\nexport interface Config { b: typeof zip }" }), 'R4 payload', 'src/bundle/handler-runtime/config.ts:1', /handler code bundled into the function/);
  expectOne(check({ 'src/bundle/index.ts': "import { predict } from './handler-runtime/predict.js';\nexport const build = predict;" }), 'R4 payload', 'src/bundle/index.ts:1', /only with import type/);
  expectOne(check({ 'src/sim/conventions/lambda.ts': "import { a } from '../../core/a.js';\nexport const lambda = a;" }), 'R5 emulator', 'src/sim/conventions/lambda.ts:1', /runs inside the runtime host/);
  expectOne(check({ 'src/sim/s.ts': 'export const load = (name: string) => import(name);' }), 'R6 loaders', 'src/sim/s.ts:1', /a module named at run time/);
  expectOne(check({ 'src/bundle/index.ts': "import { build } from 'esbuild';\nexport { build };" }), 'R7 heavy', 'src/bundle/index.ts:1', /"esbuild" with a static import/);
  expectOne(check({ 'src/init/README.md': undefined }), 'R9 readme', 'src/init/z.ts:1', /in src\/init\/, which has no README\.md/);
  expectOne(check({ 'src/extras/README.md': '# extras', 'src/extras/e.ts': 'export const e = 1;' }), 'folder', 'src/extras/e.ts:1', /folder "extras", which is not in the tier table/);
  expectOne(check({ 'src/report/y.ts': "import { gone } from './gone.js';\nexport const y = gone;" }), 'folder', 'src/report/y.ts:1', /"\.\/gone\.js", which is no file of the tree/);
});

test('checker: a platform id written outside its folder and the list fails (R10)', () => {
  const platform = {
    'src/platforms/README.md': '# platforms',
    'src/platforms/list.ts': "import edge from './edge-faas/index.js';\nexport const PLATFORMS = [edge];\nexport const FIRST = 'edge-faas';",
    'src/platforms/edge-faas/README.md': '# edge-faas',
    'src/platforms/edge-faas/index.ts': "export default { id: 'edge-faas' };",
  };
  assert.equal(check(platform).map(formatViolation), []);
  expectOne(
    check({ ...platform, 'src/sim/s.ts': "export const load = (id: string) => (id === 'edge-faas' ? 1 : 2);" }),
    'R10 platforms',
    'src/sim/s.ts:1',
    /names the platform 'edge-faas': platform ids are written only in src\/platforms\/edge-faas\/ and src\/platforms\/list\.ts/,
  );
});

// ---------------------------------------------------------------- the real tree

test('src/README.md lists the tiers the checker enforces', () => {
  const readme = readFileSync(join(ROOT, 'src/README.md'), 'utf8');
  const listed: Record<string, number> = {};
  for (const m of readme.matchAll(/^\|\s*(\d+)\s*\|([^|]+)\|/gm)) {
    for (const f of m[2].matchAll(/`([a-z]+)`/g)) listed[f[1]] = Number(m[1]);
  }
  assert.equal(listed, { ...TIERS });
});

test('the real tree keeps the rules (known violations may only shrink)', () => {
  const found = checkArchitecture(readTree(ROOT));
  const unexpected = found.filter((v) => !(v.key in KNOWN_VIOLATIONS));
  const fixed = Object.keys(KNOWN_VIOLATIONS).filter((k) => !found.some((v) => v.key === k));
  assert.ok(!unexpected.length, `${unexpected.length} violation(s):\n${unexpected.map(formatViolation).join('\n')}`);
  assert.ok(!fixed.length, `no longer violated, remove from KNOWN_VIOLATIONS:\n${fixed.join('\n')}`);
});

test.run();
