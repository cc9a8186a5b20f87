/**
 * --concurrency: requests in flight per instance where the platform allows it (Cloud Run functions
 * serve several at once; Lambda one). Requests in flight each keep their own duration (no queueing
 * behind an I/O wait), and the instance's billed time is shared between them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { benchHandler, childProcesses, ownLeftovers } from '../../helpers/sim-helpers.js';

const SLEEP_MS = 100;

test('gcp-functions at --concurrency 4: 100 ms I/O requests keep their duration, cost per request shared', async () => {
  const run = (concurrency: number) =>
    benchHandler('sleep-gcp.mjs', { targets: ['gcp-functions'], memory: '1024', cold: 1, warm: 8, concurrency, cpu: 'off', event: { sleepMs: SLEEP_MS } });
  const one = (await run(1)).configurations[0];
  const four = (await run(4)).configurations[0];
  for (const c of [one, four]) assert.is(c.errors.error + c.errors.oom + c.errors.timeout, 0, c.errors.messages.join('; '));
  assert.is(four.concurrency, 4);
  assert.is(four.samples.warmMs.length, 8);
  // Each request still takes its own ~100 ms, not up to 4 × 100 ms behind the others.
  assert.ok(four.warmMs.p50 >= SLEEP_MS - 5 && four.warmMs.p50 < 2 * SLEEP_MS, `warm p50 ${four.warmMs.p50} ms`);
  assert.ok(four.costPerMillion < one.costPerMillion, `cost ${four.costPerMillion} at 4 vs ${one.costPerMillion} at 1`);
});

test('aws-lambda refuses --concurrency above 1 with a usage error', async () => {
  try {
    await benchHandler('sleep-gcp.mjs', { targets: ['aws-lambda'], concurrency: 2 });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, DlpackError);
    assert.is((err as DlpackError).code, 'USAGE');
    assert.match((err as DlpackError).message, /at most 1 request/);
  }
});

test('nothing is left behind', () => {
  assert.equal(childProcesses(), []);
  assert.equal(ownLeftovers(), []);
});

test.run();
