/**
 * `dlpack inspect` on ONNX models: the command (in process) with --json on silero_vad (4 inputs, `sr` int64,
 * symbolic dims by name), the human table, and the engine's report on the fixtures (parameters,
 * bytes per dtype, op histogram, external data files, subgraph ops).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { inspectModel } from '../../src/index.js';
import { ROOT, runInProcess, SHARED_MODELS } from '../helpers/cli.js';
import { noSharedModels, testIf } from '../helpers/skip.js';
import { MLP_SHAPE } from '../../fixtures/make-onnx.js';

const MODELS = join(ROOT, 'fixtures', 'models');

testIf(test, noSharedModels, 'dlpack inspect silero_vad.onnx --json: 4 inputs with dtypes and symbolic dims, If subgraph ops', async () => {
  const path = join(SHARED_MODELS, 'onnx', 'silero_vad.onnx');
  const r = await runInProcess(['inspect', path, '--json']);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.schema, 'dlpack.inspect/1');
  const m = report.model;
  assert.is(m.format, 'onnx');
  assert.equal(m.inputs, [
    { name: 'input', dtype: 'float32', shape: ['batch', 'sequence'] },
    { name: 'sr', dtype: 'int64', shape: [] },
    { name: 'h', dtype: 'float32', shape: [2, 'batch', 64] },
    { name: 'c', dtype: 'float32', shape: [2, 'batch', 64] },
  ]);
  assert.equal(m.outputs.map((o: { name: string }) => o.name), ['output', 'hn', 'cn']);
  assert.is(m.producer.name, 'pytorch');
  assert.is(m.irVersion, 8);
  assert.ok(m.opsets.some((o: { domain: string; version: number }) => o.domain === '' && o.version === 16));
  assert.ok(report.summary.opHistogram.If >= 1);
  assert.ok(m.ops.some((o: { inSubgraph?: boolean }) => o.inSubgraph));
  assert.is(report.summary.bytesOnDisk, statSync(path).size);
  assert.ok(report.summary.parameters > 100_000);
});

testIf(test, noSharedModels, 'dlpack inspect ppocr_cls.onnx: paddle2onnx keeps weights in Constant nodes, counted as weights', async () => {
  const report = await inspectModel(join(SHARED_MODELS, 'onnx', 'ppocr_cls.onnx'));
  assert.equal(report.model.inputs[0].shape, ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2']);
  assert.ok(report.summary.opHistogram.Constant > 100);
  assert.ok(report.summary.weightBytesByDtype.float32 > 400_000);
});

test('inspect mlp.onnx: parameters, bytes per dtype, ops, dynamic batch dim by name', async () => {
  const report = await inspectModel(join(MODELS, 'mlp.onnx'));
  const { model, summary } = report;
  assert.equal(model.inputs, [{ name: 'input', dtype: 'float32', shape: ['batch', 16] }]);
  assert.equal(model.outputs, [{ name: 'probabilities', dtype: 'float32', shape: ['batch', 4] }]);
  const { inputs, hidden, classes } = MLP_SHAPE;
  assert.is(summary.parameters, inputs * hidden + hidden + hidden * classes + classes);
  assert.equal(summary.weightBytesByDtype, { float32: 4 * summary.parameters });
  assert.equal(summary.opHistogram, { Add: 2, MatMul: 2, Relu: 1, Softmax: 1 });
  assert.equal(model.producer, { name: 'dlpack-fixtures', version: '1' });
  assert.equal(model.metadata, { fixture: 'mlp' });
  assert.ok(model.weights.every((w) => w.storage === 'inline'));
});

test('inspect cnn.onnx: the Constant node tensor is a weight; ops listed', async () => {
  const report = await inspectModel(join(MODELS, 'cnn.onnx'));
  assert.ok(report.model.weights.some((w) => w.name === 'gemm.bias' && w.elements === 3));
  for (const op of ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Constant']) {
    assert.is(report.summary.opHistogram[op], 1, op);
  }
});

test('inspect mlp-external: external data file counted on disk, weights marked external', async () => {
  const dir = join(MODELS, 'mlp-external');
  const report = await inspectModel(join(dir, 'model.onnx'));
  assert.equal(
    report.model.files.map((f) => [f.path, f.role]),
    [
      ['model.onnx', 'model'],
      ['model.onnx.data', 'external-data'],
    ],
  );
  assert.is(report.summary.bytesOnDisk, statSync(join(dir, 'model.onnx')).size + statSync(join(dir, 'model.onnx.data')).size);
  assert.ok(report.model.weights.every((w) => w.storage === 'external' && w.file === 'model.onnx.data'));
});

test('dlpack inspect fixtures/models/mlp.onnx prints the table', async () => {
  const r = await runInProcess(['inspect', join(MODELS, 'mlp.onnx')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /format:\s+onnx/);
  assert.match(r.stdout, /batch, 16/);
  assert.match(r.stdout, /MatMul/);
});

test.run();
