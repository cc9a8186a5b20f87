/**
 * Paths as users type them: `bundle -o build/lambda` creates missing parent folders; `check` on a
 * config naming a model that does not exist fails naming the file, budgets or not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runInProcess } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dlpack-paths-'));
copyFileSync(join(ROOT, 'fixtures/models/mlp.onnx'), join(dir, 'mlp.onnx'));

test('bundle -o build/lambda: the missing build/ is created', async () => {
  const r = await runInProcess(['bundle', 'mlp.onnx', '--target', 'aws-lambda', '-o', 'build/deep/lambda'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'build/deep/lambda/index.js')));
  assert.ok(existsSync(join(dir, 'build/deep/lambda.zip')));
});

test('dlpack’s own handler at 128 MB (7% of a core): no note asking it to export a ready promise', async () => {
  const r = await runInProcess(['bench', 'build/deep/lambda', '--memory', '128', '--cold', '3', '--warm', '1', '--json'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout).configurations[0];
  assert.not.ok((c.notes ?? []).some((n: string) => /export its promise/.test(n)), JSON.stringify(c.notes));
});

test('bundle with a failing check writes nothing, not even the parent folders', async () => {
  const r = await runInProcess(['bundle', 'mlp.onnx', '--target', 'aws-lambda', '--memory', '99999', '-o', 'never/lambda'], { cwd: dir });
  assert.is(r.code, 2, r.stderr);
  assert.not.ok(existsSync(join(dir, 'never')));
});

test('check with no budgets on a model that does not exist: fails naming the file', async () => {
  writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify({ models: [{ model: 'missing.onnx', targets: ['aws-lambda'] }] }));
  const r = await runInProcess(['check'], { cwd: dir });
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.stderr.trim().split('\n'), ['Error: missing.onnx: no such file (named in dlpack.config.json)']);
  assert.not.match(r.stdout, /PASS/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
