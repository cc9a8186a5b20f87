/**
 * One percentile definition (src/core/stats/percentiles.ts, nearest rank): no other function
 * named percentile/percentiles/median/quantile anywhere in src, commands, bench, fixtures or test,
 * no second copy of the nearest-rank formula, and the places that print a p50 (bench figures,
 * transform latency, budget actuals, the HTML box plot) agree on the same samples.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../../helpers/cli.js';
import { percentile, percentiles } from '../../../src/core/stats/percentiles.js';
import { distributionChart } from '../../../src/report/html/svg-charts.js';
import { collectMeasurements } from '../../../src/budgets/collect-actuals.js';
import { resolveBudgets } from '../../../src/config/resolve-budgets.js';
import type { DlpackConfig } from '../../../src/config/config-types.js';
import { benchConfig, benchReport } from '../../helpers/report-fixtures.js';

const NAMES = /^(percentile|percentiles|median|quantile)$/i;
const STATS = 'src/core/stats/';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) {
      if (d.name !== 'node_modules') out.push(...files(rel));
    } else if (/\.(ts|mts|mjs|js)$/.test(d.name) && !d.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Functions (declarations, methods, functions or arrows bound to a name) whose name matches NAMES. */
function namedFunctions(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const where = (n: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const isFn = (n: ts.Node | undefined) => !!n && (ts.isArrowFunction(n) || ts.isFunctionExpression(n));
  const visit = (n: ts.Node) => {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && NAMES.test(n.name.getText(sf))) found.push(`${where(n)} ${n.name.getText(sf)}`);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && NAMES.test(n.name.text) && isFn(n.initializer)) found.push(`${where(n)} ${n.name.text}`);
    if (ts.isPropertyAssignment(n) && NAMES.test(n.name.getText(sf)) && isFn(n.initializer)) found.push(`${where(n)} ${n.name.getText(sf)}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

const TREE = ['src', 'commands', 'bench', 'fixtures', 'test'].flatMap(files);

test('the checker finds a percentile function however it is written (self-test)', () => {
  const sample = [
    'export function median(xs: number[]) { return xs[0]; }',
    'const quantile = (s: number[], q: number) => s[0] * q;',
    'const stats = { percentile: function (s: number[]) { return s[0]; } };',
    'class A { percentiles(xs: number[]) { return xs; } }',
    'const percentile = 50; function p50(xs: number[]) { return xs[0]; }',
  ].join('\n');
  assert.equal(namedFunctions('x.ts', sample).map((s) => s.replace(/^x\.ts:\d+ /, '')), ['median', 'quantile', 'percentile', 'percentiles']);
});

test('no function named percentile|percentiles|median|quantile outside src/core/stats', () => {
  assert.ok(TREE.length > 300, `scanned ${TREE.length} files`);
  const found = TREE.filter((f) => !f.startsWith(STATS)).flatMap((f) => namedFunctions(f, readFileSync(join(ROOT, f), 'utf8')));
  assert.equal(found, [], found.join('\n'));
});

test('no second copy of the nearest-rank formula, and one percentile inside src/core/stats', () => {
  const formula = /Math\.ceil\(\s*\(?\s*\w+\s*\/\s*100\s*\)?\s*\*/;
  const copies = TREE.filter((f) => f !== `${STATS}percentiles.ts` && formula.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.equal(copies, []);
  const inStats = TREE.filter((f) => f.startsWith(STATS)).flatMap((f) => namedFunctions(f, readFileSync(join(ROOT, f), 'utf8')));
  assert.equal(inStats.map((s) => s.replace(/:\d+/, '')), [`${STATS}percentiles.ts percentile`, `${STATS}percentiles.ts percentiles`]);
  for (const user of ['src/accuracy/latency.ts', 'src/report/html/svg-charts.ts', 'src/budgets/collect-actuals.ts', 'bench/harness.ts']) {
    assert.match(readFileSync(join(ROOT, user), 'utf8'), /core\/stats\/percentiles\.js/, `${relative(ROOT, join(ROOT, user))} uses the one definition`);
  }
});

test('every p50 of the same samples is the same sample: report figures, budgets, the box plot', () => {
  const xs = [40, 10, 30, 20];
  assert.is(percentile([10, 20, 30, 40], 50), 20);
  assert.is(percentiles(xs).p50, 20, 'bench and transform-latency figures');
  const svg = distributionChart({ title: 't', xLabel: 'ms', rows: [{ label: 'warm', values: xs }], format: (v) => `${v} ms` });
  assert.match(svg, /p25 10 ms, p50 20 ms, p75 30 ms, 4 samples/, 'the box plot marks the printed p50');
  // a budget on warm p50 pooled over runs without samples: the p50 of the runs' figures, also a figure that happened
  const runs = [9, 30, 9.5, 12].map((p50) => ({ kind: 'bench' as const, file: `${p50}.json`, report: { ...benchReport(1, [1024]), configurations: [benchConfig(1024, 1, { warmMs: { p50, p90: p50 }, samples: { initMs: [], coldTotalMs: [], warmMs: [] } })] } }));
  const config = resolveBudgets({ models: [{ model: 'mlp.onnx', memory: [1024], budgets: { warmP50: '100 ms' } }] } as DlpackConfig);
  const [row] = collectMeasurements(config.models[0], config.models[0].budgets[0], runs, 'wall');
  assert.is(row.actual, 9.5);
});

test.run();
