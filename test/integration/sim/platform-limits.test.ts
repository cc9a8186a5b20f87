/**
 * The emulator holds handlers to the platform's own rules: payload limits with the platform's error
 * (the handler never sees a request over the limit; an answer over it fails the invocation), the
 * Functions Framework's HTML 400 for a body that is not JSON, Lambda loading CommonJS as the RIC
 * does, the Node.js major note; and `bench` counts an answer over the limit as a failure.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostScript } from '../../../src/sim/host-script.js';
import { RuntimeInstance } from '../../../src/sim/instance.js';
import { getPlatform, nodeFlags, runtimeEnv } from '../../../src/platforms/index.js';
import type { PlatformId } from '../../../src/core/platform-facts.js';
import { payloadLimits } from '../../../src/sim/run-config.js';
import { nodeVersionNote } from '../../../src/sim/run-bench.js';
import { functionsFrameworkJson } from '../../../src/platforms/shared/node-http-convention.js';
import { findLocalHosts } from '../../../src/sim/local-hosts.js';
import { benchHandler, fixture, FIXTURES } from '../../helpers/sim-helpers.js';

async function instance(target: PlatformId, file: string) {
  const profile = getPlatform(target);
  const memoryMb = profile.memory.defaultMb.value;
  const inst = new RuntimeInstance({
    entry: fixture(file),
    cwd: FIXTURES,
    convention: target,
    event: {},
    memoryMb,
    functionName: 'limits-test',
    nodeFlags: nodeFlags(profile, memoryMb),
    env: runtimeEnv(profile, memoryMb, 'limits-test'),
    hostScript: await hostScript(),
    timeoutMs: 20_000,
    initTimeoutMs: 20_000,
    payload: payloadLimits(profile),
  });
  const init = await inst.init();
  assert.ok(init.ok, `${file}: ${init.errorMessage}`);
  return inst;
}

test('Lambda: an answer over 6 MB fails with Function.ResponseSizeTooLarge; a request over 6 MB never reaches the handler', async () => {
  const inst = await instance('aws-lambda', 'big-answer.mjs');
  try {
    const small = await inst.invoke({ event: { bytes: 1000 } });
    assert.ok(small.ok, small.errorMessage);
    const big = await inst.invoke({ event: { bytes: 7 * 1024 * 1024 } });
    assert.is(big.ok, false);
    assert.is(big.errorType, 'Function.ResponseSizeTooLarge');
    assert.match(big.errorMessage!, /^Response payload size \(\d+ bytes\) exceeded maximum allowed payload size \(6291456 bytes\)\.$/);
    const huge = await inst.invoke({ event: { bytes: 1, pad: 'y'.repeat(6 * 1024 * 1024) } });
    assert.is(huge.errorType, 'RequestEntityTooLargeException');
    assert.is(huge.status, 413);
  } finally {
    await inst.stop();
  }
});

test('Vercel: an answer over 4.5 MB fails with FUNCTION_PAYLOAD_TOO_LARGE (413)', async () => {
  const inst = await instance('vercel', 'big-answer.mjs');
  try {
    const big = await inst.invoke({ event: JSON.stringify({ bytes: 5 * 1024 * 1024 }) });
    assert.is(big.errorType, 'FUNCTION_PAYLOAD_TOO_LARGE');
    assert.is(big.status, 413);
  } finally {
    await inst.stop();
  }
});

test('Cloud Run functions: a body that is not a JSON object or array, sent as application/json, is the framework\'s HTML 400; the function never runs', async () => {
  for (const bad of ['{', '"text"', '1', '  ']) {
    const a = functionsFrameworkJson(bad);
    assert.is(a?.status, 400, bad);
    assert.match(String(a!.body), /<pre>Bad Request<\/pre>/);
    assert.is(a!.headers!['content-type'], 'text/html; charset=utf-8');
  }
  for (const ok of ['', '{}', '[1]', ' {"inputs": {}}']) assert.is(functionsFrameworkJson(ok), undefined, ok);
  const inst = await instance('gcp-functions', 'conv-gcp.mjs');
  try {
    const r = await inst.invoke({ event: '{not json', wantBody: true });
    assert.is(r.status, 400);
    assert.match(r.body!, /^<!DOCTYPE html>/);
  } finally {
    await inst.stop();
  }
});

test('Lambda loads CommonJS as the RIC does (require): module.exports is the module, not a default export', async () => {
  const inst = await instance('aws-lambda', 'conv-lambda-cjs.cjs');
  try {
    const r = await inst.invoke({ event: { x: 2 }, wantBody: true });
    assert.ok(r.ok, r.errorMessage);
    assert.equal(JSON.parse(r.body!), { doubled: 4, loadedBy: 'require' });
  } finally {
    await inst.stop();
  }
});

for (const [target, file, how] of [
  ['gcp-functions', 'conv-gcp-cjs.cjs', 'require'],
  ['azure-functions', 'conv-azure-cjs.cjs', 'require'],
  ['vercel', 'conv-vercel-cjs.cjs', 'import'],
] as const) {
  test(`${target} loads a CommonJS handler as its runtime does (${how})`, async () => {
    const inst = await instance(target, file);
    try {
      const r = await inst.invoke({ event: { x: 2 }, wantBody: true });
      assert.ok(r.ok, r.errorMessage);
      assert.equal(JSON.parse(r.body!), { doubled: 4, loadedBy: how });
    } finally {
      await inst.stop();
    }
  });
}

test('the Node.js major: a note when the function ran on another major than the platform\'s', () => {
  const hosts = { ...findLocalHosts(), nodes: { [process.versions.node.split('.')[0]]: process.execPath } };
  const lambda = getPlatform('aws-lambda');
  const note = nodeVersionNote(lambda, 'emulator', hosts);
  if (process.versions.node.startsWith(`${lambda.runtime.node.value}.`)) assert.is(note, undefined);
  else assert.match(note!, new RegExp(`ran on Node\\.js ${process.versions.node.split('.')[0]}; AWS Lambda runs Node\\.js ${lambda.runtime.node.value}`));
  assert.is(nodeVersionNote(lambda, 'emulator', { ...hosts, nodes: { ...hosts.nodes, [lambda.runtime.node.value]: process.execPath } }), undefined);
  assert.match(nodeVersionNote(getPlatform('cloudflare-workers'), 'emulator', hosts)!, /not Cloudflare Workers's runtime/);
});

test('bench: an answer over the limit is an error of the configuration, named by the platform', async () => {
  const report = await benchHandler('big-answer.mjs', { event: { bytes: 7 * 1024 * 1024 } });
  const c = report.configurations[0];
  assert.ok(c.errors.error >= 1, JSON.stringify(c.errors));
  assert.match(c.errors.messages.join('\n'), /Function\.ResponseSizeTooLarge/);
});

test.run();
