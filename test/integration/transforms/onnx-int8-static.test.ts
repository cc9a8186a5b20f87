/**
 * int8-static on a small text-line CNN at opset 9 (fixtures/make-onnx-static.ts) calibrated on
 * text lines rendered by fixtures/make-text-lines.ts: the QDQ graph ONNX Runtime fuses into
 * integer kernels (QLinearConv, QGemm…), the LSTM and the ops without int8 kernels left float, the
 * accuracy measured on the input sets held back from calibration, every calibration method, the
 * outside onnx.checker tier — and the errors: no --samples, --fallback float16, --calib-size 0.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parsePreprocessFlags } from '../../../src/accuracy/samples/preprocess-spec.js';
import { readOnnx, tensorToTypedArray } from '../../../src/formats/onnx/index.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { makeTextCnn } from '../../../fixtures/make-onnx-static.js';
import { makeTextLines } from '../../../fixtures/make-text-lines.js';
import { runCli } from '../../helpers/cli.js';
import { onnxChecker, opTypes, save, tempDir } from '../../helpers/transform-helpers.js';
import { noPython, testIf } from '../../helpers/skip.js';

const tmp = tempDir('dlpack-static-');
test.after(() => tmp.cleanup());
const lines = join(tmp.dir, 'lines');
let model = '';
const preprocess = parsePreprocessFlags(['paddleocr-rec']);

test.before(async () => {
  await makeTextLines(lines, { count: 16, seed: 11 });
  model = await save(makeTextCnn(), join(tmp.dir, 'text-cnn.onnx'));
});

/** Outputs the tests below write, checked by onnx.checker in the last test (skipped without python3-onnx). */
const checkerFiles: string[] = [];

test('QDQ graph: integer kernels in ORT, LSTM left float, accuracy on the held-back sets, onnx.checker passes', async () => {
  const out = join(tmp.dir, 'text-cnn.int8s.onnx');
  const r = await quantizeModel({ input: model, output: out, mode: 'int8-static', check: { samples: lines, preprocess, runs: 0 } });
  assert.is(r.written, true);
  // 16 sets: 12 calibrate, 4 are held back and checked
  assert.is(r.accuracy!.samples, 4);
  assert.ok(r.notes!.some((n) => /calibrated on 12 of 16 input set\(s\); the accuracy check runs on the other 4, held back/.test(n)), r.notes!.join('\n'));
  assert.ok(r.notes!.some((n) => /opset 9 → 13/.test(n)));
  for (const o of r.accuracy!.outputs) assert.ok(o.cosine >= 0.99, `${o.name} cosine ${o.cosine}`);
  const q = (await readOnnx(out)).proto;
  const ops = opTypes(q);
  assert.ok(ops.includes('QuantizeLinear') && ops.includes('DequantizeLinear'));
  assert.is(ops.filter((o) => o === 'Conv').length, 3, 'the Convs stay Conv nodes between Q/DQ (QDQ format)');
  assert.not.ok(ops.includes('BatchNormalization'), 'folded before quantizing');
  // ORT ran integer kernels
  const kernels = Object.keys(r.kernels ?? {});
  assert.ok(kernels.includes('QLinearConv'), kernels.join(' '));
  // the LSTM keeps float32 weights read straight from initializers
  const lstm = q.graph!.node!.find((n) => n.op_type === 'LSTM')!;
  const inits = new Map(q.graph!.initializer!.map((t) => [t.name, t]));
  for (const w of lstm.input!.slice(1, 4)) assert.is(inits.get(w)?.data_type, 1, w);
  assert.ok(r.notes!.some((n) => /left in float .*LSTM×1/.test(n)));
  // weights int8 per channel, zero point 0; the Conv bias int32
  const convW = q.graph!.node!.filter((n) => n.op_type === 'DequantizeLinear' && inits.get(n.input![0])?.data_type === 3);
  assert.ok(convW.length >= 3);
  assert.ok(convW.every((n) => Array.from(tensorToTypedArray(inits.get(n.input![2])!) as Int8Array).every((z) => z === 0)));
  assert.ok(q.graph!.initializer!.some((t) => t.data_type === 6), 'an int32 bias');
  checkerFiles.push(out);
});

test('--quant-format qoperator: QLinearConv/QLinearAdd/QLinearMul/QLinearGlobalAveragePool written out, same figures, onnx.checker passes', async () => {
  const qdq = join(tmp.dir, 'fmt-qdq.onnx');
  const qop = join(tmp.dir, 'fmt-qop.onnx');
  const check = { samples: lines, preprocess, runs: 0 };
  const a = await quantizeModel({ input: model, output: qdq, mode: 'int8-static', check });
  const b = await quantizeModel({ input: model, output: qop, mode: 'int8-static', quantFormat: 'qoperator', check });
  const ops = opTypes((await readOnnx(qop)).proto);
  for (const op of ['QLinearConv', 'com.microsoft.QLinearAdd', 'com.microsoft.QLinearMul', 'com.microsoft.QLinearGlobalAveragePool']) assert.ok(ops.includes(op), `${op} in ${ops.join(' ')}`);
  assert.not.ok(ops.includes('Conv'), 'no Conv left in QDQ form');
  assert.ok(b.bytesAfter < a.bytesAfter, 'fewer QuantizeLinear/DequantizeLinear nodes');
  // the same integer arithmetic: ORT fuses the QDQ groups into the kernels QOperator names
  for (const [i, o] of a.accuracy!.outputs.entries()) assert.ok(Math.abs(o.cosine - b.accuracy!.outputs[i].cosine) < 1e-4, `${o.name}: ${o.cosine} vs ${b.accuracy!.outputs[i].cosine}`);
  checkerFiles.push(qop);
});

test('percentile and entropy calibrate narrower ranges than minmax on the same sets', async () => {
  const scales: Record<string, number> = {};
  for (const calibrate of ['minmax', 'percentile', 'entropy'] as const) {
    const out = join(tmp.dir, `cal-${calibrate}.onnx`);
    const r = await quantizeModel({ input: model, output: out, mode: 'int8-static', calibrate, calibSize: 12, check: { samples: lines, preprocess, runs: 0, minCosine: 0, minTop1: 0 } });
    assert.ok(r.notes!.some((n) => n.startsWith(`calibration: ${calibrate} over 12 input set(s)`)));
    const q = (await readOnnx(out)).proto;
    // the scale of the first Conv's output activation
    const s = q.graph!.initializer!.filter((t) => /_s$/.test(t.name ?? '') && (t.dims ?? []).length === 0);
    scales[calibrate] = s.reduce((a, t) => a + (tensorToTypedArray(t) as Float32Array)[0], 0);
  }
  assert.ok(scales.percentile <= scales.minmax && scales.entropy <= scales.minmax, JSON.stringify(scales));
  assert.ok(scales.entropy < scales.minmax, JSON.stringify(scales));
});

test('errors: no --samples, --fallback float16, --calib-size 0 — one line each, nothing written', async () => {
  const out = join(tmp.dir, 'never.onnx');
  const r = await runCli(['quantize', model, '--mode', 'int8-static', '-o', out], { deadlineMs: 60_000 });
  assert.is(r.code, 2);
  assert.match(r.stderr, /--mode int8-static calibrates activation ranges on real inputs: pass --samples/);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  const e = await quantizeModel({ input: model, output: out, mode: 'int8-static', fallback: 'float16', check: { samples: lines, preprocess, runs: 0, minCosine: 0.99 } }).then(() => undefined, (x: unknown) => x);
  assert.match(String((e as Error).message), /int8-static keeps nodes float32 \(--fallback float32\)/);
  const z = await quantizeModel({ input: model, output: out, mode: 'int8-static', calibSize: 0, check: { samples: lines, preprocess, runs: 0 } }).then(() => undefined, (x: unknown) => x);
  assert.match(String((z as Error).message), /--calib-size must be a whole number ≥ 1/);
  assert.not.ok(existsSync(out));
});

testIf(test, noPython('onnx', 'python3-onnx'), 'onnx.checker (python3-onnx, full_check) accepts every output written above', () => {
  assert.ok(checkerFiles.length > 0, 'the tests above wrote outputs');
  assert.equal(onnxChecker(checkerFiles), []);
});

test.run();
