/**
 * `dlpack invoke` and `dlpack serve` on the MLP fixture bundled with `dlpack bundle` for every
 * target: real child processes (the CLI from its sources), real HTTP requests with fetch, SIGTERM
 * leaving no process and no cgroup behind; bad input as one line naming the file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../../helpers/cli.js';
import { ownLeftovers, processesWithEnv } from '../../helpers/sim-helpers.js';
import { PLATFORM_IDS } from '../../../src/platforms/index.js';
import type { InvokeResult } from '../../../src/sim/invoke.js';

const MLP = join(ROOT, 'fixtures', 'models', 'mlp.onnx');
const work = mkdtempSync(join(tmpdir(), 'dlpack-invoke-serve-'));
const bundles = new Map<string, string>();
const REQUEST = { inputs: { input: { dims: [1, 16], data: Array.from({ length: 16 }, (_, i) => i / 16) } } };
const eventPath = join(work, 'request.json');
writeFileSync(eventPath, JSON.stringify(REQUEST));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REPORT = /REPORT RequestId: \S+ Duration: [\d.]+ ms Billed Duration: \d+ ms Memory Size: \d+ MB Max Memory Used: \d+ MB/;

test.before(async () => {
  // two at a time: the machine is shared
  for (let i = 0; i < PLATFORM_IDS.length; i += 2) {
    await Promise.all(
      PLATFORM_IDS.slice(i, i + 2).map(async (target) => {
        const out = join(work, target);
        const r = await runCli(['bundle', MLP, '--target', target, '-o', out], { deadlineMs: 120_000 });
        if (r.code !== 0) throw new Error(`dlpack bundle --target ${target}: ${r.stderr}`);
        bundles.set(target, out);
      }),
    );
  }
});

test.after(() => rmSync(work, { recursive: true, force: true }));

function probabilities(body: string): number[] {
  const v = JSON.parse(body) as { outputs?: { probabilities?: { data?: number[]; dims?: number[] } } };
  assert.equal(v.outputs?.probabilities?.dims, [1, 4], body.slice(0, 300));
  return v.outputs!.probabilities!.data!;
}

let reference: number[] | undefined;
function sameAnswer(p: number[], what: string): void {
  assert.is(p.length, 4);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-4, `${what}: softmax sums to 1`);
  reference ??= p;
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(p[i] - reference[i]) < 1e-4, `${what}: same answer as the other targets (${p} vs ${reference})`);
}

for (const target of PLATFORM_IDS) {
  test(`invoke ${target}: the platform's response on stdout, the REPORT line on stderr`, async () => {
    const r = await runCli(['invoke', bundles.get(target)!, '--event', eventPath], { deadlineMs: 120_000 });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, REPORT);
    assert.match(r.stderr, /Init Duration: [\d.]+ ms/);
    if (target === 'aws-lambda') {
      // Lambda's invoke payload: the handler's result as JSON
      sameAnswer(probabilities(r.stdout), target);
    } else {
      const [head, body] = r.stdout.split('\n\n');
      assert.match(head, /^HTTP\/1\.1 200 OK\ncontent-type: application\/json/);
      sameAnswer(probabilities(body), target);
    }
  });
}

test('invoke --json: the structured result; the event generated from the model inputs when none is given', async () => {
  const r = await runCli(['invoke', bundles.get('vercel')!, '--memory', '4096', '--json'], { deadlineMs: 120_000 });
  assert.is(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as InvokeResult;
  assert.is(result.schema, 'dlpack.invoke/1');
  assert.is(result.platform, 'vercel');
  assert.is(result.memoryMb, 4096);
  assert.equal((result.event as typeof REQUEST).inputs.input.dims, [1, 16]);
  assert.is(result.response.kind, 'http');
  if (result.response.kind === 'http') {
    assert.is(result.response.status, 200);
    probabilities(result.response.body);
  }
  assert.is(result.report.memorySizeMb, 4096);
  assert.ok(result.report.initDurationMs! > 0 && result.report.durationMs > 0);
  assert.ok(result.report.billedDurationMs >= Math.floor(result.report.durationMs));
  assert.ok(result.report.maxMemoryUsedMb! > 10);
  assert.is(result.report.status, 'success');
  assert.is(result.error, undefined);
});

/** `dlpack serve` as a child; resolves with its URL once it printed it. */
async function startServe(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string; exited: Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'dev.js'), 'serve', ...args, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(`${code}/${signal}`)));
  const deadline = Date.now() + 90_000;
  while (!/^http:\/\/\S+/m.test(stdout)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`serve did not print its URL: ${stderr}`);
    }
    await sleep(50);
  }
  return { child, url: stdout.match(/^http:\/\/\S+/m)![0], stderr: () => stderr, exited };
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

for (const target of PLATFORM_IDS) {
  test(`serve ${target}: answers fetch requests, cold then warm; SIGTERM leaves no process or cgroup`, async () => {
    const dir = bundles.get(target)!;
    const s = await startServe([dir]);
    try {
      const first = await post(s.url, REQUEST);
      const text = await first.text();
      assert.is(first.status, 200, text);
      assert.match(first.headers.get('content-type') ?? '', /application\/json/);
      sameAnswer(probabilities(text), `serve ${target}`);
      const second = await post(`${s.url}predict?x=1`, REQUEST);
      assert.is(second.status, 200);
      probabilities(await second.text());
      // dlpack's templates answer only POST (Azure's reads the empty body: 400; the host's routing
      // by the registration's methods is not emulated): the handler's own answer comes through
      const get = await fetch(s.url);
      assert.is(get.status, target === 'azure-functions' ? 400 : 405, await get.text());
      const reports = s.stderr().match(/^REPORT .*$/gm) ?? [];
      assert.is(reports.length, 3, s.stderr());
      assert.match(reports[0] ?? '', /Init Duration/);
      assert.not.match(reports[1] ?? '', /Init Duration/, 'the second request reuses the warm instance');
      assert.ok(processesWithEnv(`LAMBDA_TASK_ROOT=${dir}`).length > 0, 'the instance is running');
      s.child.kill('SIGTERM');
      assert.is(await s.exited, '0/null', s.stderr());
      assert.match(s.stderr(), /stopped: 3 requests, 1 cold start/);
      assert.equal(processesWithEnv(`LAMBDA_TASK_ROOT=${dir}`), [], 'no instance process left');
      assert.equal(ownLeftovers(s.child.pid), [], 'no cgroup left');
    } finally {
      s.child.kill('SIGKILL');
    }
  });
}

test('bad input: one line naming the file, non-zero exit', async () => {
  const bad = join(work, 'bad.json');
  writeFileSync(bad, '{"inputs": ');
  const cases: [string[], RegExp][] = [
    [['invoke', join(work, 'missing-bundle')], /missing-bundle: no such file or directory/],
    [['serve', join(work, 'missing-bundle')], /missing-bundle: no such file or directory/],
    [['invoke', bundles.get('aws-lambda')!, '--event', bad], /bad\.json: the event is not valid JSON/],
    [['invoke', bundles.get('aws-lambda')!, '--event', join(work, 'nope.json')], /nope\.json: no such file/],
    [['invoke', bundles.get('aws-lambda')!, '--platform', 'vercel'], /built for aws-lambda, not vercel/],
    [['invoke', bundles.get('aws-lambda')!, '--memory', '64'], /64 MB is not a memory size of aws-lambda/],
  ];
  for (const [argv, message] of cases) {
    const r = await runCli(argv, { deadlineMs: 60_000 });
    assert.ok(r.code !== 0 && r.code !== null, `${argv.join(' ')}: exit ${r.code}`);
    assert.match(r.stderr, message, argv.join(' '));
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test.run();
