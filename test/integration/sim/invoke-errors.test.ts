/**
 * Platform errors through `dlpack invoke` and `dlpack serve`, shaped as each platform reports them:
 * out of memory (a real cgroup or watchdog kill), timeout, payload too large, a function that
 * throws or crashes; Lambda's function URL event (payload format 2.0) and response mapping; an
 * instance that died replaced by a cold start on the next request.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Invoke from '../../../commands/invoke.js';
import { runCommand } from '../../helpers/cli.js';
import { fixture, ownLeftovers } from '../../helpers/sim-helpers.js';
import { serveBundle } from '../../../src/sim/serve.js';
import { invokeBundle } from '../../../src/sim/invoke.js';
import { Readable } from 'node:stream';
import type { InvokeResult } from '../../../src/sim/invoke.js';

const work = mkdtempSync(join(tmpdir(), 'dlpack-invoke-errors-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** A hand-made bundle: manifest.json naming the target and the handler module. */
function bundle(name: string, target: string, handler: { fixture?: string; source?: string }): string {
  const dir = join(work, name);
  mkdirSync(dir);
  if (handler.fixture) copyFileSync(fixture(handler.fixture), join(dir, 'index.mjs'));
  else writeFileSync(join(dir, 'index.mjs'), handler.source!);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schema: 'dlpack.bundle-manifest/1', target, entry: 'index.mjs' }));
  return dir;
}

function eventFile(name: string, event: unknown): string {
  const path = join(work, name);
  writeFileSync(path, JSON.stringify(event));
  return path;
}

async function invoke(argv: string[]) {
  const r = await runCommand<InvokeResult>(Invoke, [...argv, '--json']);
  return { ...r, result: r.result ?? (JSON.parse(r.stdout) as InvokeResult) };
}

test('Lambda out of memory: Runtime.OutOfMemory in the invoke payload, Max Memory Used = Memory Size, exit 1', async () => {
  const dir = bundle('oom', 'aws-lambda', { fixture: 'alloc.mjs' });
  const r = await invoke([dir, '--memory', '128', '--event', eventFile('alloc.json', { allocMb: 400 })]);
  assert.is(r.exitCode, 1);
  const res = r.result;
  assert.is(res.response.kind, 'lambda');
  if (res.response.kind === 'lambda') {
    assert.is(res.response.functionError, 'Unhandled');
    const payload = JSON.parse(res.response.payload) as { errorType: string; errorMessage: string };
    assert.is(payload.errorType, 'Runtime.OutOfMemory');
    assert.match(payload.errorMessage, /^RequestId: \S+ Error: Runtime exited with error: (signal: killed|JavaScript heap out of memory)/);
  }
  assert.is(res.report.maxMemoryUsedMb, 128);
  assert.is(res.report.status, 'error');
  assert.equal(ownLeftovers(), []);
});

test('Lambda timeout: Sandbox.Timedout after --timeout, REPORT Status: timeout', async () => {
  const dir = bundle('timeout', 'aws-lambda', { fixture: 'sleep.mjs' });
  const r = await invoke([dir, '--timeout', '1s', '--event', eventFile('sleep.json', { sleepMs: 20_000 })]);
  assert.is(r.result.error?.errorType, 'Sandbox.Timedout');
  assert.match(r.result.error!.errorMessage, /Task timed out after 1\.00 seconds/);
  assert.is(r.result.report.status, 'timeout');
  assert.ok(r.result.report.durationMs >= 900, String(r.result.report.durationMs));
});

test('Lambda request over 6 MB: refused before the handler runs, as the Invoke API does', async () => {
  const dir = bundle('big', 'aws-lambda', { fixture: 'empty.mjs' });
  const r = await invoke([dir, '--event', eventFile('big.json', { pad: 'x'.repeat(6.5 * 1024 * 1024) })]);
  assert.is(r.result.error?.errorType, 'RequestEntityTooLargeException');
  assert.match(r.result.error!.errorMessage, /Request must be smaller than 6291456 bytes/);
});

test('HTTP platforms: a function that throws or crashes gets the platform\'s error answer', async () => {
  const cases: [string, { fixture?: string; source?: string }, number, RegExp, [string, RegExp]?][] = [
    ['vercel', { source: "export default function (req, res) { throw new Error('boom'); }\n" }, 500, /A server error has occurred\n\nFUNCTION_INVOCATION_FAILED/, ['x-vercel-error', /FUNCTION_INVOCATION_FAILED/]],
    ['gcp-functions', { fixture: 'unhandled-gcp.mjs' }, 500, /^Internal Server Error$/, ['x-google-status', /^crash$/]],
    ['cloudflare-workers', { source: "export default { async fetch() { throw new Error('boom'); } };\n" }, 500, /^error code: 1101$/],
    ['azure-functions', { source: "export async function handler() { throw new Error('boom'); }\n" }, 500, /^$/],
  ];
  for (const [target, handler, status, body, header] of cases) {
    const r = await invoke([bundle(`throws-${target}`, target, handler)]);
    const res = r.result.response;
    assert.is(res.kind, 'http', target);
    if (res.kind !== 'http') continue;
    assert.is(res.status, status, `${target}: ${res.body}`);
    assert.match(res.body, body, target);
    if (header) assert.match(String(res.headers[header[0]]), header[1], target);
    assert.ok(r.result.error, `${target}: the invocation failed`);
  }
});

test('serve aws-lambda: the function URL event (payload format 2.0) and response mapping', async () => {
  const dir = bundle('echo', 'aws-lambda', {
    source:
      'export const handler = async (event) => event.rawPath === "/plain" ? { hello: "world" } : ' +
      "({ statusCode: 201, headers: { 'x-echo': 'yes' }, cookies: ['a=1', 'b=2'], body: JSON.stringify(event) });\n",
  });
  const server = await serveBundle({ input: dir, port: 0 });
  try {
    const r = await fetch(`${server.url}some/path?q=1&q=2&r=x`, { method: 'PUT', headers: { 'content-type': 'text/plain', cookie: 'c=3; d=4' }, body: 'hello' });
    assert.is(r.status, 201);
    assert.is(r.headers.get('x-echo'), 'yes');
    assert.equal(r.headers.getSetCookie(), ['a=1', 'b=2']);
    const event = (await r.json()) as Record<string, any>;
    assert.is(event.version, '2.0');
    assert.is(event.routeKey, '$default');
    assert.is(event.rawPath, '/some/path');
    assert.is(event.rawQueryString, 'q=1&q=2&r=x');
    assert.equal(event.queryStringParameters, { q: '1,2', r: 'x' });
    assert.equal(event.cookies, ['c=3', 'd=4']);
    assert.is(event.headers.cookie, undefined);
    assert.is(event.requestContext.http.method, 'PUT');
    assert.is(event.requestContext.http.path, '/some/path');
    assert.is(event.body, 'hello');
    assert.is(event.isBase64Encoded, false);
    const bin = (await (await fetch(`${server.url}b`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 1]) })).json()) as Record<string, any>;
    assert.is(bin.isBase64Encoded, true);
    assert.is(bin.body, Buffer.from([0, 255, 1]).toString('base64'));
    const plain = await fetch(`${server.url}plain`);
    assert.is(plain.status, 200);
    assert.match(plain.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(await plain.json(), { hello: 'world' });
    assert.equal(server.stats(), { requests: 3, coldStarts: 1 });
  } finally {
    await server.close();
  }
  assert.equal(ownLeftovers(), []);
});

test('serve: an instance killed for memory answers 502, the next request is a new cold start', async () => {
  const dir = bundle('serve-oom', 'aws-lambda', {
    source:
      'const kept = [];\nexport const handler = async (event) => {\n  const mb = JSON.parse(event.body).allocMb;\n' +
      '  for (let i = 0; i < mb; i++) kept.push(Buffer.alloc(1024 * 1024, 1));\n  return { allocatedMb: kept.length };\n};\n',
  });
  const lines: string[] = [];
  const server = await serveBundle({ input: dir, port: 0, memoryMb: 128, log: (l) => lines.push(l) });
  try {
    const post = (mb: number) => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ allocMb: mb }) });
    const killed = await post(400);
    assert.is(killed.status, 502, await killed.text());
    const next = await post(1);
    assert.is(next.status, 200);
    assert.equal(server.stats(), { requests: 2, coldStarts: 2 });
    assert.ok(lines.some((l) => /Runtime\.OutOfMemory/.test(l)), lines.join('\n'));
    assert.is(lines.filter((l) => /Init Duration/.test(l)).length, 2);
  } finally {
    await server.close();
  }
  assert.equal(ownLeftovers(), []);
});

test('serve: an instance that dies after answering (a late unhandled rejection) is replaced on the next request', async () => {
  const dir = bundle('serve-late-fault', 'aws-lambda', {
    source: "export const handler = async () => { setTimeout(() => Promise.reject(new Error('late')), 10); return { ok: true }; };\n",
  });
  const lines: string[] = [];
  const server = await serveBundle({ input: dir, port: 0, log: (l) => lines.push(l) });
  try {
    assert.is((await fetch(server.url, { method: 'POST', body: '{}' })).status, 200);
    await new Promise((r) => setTimeout(r, 300));
    const again = await fetch(server.url, { method: 'POST', body: '{}' });
    assert.is(again.status, 200, await again.text());
    assert.equal(server.stats(), { requests: 2, coldStarts: 2 });
    assert.ok(lines.some((l) => /died after answering: Runtime\.ExitError: .*exit status 128 \(Runtime\.UnhandledPromiseRejection: Error: late\)/.test(l)), lines.join('\n'));
  } finally {
    await server.close();
  }
  assert.equal(ownLeftovers(), []);
});

test('--event -: the event from standard input; malformed JSON there is an error naming stdin', async () => {
  const dir = bundle('stdin', 'aws-lambda', { source: 'export const handler = async (event) => { console.log("seen", JSON.stringify(event)); console.error("to stderr"); return { got: event }; };\n' });
  const ok = await invokeBundle({ input: dir, eventFile: '-', stdin: Readable.from([Buffer.from('{"a": '), Buffer.from('[1, 2]}')]) });
  assert.equal(ok.response, { kind: 'lambda', payload: '{"got":{"a":[1,2]}}' });
  assert.match(ok.logs, /seen \{"a":\[1,2\]\}/, 'the handler\'s logs are kept');
  assert.match(ok.logs, /to stderr/);
  try {
    await invokeBundle({ input: dir, eventFile: '-', stdin: Readable.from(['{"a": ']) });
    assert.unreachable('malformed JSON was accepted');
  } catch (err) {
    assert.match(String((err as Error & { oneLine?: () => string }).oneLine?.() ?? err), /^stdin: the event is not valid JSON/);
  }
});

test.run();
