/**
 * The five calling conventions with echo handlers, the platform's environment and Node flags in
 * the instance, and bundle folders/zips read by their manifest.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, copyFileSync, mkdirSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import yazl from 'yazl';
import { detectCgroups, InstanceCgroup } from '../../../src/sim/cgroup.js';
import { hostScript } from '../../../src/sim/host-script.js';
import { RuntimeInstance } from '../../../src/sim/instance.js';
import { getPlatform, nodeFlags, runtimeEnv } from '../../../src/platforms/index.js';
import type { PlatformId } from '../../../src/core/platform-facts.js';
import { runBench } from '../../../src/sim/run-bench.js';
import { isDlpackError } from '../../../src/core/errors/dlpack-error.js';
import { childProcesses, fixture, FIXTURES, noCgroup, ownLeftovers } from '../../helpers/sim-helpers.js';
import { testIf } from '../../helpers/skip.js';

async function invokeOnce(target: PlatformId, file: string, event: unknown, memoryMb: number) {
  const profile = getPlatform(target);
  const inst = new RuntimeInstance({
    entry: fixture(file),
    cwd: FIXTURES,
    convention: target,
    event,
    memoryMb,
    functionName: 'conv-test',
    nodeFlags: nodeFlags(profile, memoryMb),
    env: runtimeEnv(profile, memoryMb, 'conv-test'),
    hostScript: await hostScript(),
    timeoutMs: 10_000,
    initTimeoutMs: 10_000,
  });
  try {
    const init = await inst.init();
    assert.ok(init.ok, `${file}: ${init.errorMessage}`);
    return await inst.invoke();
  } finally {
    await inst.stop();
  }
}

const body = (r: { preview?: string }) => JSON.parse(r.preview ?? 'null');

test('aws-lambda: handler(event, context), Lambda env and heap flags for the memory size', async () => {
  const r = await invokeOnce('aws-lambda', 'conv-lambda.mjs', { x: 21 }, 512);
  assert.ok(r.ok, r.errorMessage);
  const b = body(r);
  assert.is(b.doubled, 42);
  assert.is(b.memory, '512');
  assert.is(b.envMemory, '512');
  // new space = 512/10 = 51, old space = 512 − 51 (the Lambda base image bootstrap's rule)
  assert.is(b.maxOldSpace, '--max-old-space-size=461');
});

test('gcp-functions and vercel: (req, res) with a parsed JSON body', async () => {
  const g = await invokeOnce('gcp-functions', 'conv-gcp.mjs', { x: 2 }, 1024);
  assert.is(g.status, 200);
  assert.equal(body(g), { doubled: 4, method: 'POST', target: 'handler' });
  const v = await invokeOnce('vercel', 'conv-vercel.mjs', { x: 5 }, 2048);
  assert.is(v.status, 201);
  assert.equal(body(v), { doubled: 10, vercel: '1' });
});

test('azure-functions: an exported handler, and one registered with app.http()', async () => {
  const e = await invokeOnce('azure-functions', 'conv-azure-export.mjs', { x: 3 }, 2048);
  assert.is(e.status, 200);
  assert.equal(body(e), { doubled: 6, invocationId: 'string' });
  const a = await invokeOnce('azure-functions', 'conv-azure-app.mjs', { x: 4 }, 2048);
  assert.ok(a.ok, a.errorMessage);
  assert.equal(body(a), { doubled: 8, registered: true });
});

test('cloudflare-workers: default { fetch(request, env, ctx) } with Web Request/Response', async () => {
  const r = await invokeOnce('cloudflare-workers', 'conv-workers.mjs', { x: 7 }, 128);
  assert.is(r.status, 200);
  assert.equal(body(r), { doubled: 14 });
});

test('a handler without the export the target calls fails INIT with Runtime.HandlerNotFound', async () => {
  const r = await runBench({ input: fixture('conv-workers.mjs'), handler: true, targets: ['aws-lambda'], memory: '128', cold: 1, warm: 0, cpu: 'off' });
  assert.match(r.configurations[0].errors.messages[0], /INIT: Runtime\.HandlerNotFound: .*does not export a function named "handler"/);
});

async function makeBundle(dir: string, schema = 'dlpack.bundle-manifest/1') {
  mkdirSync(dir, { recursive: true });
  copyFileSync(fixture('conv-lambda.mjs'), join(dir, 'index.mjs'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schema, target: 'aws-lambda', runtime: 'none', arch: 'x64', entry: 'index.mjs', export: 'handler' }));
}

test('a bundle folder and its zip are benched by their manifest; its target is checked', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dlpack-sim-bundle-'));
  const dir = join(root, 'b');
  await makeBundle(dir);
  const event = join(root, 'event.json');
  writeFileSync(event, '{"x": 1}');
  const folder = await runBench({ input: dir, memory: '256', cold: 1, warm: 2, eventFile: event, cpu: 'off' });
  assert.is(folder.configurations[0].target, 'aws-lambda');
  assert.is(folder.configurations[0].warmInvocations, 2);

  const zip = new yazl.ZipFile();
  zip.addFile(join(dir, 'index.mjs'), 'index.mjs');
  zip.addFile(join(dir, 'manifest.json'), 'manifest.json');
  zip.end();
  const zipPath = join(root, 'b.zip');
  const out = createWriteStream(zipPath);
  zip.outputStream.pipe(out);
  await once(out, 'close');
  const zipped = await runBench({ input: zipPath, memory: '256', cold: 1, warm: 1, eventFile: event, cpu: 'off' });
  assert.is(zipped.configurations[0].errors.error, 0, zipped.configurations[0].errors.messages.join('; '));

  const wrong = await runBench({ input: dir, targets: ['vercel'], cold: 1, warm: 0 }).catch((e: unknown) => e);
  assert.ok(isDlpackError(wrong) && /built for aws-lambda, not vercel/.test(wrong.message), String(wrong));

  const escape = join(root, 'escape');
  mkdirSync(escape);
  writeFileSync(join(escape, 'manifest.json'), JSON.stringify({ schema: 'dlpack.bundle-manifest/1', target: 'aws-lambda', entry: '../b/index.mjs' }));
  const esc = await runBench({ input: escape, cold: 1, warm: 0 }).catch((e: unknown) => e);
  assert.ok(isDlpackError(esc) && esc.code === 'PATH_ESCAPE', String(esc));
});

testIf(test, noCgroup('both'), 'a cgroup instance is placed before Node starts: its memory and CPU limits are the kernel\'s', async () => {
  const support = detectCgroups();
  const cg = new InstanceCgroup(support, { memoryBytes: 300 * 1024 * 1024, vcpu: 0.5 });
  const dirs = [...cg.dirs];
  assert.is(dirs.length, support.version === 1 ? 2 : 1);
  const profile = getPlatform('aws-lambda');
  const inst = new RuntimeInstance({
    entry: fixture('empty.mjs'), cwd: FIXTURES, convention: 'aws-lambda', event: {}, memoryMb: 300, functionName: 'cg',
    nodeFlags: nodeFlags(profile, 300), env: runtimeEnv(profile, 300), hostScript: await hostScript(), timeoutMs: 5000, initTimeoutMs: 5000, cgroup: cg,
  });
  try {
    assert.ok((await inst.init()).ok);
    const { readFileSync } = await import('node:fs');
    for (const d of dirs) assert.match(readFileSync(join(d, 'cgroup.procs'), 'utf8'), new RegExp(`\\b${inst.pid}\\b`));
  } finally {
    await inst.stop();
  }
  const { existsSync } = await import('node:fs');
  for (const d of dirs) assert.not.ok(existsSync(d), `${d} removed`);
});

test('afterwards: no child process, no cgroup left', () => {
  assert.equal(childProcesses(), []);
  assert.equal(ownLeftovers(), []);
});

test.run();
