/**
 * `dlpack report` in process (the command class as bin/ runs it): every text format for recorded reports, several
 * reports at once, the HTML written atomically and never over an input, bad inputs named.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { runInProcess } from '../../helpers/cli.js';
import { benchReport, bundleReport, transformReport, writeFolder } from '../../helpers/report-fixtures.js';

const dir = writeFolder({ 'bench.json': benchReport(), 'bundle.json': bundleReport(), 'quant.json': transformReport(), 'notes.json': { hello: 'world' } });
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('table for a bench report (default format)', async () => {
  const r = await runInProcess(['report', 'bench.json'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /aws-lambda.*512 MB/);
  assert.match(r.stdout, /cheapest\s+aws-lambda \d+ MB/);
});

test('JUnit for three reports: one document, one suite each', async () => {
  const r = await runInProcess(['report', 'bench.json', 'bundle.json', 'quant.json', '--format', 'junit'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(XMLValidator.validate(r.stdout), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.stdout);
  assert.equal(doc.testsuites.testsuite.map((s: { name: string }) => s.name), ['dlpack bench', 'dlpack bundle aws-lambda', 'dlpack quantize']);
  assert.is(Number(doc.testsuites.tests), 2 + 1 + 2 + 1, 'bench: two configurations and the notes on how they were measured');
});

test('Markdown goes to stdout and to the GitHub step summary', async () => {
  const summary = join(dir, 'summary.md');
  const r = await runInProcess(['report', 'bundle.json', '--format', 'markdown'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /### ✅ dlpack bundle: aws-lambda \(onnxruntime-node, x64\)/);
  assert.match(readFileSync(summary, 'utf8'), /### ✅ dlpack bundle/);
});

test('--json returns the report(s) as read', async () => {
  const r = await runInProcess(['report', 'quant.json', '--json'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), transformReport());
});

test('HTML to a file; never over one of its inputs', async () => {
  const ok = await runInProcess(['report', 'bench.json', 'bundle.json', '--format', 'html', '-o', 'out.html'], { cwd: dir });
  assert.is(ok.code, 0, ok.stderr);
  assert.match(readFileSync(join(dir, 'out.html'), 'utf8'), /^<!doctype html>/);
  const before = readFileSync(join(dir, 'bench.json'), 'utf8');
  const bad = await runInProcess(['report', 'bench.json', '--format', 'html', '-o', 'bench.json'], { cwd: dir });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /output path is the same as the input/);
  assert.is(readFileSync(join(dir, 'bench.json'), 'utf8'), before);
});

test('bad inputs: missing file, not a report, no file at all', async () => {
  const missing = await runInProcess(['report', 'nope.json'], { cwd: dir });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /nope\.json: report not found/);
  const notReport = await runInProcess(['report', 'notes.json', '--format', 'html', '-o', 'x.html'], { cwd: dir });
  assert.is(notReport.code, 2);
  assert.match(notReport.stderr, /notes\.json: not a dlpack report/);
  assert.not.ok(existsSync(join(dir, 'x.html')), 'nothing written');
  const none = await runInProcess(['report'], { cwd: dir });
  assert.is(none.code, 2);
  assert.match(none.stderr, /name at least one report file/);
  writeFileSync(join(dir, 'cut.json'), '{"schema": "dlpack.bench/1", "configurations": [');
  const cut = await runInProcess(['report', 'cut.json'], { cwd: dir });
  assert.is(cut.code, 2);
  assert.match(cut.stderr, /cut\.json: not valid JSON/);
});

test.run();
