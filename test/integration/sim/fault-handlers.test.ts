/**
 * The fault-handler suite: handlers that fail every way a handler can, each benched to the end,
 * each reported with the platform's own wording, and afterwards no process of any instance (not
 * even a detached, unref'd child with an empty environment) and no cgroup left. The instances'
 * processes are found by the marker every instance carries in its environment (DLPACK_INSTANCE)
 * and by their cgroups; detached children with a clean environment by their command line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { detectCgroups } from '../../../src/sim/cgroup.js';
import { runCli } from '../../helpers/cli.js';
import { benchHandler, childProcesses, fixture, liveInstances, ownLeftovers, processesWithEnv } from '../../helpers/sim-helpers.js';

const cg = detectCgroups();
const marker = `DLPACK_INSTANCE=${process.pid}-`;
const sleepers = () => {
  try {
    return execFileSync('pgrep', ['-f', '^sleep 300$'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};
const before = new Set(sleepers());

function messages(r: Awaited<ReturnType<typeof benchHandler>>): string {
  return r.configurations.flatMap((c) => c.errors.messages).join('\n');
}
const errorCount = (r: Awaited<ReturnType<typeof benchHandler>>) => r.configurations.reduce((n, c) => n + c.errors.oom + c.errors.timeout + c.errors.error, 0);

test('throw at load: INIT fails with the error, not recommended', async () => {
  const r = await benchHandler('init-throws.mjs', { cpu: 'off' });
  assert.match(messages(r), /INIT: Runtime\.ImportModuleError: broken at load on purpose/);
  assert.is(r.recommendations.length, 0);
});

test('throw and reject in the handler: the invocation fails with the error, the instance stays up', async () => {
  const sync = await benchHandler('throws-sync.mjs', { cpu: 'off', warm: 2 });
  assert.match(messages(sync), /RangeError: thrown synchronously on purpose/);
  assert.is(sync.configurations[0].errors.error, 3);
  const rejected = await benchHandler('throws.mjs', { cpu: 'off', warm: 2 });
  assert.match(messages(rejected), /TypeError: bad input on purpose/);
  assert.is(rejected.configurations[0].errors.error, 3);
});

test('unhandled rejection: Lambda fails the invocation with Runtime.UnhandledPromiseRejection and the reason, then the runtime exits 128', async () => {
  const r = await benchHandler('unhandled.mjs', { cpu: 'off', warm: 2 });
  const m = messages(r);
  assert.match(m, /INVOKE \(cold\): Runtime\.UnhandledPromiseRejection: Error: rejected on purpose/);
  assert.match(m, /Runtime\.ExitError: Runtime exited with error: exit status 128 \(Runtime\.UnhandledPromiseRejection: Error: rejected on purpose\)/);
  assert.ok(r.configurations[0].errors.error >= 2, JSON.stringify(r.configurations[0].errors));
  assert.is(r.recommendations.length, 0);
});

test('unhandled rejection on the other platforms, in their words', async () => {
  const gcp = await benchHandler('unhandled-gcp.mjs', { targets: ['gcp-functions'], memory: '512', cpu: 'off' });
  assert.match(messages(gcp), /HTTP 500 \(X-Google-Status: crash\): Unhandled rejection: rejected on purpose/);
  const workers = await benchHandler('unhandled-workers.mjs', { targets: ['cloudflare-workers'], memory: '128', cpu: 'off', warm: 1 });
  assert.match(messages(workers), /Uncaught \(in promise\): Error: rejected on purpose/);
  assert.is(workers.configurations[0].errors.error, 2, 'the isolate lives on: each invocation reports it');
});

test('process.exit and SIGSEGV: Runtime.ExitError with the status or signal', async () => {
  const exited = await benchHandler('exits.mjs', { cpu: 'off' });
  assert.match(messages(exited), /Runtime\.ExitError: Runtime exited with error: exit status 3/);
  const segv = await benchHandler('segfault.mjs', { cpu: 'off' });
  assert.match(messages(segv), /Runtime\.ExitError: Runtime exited with error: signal: segmentation fault/);
});

test('an infinite loop is timed out (Task timed out), with the real Max Memory Used in its REPORT line', async () => {
  const lines: string[] = [];
  const r = await benchHandler('busy-loop.mjs', { cpu: 'off', timeoutMs: 1000, log: (l) => lines.push(l) });
  assert.match(messages(r), /Sandbox\.Timedout: Task timed out after 1\.00 seconds/);
  const reportLine = lines.find((l) => l.startsWith('REPORT') && l.includes('Status: timeout'))!;
  assert.ok(reportLine, lines.join('\n'));
  const used = reportLine.match(/Max Memory Used: (\S+)/)![1];
  if (cg.memoryParent) assert.ok(Number(used) > 10, reportLine);
  else assert.ok(used === 'unknown' || Number(used) > 10, reportLine);
});

test('a 1 GB allocation at 512 MB: Runtime.OutOfMemory', async () => {
  const r = await benchHandler('alloc.mjs', { memory: '512', cpu: 'off', event: { allocMb: 1024 } });
  assert.match(messages(r), /Runtime\.OutOfMemory: Runtime exited with error: signal: killed/);
});

test('a detached child is killed with its instance and reported as a handler fault (also with a clean environment, also with the watchdog)', async () => {
  const r = await benchHandler('detached-child.mjs', { cpu: 'off', cold: 2 });
  assert.match(messages(r), /SHUTDOWN: dlpack\.LeftoverProcesses: the handler left 1 process running, killed with the instance: sleep 300 \(pid \d+\)/);
  assert.is(r.configurations[0].errors.error, 2);
  assert.is(r.recommendations.length, 0);
  const clean = await benchHandler('detached-child.mjs', { cpu: 'off', event: { cleanEnv: true } });
  assert.match(messages(clean), /dlpack\.LeftoverProcesses/);
  const watchdog = await benchHandler('detached-child.mjs', { cpu: 'scale', memoryLimit: 'watchdog', event: { cleanEnv: true } });
  assert.match(messages(watchdog), /dlpack\.LeftoverProcesses/);
  assert.equal(sleepers().filter((p) => !before.has(p)), [], 'no sleep 300 left');
});

test('50 MB of stdout: the bench completes, the invocation succeeds', async () => {
  const r = await benchHandler('stdout-flood.mjs', { cpu: 'off', warm: 1 });
  assert.is(errorCount(r), 0, messages(r));
  assert.is(r.configurations[0].warmInvocations, 1);
});

test('a BigInt or circular result: Lambda\'s "Unable to stringify response body"', async () => {
  const big = await benchHandler('unserializable.mjs', { cpu: 'off' });
  assert.match(messages(big), /INVOKE \(cold\): Error: Unable to stringify response body/);
  const circular = await benchHandler('unserializable.mjs', { cpu: 'off', event: { kind: 'circular' } });
  assert.match(messages(circular), /Unable to stringify response body/);
});

test('dlpack bench exits 1 when no configuration ran without errors (and 0 when one did)', async () => {
  const failing = await runCli(['bench', '--handler', fixture('exits.mjs'), '--target', 'aws-lambda', '--memory', '512,1024', '--cold', '1', '--warm', '0', '--cpu', 'off'], { deadlineMs: 120_000 });
  assert.is(failing.code, 1, failing.stderr);
  assert.match(failing.stderr, /no configuration ran without errors/);
  assert.match(failing.stdout, /exit status 3|error/);
  const fine = await runCli(['bench', '--handler', fixture('empty.mjs'), '--target', 'aws-lambda', '--memory', '512', '--cold', '1', '--warm', '1', '--cpu', 'off', '--json'], { deadlineMs: 120_000 });
  assert.is(fine.code, 0, fine.stderr);
});

test('afterwards: 0 processes of any instance, 0 cgroups, no child process', () => {
  assert.equal(processesWithEnv(marker), []);
  assert.equal(sleepers().filter((p) => !before.has(p)), []);
  assert.equal(ownLeftovers(), []);
  assert.equal(childProcesses(), []);
  assert.is(liveInstances(), 0);
});

test.run();
