/**
 * The per-platform contract: for every platform of the list, the handler template bundled with the
 * platform's default runtime answers, through the platform's own calling convention in the
 * emulator (not a test-side copy of it), with the outputs onnxruntime-node computes directly; a
 * malformed request gets the platform's 400 answer (Lambda direct invoke: a `BadRequest` error) and
 * the instance stays healthy. Lambda is also called with an API Gateway v2 event (base64 body). The
 * compact encoding (`"encoding": "base64"` in the body on every platform, the x-dlpack-encoding
 * header on HTTP ones: the client's request, or Lambda's API Gateway event) answers the same values
 * bit for bit; an unknown encoding is the platform's 400. The bundle carries only the runtime's
 * files for linux/x64 and the platform's deploy files, in a zip with sorted entries. (Replaces
 * test/integration/bundle/targets-onnx.test.ts and its compact-encoding checks, which called each
 * entry with a test-side copy of the conventions.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORMS } from '../../../src/platforms/list.js';
import { freshTmp } from '../../helpers/bundle-host.js';
import { MLP, maxAbsDiff, onnxReference, sampleInput } from '../../helpers/bundle-reference.js';
import { answerOf, clientPost, runContract } from '../../helpers/platform-harness.js';
import { decodeOutputs } from '../../../src/core/tensor/wire-encoding.js';

const work = freshTmp('dlpack-platform-contract-');
const input = sampleInput(2, 16);
const request = { inputs: { input: { dims: [2, 16], data: input } } };
const malformed = { inputs: { nope: [[1]] } };
const compact = { ...request, encoding: 'base64' };
const unknownEncoding = { inputs: {}, encoding: 'zstd' };
const gatewayV2 = (body: unknown, headers: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey: '$default',
  headers,
  requestContext: { http: { method: 'POST' } },
  isBase64Encoded: true,
  body: Buffer.from(JSON.stringify(body)).toString('base64'),
});
const BASE64_HEADER = { 'x-dlpack-encoding': 'base64' };
let reference: Awaited<ReturnType<typeof onnxReference>>;

test.before(async () => {
  reference = await onnxReference(MLP, 'input', [2, 16], input);
});
test.after(() => rmSync(work, { recursive: true, force: true }));

/** The runtime's own files in the bundle (linux/x64 only). */
const RUNTIME_FILES: Record<string, string[]> = {
  'onnxruntime-node': ['libonnxruntime.so.1', 'onnxruntime_binding.node'],
  'onnxruntime-web': ['ort-wasm-simd-threaded.wasm'],
};

function assertOutputs(target: string, json: Record<string, unknown>, runtime?: string) {
  const outputs = json.outputs as Record<string, { dims: number[]; dtype: string; data: (number | string)[] }>;
  assert.ok(outputs, `${target}: no outputs in ${JSON.stringify(json).slice(0, 300)}`);
  if (runtime) assert.ok(String(json.backend).startsWith(runtime), `${target}: backend ${json.backend}`);
  for (const [name, ref] of Object.entries(reference)) {
    assert.equal(outputs[name].dims, ref.dims, `${target}: ${name} dims`);
    assert.is(outputs[name].dtype, 'float32');
    assert.ok(maxAbsDiff(outputs[name].data, ref.data) <= 1e-5, `${target}: ${name} differs from onnxruntime-node`);
  }
}

for (const platform of PLATFORMS) {
  test(`${platform.id}: the template answers through the platform's own convention`, async () => {
    const direct = platform.emulator.loader === 'ric';
    // Lambda: a direct invoke's event is the request object, then an API Gateway v2 event; HTTP platforms: the body
    // then the compact encoding: asked for in the body, by header (the client's HTTP request; Lambda: API Gateway), an unknown one
    const events: unknown[] = direct
      ? [request, malformed, request, gatewayV2(request), compact, gatewayV2(request, BASE64_HEADER), unknownEncoding]
      : [JSON.stringify(request), JSON.stringify(malformed), JSON.stringify(request), JSON.stringify(compact), clientPost(request, BASE64_HEADER), JSON.stringify(unknownEncoding)];
    const run = await runContract(platform.id, MLP, join(work, platform.id), events);
    assert.is(run.manifest.target, platform.id);
    assert.is(run.manifest.export, platform.bundle.export);
    // the platform's default runtime (onnxruntime-node falls back to onnxruntime-web when it is not installed)
    assert.ok([platform.bundle.defaultRuntime.onnx, 'onnxruntime-web'].includes(run.report.runtime), run.report.runtime);
    const names = run.report.files.map((f) => f.path);
    const deployFiles = Object.keys(platform.bundle.deployFiles({ entry: platform.bundle.entry, node: '20', memoryMb: 128, name: 'x' }));
    for (const f of [...RUNTIME_FILES[run.report.runtime], ...deployFiles, 'model/mlp.onnx', 'manifest.json']) assert.ok(names.includes(f), `${f} is in the bundle`);
    // only the target's native files: no other OS/CPU, no other wasm variant
    assert.not.ok(names.some((n) => /\.(dll|dylib)$/.test(n) || n.includes('jsep') || n.includes('asyncify')));
    assert.is(names.filter((n) => n.endsWith('.wasm')).length, run.report.runtime === 'onnxruntime-web' ? 1 : 0);
    assert.equal(run.entries, [...run.entries].sort(), 'zip entries are sorted');
    const [ok, bad, again, ...rest] = run.results;
    const gateway = direct ? rest.shift()! : undefined;
    const [b64, viaHeader, unknown] = rest;
    assert.ok(ok.ok, `${platform.id}: ${ok.errorType}: ${ok.errorMessage}`);
    const answer = answerOf(ok);
    if (!direct) assert.is(answer.status, 200);
    assertOutputs(platform.id, answer.json, run.report.runtime);
    assert.ok(again.ok, 'the instance stays healthy after a bad request');
    assertOutputs(`${platform.id} (after a bad request)`, answerOf(again).json);
    if (direct) {
      assert.not.ok(bad.ok);
      assert.is(bad.errorType, 'BadRequest');
      assert.match(bad.errorMessage ?? '', /unknown input "nope"/);
      assert.ok(gateway!.ok, `${platform.id} API Gateway: ${gateway!.errorMessage}`);
      const g = answerOf(gateway!);
      assert.is(g.status, 200);
      assertOutputs(`${platform.id} API Gateway v2`, g.json);
    } else {
      const b = answerOf(bad);
      assert.is(b.status, 400, `${platform.id}: ${JSON.stringify(b.json)}`);
      assert.match(String(b.json.error), /unknown input "nope"/);
    }

    // the compact encoding: the same values, bit for bit
    const json = decodeOutputs(answer.json);
    for (const [name, ref] of Object.entries(reference)) {
      assert.equal([...(json[name].data as Float32Array)], (answer.json.outputs as Record<string, { data: number[] }>)[name].data, `${name}: the JSON answer decodes to its own numbers`);
      assert.is(json[name].dims.length, ref.dims.length);
    }
    assert.ok(b64.ok, `${platform.id} base64: ${b64.errorType}: ${b64.errorMessage}`);
    const compactAnswer = answerOf(b64);
    if (!direct) assert.is(compactAnswer.status, 200, JSON.stringify(compactAnswer.json));
    for (const o of Object.values(compactAnswer.json.outputs as Record<string, { encoding?: string }>)) assert.is(o.encoding, 'base64');
    assert.equal(decodeOutputs(compactAnswer.json), json);
    assert.ok(viaHeader.ok, `${platform.id} header: ${viaHeader.errorType}: ${viaHeader.errorMessage}`);
    const headerAnswer = answerOf(viaHeader);
    assert.is(headerAnswer.status, 200, JSON.stringify(headerAnswer.json));
    for (const o of Object.values(headerAnswer.json.outputs as Record<string, { encoding?: string }>)) assert.is(o.encoding, 'base64');
    assert.equal(decodeOutputs(headerAnswer.json), json);
    if (direct) {
      assert.not.ok(unknown.ok);
      assert.is(unknown.errorType, 'BadRequest');
      assert.match(unknown.errorMessage ?? '', /unknown encoding "zstd"; use one of: json, base64/);
    } else {
      const u = answerOf(unknown);
      assert.is(u.status, 400, JSON.stringify(u.json));
      assert.match(String(u.json.error), /unknown encoding "zstd"; use one of: json, base64/);
    }
  });
}

test.run();
