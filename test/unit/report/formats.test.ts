/**
 * Every report in every text format: JUnit XML parses with a real XML parser (fast-xml-parser) and
 * has one testcase per budget/limit/configuration; Markdown tables keep their shape with awkward
 * names; GitHub annotations escape what workflow commands need.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { evaluateBudgets } from '../../../src/budgets/evaluate-budgets.js';
import { resolveBudgets } from '../../../src/config/resolve-budgets.js';
import type { DlpackConfig } from '../../../src/config/config-types.js';
import type { LoadedReport } from '../../../src/core/reports/read-report.js';
import { identifyReport } from '../../../src/core/reports/read-report.js';
import { renderAnnotations, renderJunit, renderMarkdown } from '../../../src/report/kinds/index.js';
import { renderText } from '../../../src/report/emit.js';
import { benchConfig, benchReport, bundleReport, transformReport } from '../../helpers/report-fixtures.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' });

function junit(loaded: LoadedReport) {
  const xml = renderJunit(loaded);
  const valid = XMLValidator.validate(xml);
  assert.is(valid, true, JSON.stringify(valid));
  const doc = parser.parse(xml);
  return { xml, suite: doc.testsuites.testsuite, cases: doc.testsuites.testsuite.testcase as Record<string, unknown>[] };
}

function checkReport() {
  const config = resolveBudgets({
    models: [
      {
        name: 'weird <name> & "quotes" | pipes',
        model: 'mlp.onnx',
        memory: [512, 1024],
        budgets: { zipped: '10 MB', warmP50: { limit: '5 ms', level: 'warn' }, initP50: '800 ms', minCosine: 0.999 },
      },
    ],
  } as DlpackConfig);
  return evaluateBudgets(config, [
    { kind: 'bundle', file: 'bundle.json', report: bundleReport() },
    { kind: 'bench', file: 'bench.json', report: benchReport() },
  ]);
}

test('check → JUnit: one testcase per budget; failure, error (missing) and warning as JUnit says', () => {
  const report = checkReport();
  const { suite, cases } = junit({ kind: 'check', file: 'c', report });
  assert.is(cases.length, report.results.length + 1, 'one per budget, and the notes on how they were measured');
  assert.is(Number(suite.tests), 7);
  assert.match(String(cases[cases.length - 1]['system-out']), /judged on the load-robust estimate/);
  assert.is(Number(suite.failures), 1, 'zipped 17.0 MB > 10 MB');
  assert.is(Number(suite.errors), 1, 'min cosine: no transform report');
  const failed = cases.filter((c) => c.failure);
  assert.match(String(failed[0].name), /^zipped size \(weird <name> & "quotes" \| pipes · aws-lambda\)$/);
  assert.match(String((failed[0].failure as Record<string, string>).message), /17\.01 MB against budget ≤ 10\.00 MB/);
  const warned = cases.find((c) => String(c['system-out'] ?? '').startsWith('WARNING'));
  assert.ok(warned, 'warn-level breach is reported in system-out');
  assert.not.ok(warned!.failure);
});

test('bundle, bench and transform → JUnit parse, with a testcase per limit / configuration / output', () => {
  const b = junit({ kind: 'bundle', file: 'b', report: bundleReport({ limits: [...bundleReport().limits, { limit: 'gzip script', limitBytes: 3e6, actualBytes: 4e6, pass: false, source: 'x' }], pass: false }) });
  assert.is(b.cases.length, 3);
  assert.is(Number(b.suite.failures), 1);
  const bench = benchReport(1, [128, 1024]);
  bench.configurations[0] = benchConfig(128, 1, { errors: { oom: 3, timeout: 0, error: 0, messages: ['Runtime.OutOfMemory <signal: killed>'] } });
  const r = junit({ kind: 'bench', file: 'r', report: bench });
  assert.is(r.cases.length, 3, 'two configurations and the notes');
  assert.is(Number(r.suite.failures), 1);
  assert.match(String(r.cases[2]['system-out']), /Figures: load-robust estimate[\s\S]*⚠ aws-lambda 128 MB/);
  assert.match(String((r.cases[0].failure as Record<string, string>).message), /Runtime\.OutOfMemory <signal: killed>/);
  const t = transformReport();
  t.accuracy!.gates = { minCosine: 0.9999, pass: false };
  const q = junit({ kind: 'transform', file: 'q', report: t });
  assert.is(q.cases.length, 1);
  assert.is(Number(q.suite.failures), 1);
});

test('control characters in names cannot break the XML', () => {
  const report = checkReport();
  report.results[0].model = 'bad\u0001name\u001b[31m';
  report.results[0].reason = 'line one\nline two ]]> <x>';
  const { cases } = junit({ kind: 'check', file: 'c', report });
  assert.ok(cases.length > 0);
});

test('check → Markdown: header, one row per budget, cells escaped', () => {
  const md = renderMarkdown({ kind: 'check', file: 'c', report: checkReport() });
  assert.match(md, /^### ❌ dlpack check: 3 of 6 budgets met, 1 failed, 1 missing, 1 warning/);
  const rows = md.split('\n').filter((l) => l.startsWith('| '));
  assert.is(rows.length, 2 + 3 + 2 + 3, 'problems table (3 rows) and the folded table of the 3 budgets met');
  assert.match(md, /<details><summary>3 budgets met<\/summary>/);
  const cols = (l: string) => l.split(/(?<!\\)\|/).length;
  assert.ok(rows.every((r) => cols(r) === cols(rows[0])), 'every row has the same number of cells');
  assert.match(md, /weird &lt;name&gt; & "quotes" \\\| pipes/);
  assert.ok(md.indexOf('❌ fail') < md.indexOf('❔ missing') && md.indexOf('❔ missing') < md.indexOf('⚠️ warn') && md.indexOf('⚠️ warn') < md.indexOf('✅ pass'), 'failures first');
});

test('bundle, bench, transform → Markdown and table render their key figures', () => {
  const kinds: LoadedReport[] = [
    { kind: 'bundle', file: 'b', report: bundleReport() },
    { kind: 'bench', file: 'r', report: benchReport() },
    { kind: 'transform', file: 't', report: transformReport() },
  ];
  const [bmd, rmd, tmd] = kinds.map((k) => renderMarkdown(k));
  assert.match(bmd, /Zipped \*\*17\.01 MB\*\*, unzipped \*\*45\.03 MB\*\*/);
  assert.match(bmd, /\| libonnxruntime\.so\.1 \| 43\.89 MB \|/);
  assert.match(rmd, /\| aws-lambda \| 512 MB \|/);
  assert.match(rmd, /\| cheapest \| aws-lambda \d+ MB \|/);
  assert.match(tmd, /725\.9 KB → 191\.6 KB/);
  assert.match(tmd, /\| logits \| 0\.0123 \|/);
  for (const k of kinds) {
    assert.ok(renderText(k, 'table').length > 50);
    assert.equal(JSON.parse(renderText(k, 'json')), k.report);
  }
});

test('bench: CPU time, contention share, raw wall and the estimate used in table, JSON, Markdown and JUnit', () => {
  const loaded: LoadedReport = { kind: 'bench', file: 'b.json', report: benchReport(1, [512, 1024]) };
  const c = loaded.report.configurations[0];
  const table = renderText(loaded, 'table');
  assert.match(table, /CPU init \/ warm/);
  assert.match(table, /waiting for CPU init \/ warm/);
  assert.match(table, /15% \/ 5% ⚠/);
  assert.ok(table.includes(`${c.cpuMs!.init.p50.toFixed(0)}`), 'CPU time of INIT');
  assert.match(table, /Figures: load-robust estimate/);
  assert.match(table, /⚠ aws-lambda 512 MB: 15% of INIT, 14% of cold start wall time was waiting for a CPU held by other work/);
  const md = renderText(loaded, 'markdown');
  assert.match(md, /\| CPU init \/ warm \| Waiting for CPU init \/ warm \| Wall cold \/ warm \|/);
  assert.match(md, /\| 15% \/ 5% ⚠ \|/);
  assert.match(md, /<sub>Figures: load-robust estimate/);
  const json = JSON.parse(renderText(loaded, 'json'));
  assert.equal(json.configurations[0].contentionShare, { init: 0.15, cold: 0.14, warm: 0.05 });
  assert.is(json.estimate, 'stable');
  assert.ok(json.configurations[0].wall.initMs.p50 > json.configurations[0].stable.initMs.p50, 'raw wall kept beside the estimate');
  assert.match(renderJunit(loaded), /waiting for CPU init \/ warm 15% \/ 5% ⚠ \(load-robust estimate\)/);
});

test('GitHub annotations: one per breach, levels right, properties escaped', () => {
  const lines = renderAnnotations({ kind: 'check', file: 'c', report: checkReport() }, { file: 'configs/dlpack,ci.json' });
  assert.is(lines.length, 3);
  assert.ok(lines.every((l) => /^::(error|warning) file=configs\/dlpack%2Cci\.json,title=[^:]*::/.test(l)), lines.join('\n'));
  assert.is(lines.filter((l) => l.startsWith('::warning')).length, 1);
  assert.ok(lines.every((l) => !l.includes('\n')));
  const bench = benchReport(1, [128]);
  bench.configurations[0] = benchConfig(128, 1, { leakWarning: true, memoryGrowthKbPerInvoke: 42 });
  const benchLines = renderAnnotations({ kind: 'bench', file: 'r', report: bench });
  assert.equal(benchLines.map((l) => l.slice(0, 10)), ['::warning ', '::warning ']);
  assert.match(benchLines[1], /title=dlpack bench%3A machine under load::aws-lambda 128 MB: 15%25 of INIT, 14%25 of cold start wall time was waiting for a CPU held by other work/);
});

test('reports are identified by their schema field; the --json wrapper is accepted', () => {
  assert.is(identifyReport(benchReport(), 'x').kind, 'bench');
  assert.is(identifyReport({ result: bundleReport() }, 'x').kind, 'bundle');
  assert.throws(() => identifyReport({ schema: 'dlpack.bench/9' }, 'old.json'), /unknown report schema "dlpack\.bench\/9"/);
  assert.throws(() => identifyReport({ schema: 'dlpack.bench/1' }, 'cut.json'), /bench report is missing "configurations"/);
});

test.run();
