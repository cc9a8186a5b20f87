/**
 * The commands that need processes (esbuild, bench instances): `dlpack bundle`, `dlpack bench` and
 * `dlpack init` print exactly what `dlpack report <their --json file>` prints; and one real CLI
 * run end to end — `dlpack bench --json > bench.json`, then `dlpack report bench.json` in a child
 * process prints the table `dlpack bench` prints for that report.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Bench from '../../../commands/bench.js';
import Bundle from '../../../commands/bundle.js';
import Init from '../../../commands/init.js';
import Report from '../../../commands/report.js';
import { ROOT, runCommand } from '../../helpers/cli.js';
import { runCliIn } from '../../helpers/run-in.js';
import { fixture } from '../../helpers/sim-helpers.js';
import { readReport } from '../../../src/core/reports/read-report.js';
import { renderHuman } from '../../../src/report/kinds/index.js';
import type { BenchReport, BundleReport, InitReport } from '../../../src/core/reports/schemas.js';

const dir = mkdtempSync(join(tmpdir(), 'dlpack-same-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const MLP = join(dir, 'mlp.onnx');
copyFileSync(join(ROOT, 'fixtures/models/mlp.onnx'), MLP);

function save(name: string, report: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(report, null, 2));
  return file;
}

async function reportOf(file: string): Promise<string> {
  const r = await runCommand(Report, [file]);
  assert.is(r.exitCode, 0, String(r.error));
  return r.stdout;
}

const BENCH = ['--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--memory', '256,512', '--cold', '1', '--warm', '3', '--max-time', '0'];

test('bundle: `dlpack bundle` and `dlpack report bundle.json` print the same bytes', async () => {
  const run = await runCommand<BundleReport>(Bundle, [MLP, '--target', 'aws-lambda', '-o', join(dir, 'lambda')]);
  assert.is(run.exitCode, 0, String(run.error));
  assert.match(run.stdout, /^PASS {2}aws-lambda · onnxruntime-node · linux\/x64 · zip/);
  assert.match(run.stdout, /│ zipped +│ [\d.]+ MB +│ 50\.00 MB +│ ok │/);
  assert.is(await reportOf(save('bundle.json', run.result)), run.stdout);
});

test('bench: `dlpack bench` and `dlpack report bench.json` print the same table', async () => {
  const run = await runCommand<BenchReport>(Bench, BENCH);
  assert.is(run.exitCode, 0, String(run.error));
  assert.is(run.result!.configurations.length, 2);
  assert.match(run.stdout, /│ aws-lambda │ 256 MB +│/);
  assert.match(run.stdout, /Recommendations:/);
  assert.match(run.stdout, /CPU share: /);
  assert.is(await reportOf(save('bench.json', run.result)), run.stdout);
});

test('init: `dlpack init` and `dlpack report init.json` print the same bytes', async () => {
  const cwd = process.cwd();
  const work = mkdtempSync(join(dir, 'init-'));
  process.chdir(work); // init writes ./dlpack.config.json and names it relative to the working folder
  try {
    const run = await runCommand<InitReport>(Init, ['--model', MLP, '--target', 'aws-lambda', '--memory', '512', '--cold', '1', '--warm', '3', '--max-time', '0', '--no-workflow']);
    assert.is(run.exitCode, 0, String(run.error));
    assert.match(run.stdout, /Wrote dlpack\.config\.json with budgets/);
    assert.is(await reportOf(save('init.json', run.result)), run.stdout);
  } finally {
    process.chdir(cwd);
  }
});

test('real CLI: `dlpack bench --json > bench.json`, then `dlpack report bench.json` prints the bench table', async () => {
  const json = await runCliIn(dir, ['bench', ...BENCH, '--json'], { deadlineMs: 120_000 });
  assert.is(json.code, 0, json.stderr);
  writeFileSync(join(dir, 'real-bench.json'), json.stdout);
  const table = await runCliIn(dir, ['report', 'real-bench.json'], { deadlineMs: 60_000 });
  assert.is(table.code, 0, table.stderr);
  const loaded = await readReport(join(dir, 'real-bench.json'));
  assert.is(loaded.kind, 'bench');
  // what `dlpack bench` prints for this report, piped like this child's stdout
  assert.is(table.stdout, `${renderHuman(loaded)}\n`);
  const rows = table.stdout.split('\n').filter((l) => l.startsWith('│ aws-lambda'));
  assert.equal(rows.map((l) => l.split('│')[2].trim()), ['256 MB', '512 MB']);
  assert.match(readFileSync(join(dir, 'real-bench.json'), 'utf8'), /"schema": "dlpack\.bench\/1"/);
});

test.run();
