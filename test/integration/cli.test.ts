import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli, spawnNode } from '../helpers/cli.js';
import { runCliIn } from '../helpers/run-in.js';
import { benchReport, bundleReport, writeFolder } from '../helpers/report-fixtures.js';

test('dlpack --help lists commands with examples', async () => {
  const r = await runCli(['--help']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /inspect/);
});

test('dlpack inspect --help shows examples', async () => {
  const r = await runCli(['inspect', '--help']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /EXAMPLES/);
  assert.match(r.stdout, /dlpack inspect model\.onnx/);
});

test('a missing model file is a one-line error, exit 1, no stack', async () => {
  const r = await runCli(['inspect', 'no-such-model.onnx']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no-such-model\.onnx: no such file/);
  assert.not.match(r.stderr, /\n\s+at /);
});

// The in-process tests (test/unit/check/check-cli.test.ts) read oclif's exit code from the error;
// here a real process exits with it.
test('dlpack check as a process: exit 1 with the table on a broken budget, exit 2 and one line on a bad config', async () => {
  const models = (budgets: Record<string, unknown>) => ({ models: [{ model: 'mlp.onnx', targets: ['aws-lambda'], memory: [512, 1024], budgets }] });
  const dir = writeFolder({ 'dlpack.config.json': models({ zipped: '10 MB', warmP50: '20 ms' }), 'bundle.json': bundleReport(), 'bench.json': benchReport() });
  try {
    const broken = await runCliIn(dir, ['check', '--from', 'bundle.json', '--from', 'bench.json']);
    assert.is(broken.code, 1, broken.stderr + broken.stdout);
    assert.match(broken.stdout, /FAIL: 2 of 3 budgets met, 1 failed/);
    assert.is(broken.stderr, '');
    writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify(models({ zipped: '10 MBB' })));
    const bad = await runCliIn(dir, ['check', '--from', 'bundle.json']);
    assert.is(bad.code, 2, bad.stderr + bad.stdout);
    assert.match(bad.stderr, /^Error: dlpack\.config\.json: .*zipped/);
    assert.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the dev entry runs the TypeScript sources, never a stale dist/ (even with a built manifest)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-dev-trace-'));
  const trace = join(dir, 'trace.txt');
  try {
    const r = await spawnNode(
      ['--import', join(ROOT, 'test/helpers/import-tracer.mjs'), '--import', 'tsx', join(ROOT, 'bin/dev.js'), 'inspect', 'fixtures/models/cnn.onnx'],
      { env: { IMPORT_TRACE_FILE: trace } },
    );
    assert.is(r.code, 0, r.stderr);
    const loaded = readFileSync(trace, 'utf8').split('\n');
    assert.ok(loaded.some((l) => l.endsWith('/commands/inspect.ts')), 'loads commands/inspect.ts');
    const stale = loaded.filter((l) => l.includes(`${ROOT}dist/`) || l.includes(`${ROOT.replace(/\/$/, '')}/dist/`));
    assert.equal(stale, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
