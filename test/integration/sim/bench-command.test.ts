/** `dlpack bench` as a command: --json report shape, table output, verbose REPORT lines, bad input. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Bench from '../../../commands/bench.js';
import { runCommand } from '../../helpers/cli.js';
import { eventFile, fixture, childProcesses, ownLeftovers } from '../../helpers/sim-helpers.js';
import type { BenchReport } from '../../../src/core/reports/schemas.js';

const busy = eventFile({ busyMs: 20 });

test('--json: a dlpack.bench/1 report with every configuration and recommendations', async () => {
  const r = await runCommand<BenchReport>(Bench, ['--handler', fixture('busy.mjs'), '--target', 'aws-lambda', '--memory', '512,1769', '--cold', '2', '--warm', '4', '--max-time', '0', '--event', busy, '--max-latency', '10s', '--json']);
  assert.is(r.exitCode, 0, String(r.error));
  const report = r.result!;
  assert.is(report.schema, 'dlpack.bench/1');
  assert.equal(report.configurations.map((c) => c.memoryMb), [512, 1769]);
  for (const c of report.configurations) {
    assert.is(c.target, 'aws-lambda');
    assert.is(c.coldStarts, 2);
    assert.is(c.warmInvocations, 4);
    assert.is(c.samples.initMs.length, 2);
    assert.is(c.samples.warmMs.length, 4);
    // 20 ms of CPU time of all threads: a GC thread running alongside can make the wall time a little shorter.
    assert.ok(c.warmMs.p50 >= 15, `warm p50 ${c.warmMs.p50}`);
    assert.ok(c.billedMs >= Math.ceil(c.warmMs.p50) - 1);
    assert.ok(c.costPerMillion > 0.2, 'includes the $0.20 request fee');
    assert.ok(c.peakMemoryMb > 10);
    assert.ok(['cgroup', 'scale'].includes(c.cpuMode));
  }
  assert.is(report.configurations[0].vcpu, Math.round((512 / 1769) * 1000) / 1000);
  const strategies = report.recommendations.map((x) => x.strategy);
  assert.equal(strategies, ['cheapest', 'fastest', 'balanced', 'cheapest-within-latency']);
  assert.ok(r.stdout.trim().startsWith('{'), 'only JSON on stdout');
});

test('table output and --verbose Lambda REPORT lines', async () => {
  const r = await runCommand(Bench, ['--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--memory', '256', '--cold', '1', '--warm', '2', '--max-time', '0', '--cpu', 'scale', '--verbose']);
  assert.is(r.exitCode, 0, String(r.error));
  assert.match(r.stdout, /REPORT RequestId: \S+ Duration: [\d.]+ ms Billed Duration: \d+ ms Memory Size: 256 MB Max Memory Used: \d+ MB Init Duration: [\d.]+ ms/);
  assert.is(r.stdout.match(/^REPORT /gm)?.length, 3);
  assert.match(r.stdout, /│ warm p50 │ warm p90 │ warm p99 │/);
  assert.match(r.stdout, /CPU share: scale/);
});

test('adaptive sampling: --cold/--warm are minimums, more until the medians are stable or --max-time; the table says so', async () => {
  const r = await runCommand<BenchReport>(Bench, ['--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--memory', '1769', '--cold', '1', '--warm', '5', '--max-time', '30s', '--precision', '50%', '--cpu', 'off']);
  assert.is(r.exitCode, 0, String(r.error));
  const c = r.result!.configurations[0];
  // the time cap is far enough that a loaded machine still reaches the 5 a 90% CI needs
  assert.ok(c.coldStarts >= 5, `at least the 5 a 90% CI needs: ${c.coldStarts}`);
  assert.ok(c.warmInvocations >= 5);
  assert.ok(['precision', 'time-cap', 'max-samples'].includes(c.sampling!.stoppedBy), c.sampling!.stoppedBy);
  assert.is(c.sampling!.precision, 0.5);
  assert.is(r.result!.estimate, 'stable');
  assert.match(r.stdout, /Sampling: until the medians' 95% CI is within ±50% or 30 s per configuration/);
  assert.match(r.stdout, /Figures: load-robust estimate/);
  assert.match(r.stdout, /CPU init \/ warm/);
});

test('bad input is a one-line usage error', async () => {
  const cases: [string[], RegExp][] = [
    [['--handler', fixture('empty.mjs'), '--target', 'aws-lamda'], /unknown target "aws-lamda"/],
    [['--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--memory', '64'], /64 MB is not a memory size of aws-lambda/],
    [['--handler', fixture('empty.mjs'), '--target', 'gcp-functions', '--memory', '300'], /300 MB is not a memory size of gcp-functions/],
    [['--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--concurrency', '4'], /at most 1 request/],
    [['--handler', fixture('empty.mjs')], /a handler needs --target/],
    [['--handler', fixture('empty.mjs'), '--target', 'azure-functions', '--arch', 'arm64'], /no arm64 price/],
    [['--handler', 'nope.mjs', '--target', 'aws-lambda'], /nope\.mjs: no such file/],
    [[], /give either a bundle\/model or --handler/],
    [['--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--balance', '2'], /--balance must be between 0 and 1 \(got 2\)/],
    [['--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--cold-share', 'lots'], /--cold-share must be a percentage like "5%", got "lots"/],
    [['--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--event', fixture('README.md')], /README\.md: the event is not valid JSON/],
  ];
  for (const [argv, message] of cases) {
    const r = await runCommand(Bench, argv);
    assert.ok(r.exitCode !== 0, argv.join(' '));
    assert.match(r.stderr, message, argv.join(" "));
    assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

test('afterwards: no child process, no cgroup left', () => {
  assert.equal(childProcesses(), []);
  assert.equal(ownLeftovers(), []);
});

test.run();
