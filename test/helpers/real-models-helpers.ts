/** End-to-end bench of the real models in ../shared/models on aws-lambda (bundled on the fly). */
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { SHARED_MODELS } from './cli.js';
import { runBench } from '../../src/sim/run-bench.js';
import { eventFile } from './sim-helpers.js';

export async function benchRealModel(rel: string, event?: unknown) {
  const started = Date.now();
  const report = await runBench({
    input: join(SHARED_MODELS, rel),
    targets: ['aws-lambda'],
    memory: '512,1024,1769',
    cold: 3,
    warm: 10,
    eventFile: event === undefined ? undefined : eventFile(event),
  });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(report.configurations.map((c) => c.memoryMb), [512, 1024, 1769]);
  for (const c of report.configurations) {
    assert.is(c.errors.oom + c.errors.timeout + c.errors.error, 0, `${rel} ${c.memoryMb} MB: ${c.errors.messages.join('; ')}`);
    assert.is(c.samples.initMs.length, 3);
    assert.is(c.warmInvocations, 10);
    assert.ok(c.peakMemoryMb > 30 && c.peakMemoryMb < c.memoryMb, `${rel}: peak ${c.peakMemoryMb} MB`);
    assert.ok(c.coldTotalMs.p50 > c.warmMs.p50, `${rel}: cold ${c.coldTotalMs.p50} > warm ${c.warmMs.p50}`);
  }
  assert.ok(report.backend, 'the handler reported its backend');
  assert.ok(report.recommendations.length >= 3);
  assert.ok(seconds < 60, `${rel}: ${seconds.toFixed(1)} s`);
  console.log(
    `${rel}: ${report.backend}; ` +
      report.configurations.map((c) => `${c.memoryMb} MB init ${c.initMs.p50} ms warm ${c.warmMs.p50} ms peak ${c.peakMemoryMb} MB`).join(' | ') +
      ` (${seconds.toFixed(1)} s)`,
  );
  return report;
}
