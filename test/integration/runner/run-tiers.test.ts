/**
 * test/run.js end to end, on a small tree of test files in a temp folder (the runner, tally and
 * guard copied there; uvu and tsx linked from this package): the unit tier runs first and under the
 * process guard, the integration tier without it; a skip registered with testIf() is counted and its
 * SKIP line printed; per-tier totals and the closing line; `--unit`, `--integration` and substrings
 * select files; a failing file makes the exit code 1; with ../shared hidden, the real-model tests of
 * this repository show as skipped, as many as SKIP lines. The temp tree has no package.json, so tsx
 * compiles its files as CommonJS with esbuild from the main thread: the guard leaves that to tsx.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, spawnNode } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dlpack-runner-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function put(path: string, text: string) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}
for (const file of ['test/run.js', 'test/helpers/tally.mjs', 'test/helpers/forbid-processes.cjs']) {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  copyFileSync(join(ROOT, file), join(dir, file));
}
mkdirSync(join(dir, 'node_modules'));
for (const pkg of ['uvu', 'tsx']) symlinkSync(join(ROOT, 'node_modules', pkg), join(dir, 'node_modules', pkg));

const SKIP_HELPER = JSON.stringify(pathToFileURL(join(ROOT, 'test', 'helpers', 'skip.ts')).href);
const spawning = [
  "import { test } from 'uvu';",
  "import * as assert from 'uvu/assert';",
  "import { spawnSync } from 'node:child_process';",
  "test('starts node', () => { assert.is(spawnSync(process.execPath, ['-e', '']).status, 0); });",
  'test.run();',
].join('\n');
put(
  'test/unit/pure.test.ts',
  [
    "import { test } from 'uvu';",
    "import * as assert from 'uvu/assert';",
    `import { testIf } from ${SKIP_HELPER};`,
    "test('adds', () => { assert.is(1 + 1, 2); });",
    "testIf(test, 'the tool is absent here', 'needs the tool', () => { assert.unreachable(); });",
    'test.run();',
  ].join('\n'),
);
put('test/unit/spawns.test.ts', spawning);
put('test/integration/spawns.test.ts', spawning);

const run = (...args: string[]) => spawnNode([join(dir, 'test', 'run.js'), ...args], { cwd: dir, env: { TEST_PARALLEL: '1', TEST_VERBOSE: '' } });
const lines = (text: string) => text.split('\n').filter(Boolean);

test('both tiers: unit first under the guard, integration without it, skips counted, per-tier totals', async () => {
  const r = await run();
  assert.is(r.code, 1, r.stdout + r.stderr);
  const out = lines(r.stdout);
  const at = (re: RegExp) => out.findIndex((l) => re.test(l));
  assert.match(r.stdout, /^ok {3}test\/unit\/pure\.test\.ts {2}\(1 passed, 0 failed, 1 skipped, /m);
  assert.match(r.stdout, /^ {4}SKIP: needs the tool: the tool is absent here$/m);
  assert.match(r.stdout, /^FAIL test\/unit\/spawns\.test\.ts {2}\(0 passed, 1 failed, 0 skipped, /m);
  assert.match(r.stdout, /unit tests start no processes: test\/unit\/spawns\.test\.ts called child_process\.spawnSync\(".*node"\); move the test to test\/integration\//);
  assert.match(r.stdout, /^ok {3}test\/integration\/spawns\.test\.ts {2}\(1 passed, 0 failed, 0 skipped, /m);
  assert.match(r.stdout, /^unit: 2 files, 1 passed, 1 failed, 1 skipped, [\d.]+ s$/m);
  assert.match(r.stdout, /^integration: 1 file, 1 passed, 0 failed, 0 skipped, [\d.]+ s$/m);
  assert.ok(at(/^unit: /) < at(/test\/integration\/spawns/), 'the unit tier finishes before the integration tier starts');
  assert.match(out.at(-1) ?? '', /^tests: 2 passed, 1 failed, 1 skipped \(unit 2 files \d+ s, integration 1 file \d+ s\)$/);
});

test('--integration, --unit and substrings select files; all passing exits 0', async () => {
  const integration = await run('--integration');
  assert.is(integration.code, 0, integration.stdout);
  assert.not.match(integration.stdout, /test\/unit\//);
  assert.match(lines(integration.stdout).at(-1) ?? '', /^tests: 1 passed, 0 failed, 0 skipped \(integration 1 file \d+ s\)$/);
  const pure = await run('--unit', 'pure');
  assert.is(pure.code, 0, pure.stdout);
  assert.match(lines(pure.stdout).at(-1) ?? '', /^tests: 1 passed, 0 failed, 1 skipped \(unit 1 file \d+ s\)$/);
  const none = await run('no-such-file');
  assert.is(none.code, 1);
  assert.match(none.stdout, /^no test files matched$/m);
});

test('with ../shared hidden (DLPACK_TEST_SHARED at an empty folder) the real-model tests are counted skipped, one SKIP line each', async () => {
  const empty = join(dir, 'no-shared');
  mkdirSync(empty);
  const r = await spawnNode([join(ROOT, 'test', 'run.js'), '--unit', 'inspect-onnx', 'inspect-tfjs'], { env: { DLPACK_TEST_SHARED: empty, TEST_VERBOSE: '' } });
  assert.is(r.code, 0, r.stdout);
  const skipLines = lines(r.stdout).filter((l) => /^ {4}SKIP: .*no-shared\/models is absent \(real models\)$/.test(l));
  const closing = lines(r.stdout).at(-1) ?? '';
  const skipped = Number(/, (\d+) skipped \(/.exec(closing)?.[1]);
  assert.ok(skipLines.length >= 4, r.stdout);
  assert.is(skipped, skipLines.length, closing);
});

test.run();
