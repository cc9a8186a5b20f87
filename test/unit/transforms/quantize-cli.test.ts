import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCommand, runInProcess } from '../../helpers/cli.js';
import Quantize from '../../../commands/quantize.js';
import Convert from '../../../commands/convert.js';
import type { TransformReport } from '../../../src/core/reports/schemas.js';
import { tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir('dlpack-qcli-');
test.after(() => tmp.cleanup());
const MLP = join(ROOT, 'fixtures/models/mlp.onnx');
const CNN = join(ROOT, 'fixtures/models/cnn.onnx');

test('quantize --mode fp16 --json: a dlpack.transform/1 report with sizes, weights, latency, accuracy', async () => {
  const out = join(tmp.dir, 'mlp.fp16.onnx');
  const r = await runInProcess(['quantize', MLP, '--mode', 'fp16', '-o', out, '--json', '--runs', '5']);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as TransformReport;
  assert.is(report.schema, 'dlpack.transform/1');
  assert.is(report.mode, 'fp16');
  assert.is(report.bytesAfter, statSync(out).size);
  assert.ok(report.ratio < 0.8);
  assert.ok(report.weightBytesByDtype.before.float32 > 0 && report.weightBytesByDtype.after.float16 > 0);
  assert.is(report.latency!.runs, 5);
  assert.ok(report.accuracy!.outputs[0].cosine >= 0.999);
  assert.is(report.accuracy!.outputs[0].top1Agreement, 1);
  assert.is(report.accuracy!.backend, 'onnxruntime-node (cpu)');
});

// onnx.checker on what each mode writes: test/integration/transforms/onnx-checker.test.ts
test('every mode on the fixtures: table output', async () => {
  for (const [model, mode, extra] of [
    [CNN, 'int8-weights', ['--per-channel', '--min-elements', '0']],
    [MLP, 'int8-dynamic', ['--min-elements', '0']],
    [CNN, 'fp16', ['--no-keep-io-types']],
  ] as const) {
    const out = join(tmp.dir, `${mode}.onnx`);
    const r = await runCommand(Quantize, [model, '--mode', mode, '-o', out, '--runs', '2', ...extra]);
    assert.is(r.exitCode, 0, String(r.error));
    assert.match(r.stdout, new RegExp(`quantize ${mode}:`));
    assert.match(r.stdout, /cosine/);
  }
  const opt = join(tmp.dir, 'cnn.opt.onnx');
  const c = await runCommand(Convert, [CNN, '--optimize', 'basic', '-o', opt]);
  assert.is(c.exitCode, 0, String(c.error));
  assert.match(c.stdout, /nodes: +7 → \d/);
});

test('--max-error gate: the report is printed, then a one-line CHECK_FAILED error, exit 1', async () => {
  const out = join(tmp.dir, 'gate.onnx');
  const r = await runInProcess(['quantize', CNN, '--mode', 'int8-weights', '--min-elements', '0', '-o', out, '--max-error', '0', '--runs', '0']);
  assert.is(r.code, 1);
  assert.match(r.stdout, /GATE FAILED/);
  assert.match(r.stderr, /accuracy gate failed: output "logits": max abs error .* \(limit 0\)/);
  assert.not.match(r.stderr, /\n\s+at /);
  const j = await runInProcess(['quantize', CNN, '--mode', 'int8-weights', '--min-elements', '0', '-o', out, '--min-cosine', '1.0', '--max-error', '0', '--runs', '0', '--json']);
  assert.is(j.code, 1);
  const report = JSON.parse(j.stdout);
  assert.is(report.error.code, 'CHECK_FAILED');
  assert.is(report.accuracy.gates.pass, false);
});

test('bad input: output = input refused, missing folder, not an ONNX file, --shape that does not fit, wrong flags', async () => {
  const copy = join(tmp.dir, 'in.onnx');
  copyFileSync(MLP, copy);
  const before = readFileSync(copy);
  const same = await runCommand(Quantize, [copy, '--mode', 'fp16', '-o', copy]);
  assert.match(same.stderr, /same as the input/);
  assert.equal(readFileSync(copy), before);

  const missing = await runCommand(Quantize, [copy, '--mode', 'fp16', '-o', join(tmp.dir, 'no', 'such', 'dir', 'x.onnx')]);
  assert.match(missing.stderr, /output folder does not exist/);

  const junk = join(tmp.dir, 'junk.onnx');
  writeFileSync(junk, Buffer.from([0xff, 0xff, 0xff, 0x07, 0x01, 0x02]));
  const bad = await runCommand(Quantize, [junk, '--mode', 'int8-weights', '-o', join(tmp.dir, 'junk.int8.onnx')]);
  assert.match(bad.stderr, /not a valid ONNX file|not an ONNX/);

  const shape = await runCommand(Quantize, [copy, '--mode', 'fp16', '-o', join(tmp.dir, 'shape.onnx'), '--shape', 'input=1,2,3']);
  assert.match(shape.stderr, /--shape input has rank 3, the model's input "input" has rank 2/);
  const unknown = await runCommand(Quantize, [copy, '--mode', 'fp16', '-o', join(tmp.dir, 'shape2.onnx'), '--shape', 'nope=1']);
  assert.match(unknown.stderr, /input "nope", which the model does not have/);

  const dtype = await runCommand(Quantize, [copy, '--dtype', 'uint8', '-o', join(tmp.dir, 'x.onnx')]);
  assert.match(dtype.stderr, /--dtype is for TF.js models/);
  const noMode = await runCommand(Quantize, [copy, '-o', join(tmp.dir, 'x.onnx')]);
  assert.match(noMode.stderr, /ONNX models need --mode/);
  const conv = await runCommand(Convert, [copy, '-o', join(tmp.dir, 'x.onnx')]);
  assert.match(conv.stderr, /need --optimize basic\|extended/);

  const leftovers = readdirSync(tmp.dir).filter((f) => f.startsWith('.dlpack-tmp'));
  assert.equal(leftovers, []);
  for (const f of ['junk.int8.onnx', 'x.onnx']) assert.not.ok(readdirSync(tmp.dir).includes(f), `${f} must not exist`);
});

test('--no-check skips the comparison; --inputs reads fixed inputs', async () => {
  const out = join(tmp.dir, 'nocheck.onnx');
  const r = await runCommand<TransformReport>(Quantize, [MLP, '--mode', 'fp16', '-o', out, '--no-check', '--runs', '0', '--json']);
  assert.is(r.exitCode, 0, String(r.error));
  assert.is(r.result!.accuracy, undefined);
  assert.ok(r.result!.notes!.includes('accuracy not checked (--no-check)'));
  const inputs = join(tmp.dir, 'inputs.json');
  writeFileSync(inputs, JSON.stringify({ input: { dims: [2, 16], data: Array.from({ length: 32 }, (_, i) => i / 10) } }));
  const r2 = await runCommand<TransformReport>(Quantize, [MLP, '--mode', 'fp16', '-o', out, '--inputs', inputs, '--runs', '0', '--json']);
  assert.is(r2.exitCode, 0, String(r2.error));
  assert.is(r2.result!.accuracy!.samples, 1);
});

test.run();
