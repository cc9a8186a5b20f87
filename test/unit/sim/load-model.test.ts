/**
 * The load-robust estimate and the decisions built on it, on deterministic data (no timing):
 * contention split from quota throttling, the CFS quota replay, adaptive sampling's stop rule,
 * and recommendations that ignore differences within the noise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contentionOf, QuotaReplay, replayInstance, shapeOf } from '../../../src/sim/load-model.js';
import { stopReason } from '../../../src/sim/sampling.js';
import { clearlyLower, latencyOf, notched, pick, recommend } from '../../../src/sim/recommend.js';
import { loadWarnings } from '../../../src/sim/load-warnings.js';
import { benchConfig } from '../../helpers/report-fixtures.js';
import type { BenchConfigResult } from '../../../src/core/reports/schemas.js';

const near = (a: number, b: number, eps = 1e-6) => Math.abs(a - b) <= eps;

test('contention is run-queue delay minus the wait our own quota caused, per thread, at most the time not computing', () => {
  assert.is(contentionOf({ wallMs: 150, cpuMs: 100, runQueueMs: 50 }), 50);
  assert.is(contentionOf({ wallMs: 200, cpuMs: 50, runQueueMs: 150, throttledMs: 150 }), 0, 'quota throttling is not contention');
  assert.is(contentionOf({ wallMs: 200, cpuMs: 50, runQueueMs: 190, throttledMs: 100 }), 90);
  assert.is(contentionOf({ wallMs: 100, cpuMs: 80, runQueueMs: 500 }), 20, 'never more than wall − CPU for one thread');
  assert.is(contentionOf({ wallMs: 100, cpuMs: 200, runQueueMs: 60 }), 30, 'two threads delayed together count once');
});

test('shape: run-queue waits removed, CPU work and other waits left', () => {
  assert.equal(shapeOf({ wallMs: 150, cpuMs: 100, runQueueMs: 50 }), { waitMs: 0, cpuMs: 100, parallelism: 1 });
  assert.equal(shapeOf({ wallMs: 130, cpuMs: 0, runQueueMs: 0 }), { waitMs: 130, cpuMs: 0, parallelism: 1 });
  const io = shapeOf({ wallMs: 300, cpuMs: 100, runQueueMs: 120 });
  assert.ok(near(io.waitMs, 80) && io.cpuMs === 100);
});

test('replay: a busy phase runs at 1/vCPU back to back; a short one fits in the quota; waiting is not stretched', () => {
  const busy = replayInstance(Array(4).fill({ waitMs: 0, cpuMs: 200, parallelism: 1 }), { vcpu: 0.25, cores: 2 });
  assert.ok(busy[0] < 800, 'the first finds a fresh quota');
  for (const d of busy.slice(1)) assert.ok(near(d, 800, 0.5), `steady state ${d} ms ≈ 200 / 0.25`);
  const short = replayInstance([{ waitMs: 0, cpuMs: 5, parallelism: 1 }], { vcpu: 0.58, cores: 2 });
  assert.ok(near(short[0], 5), 'within the quota left in the period: full speed');
  assert.equal(replayInstance([{ waitMs: 100, cpuMs: 0, parallelism: 1 }], { vcpu: 0.1, cores: 2 }), [100]);
  assert.equal(replayInstance([{ waitMs: 10, cpuMs: 90, parallelism: 1 }], { vcpu: 2, cores: 2 }), [100], 'no quota below the parallelism: wait + CPU');
  const two = new QuotaReplay({ vcpu: 4, cores: 2 }).phase({ waitMs: 0, cpuMs: 100, parallelism: 2 });
  assert.ok(near(two, 50), 'two busy threads on two cores');
});

test('the estimate does not move with load: the same CPU work, more run-queue delay, same answer', () => {
  const idle = { wallMs: 82, cpuMs: 70, runQueueMs: 12, throttledMs: 10 };
  const loaded = { wallMs: 260, cpuMs: 70, runQueueMs: 190, throttledMs: 3 };
  const [a] = replayInstance([shapeOf(idle)], { vcpu: 0.58, cores: 2 });
  const [b] = replayInstance([shapeOf(loaded)], { vcpu: 0.58, cores: 2 });
  assert.ok(near(a, b, 0.01), `${a} vs ${b}`);
});

test('adaptive sampling stops on precision, the sample cap or the time cap, never below the minimum', () => {
  const steady = [100, 101, 99, 100, 102, 98, 100];
  assert.is(stopReason(steady.slice(0, 3), 5, 40, 0, 10_000, 0.1), undefined, 'under the minimum');
  assert.is(stopReason(steady, 5, 40, 0, 10_000, 0.1), 'precision');
  const noisy = [50, 150, 80, 200, 120, 60];
  assert.is(stopReason(noisy, 5, 40, 1_000, 10_000, 0.05), undefined, 'noisy and time left: go on');
  assert.is(stopReason(noisy, 5, 40, 10_000, 10_000, 0.05), 'time-cap');
  assert.is(stopReason(noisy, 5, 6, 0, 10_000, 0.05), 'max-samples');
  assert.is(stopReason(noisy, 5, 40, 0, 0, 0.05), 'fixed', 'no time cap: exactly the minimum');
});

/** Evenly spread samples over v · (1 ± rel). */
const spread = (v: number, n: number, rel: number) => Array.from({ length: n }, (_, i) => v * (1 - rel + (2 * rel * i) / (n - 1)));

/** A configuration with given cold/warm medians (9 cold starts, 21 warm calls spread ±rel) and cost. */
function cfg(memoryMb: number, coldMs: number, warmMs: number, cost: number, rel = 0.1): BenchConfigResult {
  const c = benchConfig(memoryMb);
  c.coldTotalMs = { p50: coldMs, p90: coldMs * (1 + rel * 0.8) };
  c.warmMs = { p50: warmMs, p90: warmMs * (1 + rel * 0.8) };
  c.samples = { initMs: spread(coldMs * 0.9, 9, rel), coldTotalMs: spread(coldMs, 9, rel), warmMs: spread(warmMs, 21, rel) };
  c.costPerMillion = cost;
  return c;
}

test('latency is judged on the cold + warm mix; differences within 5% or inside the noise are ties', () => {
  const c = cfg(1024, 300, 0.4, 0.2);
  const l = latencyOf(c, 0.01);
  assert.ok(near(l.value, 3 + 0.396));
  assert.ok(l.low < l.value && l.high > l.value);
  const outlier = notched(100, [90, 95, 100, 105, 5000]);
  assert.ok(outlier.high < 130, `one outlier barely moves the notch: ${outlier.high}`);
  assert.is(clearlyLower({ value: 96, low: 95, high: 97 }, { value: 100, low: 99, high: 101 }), false, '4% is under the 5% floor');
  assert.is(clearlyLower({ value: 80, low: 70, high: 90 }, { value: 100, low: 85, high: 115 }), false, 'intervals overlap');
  assert.is(clearlyLower({ value: 80, low: 78, high: 82 }, { value: 100, low: 98, high: 102 }), true);
  assert.is(clearlyLower({ value: 40, low: 10, high: 400 }, { value: 100, low: 20, high: 500 }), true, 'half is never a tie');
  const { best, tied } = pick([3, 1, 2], (x) => ({ value: 10 + x * 0.1, low: 10, high: 11 }), (a, b) => b - a);
  assert.equal([best, tied], [3, [3, 2, 1]], 'all tied: the tie-break decides, not the float');
});

test('the issue\'s case: a 128 MB with the best warm p50 but 1.5 s cold starts is not "fastest"', () => {
  const configs = [cfg(128, 1514, 0.39, 0.21), cfg(512, 420, 0.41, 0.85), cfg(1769, 266, 0.42, 2.9)];
  const recs = Object.fromEntries(recommend(configs).map((r) => [r.strategy, r]));
  assert.is(recs.fastest.memoryMb, 1769);
  assert.match(recs.fastest.reason, /cold p50 × 1% \+ warm p50 × 99%/);
  assert.is(recs.cheapest.memoryMb, 128);
  assert.is(recs.balanced.memoryMb, 512);
  assert.equal(recommend(configs, { coldShare: 0 }).find((r) => r.strategy === 'fastest')!.memoryMb, 128, 'warm only: within noise of each other, the cheapest wins');
  // One cold start stalled on the disk (an I/O wait the estimate keeps) does not make 1769 MB "tied" with 128 MB.
  configs[2].samples.coldTotalMs = [250, 255, 260, 266, 270, 275, 1400];
  assert.is(recommend(configs).find((r) => r.strategy === 'fastest')!.memoryMb, 1769);
  assert.equal(recommend(configs, { balanceWeight: 1 }).find((r) => r.strategy === 'balanced')!.memoryMb, 128, 'weight 1 = cost only');
});

test('recommendations do not flip on noise: jittered copies of the same runs give the same answer', () => {
  const answers = new Set<string>();
  for (let i = 0; i < 40; i++) {
    // Medians move ±2% between runs (about what 9 samples spread ±10% allow).
    const j = (x: number, k: number) => x * (1 + 0.02 * Math.sin(i * 7 + k));
    // 1024 and 1769 MB are 3% apart: a tie; 512 MB is 35% slower: clearly so.
    const configs = [cfg(512, j(420, 1), j(0.4, 2), 0.85), cfg(1024, j(310, 3), j(0.4, 4), 1.7), cfg(1769, j(300, 5), j(0.4, 6), 2.9)];
    answers.add(recommend(configs).map((r) => `${r.strategy}=${r.memoryMb}`).join(' '));
  }
  assert.equal([...answers], ['cheapest=512 fastest=1024 balanced=512'], 'within noise of each other, the cheaper is "fastest"');
});

test('balanced: scores under 10% apart tie and the smaller size is chosen, whichever scored a little lower', () => {
  // Cost is mostly the request fee; 1769 MB is faster: the two scores land within a few % of each other.
  for (const cold512 of [240, 260, 300]) {
    const configs = [cfg(128, 1500, 0.5, 0.2021), cfg(512, cold512, 0.5, 0.2083), cfg(1769, 120, 0.5, 0.229)];
    const balanced = recommend(configs).find((r) => r.strategy === 'balanced')!;
    assert.is(balanced.memoryMb, 512, `cold p50 at 512 MB ${cold512} ms`);
  }
});

test('a load warning names the configuration and the estimate used', () => {
  const c = benchConfig(512);
  const [w] = loadWarnings([c]);
  assert.match(w, /^aws-lambda 512 MB: 15% of INIT, 14% of cold start wall time was waiting for a CPU held by other work on this machine; verdicts use the load-robust estimate/);
  assert.equal(loadWarnings([benchConfig(1024)]), [], '6% is not material');
  assert.match(loadWarnings([{ ...c, estimate: 'wall' }])[0], /these are wall figures/);
});

test.run();
