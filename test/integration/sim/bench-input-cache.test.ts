/**
 * A model benched several times in one process is bundled once: the same files, target and arch
 * reuse the bundle (also after the first run released it); a changed model file, another target
 * or another file beside it (a weight shard) bundles again; the bundles are gone when the process exits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBenchInput } from '../../../src/sim/bench-input.js';
import { spawnNode } from '../../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'dlpack-bundle-cache-'));
const model = join(work, 'mlp.onnx');
copyFileSync(join(ROOT, 'fixtures', 'models', 'mlp.onnx'), model);
test.after(() => rmSync(work, { recursive: true, force: true }));

test('same model, target and arch: one bundle, reused after release; a change bundles again', async () => {
  const a = await resolveBenchInput(model, { target: 'aws-lambda', arch: 'x64' });
  const b = await resolveBenchInput(model, { target: 'aws-lambda', arch: 'x64' });
  assert.is(b.cwd, a.cwd, 'reused while in use');
  a.cleanup();
  b.cleanup();
  assert.ok(existsSync(join(a.cwd, 'manifest.json')), 'kept for the next run');
  const c = await resolveBenchInput(model, { target: 'aws-lambda', arch: 'x64' });
  assert.is(c.cwd, a.cwd, 'reused after release');
  c.cleanup();
  const other = await resolveBenchInput(model, { target: 'gcp-functions', arch: 'x64' });
  assert.is.not(other.cwd, a.cwd, 'another target');
  other.cleanup();
  writeFileSync(join(work, 'weights.bin'), 'x');
  const shard = await resolveBenchInput(model, { target: 'aws-lambda', arch: 'x64' });
  assert.is.not(shard.cwd, a.cwd, 'a file beside the model changed');
  shard.cleanup();
  utimesSync(model, new Date(), new Date(Date.now() + 5000));
  const touched = await resolveBenchInput(model, { target: 'aws-lambda', arch: 'x64' });
  assert.is.not(touched.cwd, shard.cwd, 'the model file changed');
  touched.cleanup();
});

test('the bundles are removed when the process exits', async () => {
  const script = `import { resolveBenchInput } from ${JSON.stringify(join(ROOT, 'src', 'sim', 'bench-input.ts'))};
const i = await resolveBenchInput(${JSON.stringify(model)}, { target: 'aws-lambda', arch: 'x64' });
i.cleanup();
process.stdout.write(i.cwd);`;
  const r = await spawnNode(['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, deadlineMs: 60_000 });
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes('dlpack-bench-bundle-'), r.stdout);
  assert.not.ok(existsSync(r.stdout), `${r.stdout} removed at exit`);
});

test.run();
