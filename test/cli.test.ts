import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './helpers/cli.js';

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

test.run();
