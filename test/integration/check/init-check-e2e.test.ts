/**
 * End to end on the MLP fixture with the real engines: `dlpack init` measures (bundle + bench) and
 * writes a config and a workflow; `dlpack check` then exits 0; a tightened budget makes it exit 1
 * naming the budget.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runInProcess } from '../../helpers/cli.js';
import { runCliIn } from '../../helpers/run-in.js';
import { loadConfig } from '../../../src/config/load-config.js';

const MLP = join(ROOT, 'fixtures', 'models', 'mlp.onnx');
const dir = mkdtempSync(join(tmpdir(), 'dlpack-init-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('init without a model and without a terminal asks nothing and exits 2', async () => {
  const r = await runInProcess(['init'], { cwd: dir });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /which model\? pass --model <file>/);
});

test('init → check exits 0; a tightened budget exits 1; nothing overwritten without --force', async () => {
  copyFileSync(MLP, join(dir, 'mlp.onnx'));
  const init = await runCliIn(dir, ['init', '--model', 'mlp.onnx', '--target', 'aws-lambda', '--memory', '1024', '--cold', '2', '--warm', '5'], { deadlineMs: 40_000 });
  assert.is(init.code, 0, init.stderr + init.stdout);
  assert.match(init.stdout, /Wrote dlpack\.config\.json with budgets/);
  const loaded = await loadConfig({ cwd: dir });
  const budgets = loaded.config.models[0].budgets!;
  for (const k of ['zipped', 'unzipped', 'initP50', 'coldP50', 'warmP50', 'peakMemory', 'costPer1M']) assert.ok(k in budgets, `budget ${k} written`);
  const workflow = readFileSync(join(dir, '.github/workflows/dlpack.yml'), 'utf8');
  assert.match(workflow, /npx dlpack check --format markdown --output dlpack-check\.md "\$\{args\[@\]\}"/);
  assert.match(workflow, /gh pr comment/);
  assert.match(workflow, /ONNXRUNTIME_NODE_INSTALL: skip/);

  const check = await runCliIn(dir, ['check', '--runs', '2'], { deadlineMs: 40_000 });
  assert.is(check.code, 0, check.stderr + check.stdout);
  assert.match(check.stdout, /PASS: 9 of 9 budgets met/);

  const before = readFileSync(join(dir, 'dlpack.config.json'), 'utf8');
  const again = await runCliIn(dir, ['init', '--model', 'mlp.onnx'], { deadlineMs: 30_000 });
  assert.is(again.code, 1);
  assert.match(again.stderr, /dlpack\.config\.json: already exists \(use --force to replace it\)/);
  assert.is(readFileSync(join(dir, 'dlpack.config.json'), 'utf8'), before);

  const tight = JSON.parse(before);
  tight.models[0].budgets.zipped = '1 MB';
  delete tight.models[0].budgets.initP50; // the size alone decides
  writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify(tight));
  const broken = await runCliIn(dir, ['check', '--format', 'junit', '-o', 'junit.xml'], { deadlineMs: 40_000 });
  assert.is(broken.code, 1, broken.stderr + broken.stdout);
  assert.ok(broken.stdout.split('\n').some((l) => l.includes('FAIL') && l.includes('zipped size')), broken.stdout);
  assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /failures="1"/);
});

test('accuracy budgets are measured against the "original" model (no bundle or bench needed)', async () => {
  const ext = join(ROOT, 'fixtures', 'models', 'mlp-external');
  const cwd = mkdtempSync(join(dir, 'acc-'));
  const config = (model: string) => ({ models: [{ model, original: MLP, budgets: { minCosine: 0.9999, maxAbsError: 0 } }] });
  writeFileSync(join(cwd, 'dlpack.config.json'), JSON.stringify(config(MLP)));
  const same = await runInProcess(['check', '--json'], { cwd });
  assert.is(same.code, 0, same.stderr + same.stdout);
  const sameReport = JSON.parse(same.stdout);
  assert.equal(sameReport.results.map((r: { budget: string; actual: number }) => [r.budget, r.actual]), [['minCosine', 1], ['maxAbsError', 0]]);
  writeFileSync(join(cwd, 'dlpack.config.json'), JSON.stringify(config(join(ext, 'model.onnx'))));
  const other = await runInProcess(['check'], { cwd });
  assert.is(other.code, 1, other.stderr + other.stdout);
  assert.ok(other.stdout.split('\n').some((l) => l.includes('FAIL') && l.includes('min cosine')), other.stdout);
  assert.ok(other.stdout.split('\n').some((l) => l.includes('FAIL') && l.includes('max abs error')), other.stdout);
});

test.run();
