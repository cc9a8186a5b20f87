import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inspectModel, renderHuman } from '../../src/index.js';
import { runInProcess } from '../helpers/cli.js';
import { noSharedModels, testIf } from '../helpers/skip.js';
import { BLAZEFACE, EMOTION, GRAPH_FIXTURE, LAYERS_FIXTURE } from '../helpers/tfjs-test-helpers.js';

const diskBytes = (model: string, files: { path: string }[]) => files.reduce((a, f) => a + statSync(join(dirname(model), f.path)).size, 0);

test('inspect graph fixture: parameters, bytes per dtype, op histogram, bytes on disk', async () => {
  const r = await inspectModel(GRAPH_FIXTURE);
  assert.is(r.schema, 'dlpack.inspect/1');
  assert.is(r.model.format, 'tfjs-graph');
  assert.is(r.summary.parameters, 18 + 2 + 2 + 32 + 4);
  assert.equal(r.summary.weightBytesByDtype, { float32: 224, int32: 8 });
  assert.is(r.summary.opHistogram.Const, 5);
  assert.is(r.summary.opHistogram.Conv2D, 1);
  assert.is(r.summary.bytesOnDisk, diskBytes(GRAPH_FIXTURE, r.model.files));
  const text = renderHuman(r);
  assert.match(text, /format:\s+tfjs-graph/);
  assert.match(text, /\[\?, 4, 4, 1\]/);
});

test('inspect layers fixture: tfjs-layers, layer histogram, one shard', async () => {
  const r = await inspectModel(LAYERS_FIXTURE);
  assert.is(r.model.format, 'tfjs-layers');
  assert.is(r.summary.parameters, 18 + 2 + 256 + 8 + 24 + 3);
  assert.equal(r.summary.opHistogram, { Dense: 2, Conv2D: 1, Flatten: 1 });
  assert.is(r.model.files.length, 2);
  assert.is(r.summary.bytesOnDisk, diskBytes(LAYERS_FIXTURE, r.model.files));
});

testIf(test, noSharedModels, 'inspect real models: blazeface.json and emotion.json (names other than model.json)', async () => {
  const b = await inspectModel(BLAZEFACE);
  assert.is(b.model.format, 'tfjs-graph');
  assert.equal(b.model.inputs, [{ name: 'input', dtype: 'float32', shape: [1, 256, 256, 3] }]);
  assert.is(b.model.outputs.length, 4);
  assert.is(b.model.weights.length, 112);
  assert.equal(Object.keys(b.summary.weightBytesByDtype).sort(), ['float32', 'int32']);
  assert.is(b.summary.weightBytes, statSync(join(dirname(BLAZEFACE), 'blazeface.bin')).size);
  assert.is(b.summary.opHistogram._FusedConv2D, 37);
  assert.equal(b.model.files.map((f) => f.path), ['blazeface.json', 'blazeface.bin']);
  const e = await inspectModel(EMOTION);
  assert.equal(e.model.inputs, [{ name: 'input_1', dtype: 'float32', shape: [null, 64, 64, 1] }]);
  assert.equal(e.model.outputs, [{ name: 'Identity', dtype: 'float32', shape: [null, 7] }], 'from userDefinedMetadata.signature');
});

testIf(test, noSharedModels, '`dlpack inspect blazeface.json --json` prints the report', async () => {
  const r = await runInProcess(['inspect', BLAZEFACE, '--json']);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.model.format, 'tfjs-graph');
  assert.equal(report.model.inputs[0].shape, [1, 256, 256, 3]);
  assert.is(report.summary.parameters > 100_000, true);
});

test.run();
