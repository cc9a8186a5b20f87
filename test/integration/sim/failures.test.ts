/**
 * Failures are reported the platform's way and the bench goes on: out of memory (cgroup and
 * watchdog), timeout, throw, process.exit, segfault. Nothing is left behind.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroups, removeStaleCgroups } from '../../../src/sim/cgroup.js';
import { benchHandler, childProcesses, liveInstances, noCgroup, ownLeftovers } from '../../helpers/sim-helpers.js';
import { testIf } from '../../helpers/skip.js';

const cg = detectCgroups();

async function oomCase(mode: 'cgroup' | 'watchdog') {
  const r = await benchHandler('alloc.mjs', { memory: '256,1024', memoryLimit: mode, cpu: 'off', warm: 1, event: { allocMb: 300 } });
  const [small, big] = r.configurations;
  assert.is(r.memoryLimitMode, mode);
  assert.is(small.memoryMb, 256);
  assert.ok(small.errors.oom >= 1, JSON.stringify(small.errors));
  assert.match(small.errors.messages[0], /Runtime\.OutOfMemory: Runtime exited with error: signal: killed/);
  assert.is(small.peakMemoryMb, 256, 'Max Memory Used equals the memory size, as Lambda reports it');
  assert.is(big.memoryMb, 1024);
  assert.is(big.errors.oom + big.errors.error + big.errors.timeout, 0, JSON.stringify(big.errors));
  assert.ok(big.peakMemoryMb > 300, `peak ${big.peakMemoryMb} MB`);
}

testIf(test, noCgroup('memory'), '300 MB allocation: runs at 1024 MB, out of memory at 256 MB (cgroup)', async () => {
  await oomCase('cgroup');
});

test('300 MB allocation: runs at 1024 MB, out of memory at 256 MB (RSS watchdog)', async () => {
  await oomCase('watchdog');
});

test('a handler that never returns is timed out and killed', async () => {
  const r = await benchHandler('hang.mjs', { timeoutMs: 1000, cpu: 'off' });
  const c = r.configurations[0];
  assert.is(c.errors.timeout, 1);
  assert.match(c.errors.messages[0], /Task timed out after 1\.00 seconds/);
});

test('the INIT limit is enforced (Workers: global scope within 1 s)', async () => {
  const r = await benchHandler('init-slow-worker.mjs', { targets: ['cloudflare-workers'], memory: '128', cpu: 'off' });
  const c = r.configurations[0];
  assert.is(c.errors.timeout, 1);
  assert.match(c.errors.messages[0], /INIT: Runtime\.InitTimeout: INIT phase timed out after 1\.00 seconds/);
});

test('throw, process.exit and SIGSEGV are reported and the bench goes on', async () => {
  const thrown = await benchHandler('throws.mjs', { warm: 2, cpu: 'off' });
  assert.is(thrown.configurations[0].errors.error, 3, 'cold + 2 warm, the instance stays up after a thrown error');
  assert.match(thrown.configurations[0].errors.messages[0], /TypeError: bad input on purpose/);

  const exited = await benchHandler('exits.mjs', { memory: '512,1024', cpu: 'off' });
  assert.is(exited.configurations.length, 2, 'went on to the next configuration');
  for (const c of exited.configurations) assert.match(c.errors.messages[0], /Runtime\.ExitError: Runtime exited with error: exit status 3/);

  const segv = await benchHandler('segfault.mjs', { cold: 2, cpu: 'off' });
  assert.is(segv.configurations[0].errors.error, 2);
  assert.match(segv.configurations[0].errors.messages[0], /signal: segmentation fault/);
  assert.is(segv.recommendations.length, 0, 'no recommendation from failing configurations');
});

test('a leaking handler is flagged; a clean one is not', async () => {
  const leaky = await benchHandler('leaks.mjs', { warm: 30, cpu: 'off' });
  assert.ok(leaky.configurations[0].leakWarning, `growth ${leaky.configurations[0].memoryGrowthKbPerInvoke} kB/invoke`);
  const clean = await benchHandler('empty.mjs', { warm: 30, cpu: 'off' });
  assert.not.ok(clean.configurations[0].leakWarning, `growth ${clean.configurations[0].memoryGrowthKbPerInvoke} kB/invoke`);
});

testIf(test, noCgroup('memory'), 'empty groups of a dlpack process that was SIGKILLed are removed by the next run', async () => {
  const dead = spawnSync('true').pid!;
  const stale = join(cg.memoryParent!, `dlpack-${dead}-1`);
  mkdirSync(stale);
  const mine = join(cg.memoryParent!, `dlpack-${process.pid}-999`);
  mkdirSync(mine);
  try {
    assert.equal(removeStaleCgroups(), [stale]);
    assert.not.ok(existsSync(stale));
    assert.ok(existsSync(mine), 'a live process keeps its groups');
  } finally {
    rmdirSync(mine);
    if (existsSync(stale)) rmdirSync(stale);
  }
});

test('afterwards: no child process, no instance, no cgroup left', () => {
  assert.equal(childProcesses(), []);
  assert.is(liveInstances(), 0);
  assert.equal(ownLeftovers(), []);
});

test.run();
