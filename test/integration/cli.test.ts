import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli, spawnNode } from '../helpers/cli.js';

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
