/** Platform profiles: every figure sourced, the vCPU/memory/billing rules, `dlpack platforms`. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Platforms from '../../commands/platforms.js';
import { runCommand } from '../helpers/cli.js';
import { billedDuration, checkMemory, getPlatform, listPlatforms, memorySizes, nodeFlags, priceFor, runtimeEnv, vcpuFor } from '../../src/platforms/index.js';
import { sourcedFacts } from '../../src/platforms/render-platforms.js';
import type { PlatformsReport } from '../../src/core/reports/schemas.js';

test('every figure of every profile has an https source; verify notes carry the date', () => {
  for (const p of listPlatforms()) {
    const facts = sourcedFacts(p);
    assert.ok(facts.length >= 15, `${p.id}: ${facts.length} sourced figures`);
    for (const [path, f] of facts) {
      assert.match(f.source, /^https:\/\//, `${p.id}.${path}`);
      if (f.verify) assert.match(f.verify, /\(checked 20\d\d-\d\d-\d\d\)/, `${p.id}.${path}`);
    }
    assert.ok(p.launch?.source.startsWith('https://'), `${p.id}.launch`);
  }
});

test('vCPU for a memory size: Lambda linear (1,769 MB per vCPU, 6 max), Cloud Run tiers, Workers fixed', () => {
  const lambda = getPlatform('aws-lambda');
  assert.is(vcpuFor(lambda, 1769), 1);
  assert.ok(Math.abs(vcpuFor(lambda, 10_240) - 10_240 / 1769) < 1e-9, "CFS quota share at 10,240 MB (6 cores visible)");
  assert.ok(vcpuFor(lambda, 10_240) <= 6);
  assert.ok(Math.abs(vcpuFor(lambda, 128) - 0.0724) < 1e-3);
  const gcp = getPlatform('gcp-functions');
  assert.is(vcpuFor(gcp, 512), 0.333);
  assert.is(vcpuFor(gcp, 2048), 1);
  assert.is(vcpuFor(gcp, 8192), 2);
  assert.is(vcpuFor(getPlatform('azure-functions'), 512), 0.25);
  assert.is(vcpuFor(getPlatform('cloudflare-workers'), 128), 1);
});

test('memory sizes: sweep, default, lists validated against the platform', () => {
  assert.equal(memorySizes(getPlatform('aws-lambda'), 'sweep'), [128, 256, 512, 1024, 1769, 3008]);
  assert.equal(memorySizes(getPlatform('gcp-functions'), 'sweep'), [128, 256, 512, 1024, 2048, 4096]);
  assert.equal(memorySizes(getPlatform('cloudflare-workers'), 'sweep'), [128]);
  assert.equal(memorySizes(getPlatform('aws-lambda'), '1024,128, 1769'), [128, 1024, 1769]);
  assert.equal(memorySizes(getPlatform('gcp-functions'), '2gb'), [2048]);
  assert.throws(() => checkMemory(getPlatform('aws-lambda'), 10_241), /not a memory size of aws-lambda/);
  assert.throws(() => memorySizes(getPlatform('aws-lambda'), 'lots'), /cannot read memory size/);
  assert.throws(() => getPlatform('heroku'), /unknown target "heroku"/);
});

test('Lambda launch: heap flags and environment for the memory size', () => {
  const p = getPlatform('aws-lambda');
  assert.equal(nodeFlags(p, 1024), ['--expose-gc', '--max-http-header-size=81920', '--max-semi-space-size=51', '--max-old-space-size=922']);
  const env = runtimeEnv(p, 1024, 'fn');
  assert.is(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '1024');
  assert.is(env.AWS_LAMBDA_FUNCTION_NAME, 'fn');
  assert.is(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/fn');
});

test('billing: granularity, Azure minimum, prices per architecture and request', () => {
  const lambda = getPlatform('aws-lambda');
  assert.is(billedDuration(lambda, 12.34), 13);
  assert.is(billedDuration(getPlatform('gcp-functions'), 12.34), 100);
  assert.is(billedDuration(getPlatform('azure-functions'), 12.34), 100);
  // 1 GB for 100 ms: 0.1 GB-s × $0.0000166667 + $0.20 / 1M
  const x64 = priceFor(lambda, { memoryMb: 1024, arch: 'x64', billedMs: 100 });
  assert.ok(Math.abs(x64 - (0.1 * 0.0000166667 + 0.2e-6)) < 1e-12);
  const arm = priceFor(lambda, { memoryMb: 1024, arch: 'arm64', billedMs: 100 });
  assert.ok(arm < x64);
  // Workers bill CPU time, not memory × duration.
  const workers = getPlatform('cloudflare-workers');
  assert.ok(Math.abs(priceFor(workers, { memoryMb: 128, arch: 'x64', billedMs: 50, cpuMs: 5 }) - (0.005 * 0.00002 + 0.3e-6)) < 1e-12);
});

test('dlpack platforms: table, --sources and --json', async () => {
  const table = await runCommand(Platforms, []);
  assert.is(table.exitCode, 0, String(table.error));
  for (const id of ['aws-lambda', 'gcp-functions', 'azure-functions', 'cloudflare-workers', 'vercel']) assert.match(table.stdout, new RegExp(id));
  assert.match(table.stdout, /memory \/ 1769 MB, max 6/);
  const sources = await runCommand(Platforms, ['aws-lambda', '--sources']);
  assert.match(sources.stdout, /initTimeoutMs = 10000 {2}https:\/\/docs\.aws\.amazon\.com/);
  assert.match(sources.stdout, /\[verify: .*2026-11-28/);
  const json = await runCommand<PlatformsReport>(Platforms, ['--json']);
  assert.is(json.result?.schema, 'dlpack.platforms/1');
  assert.is(json.result?.platforms.length, 5);
  const parsed = JSON.parse(json.stdout) as PlatformsReport;
  assert.is(parsed.platforms[0].memory.maxMb.source, 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html');
  const bad = await runCommand(Platforms, ['heroku']);
  assert.is(bad.exitCode, 2);
});

test.run();
