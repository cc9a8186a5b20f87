/**
 * Calibration with handlers of known cost. Tolerances are generous on purpose (shared 2-core
 * machine, medians of several runs); the precise side-by-side figures are in `npm run bench sim`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectMs } from '../../../src/sim/cpu-projection.js';
import type { ConfigResult } from '../../../src/sim/run-config.js';
import { benchHandler, bestOf, childProcesses, noCgroup, ownLeftovers } from '../../helpers/sim-helpers.js';
import { testIf } from '../../helpers/skip.js';

const within = (actual: number, expected: number, rel: number, abs = 0) => Math.abs(actual - expected) <= expected * rel + abs;

test('empty handler: reported warm duration under 1 ms p50 (harness overhead)', async () => {
  const r = await benchHandler('empty.mjs', { warm: 30, cpu: 'off' });
  const c = r.configurations[0];
  assert.is(c.warmInvocations, 30);
  assert.ok(c.warmMs.p50 < 1, `warm p50 ${c.warmMs.p50} ms`);
});

/** Median of measured warm wall times with the contention (CPU taken by other work) removed. */
function contentionFreeP50(c: ConfigResult): number {
  const rq = c.contentionMs?.samples ?? [];
  const xs = c.wall!.samples.warmMs.map((ms, i) => ms - (rq[i] ?? 0)).sort((a, b) => a - b);
  return xs[xs.length >> 1];
}

// On a shared machine other work stretches wall times: the full-CPU checks use the duration minus
// the run-queue delay the kernel reports for the instance; quota checks take up to three attempts.
test('busy loop and sleep at full CPU: within 5% + 2 ms', async () => {
  const busy = await bestOf(
    3,
    async () => (await benchHandler('busy.mjs', { warm: 7, cpu: 'off', memory: '1769', event: { busyMs: 100 } })).configurations[0],
    (c) => within(contentionFreeP50(c), 100, 0.05, 2),
  );
  assert.ok(within(contentionFreeP50(busy), 100, 0.05, 2), `busy-loop 100 ms measured ${contentionFreeP50(busy)} ms (raw p50 ${busy.wall!.warmMs.p50} ms)`);
  assert.ok(within(busy.stable!.warmMs.p50, 100, 0.05, 2), `load-robust estimate ${busy.stable!.warmMs.p50} ms`);
  const sleep = await bestOf(
    3,
    async () => (await benchHandler('sleep.mjs', { warm: 7, cpu: 'off', event: { sleepMs: 100 } })).configurations[0],
    (c) => within(c.wall!.warmMs.p50, 100, 0.05, 2),
  );
  assert.ok(within(sleep.wall!.warmMs.p50, 100, 0.05, 2), `sleep 100 ms measured ${sleep.wall!.warmMs.p50} ms`);
  assert.ok(within(sleep.stable!.warmMs.p50, 100, 0.05, 2), `sleep 100 ms estimated ${sleep.stable!.warmMs.p50} ms`);
});

// Lambda gives 0.25 vCPU at 442 MB (1,769 MB per vCPU); the busy loop costs 200 ms of CPU.
const cost = 200;
let scaleMs: number | undefined;

test('0.25 vCPU: scale mode projects the busy loop to 4× (± 15%)', async () => {
  const scaled = await bestOf(
    3,
    async () => (await benchHandler('busy.mjs', { warm: 5, cpu: 'scale', memory: '442', event: { busyMs: cost } })),
    (r) => within(r.configurations[0].wall!.warmMs.p50 / cost, 4, 0.15),
  );
  scaleMs = scaled.configurations[0].wall!.warmMs.p50;
  assert.is(scaled.cpuMode, 'scale');
  assert.ok(within(scaleMs / cost, 4, 0.15), `scale: ${scaleMs} ms for ${cost} ms of CPU`);
});

testIf(test, noCgroup('cpu'), '0.25 vCPU: the cgroup quota makes the busy loop take 4× (± 15%), as scale projects; the quota replay agrees', async () => {
  assert.ok(scaleMs !== undefined, 'the scale measurement of the test before');
  const quota = await bestOf(
    3,
    async () => (await benchHandler('busy.mjs', { warm: 5, cpu: 'cgroup', memory: '442', event: { busyMs: cost } })),
    (r) => within(contentionFreeP50(r.configurations[0]) / cost, 4, 0.15),
  );
  // The kernel's quota stretches the loop; CPU taken by other work on this machine would stretch it
  // further (contention is reported apart from the quota's own throttling), so that part is removed.
  const quotaMs = contentionFreeP50(quota.configurations[0]);
  assert.is(quota.cpuMode, 'cgroup');
  assert.ok(within(quotaMs / cost, 4, 0.15), `cgroup: ${quotaMs} ms for ${cost} ms of CPU`);
  assert.ok(within(scaleMs, quotaMs, 0.15), `scale ${scaleMs} ms vs cgroup ${quotaMs} ms`);
  // The load-robust estimate replays the CPU time through the same quota: it agrees with the kernel.
  const replayMs = quota.configurations[0].stable!.warmMs.p50;
  assert.ok(within(replayMs, quotaMs, 0.15), `quota replay ${replayMs} ms vs cgroup ${quotaMs} ms`);
  // A sleeping handler is not stretched by the quota.
  const sleep = await benchHandler('sleep.mjs', { warm: 3, cpu: 'cgroup', memory: '442', event: { sleepMs: 100 } });
  assert.ok(within(contentionFreeP50(sleep.configurations[0]), 100, 0.15, 5), `sleep under quota ${contentionFreeP50(sleep.configurations[0])} ms (raw p50 ${sleep.configurations[0].wall!.warmMs.p50} ms)`);
});

test('INIT is timed separately from the first invocation and includes top-level await work', async () => {
  const r = await benchHandler('init-busy.mjs', { cold: 2, warm: 2, cpu: 'off' });
  const c = r.configurations[0];
  assert.ok(c.initMs.p50 >= 200, `init ${c.initMs.p50} ms`);
  assert.ok(c.warmMs.p50 < 50, `warm ${c.warmMs.p50} ms`);
  assert.ok(c.coldTotalMs.p50 >= c.initMs.min!, 'cold total = init + first invoke');
  assert.ok((c.cpuMs?.init.p50 ?? 0) >= 190, `init CPU ${c.cpuMs?.init.p50} ms`);
});

test('projection model: busy scales by 1/vCPU, waiting does not, never faster than measured', () => {
  assert.is(projectMs(100, 100, 0.25), 400);
  assert.is(projectMs(100, 0, 0.25), 100);
  assert.is(projectMs(200, 100, 0.5), 300);
  assert.is(projectMs(100, 100, 2), 100);
  assert.is(projectMs(100, 200, 1), 200, 'two busy threads on one vCPU take twice as long');
  assert.is(projectMs(150, 100, 1, 50), 100, 'run-queue delay from other work is removed');
  assert.is(projectMs(150, 100, 0.5, 50), 200);
});

test('afterwards: no child process, no cgroup left', () => {
  assert.equal(childProcesses(), []);
  assert.equal(ownLeftovers(), []);
});

test.run();
