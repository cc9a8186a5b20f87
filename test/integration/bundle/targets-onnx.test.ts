/**
 * Every target bundles the MLP fixture with its default runtime; the zip is unpacked (yauzl) into
 * an empty folder under os.tmpdir() with no node_modules above it, the entry is loaded in a plain
 * `node` child and called as the platform calls it; outputs match onnxruntime-node run directly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleModel } from '../../../src/bundle/index.js';
import { freshTmp, invokeBundle, unzipTo } from '../../helpers/bundle-host.js';
import { MLP, maxAbsDiff, onnxReference, sampleInput } from '../../helpers/bundle-reference.js';
import { decodeOutputs } from '../../../src/core/tensor/wire-encoding.js';

const work = freshTmp('dlpack-bundle-onnx-');
const input = sampleInput(3, 16);
const request = JSON.stringify({ inputs: { input: { dims: [3, 16], data: input } } });
const compactRequest = JSON.stringify({ inputs: { input: { dims: [3, 16], data: input } }, encoding: 'base64' });
let reference: Awaited<ReturnType<typeof onnxReference>>;

test.before(async () => {
  reference = await onnxReference(MLP, 'input', [3, 16], input);
});
test.after(() => rmSync(work, { recursive: true, force: true }));

const cases: { target: string; runtime: string; entry: string; tolerance: number; files: string[] }[] = [
  { target: 'aws-lambda', runtime: 'onnxruntime-node', entry: 'index.js', tolerance: 1e-5, files: ['libonnxruntime.so.1', 'onnxruntime_binding.node'] },
  { target: 'gcp-functions', runtime: 'onnxruntime-node', entry: 'index.js', tolerance: 1e-5, files: ['libonnxruntime.so.1', 'onnxruntime_binding.node'] },
  { target: 'azure-functions', runtime: 'onnxruntime-node', entry: 'index.js', tolerance: 1e-5, files: ['host.json', 'libonnxruntime.so.1'] },
  { target: 'vercel', runtime: 'onnxruntime-node', entry: 'index.js', tolerance: 1e-5, files: ['.vc-config.json', 'libonnxruntime.so.1'] },
  // wasm and native kernels may differ in the last bits
  { target: 'cloudflare-workers', runtime: 'onnxruntime-web', entry: 'index.mjs', tolerance: 1e-5, files: ['ort-wasm-simd-threaded.wasm', 'wrangler.toml'] },
];

for (const c of cases) {
  test(`${c.target}: bundled MLP answers like onnxruntime-node`, async () => {
    const out = join(work, c.target);
    const report = await bundleModel({ model: MLP, target: c.target, out });
    assert.is(report.runtime, c.runtime);
    assert.is(report.entry, c.entry);
    assert.ok(report.pass, 'fits the platform limits');
    const names = report.files.map((f) => f.path);
    for (const f of c.files) assert.ok(names.includes(f), `${f} is in the bundle`);
    assert.ok(names.includes('model/mlp.onnx') && names.includes('manifest.json'));
    // only the target's native files: no other OS/CPU, no other wasm variant
    assert.not.ok(names.some((n) => /\.(dll|dylib)$/.test(n) || n.includes('jsep') || n.includes('asyncify')));
    assert.is(names.filter((n) => n.endsWith('.wasm')).length, c.runtime === 'onnxruntime-web' ? 1 : 0);

    const dest = freshTmp(`dlpack-unzip-${c.target}-`);
    try {
      const entries = await unzipTo(report.zipPath!, dest);
      assert.equal(entries, [...entries].sort(), 'zip entries are sorted');
      const [ok, bad, ok2] = await invokeBundle(dest, c.target, c.entry, [request, '{"inputs": {"nope": [1]}}', request]);
      assert.is(ok.status, 200, JSON.stringify(ok.body));
      const got = ok.body.outputs!.probabilities;
      assert.equal(got.dims, reference.probabilities.dims);
      assert.is(got.dtype, 'float32');
      const diff = maxAbsDiff(got.data, reference.probabilities.data);
      assert.ok(diff <= c.tolerance, `max abs diff ${diff}`);
      assert.is(bad.status, 400);
      assert.match(bad.body.error!, /unknown input "nope"/);
      assert.is(ok2.status, 200, 'the instance stays healthy after a bad request');
      assert.ok(ok.body.backend!.startsWith(c.runtime));

      // the compact encoding, asked for in the body (every target) or by header (HTTP): the same values, bit for bit
      const [b64] = await invokeBundle(dest, c.target, c.entry, [compactRequest]);
      assert.is(b64.status, 200, JSON.stringify(b64.body));
      assert.is(b64.body.outputs!.probabilities.encoding, 'base64');
      const json = decodeOutputs(ok.body).probabilities;
      assert.equal(decodeOutputs(b64.body).probabilities, json);
      assert.equal([...json.data as Float32Array], got.data, 'the JSON answer decodes to its own numbers');
      const viaHeader = c.target === 'aws-lambda' ? { apiGateway: true } : {};
      const [h, unknown] = await invokeBundle(dest, c.target, c.entry, [request, '{"inputs": {}, "encoding": "zstd"}'], { ...viaHeader, headers: { 'x-dlpack-encoding': 'base64' } });
      assert.is(h.status, 200, JSON.stringify(h.body));
      assert.equal(decodeOutputs(h.body).probabilities, json);
      assert.is(unknown.status, 400);
      assert.match(unknown.body.error!, /unknown encoding "zstd"; use one of: json, base64/);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
}

test('aws-lambda: API Gateway v2 / Function URL event with a base64 body', async () => {
  const out = join(work, 'aws-lambda');
  const dest = freshTmp('dlpack-unzip-apigw-');
  try {
    await unzipTo(`${out}.zip`, dest);
    const [r] = await invokeBundle(dest, 'aws-lambda', 'index.js', [request], { apiGateway: true });
    assert.is(r.status, 200);
    assert.ok(maxAbsDiff(r.body.outputs!.probabilities.data, reference.probabilities.data) <= 1e-5);
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});

test.run();
