/**
 * `dlpack check --from …` end to end, in process (the command class as bin/ runs it; the exit code
 * through a real child is in test/integration/cli.test.ts): exit codes (0 met, 1 broken or
 * missing, 2 config/usage), what is printed, --json, CI outputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../../helpers/cli.js';
import { benchReport, bundleReport, transformReport, writeFolder } from '../../helpers/report-fixtures.js';

const dirs: string[] = [];
function folder(files: Record<string, unknown>): string {
  const d = writeFolder(files);
  dirs.push(d);
  return d;
}
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const budgets = {
  zipped: '45 MB',
  unzipped: '200 MB',
  initP50: '800 ms',
  coldP90: '1.5 s',
  warmP50: '20 ms',
  warmP95: '30 ms',
  peakMemory: '80%',
  costPer1M: '$0.50',
  minCosine: 0.999,
  maxAbsError: 0.05,
};
const config = (b: Record<string, unknown> = budgets, extra: Record<string, unknown> = {}) => ({
  $schema: './node_modules/dlpack/schema/dlpack.config.schema.json',
  models: [{ model: 'mlp.onnx', targets: ['aws-lambda'], memory: [512, 1024], budgets: b }],
  ...extra,
});
const from = ['--from', 'bundle.json', '--from', 'bench.json', '--from', 'quant.json'];
const reports = { 'bundle.json': bundleReport(), 'bench.json': benchReport(), 'quant.json': transformReport() };

test('all budgets met: exit 0 and a PASS line', async () => {
  const cwd = folder({ 'dlpack.config.json': config(), ...reports });
  const r = await runInProcess(['check', ...from], { cwd });
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /PASS: 16 of 16 budgets met/);
  assert.match(r.stdout, /warm p50/);
  assert.match(r.stdout, /aws-lambda · 512 MB/);
});

test('one broken budget: exit 1, named in the output', async () => {
  const cwd = folder({ 'dlpack.config.json': config({ ...budgets, initP50: '400 ms' }), ...reports });
  const r = await runInProcess(['check', ...from], { cwd });
  assert.is(r.code, 1, r.stderr + r.stdout);
  const failLines = r.stdout.split('\n').filter((l) => l.includes('FAIL'));
  assert.ok(failLines.some((l) => l.includes('init p50') && l.includes('512 MB')), r.stdout);
  assert.not.ok(failLines.some((l) => l.includes('1024 MB')), 'the 1024 MB init (≈311 ms) is within 400 ms');
  assert.match(r.stdout, /FAIL: 15 of 16 budgets met, 1 failed/);
  assert.is(r.stderr.includes('at '), false, 'no stack trace');
});

test('malformed config: exit 2 naming the unknown key, with a suggestion and an example', async () => {
  const cwd = folder({ 'dlpack.config.json': config({ warmP50ms: '20 ms' }), ...reports });
  const r = await runInProcess(['check', ...from], { cwd });
  assert.is(r.code, 2, r.stderr + r.stdout);
  assert.match(r.stderr, /^Error: dlpack\.config\.json: Unknown option "warmP50ms" in models\[0\]\.budgets \(did you mean "warmP50"\?\)/);
  assert.match(r.stderr, /\(example: "budgets": \{"zipped": "45 MB", /);
  assert.is(r.stderr.trim().split('\n').length, 1, 'one line');
});

test('a bad value exits 2 naming its key', async () => {
  const cwd = folder({ 'dlpack.config.json': config({ warmP50: '20 mss' }), ...reports });
  const r = await runInProcess(['check', ...from], { cwd });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /invalid value "20 mss" for models\[0\]\.budgets\.warmP50/);
});

test('broken JSON in the config exits 2', async () => {
  const cwd = folder({ 'dlpack.config.json': '{"models": [', ...reports });
  const r = await runInProcess(['check', ...from], { cwd });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /dlpack\.config\.json: not valid JSON/);
});

test('a warn-level breach exits 0 and is shown', async () => {
  const cwd = folder({ 'dlpack.config.json': config({ ...budgets, warmP50: { limit: '5 ms', level: 'warn' } }), ...reports });
  const r = await runInProcess(['check', ...from], { cwd });
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.ok(r.stdout.split('\n').some((l) => l.includes('WARN') && l.includes('warm p50') && l.includes('512 MB')), r.stdout);
  assert.match(r.stdout, /PASS: 15 of 16 budgets met, 1 warning/);
});

test('a missing measurement fails (exit 1), it never passes', async () => {
  const cwd = folder({ 'dlpack.config.json': config(), 'bench.json': benchReport(), 'quant.json': transformReport() });
  const r = await runInProcess(['check', '--from', 'bench.json', '--from', 'quant.json'], { cwd });
  assert.is(r.code, 1, r.stderr + r.stdout);
  assert.match(r.stdout, /MISSING.*zipped size/);
  assert.match(r.stdout, /no bundle report for aws-lambda/);
});

test('baseline: a regression within budget is caught on two recorded reports', async () => {
  const cwd = folder({ 'dlpack.config.json': config(), 'main-bench.json': benchReport(1), 'pr-bench.json': benchReport(1.25), 'bundle.json': bundleReport(), 'quant.json': transformReport() });
  const args = ['check', '--from', 'pr-bench.json', '--from', 'bundle.json', '--from', 'quant.json'];
  const plain = await runInProcess(args, { cwd });
  assert.is(plain.code, 0, 'within every absolute budget: ' + plain.stdout);
  const r = await runInProcess([...args, '--baseline', 'main-bench.json', '--max-regression', '10%'], { cwd });
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stdout, /regressed by \+25% vs baseline \(95% CI \+\d/);
  const loose = await runInProcess([...args, '--baseline', 'main-bench.json', '--max-regression', '30%'], { cwd });
  assert.is(loose.code, 0, loose.stdout);
});

test('--json prints one CheckReport and keeps the exit code', async () => {
  const cwd = folder({ 'dlpack.config.json': config({ ...budgets, zipped: '10 MB' }), ...reports });
  const r = await runInProcess(['check', ...from, '--json'], { cwd });
  assert.is(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.schema, 'dlpack.check/1');
  assert.is(report.pass, false);
  const zipped = report.results.find((x: { budget: string }) => x.budget === 'zipped');
  assert.is(zipped.status, 'fail');
  assert.is(zipped.actual, 17_834_512);
  assert.is(zipped.limit, 10 * 1024 ** 2, '"10 MB" is binary, as the platforms count');
});

test('GitHub Actions: annotations on stdout, Markdown appended to the step summary', async () => {
  const cwd = folder({ 'dlpack.config.json': config({ ...budgets, warmP50: '5 ms', coldP90: { limit: '500 ms', level: 'warn' } }), ...reports });
  const summary = join(cwd, 'summary.md');
  writeFileSync(summary, '# earlier step\n');
  const r = await runInProcess(['check', ...from], { cwd, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
  assert.is(r.code, 1);
  assert.match(r.stdout, /^::error file=dlpack\.config\.json,title=dlpack budget%3A warm p50::warm p50 for mlp · aws-lambda · 512 MB: /m);
  assert.match(r.stdout, /^::warning file=dlpack\.config\.json,title=dlpack budget%3A cold start p90::/m);
  const md = readFileSync(summary, 'utf8');
  assert.ok(md.startsWith('# earlier step\n'), 'appended, not replaced');
  assert.match(md, /### ❌ dlpack check: 14 of 16 budgets met, 1 failed, 1 warning/);
  assert.match(md, /\| ❌ fail \| warm p50 \| mlp · aws-lambda · 512 MB \|/);
});

test('--format junit -o writes the file atomically and prints the table', async () => {
  const cwd = folder({ 'dlpack.config.json': config(), ...reports });
  const r = await runInProcess(['check', ...from, '--format', 'junit', '-o', 'out.xml'], { cwd });
  assert.is(r.code, 0, r.stderr);
  assert.match(readFileSync(join(cwd, 'out.xml'), 'utf8'), /<testsuites name="dlpack" tests="17" failures="0" errors="0">/);
  assert.match(r.stdout, /PASS: 16 of 16/);
});

test('config from the "dlpack" key of package.json', async () => {
  const cwd = folder({ 'package.json': { name: 'app', dlpack: config({ zipped: '45 MB' }) }, 'bundle.json': bundleReport() });
  const r = await runInProcess(['check', '--from', 'bundle.json'], { cwd });
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /1 of 1 budgets met/);
});

test('no config anywhere: exit 2 with the way out', async () => {
  const cwd = folder({ 'bundle.json': bundleReport() });
  const r = await runInProcess(['check', '--from', 'bundle.json'], { cwd });
  assert.is(r.code, 2);
  assert.match(r.stderr, /no dlpack\.config\.json .*dlpack init/);
});

test('a --from file that is not a dlpack report exits 2 naming it', async () => {
  const cwd = folder({ 'dlpack.config.json': config(), 'x.json': { hello: 1 } });
  const r = await runInProcess(['check', '--from', 'x.json'], { cwd });
  assert.is(r.code, 2);
  assert.match(r.stderr, /x\.json: not a dlpack report/);
});

test.run();
