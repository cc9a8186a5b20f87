/**
 * The judging engine on hand-written reports: tolerance, medians over repeated runs, % of memory,
 * failed runs count as missing, baselines from raw reports and from an earlier check report,
 * warn-level budgets never fail, several models matched to their reports.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateBudgets } from '../../../src/budgets/evaluate-budgets.js';
import { resolveBudgets } from '../../../src/config/resolve-budgets.js';
import type { DlpackConfig } from '../../../src/config/config-types.js';
import type { LoadedReport } from '../../../src/core/reports/read-report.js';
import type { BenchReport, BundleReport, CheckReport, TransformReport } from '../../../src/core/reports/schemas.js';
import { benchConfig, benchReport, bundleReport, transformReport } from '../../helpers/report-fixtures.js';
import { checkNotes } from '../../../src/report/kinds/check-rows.js';

const cfg = (budgets: Record<string, unknown>, extra: Partial<DlpackConfig> = {}) =>
  resolveBudgets({ models: [{ model: 'mlp.onnx', memory: [1024], budgets }], ...extra } as DlpackConfig);
const bench = (r: BenchReport, file = 'bench.json'): LoadedReport => ({ kind: 'bench', file, report: r });
const bundle = (r: BundleReport, file = 'bundle.json'): LoadedReport => ({ kind: 'bundle', file, report: r });
const quant = (r: TransformReport, file = 'quant.json'): LoadedReport => ({ kind: 'transform', file, report: r });
const check = (r: CheckReport, file = 'main.json'): LoadedReport => ({ kind: 'check', file, report: r });

const oneConfig = (warmP50: number, over = {}) => ({ ...benchReport(1, [1024]), configurations: [benchConfig(1024, 1, { warmMs: { p50: warmP50, p90: warmP50 * 1.2 }, samples: { initMs: [], coldTotalMs: [], warmMs: [] }, ...over })] });

test('tolerance: 3% over passes with 5% tolerance, fails without; sizes get no tolerance', () => {
  const reports = [bench(oneConfig(10.3)), bundle(bundleReport({ zipBytes: 10_800_333 }))];
  const strict = evaluateBudgets(cfg({ warmP50: '10 ms', zipped: '10 MB' }), reports);
  assert.equal(strict.results.map((r) => r.status), ['fail', 'fail']);
  const loose = evaluateBudgets(cfg({ warmP50: '10 ms', zipped: '10 MB' }, { tolerance: '5%' }), reports);
  const [zipped, warm] = [loose.results.find((r) => r.budget === 'zipped')!, loose.results.find((r) => r.budget === 'warmP50')!];
  assert.is(warm.status, 'pass');
  assert.match(warm.reason!, /within the 5\.0% tolerance/);
  assert.is(warm.tolerance, 0.05);
  assert.is(zipped.status, 'fail', 'a size is not noisy: no tolerance');
  assert.is(zipped.tolerance, 0);
  assert.is(zipped.delta, 10_800_333 - 10 * 1024 ** 2, '"10 MB" is 10,485,760 bytes (binary, as the platforms count)');
});

test('timing budgets use the median over repeated bench reports of the same configuration', () => {
  const reports = [bench(oneConfig(9), 'a.json'), bench(oneConfig(30), 'b.json'), bench(oneConfig(9.5), 'c.json')];
  const r = evaluateBudgets(cfg({ warmP50: '10 ms' }), reports).results[0];
  assert.is(r.actual, 9.5);
  assert.is(r.status, 'pass');
  assert.is(r.source, 'a.json, b.json, c.json');
});

test('p95/p99 come from raw samples when the report lacks them; 1% over a p99 is within its noise', () => {
  const warm = Array.from({ length: 100 }, (_, i) => i + 1);
  const rep = oneConfig(50, { warmMs: { p50: 50, p90: 90 }, samples: { initMs: [], coldTotalMs: [], warmMs: warm } });
  const res = evaluateBudgets(cfg({ warmP95: '96 ms', warmP99: '98 ms' }), [bench(rep)]).results;
  assert.equal(res.map((r) => [r.budget, r.actual, r.status]), [['warmP95', 95, 'pass'], ['warmP99', 99, 'pass']]);
  assert.match(res[1].reason!, /over by 1\.0%, within the measured noise \(±/);
  assert.equal([res[1].noise!.n, res[1].percentile], [100, 99]);
  const tight = evaluateBudgets(cfg({ warmP99: '90 ms' }), [bench(rep)]).results[0];
  assert.is(tight.status, 'fail', '10% over is beyond the p99 noise');
});

test('peak memory as a share of the configured memory, per memory size', () => {
  const c = resolveBudgets({ models: [{ model: 'm.onnx', memory: [128, 1024], budgets: { peakMemory: '80%' } }] } as DlpackConfig);
  const rep = { ...benchReport(1, [128, 1024]) };
  rep.configurations[0].peakMemoryMb = 110;
  rep.configurations[1].peakMemoryMb = 110;
  const res = evaluateBudgets(c, [bench(rep)]).results;
  assert.equal(res.map((r) => [r.memoryMb, r.limit, r.status]), [[128, 102.4, 'fail'], [1024, 819.2, 'pass']]);
});

test('a configuration that ran out of memory has no valid measurement: missing, not pass', () => {
  const rep = oneConfig(5, { errors: { oom: 3, timeout: 0, error: 0, messages: ['Runtime.OutOfMemory'] } });
  const res = evaluateBudgets(cfg({ warmP50: '10 ms', peakMemory: '90%' }), [bench(rep)]);
  assert.equal(res.results.map((r) => r.status), ['missing', 'missing']);
  assert.match(res.results[0].reason!, /3 out-of-memory/);
  assert.is(res.pass, false);
});

test('memory sizes come from the reports when the config lists none; a listed size with no result is missing', () => {
  const c = resolveBudgets({ models: [{ model: 'm.onnx', budgets: { coldP50: '5 s' } }] } as DlpackConfig);
  const res = evaluateBudgets(c, [bench(benchReport(1, [512, 1024, 2048]))]).results;
  assert.equal(res.map((r) => r.memoryMb), [512, 1024, 2048]);
  const c2 = resolveBudgets({ models: [{ model: 'm.onnx', memory: [3008], budgets: { coldP50: '5 s' } }] } as DlpackConfig);
  const res2 = evaluateBudgets(c2, [bench(benchReport(1, [512]))]).results;
  assert.is(res2[0].status, 'missing');
  assert.match(res2[0].reason!, /no bench results for aws-lambda at 3008 MB/);
});

test('accuracy budgets read the transform report: worst output wins', () => {
  const t = transformReport();
  t.accuracy!.outputs.push({ name: 'probs', maxAbsError: 0.2, meanAbsError: 0.01, cosine: 0.9981 });
  const res = evaluateBudgets(cfg({ minCosine: 0.999, maxAbsError: 0.05 }), [quant(t)]).results;
  assert.equal(res.map((r) => [r.budget, r.actual, r.status]), [['minCosine', 0.9981, 'fail'], ['maxAbsError', 0.2, 'fail']]);
  assert.is(res[0].direction, 'min');
  const none = evaluateBudgets(cfg({ minCosine: 0.999 }), [quant(transformReport({ accuracy: undefined }))]).results[0];
  assert.is(none.status, 'missing');
});

test('baseline from raw reports and from an earlier check report give the same regression', () => {
  const c = cfg({ warmP50: '100 ms', zipped: '45 MB' });
  const main = [bench(oneConfig(10)), bundle(bundleReport({ zipBytes: 17_000_000 }))];
  const pr = [bench(oneConfig(11.5)), bundle(bundleReport({ zipBytes: 17_500_000 }))];
  const fromRaw = evaluateBudgets(c, pr, main, { maxRegression: 0.1 });
  const mainCheck = evaluateBudgets(c, main);
  const fromCheck = evaluateBudgets(c, pr, [check(mainCheck)], { maxRegression: 0.1 });
  for (const res of [fromRaw, fromCheck]) {
    const warm = res.results.find((r) => r.budget === 'warmP50')!;
    const zip = res.results.find((r) => r.budget === 'zipped')!;
    assert.is(warm.status, 'fail');
    assert.ok(Math.abs(warm.baseline!.change - 0.15) < 1e-9);
    assert.is(warm.baseline!.regression, true);
    assert.is(zip.status, 'pass', '+2.9% is within 10%');
    assert.is(zip.baseline!.regression, false);
    assert.is(res.summary.regressions, 1);
  }
});

test('regression level warn, and warn-level budgets, never fail the check', () => {
  const main = [bench(oneConfig(10))];
  const pr = [bench(oneConfig(14))];
  const warnLevel = evaluateBudgets(cfg({ warmP50: '100 ms' }, { regression: { level: 'warn' } }), pr, main);
  assert.is(warnLevel.results[0].status, 'warn');
  assert.is(warnLevel.pass, true);
  const warnBudget = evaluateBudgets(cfg({ warmP50: { limit: '100 ms', level: 'warn' } }), pr, main);
  assert.is(warnBudget.results[0].status, 'warn');
  assert.is(warnBudget.pass, true);
  const improved = evaluateBudgets(cfg({ warmP50: '100 ms' }), main, pr);
  assert.is(improved.results[0].status, 'pass');
  assert.ok(improved.results[0].baseline!.change < 0);
});

test('several models: each report goes to the model it names', () => {
  const c = resolveBudgets({ models: [{ model: 'a/mlp.onnx', budgets: { zipped: '20 MB' } }, { model: 'b/big.onnx', budgets: { zipped: '20 MB' } }] } as DlpackConfig);
  const res = evaluateBudgets(c, [bundle(bundleReport({ model: 'a/mlp.onnx', zipBytes: 1_000_000 })), bundle(bundleReport({ model: 'x/big.onnx', zipBytes: 30_000_000 }))]);
  assert.equal(res.results.map((r) => [r.model, r.actual, r.status]), [['mlp', 1_000_000, 'pass'], ['big', 30_000_000, 'fail']]);
});

test('timing budgets are judged on the load-robust estimate by default, on wall time when asked; older reports say so', () => {
  const c = cfg({ initP50: '1 s' });
  const rep = benchReport(1, [1024]);
  const conf = rep.configurations[0];
  const stable = evaluateBudgets(c, [bench(rep)]);
  assert.is(stable.estimate, 'stable');
  assert.is(stable.results[0].estimate, 'stable');
  assert.is(stable.results[0].actual, conf.stable!.initMs.p50);
  const wall = evaluateBudgets(cfg({ initP50: '1 s' }, { bench: { estimate: 'wall' } }), [bench(rep)]);
  assert.is(wall.results[0].actual, conf.wall!.initMs.p50);
  assert.ok(wall.results[0].actual! > stable.results[0].actual!);
  const old = { ...rep, estimate: undefined, configurations: [{ ...conf, estimate: undefined, stable: undefined, wall: undefined }] };
  const fromOld = evaluateBudgets(c, [bench(old)]);
  assert.is(fromOld.results[0].estimate, 'wall');
  assert.match(checkNotes(fromOld).join('\n'), /1 row uses wall figures: its bench report was written by a dlpack without the stable estimate/);
});

test('samples are pooled over runs; the row carries them and its noise margin', () => {
  const runs = [bench(benchReport(1, [1024]), 'a.json'), bench(benchReport(1.02, [1024]), 'b.json')];
  const r = evaluateBudgets(cfg({ warmP50: '1 s' }), runs).results[0];
  assert.is(r.samples!.length, 80);
  assert.is(r.percentile, 50);
  assert.ok(r.noise!.margin > 0 && r.noise!.margin < 0.1 && r.noise!.low <= r.actual! && r.noise!.high >= r.actual!);
});

test('baseline as distributions: the same samples → no significant change; 30% slower → regressed with a CI', () => {
  const c = cfg({ initP50: '10 s', warmP50: '1 s' });
  const main = [bench(benchReport(1, [1024]))];
  const mainCheck = evaluateBudgets(c, main);
  for (const baseline of [main, [check(mainCheck)]]) {
    const same = evaluateBudgets(c, [bench(benchReport(1, [1024]))], baseline, { maxRegression: 0.1 });
    for (const row of same.results) {
      assert.is(row.baseline!.method, 'distribution');
      assert.is(row.baseline!.significant, false);
      assert.is(row.baseline!.regression, false);
      assert.match(row.reason!, /no significant change vs baseline \(0\.0%, 95% CI/);
    }
    const slow = evaluateBudgets(c, [bench(benchReport(1.3, [1024]))], baseline, { maxRegression: 0.1 });
    const warm = slow.results.find((r) => r.budget === 'warmP50')!;
    assert.is(warm.status, 'fail');
    assert.is(warm.baseline!.regression, true);
    assert.ok(warm.baseline!.low! > 0.2 && warm.baseline!.high! < 0.4, `CI ${warm.baseline!.low}…${warm.baseline!.high}`);
    assert.match(warm.reason!, /regressed by \+30% vs baseline \(95% CI \+\d+% to \+\d+%, p=/);
    assert.is(slow.summary.regressions, 2);
    const drift = evaluateBudgets(c, [bench(benchReport(1.12, [1024]))], baseline, { maxRegression: 0.1 });
    for (const row of drift.results) {
      assert.is(row.baseline!.significant, true);
      assert.is(row.baseline!.regression, false, '+12% whose interval reaches below +10% is not a regression');
      assert.is(row.status, 'pass');
    }
    const [driftInit, driftWarm] = drift.results;
    assert.match(driftInit.reason!, /changed \+12% vs baseline \(95% CI \+\d.*\), not clearly over the \+10% allowed/);
    assert.match(driftWarm.reason!, /changed \+12% vs baseline \(\+0\.\d+ ms, 95% CI .*\), under the 1 ms that counts/, 'a sub-ms change is never a regression');
  }
});

test('cost per 1M and the summary counts', () => {
  const rep = oneConfig(10, { costPerMillion: 0.61 });
  const res = evaluateBudgets(cfg({ costPer1M: '$0.50', warmP50: { limit: '1 ms', level: 'warn' }, zipped: '45 MB' }), [bench(rep)]);
  assert.equal(res.summary, { total: 3, passed: 0, failed: 1, warned: 1, missing: 1, regressions: 0 });
  assert.is(res.pass, false);
});

test.run();
