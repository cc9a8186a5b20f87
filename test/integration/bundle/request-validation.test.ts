/**
 * The handler core's request validation and JSON outputs: pure functions checked directly, then a
 * bundled Lambda answering bad requests with 4xx and staying healthy.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { base64DecodedLength, buildFeeds, parseBody, RequestError, utf8Length } from '../../../src/bundle/handler-runtime/tensor-request.js';
import { tensorToJson } from '../../../src/bundle/handler-runtime/tensor-response.js';
import type { HandlerConfig } from '../../../src/bundle/handler-runtime/handler-config.js';
import { bundleModel } from '../../../src/bundle/index.js';
import { SHARED_MODELS } from '../../helpers/cli.js';
import { noSharedModels, testIf } from '../../helpers/skip.js';
import { freshTmp, invokeBundle, unzipTo } from '../../helpers/bundle-host.js';
import { MLP, sampleInput } from '../../helpers/bundle-reference.js';

const config: HandlerConfig = {
  target: 'aws-lambda',
  runtime: 'onnxruntime-node',
  modelFormat: 'onnx',
  modelFile: 'model/m.onnx',
  modelFiles: ['model/m.onnx'],
  inputs: [
    { name: 'input', dtype: 'float32', shape: [null, 4] },
    { name: 'sr', dtype: 'int64', shape: [] },
  ],
  outputs: ['out'],
  memoryMb: 128,
  vcpu: 0.07,
  threads: 1,
  maxRequestBytes: 1000,
  maxElements: 40,
};

function status(fn: () => unknown): [number, string] {
  try {
    fn();
  } catch (err) {
    assert.instance(err, RequestError);
    return [(err as RequestError).status, (err as Error).message];
  }
  throw new Error('expected a RequestError');
}

const feeds = (inputs: unknown) => buildFeeds(parseBody(JSON.stringify({ inputs }), config), config);
const feedsWith = (cfg: HandlerConfig, inputs: unknown) => buildFeeds(parseBody(JSON.stringify({ inputs }), { ...cfg, maxRequestBytes: 1e6 }), cfg);

test('valid requests: object form, nested arrays, int64 as number or string', () => {
  const f = feeds({ input: { dims: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }, sr: { dims: [], data: ['9007199254740993'] } });
  assert.instance(f.input.data, Float32Array);
  assert.equal(f.input.dims, [2, 4]);
  assert.is((f.sr.data as BigInt64Array)[0], 9007199254740993n);
  const g = feeds({ input: [[1, 2, 3, 4]], sr: { dims: [], data: [16000] } });
  assert.equal(g.input.dims, [1, 4]);
  assert.is((g.sr.data as BigInt64Array)[0], 16000n);
});

test('bad requests are 400/413 with a message naming the problem', () => {
  const cases: [unknown, number, RegExp][] = [
    [{ nope: [1] }, 400, /unknown input "nope"/],
    [{ input: [[1, 2, 3, 4]] }, 400, /missing input "sr"/],
    [{ input: { dims: [1, 4], data: [1, 2, 3, 4], dtype: 'int32' }, sr: { dims: [], data: [1] } }, 400, /dtype "int32" does not match the model's float32/],
    [{ input: { dims: [1, 5], data: [1, 2, 3, 4, 5] }, sr: { dims: [], data: [1] } }, 400, /dimension 1 is 5, the model expects 4/],
    [{ input: { dims: [4], data: [1, 2, 3, 4] }, sr: { dims: [], data: [1] } }, 400, /rank 1/],
    [{ input: { dims: [1, 4], data: [1, 2, 3] }, sr: { dims: [], data: [1] } }, 400, /hold 4 elements but "data" has 3/],
    [{ input: { dims: [1, 4], data: [1, 2, 'x', 4] }, sr: { dims: [], data: [1] } }, 400, /element 2 is "x", expected a number/],
    [{ input: [[1, 2, 3, 4], [1, 2]], sr: { dims: [], data: [1] } }, 400, /not rectangular/],
    [{ input: { dims: [11, 4], data: [] }, sr: { dims: [], data: [1] } }, 413, /44 elements; the limit is 40/],
    [{ input: [[1, 2, 3, 4]], sr: { dims: [], data: [1.5] } }, 400, /expected an integer/],
  ];
  for (const [inputs, code, pattern] of cases) {
    const [s, message] = status(() => feeds(inputs));
    assert.is(s, code, message);
    assert.match(message, pattern);
  }
  assert.equal(status(() => parseBody('x'.repeat(1001), config)), [413, 'request body is 1001 bytes; the limit is 1000']);
  assert.match(status(() => parseBody('{not json', config))[1], /not valid JSON/);
  assert.match(status(() => parseBody('[1]', config))[1], /JSON object/);
  assert.match(status(() => parseBody('{"input": [1]}', config))[1], /"inputs" object/);
});

test('hostile requests: depth, size and echo are bounded before any work (400/413, never 500)', () => {
  const deep = `{"inputs":{"input":${'['.repeat(100_000)}1${']'.repeat(100_000)},"sr":{"dims":[],"data":[1]}}}`;
  const [s1, m1] = status(() => buildFeeds(parseBody(deep, { ...config, maxRequestBytes: 1e6 }), config));
  assert.is(s1, 400, m1);
  assert.match(m1, /nested deeper than the model's rank 2/);
  const free = { ...config, inputs: [{ name: 'x', dtype: 'float32', shape: null }] };
  const deepFree = `{"inputs":{"x":${'['.repeat(50)}1${']'.repeat(50)}}}`;
  assert.match(status(() => buildFeeds(parseBody(deepFree, free), free))[1], /nested deeper than 32 levels/);
  // the element count is known from the nesting before the data is walked
  const wide = { ...config, maxElements: 10 };
  assert.equal(status(() => feedsWith(wide, { input: [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], sr: { dims: [], data: [1] } })), [413, 'input "input" has 12 elements; the limit is 10']);
  const name = `\x1b]0;evil\x07${'n'.repeat(1_000_000)}`;
  const [s2, m2] = status(() => buildFeeds({ [name]: [1] }, config));
  assert.is(s2, 400);
  assert.ok(m2.length < 250, `${m2.length} characters`);
  assert.not.match(m2, /\x1b/);
  const [, m3] = status(() => feedsWith(config, { input: { dims: new Array(100_000).fill(1), data: [1] }, sr: { dims: [], data: [1] } }));
  assert.match(m3, /"dims" has 100000 entries, more than the model's rank 2/);
  const [, m4] = status(() => feedsWith(config, { input: { dims: [1, 4], data: [1, 2, 'y'.repeat(100_000), 4] }, sr: { dims: [], data: [1] } }));
  assert.ok(m4.length < 250, m4);
  const [, m5] = status(() => feeds({ input: { dims: [1, 4], data: [1, 2, [[[[1]]]], 4] }, sr: { dims: [], data: [1] } }));
  assert.match(m5, /element 2 is an array, expected a number/);
});

test('sizes without copies: UTF-8 length counted, base64 length computed before decoding', () => {
  for (const s of ['', 'abc', 'é', '€', '😀', 'a😀é€\u0000', '\ud800x']) assert.is(utf8Length(s), Buffer.byteLength(s), JSON.stringify(s));
  for (const n of [0, 1, 2, 3, 4, 5, 1000, 1001]) {
    const b64 = Buffer.alloc(n, 7).toString('base64');
    assert.is(base64DecodedLength(b64), n);
  }
  const over = 'x'.repeat(2000);
  assert.equal(status(() => parseBody(over, config)), [413, 'request body is 2000 bytes; the limit is 1000']);
});

test('"NaN", "Infinity", "-Infinity" strings: accepted for float inputs (as the outputs write them), refused for integers', () => {
  const f = feeds({ input: { dims: [1, 4], data: ['NaN', 'Infinity', '-Infinity', 1] }, sr: { dims: [], data: [1] } });
  const d = f.input.data as Float32Array;
  assert.ok(Number.isNaN(d[0]) && d[1] === Infinity && d[2] === -Infinity);
  assert.match(status(() => feeds({ input: [[1, 2, 3, 4]], sr: { dims: [], data: ['NaN'] } }))[1], /expected an integer/);
});

test('outputs as JSON: dims and dtype kept; int64 exact as numbers, past 2^53 as strings; NaN as a string', () => {
  const j = tensorToJson({ dtype: 'int64', dims: [3], data: BigInt64Array.from([1n, -5n, 2n ** 60n]) });
  assert.equal(j, { dtype: 'int64', dims: [3], data: [1, -5, '1152921504606846976'] });
  assert.equal(tensorToJson({ dtype: 'float32', dims: [1, 2], data: Float32Array.from([0.5, NaN]) }).data, [0.5, 'NaN']);
  assert.equal(tensorToJson({ dtype: 'bool', dims: [2], data: Uint8Array.from([1, 0]) }).data, [true, false]);
  assert.equal(tensorToJson({ dtype: 'float16', dims: [1], data: Uint16Array.from([0x3c00]) }).data, [1]);
});

test('a bundled Lambda answers 4xx to bad requests (payload over 6 MB: 413) and stays healthy', async () => {
  const work = freshTmp('dlpack-bundle-req-');
  try {
    const report = await bundleModel({ model: MLP, target: 'aws-lambda', out: join(work, 'fn') });
    const dest = join(work, 'unzipped');
    await unzipTo(report.zipPath!, dest);
    const good = JSON.stringify({ inputs: { input: { dims: [1, 16], data: sampleInput(1, 16) } } });
    const huge = JSON.stringify({ inputs: { input: { dims: [1, 16], data: sampleInput(1, 16) } }, pad: 'x'.repeat(7 * 1024 * 1024) });
    const results = await invokeBundle(dest, 'aws-lambda', 'index.js', [good, '{"inputs":{"input":{"dims":[1,15],"data":[]}}}', huge, '{', good], { apiGateway: true });
    assert.equal(results.map((r) => r.status), [200, 400, 413, 400, 200]);
    assert.match(results[1].body.error!, /dimension 1 is 15, the model expects 16/);
    assert.equal(results[4].body.outputs, results[0].body.outputs);
    assert.match(results[0].body.backend!, /onnxruntime-node .*\(cpu, 1 thread\)/, '128 MB (default) → 1 thread');
    // Lambda sets AWS_LAMBDA_FUNCTION_MEMORY_SIZE: 3,538 MB is 2 vCPU → 2 intra-op threads
    const [big] = await invokeBundle(dest, 'aws-lambda', 'index.js', [good], { env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3538' } });
    assert.match(big.body.backend!, /\(cpu, 2 threads\)/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

testIf(test, noSharedModels, 'int64 model input end to end (shared silero_vad: sr int64 scalar, LSTM state)', async () => {
  const work = freshTmp('dlpack-bundle-silero-');
  try {
    const model = join(SHARED_MODELS, 'onnx', 'silero_vad.onnx');
    const report = await bundleModel({ model, target: 'aws-lambda', out: join(work, 'fn') });
    const dest = join(work, 'unzipped');
    await unzipTo(report.zipPath!, dest);
    const zeros = (n: number) => new Array(n).fill(0);
    const body = JSON.stringify({
      inputs: {
        input: { dims: [1, 512], data: sampleInput(1, 512).map((v) => v / 4) },
        sr: { dims: [], data: ['16000'] },
        h: { dims: [2, 1, 64], data: zeros(128) },
        c: { dims: [2, 1, 64], data: zeros(128) },
      },
    });
    const [r] = await invokeBundle(dest, 'aws-lambda', 'index.js', [body]);
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.outputs!.hn.dims, [2, 1, 64]);
    const p = Number(r.body.outputs!.output.data[0]);
    assert.ok(p >= 0 && p <= 1, `speech probability ${p}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
