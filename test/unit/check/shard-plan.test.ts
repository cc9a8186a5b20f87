/**
 * The split behind `--shard i/n` (src/core/shard-plan.ts) and what a check shard owns
 * (src/budgets/shard-check.ts): deterministic whatever the input order, every configuration on
 * exactly one shard, balanced on cost, few configurations moved when a model is added (measured
 * against the sorted greedy it was chosen over), every budget row judged by exactly one shard.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planShards, parseShard, type ShardItem } from '../../../src/core/shard-plan.js';
import { checkItems, planCheckShard } from '../../../src/budgets/shard-check.js';
import { resolveBudgets } from '../../../src/config/resolve-budgets.js';
import { evaluateBudgets } from '../../../src/budgets/evaluate-budgets.js';
import type { DlpackConfig } from '../../../src/config/config-types.js';
import type { PlatformId } from '../../../src/core/platform-facts.js';
import { isDlpackError } from '../../../src/core/errors/dlpack-error.js';

const PLATFORMS = ['aws-lambda', 'gcp-functions', 'azure-functions'];
const MEMORY = [128, 256, 512, 1024, 2048];

/** models × platforms × memory sizes with costs that vary like real ones (bigger model, less memory: dearer). */
function matrix(models: number): ShardItem[] {
  const items: ShardItem[] = [];
  for (let m = 0; m < models; m++) {
    for (const p of PLATFORMS) for (const mb of MEMORY) items.push({ key: `model-${m} ${p} ${mb} MB`, cost: Math.round((2000 + 300 * (m % 7)) * (1 + 512 / mb)) });
  }
  return items;
}

/** The alternative: largest first onto the least loaded shard. */
function greedy(items: ShardItem[], n: number): Map<string, number> {
  const loads = new Array(n).fill(0);
  const out = new Map<string, number>();
  for (const it of [...items].sort((a, b) => b.cost - a.cost || (a.key < b.key ? -1 : 1))) {
    const s = loads.indexOf(Math.min(...loads));
    loads[s] += it.cost;
    out.set(it.key, s + 1);
  }
  return out;
}

const moved = (a: Map<string, number>, b: Map<string, number>) => [...a].filter(([k, s]) => b.get(k) !== s).length;
const imbalance = (loads: number[]) => Math.max(...loads) / (loads.reduce((s, x) => s + x, 0) / loads.length);

test('parseShard reads i/n and refuses the rest in one line', () => {
  assert.equal(parseShard('2/3'), { index: 2, total: 3 });
  assert.equal(parseShard(' 1 / 1 '), { index: 1, total: 1 });
  for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0', '-1/2', '1/300']) {
    try {
      parseShard(bad);
      assert.unreachable(`${bad} accepted`);
    } catch (err) {
      assert.ok(isDlpackError(err), String(err));
      assert.match((err as Error).message, /--shard/);
      assert.not.match((err as Error).message, /\n/);
    }
  }
});

test('every configuration on exactly one shard; the same plan whatever the order of the list', () => {
  const items = matrix(6);
  const a = planShards(items, 4);
  const b = planShards([...items].reverse(), 4);
  assert.is(a.digest, b.digest);
  assert.equal(a.assignments, b.assignments);
  assert.is(a.assignments.length, items.length);
  for (const x of a.assignments) assert.ok(x.shard >= 1 && x.shard <= 4);
  assert.is(new Set(a.assignments.map((x) => x.key)).size, items.length);
  // other costs, another split: the digest tells them apart
  const c = planShards(items.map((it, i) => (i === 0 ? { ...it, cost: it.cost * 50 } : it)), 4);
  assert.is.not(c.digest, a.digest);
});

test('balanced within the slack; a configuration dearer than a fair share runs alone', () => {
  for (const [models, n] of [[20, 8], [6, 3], [2, 3], [50, 16]] as const) {
    const plan = planShards(matrix(models), n);
    const largest = Math.max(...matrix(models).map((i) => i.cost));
    const mean = plan.loads.reduce((s, x) => s + x, 0) / n;
    // each shard is within (1 + slack) of the mean, or over it by less than one configuration
    for (const load of plan.loads) assert.ok(load <= Math.max(mean * 1.1, mean + largest), `${models}×${n}: ${plan.loads}`);
  }
  const heavy = planShards([{ key: 'big', cost: 100_000 }, ...Array.from({ length: 9 }, (_, i) => ({ key: `small-${i}`, cost: 10_000 }))], 2);
  const big = heavy.assignments.find((a) => a.key === 'big')!.shard;
  assert.equal(
    heavy.assignments.filter((a) => a.shard === big).map((a) => a.key),
    ['big'],
  );
  assert.equal([...heavy.loads].sort((a, b) => a - b), [90_000, 100_000]);
});

test('adding a model moves few configurations (and far fewer than the sorted greedy)', () => {
  const before = matrix(20);
  const after = [...before, ...matrix(21).slice(before.length)];
  const n = 8;
  const hrw = (items: ShardItem[]) => new Map(planShards(items, n).assignments.map((a) => [a.key, a.shard]));
  const movedHrw = moved(hrw(before), hrw(after));
  const movedGreedy = moved(greedy(before, n), greedy(after, n));
  console.log(`  20 → 21 models × 3 platforms × 5 sizes on ${n} shards: rendezvous moves ${movedHrw} of ${before.length}, greedy ${movedGreedy}; imbalance ${imbalance(planShards(after, n).loads).toFixed(3)} vs ${imbalance(greedyLoads(after, n)).toFixed(3)}`);
  assert.ok(movedHrw <= before.length * 0.15, `rendezvous moved ${movedHrw}`);
  assert.ok(movedHrw * 3 < movedGreedy, `rendezvous ${movedHrw}, greedy ${movedGreedy}`);
});

function greedyLoads(items: ShardItem[], n: number): number[] {
  const g = greedy(items, n);
  const loads = new Array(n).fill(0);
  for (const it of items) loads[g.get(it.key)! - 1] += it.cost;
  return loads;
}

const CONFIG: DlpackConfig = {
  models: [
    { name: 'a', model: 'fixtures/models/mlp.onnx', targets: ['aws-lambda', 'gcp-functions'] as PlatformId[], memory: [512, 1024], budgets: { zipped: '50 MB', warmP50: '1 s', peakMemory: '400 MB' } },
    { name: 'b', model: 'fixtures/models/cnn.onnx', targets: ['aws-lambda'] as PlatformId[], budgets: { unzipped: '60 MB' } },
    { name: 'c', model: 'fixtures/models/cnn.onnx', original: 'fixtures/models/cnn.onnx', targets: ['aws-lambda'] as PlatformId[], memory: [1024], budgets: { minCosine: 0.99, coldP50: '2 s' } },
  ],
};

test('check shards: every budget row of the run is judged by exactly one shard, which measures what it needs', () => {
  const config = resolveBudgets(CONFIG, 'dlpack.config.json');
  const items = checkItems(config, { runs: 1 });
  assert.equal(items.map((i) => i.key).sort(), ['a aws-lambda 1024 MB', 'a aws-lambda 512 MB', 'a gcp-functions 1024 MB', 'a gcp-functions 512 MB', 'b aws-lambda', 'c accuracy', 'c aws-lambda 1024 MB'].sort());
  // every row of an unmeasured run (all "missing"), and its owner among 3 shards
  const rows = evaluateBudgets(config, []).results;
  assert.is(rows.length, 2 * 1 + 4 * 2 + 1 + 2);
  const shards = [1, 2, 3].map((index) => planCheckShard(CONFIG, config, { index, total: 3 }, { runs: 1 }));
  for (const row of rows) assert.is(shards.filter((s) => s.owns(row)).length, 1, row.id);
  for (const s of shards) assert.is(s.info.plan, shards[0].info.plan);
  assert.is(new Set(shards.map((s) => s.info.fingerprint)).size, 1);
  // the shard judging a target's size rows bundles it; bench sizes are split with no overlap
  const a = config.models[0];
  for (const t of a.targets) {
    const owners = shards.filter((s) => s.selection.ownsBundle(a, t));
    assert.is(owners.length, 1);
    assert.equal(shards.flatMap((s) => s.selection.benchSizes(a, t)).sort((x, y) => x - y), [512, 1024]);
  }
  assert.is(shards.filter((s) => s.selection.ownsAccuracy(config.models[2])).length, 1);
  // other run options, another fingerprint
  const other = planCheckShard(CONFIG, config, { index: 1, total: 3 }, { runs: 3 });
  assert.is.not(other.info.fingerprint, shards[0].info.fingerprint);
});

test('measured costs from an earlier (merged) report replace the estimates and rebalance the split', () => {
  const config = resolveBudgets(CONFIG, 'dlpack.config.json');
  const estimated = checkItems(config, { runs: 1 });
  assert.ok(estimated.every((i) => !i.measured));
  // a merged check report from main carries the bench reports it judged: model a on Lambda took 60 s at 512 MB
  const config512 = { target: 'aws-lambda', memoryMb: 512, coldStarts: 5, samples: { initMs: [], coldTotalMs: [], warmMs: [] }, sampling: { elapsedMs: 60_000 } };
  const bench = { schema: 'dlpack.bench/1', createdAt: '', input: '/tmp/x/aws-lambda/mlp', configurations: [config512], recommendations: [] };
  const merged = { kind: 'check', file: 'main.json', report: { schema: 'dlpack.check/1', results: [], summary: {}, measurements: [{ kind: 'bench', file: 'a: dlpack bench', report: bench }] } };
  const items = checkItems(config, { runs: 1 }, [merged as never]);
  const a512 = items.find((i) => i.key === 'a aws-lambda 512 MB')!;
  assert.ok(a512.measured);
  assert.is(a512.cost, 61_500);
  const shards = [1, 2].map((index) => planCheckShard(CONFIG, config, { index, total: 2 }, { runs: 1 }, [merged as never]));
  assert.is(shards[0].info.costs, 'mixed');
  // the 60 s configuration runs alone on its shard: everything else is on the other
  const where = shards[0].info.configurations.find((c) => c.key === 'a aws-lambda 512 MB')!.shard;
  assert.equal(shards[0].info.configurations.filter((c) => c.shard === where).map((c) => c.key), ['a aws-lambda 512 MB']);
  // a split planned from other costs is another plan: merge refuses to mix them
  assert.is.not(shards[0].info.plan, planCheckShard(CONFIG, config, { index: 1, total: 2 }, { runs: 1 }).info.plan);
});

test('a changed budget, model or option is another run (fingerprint)', () => {
  const config = resolveBudgets(CONFIG, 'dlpack.config.json');
  const base = planCheckShard(CONFIG, config, { index: 1, total: 3 }, { runs: 1 }).info.fingerprint;
  const edited = structuredClone(CONFIG);
  edited.models[0].budgets!.zipped = '40 MB';
  assert.is.not(planCheckShard(edited, resolveBudgets(edited, 'dlpack.config.json'), { index: 1, total: 3 }, { runs: 1 }).info.fingerprint, base);
  assert.is.not(planCheckShard(CONFIG, config, { index: 1, total: 3 }, { runs: 1, tolerance: 0.05 }).info.fingerprint, base);
  assert.is.not(planCheckShard(CONFIG, config, { index: 1, total: 4 }, { runs: 1 }).info.fingerprint, base);
  assert.is(planCheckShard(CONFIG, config, { index: 3, total: 3 }, { runs: 1 }).info.fingerprint, base);
});

test.run();
