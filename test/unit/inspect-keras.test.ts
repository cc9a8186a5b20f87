/**
 * dlpack inspect on a Keras HDF5 file (built here with h5wasm in the Keras layout): layers, weights
 * and input shape are described; a broken file is a one-line error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectModel } from '../../src/index.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tfjs-test-helpers.js';
import * as K from '../helpers/keras-test-helpers.js';

const tmp = tempDir('dlpack-inspect-keras-');
test.after(() => tmp.cleanup());

const config = {
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 8], dtype: 'float32', name: 'input_1' } },
      { class_name: 'Dense', config: { name: 'dense', units: 3, activation: 'relu', use_bias: true } },
      { class_name: 'Dropout', config: { name: 'dropout', rate: 0.5 } },
    ],
  },
};

test('inspect a Keras HDF5 model: format, keras version, layers, weights, input shape', async () => {
  const file = join(tmp.dir, 'model.h5');
  await K.writeKerasH5(file, {
    modelConfig: config,
    kerasVersion: '2.15.0',
    layerNames: ['dense', 'dropout'],
    weights: { dense: { names: ['dense/kernel:0', 'dense/bias:0'], values: [K.tensor([8, 3], 1), K.tensor([3], 2)] } },
  });
  const { model, summary } = await inspectModel(file);
  assert.is(model.format, 'keras');
  assert.equal(model.producer, { name: 'keras', version: '2.15.0' });
  assert.equal(model.inputs, [{ name: 'input_1', dtype: 'float32', shape: [null, 8] }]);
  assert.is(summary.parameters, 8 * 3 + 3);
  assert.equal(summary.weightBytesByDtype, { float32: 4 * 27 });
  assert.ok(model.ops.some((o) => o.type === 'Dense'));

  const r = await runInProcess(['inspect', file]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /format:\s+keras/);
});

test('a truncated Keras file is a one-line error', async () => {
  const file = join(tmp.dir, 'broken.h5');
  writeFileSync(file, Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
  const r = await runInProcess(['inspect', file]);
  assert.is(r.code, 1);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /broken\.h5/);
});

test.run();
