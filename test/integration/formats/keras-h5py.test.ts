/**
 * Outside-writer tier: Keras files written by Python's h5py exactly the way Keras writes them —
 * legacy HDF5 (`save_model_to_hdf5`: fixed-length byte-string attributes, `layer_names` /
 * `weight_names` as numpy byte arrays, an empty float64 array for weightless layers, an
 * `optimizer_weights` group) and a `.keras` zip (zipfile + an h5py file in memory, as
 * `H5IOStore` writes `layers/<class>/vars/<i>`). dlpack converts both; stock @tensorflow/tfjs
 * runs them and matches a plain-JS forward pass. Skips when no python3 with h5py is present
 * (Debian's python3-h5py, installed by .ci/install-tools.sh when possible).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { convertModel } from '../../../src/transforms/convert-model.js';
import { noPython, pythonWith, testIf } from '../../helpers/skip.js';
import { tempDir } from '../../helpers/tfjs-test-helpers.js';
import * as K from '../../helpers/keras-test-helpers.js';
import { plainLoad, plainRun } from '../../helpers/tfjs-plain-load.js';

const PY = pythonWith('h5py, numpy');

const SCRIPT = String.raw`
import h5py, io, json, sys, zipfile, numpy as np
out_h5, out_keras = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)
w = {
  'conv': (rng.uniform(-0.5, 0.5, (3, 3, 1, 2)).astype('float32'), rng.uniform(-0.5, 0.5, (2,)).astype('float32')),
  'bn': (rng.uniform(0.5, 1.5, (2,)).astype('float32'), rng.uniform(-0.5, 0.5, (2,)).astype('float32'),
         rng.uniform(-0.5, 0.5, (2,)).astype('float32'), rng.uniform(0.5, 1.5, (2,)).astype('float32')),
  'dense': (rng.uniform(-0.5, 0.5, (8, 3)).astype('float32'), rng.uniform(-0.5, 0.5, (3,)).astype('float32')),
}
def layer(cls, cfg): return {'class_name': cls, 'config': cfg}
config = layer('Sequential', {'name': 'sequential', 'layers': [
  layer('InputLayer', {'batch_input_shape': [None, 4, 4, 1], 'dtype': 'float32', 'sparse': False, 'ragged': False, 'name': 'conv2d_input'}),
  layer('Conv2D', {'name': 'conv2d', 'trainable': True, 'dtype': 'float32', 'filters': 2, 'kernel_size': [3, 3], 'strides': [1, 1], 'padding': 'valid', 'data_format': 'channels_last', 'dilation_rate': [1, 1], 'groups': 1, 'activation': 'relu', 'use_bias': True,
                   'kernel_initializer': {'class_name': 'GlorotUniform', 'config': {'seed': None}}, 'bias_initializer': {'class_name': 'Zeros', 'config': {}}}),
  layer('BatchNormalization', {'name': 'batch_normalization', 'trainable': True, 'dtype': 'float32', 'axis': [3], 'momentum': 0.99, 'epsilon': 0.001, 'center': True, 'scale': True}),
  layer('Flatten', {'name': 'flatten', 'trainable': True, 'dtype': 'float32', 'data_format': 'channels_last'}),
  layer('Dense', {'name': 'dense', 'trainable': True, 'dtype': 'float32', 'units': 3, 'activation': 'softmax', 'use_bias': True}),
]})
names = {'conv2d': ['kernel', 'bias'], 'batch_normalization': ['gamma', 'beta', 'moving_mean', 'moving_variance'], 'flatten': [], 'dense': ['kernel', 'bias']}
values = {'conv2d': w['conv'], 'batch_normalization': w['bn'], 'flatten': (), 'dense': w['dense']}
with h5py.File(out_h5, 'w') as f:
  f.attrs['backend'] = 'tensorflow'.encode('utf8')
  f.attrs['keras_version'] = '2.15.0'.encode('utf8')
  f.attrs['model_config'] = json.dumps(config).encode('utf8')
  f.attrs['training_config'] = json.dumps({'loss': 'categorical_crossentropy'}).encode('utf8')
  mw = f.create_group('model_weights')
  mw.attrs['backend'] = 'tensorflow'.encode('utf8')
  mw.attrs['keras_version'] = '2.15.0'.encode('utf8')
  mw.attrs['layer_names'] = np.asarray([n.encode('utf8') for n in names])
  for lname, wnames in names.items():
    g = mw.create_group(lname)
    full = [('%s/%s:0' % (lname, n)).encode('utf8') for n in wnames]
    g.attrs['weight_names'] = np.asarray(full)
    for n, v in zip(full, values[lname]):
      d = g.create_dataset(n, v.shape, dtype=v.dtype)
      d[()] = v
  f.create_group('optimizer_weights').create_dataset('iteration:0', data=np.int64(10))
buf = io.BytesIO()
with h5py.File(buf, 'w') as h:
  keys = {'conv2d': 'conv2d', 'batch_normalization': 'batch_normalization', 'dense': 'dense'}
  for lname, key in keys.items():
    v = h.create_group('layers').create_group(key) if 'layers' not in h else h['layers'].create_group(key)
    vg = v.create_group('vars')
    for i, t in enumerate(values[lname]): vg.create_dataset(str(i), data=t)
  h.create_group('vars')
k3 = json.loads(json.dumps(config))
k3['module'] = 'keras'
k3['config']['layers'][0] = {'module': 'keras.layers', 'class_name': 'InputLayer', 'registered_name': None,
  'config': {'batch_shape': [None, 4, 4, 1], 'dtype': 'float32', 'sparse': False, 'name': 'input_layer'}}
with zipfile.ZipFile(out_keras, 'w') as z:
  z.writestr('metadata.json', json.dumps({'keras_version': '3.6.0', 'date_saved': '2026-11-28@18:00:00'}))
  z.writestr('config.json', json.dumps(k3))
  z.writestr('model.weights.h5', buf.getvalue())
print(json.dumps({k: [a.ravel().tolist() for a in v] for k, v in w.items()}))
`;

const noH5py = noPython('h5py, numpy', 'python3-h5py');
const tmp = tempDir('dlpack-keras-h5py-');
test.after(() => tmp.cleanup());
const h5 = join(tmp.dir, 'model.h5');
const keras = join(tmp.dir, 'model.keras');
let weights: Record<string, number[][]> = {};

test.before(() => {
  if (!PY) return; // no writer: the tests below are registered with testIf(noH5py)
  const r = spawnSync(PY, ['-c', SCRIPT, h5, keras], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python3 h5py writer failed: ${r.stderr}`);
  weights = JSON.parse(r.stdout);
});

const forward = (x: K.T4): Float32Array => {
  const f = (a: number[]) => Float32Array.from(a);
  let y = K.reluT(K.conv(x, { shape: [3, 3, 1, 2], data: f(weights.conv[0]) }, f(weights.conv[1]), 'valid'));
  y = K.batchNorm(y, f(weights.bn[0]), f(weights.bn[1]), f(weights.bn[2]), f(weights.bn[3]), 0.001);
  return K.softmax(K.denseRows(y.d, x.s[0], { shape: [8, 3], data: f(weights.dense[0]) }, f(weights.dense[1])), 3);
};

for (const [label, file] of [['legacy HDF5 (byte-string attributes, optimizer_weights)', 'model.h5'], ['.keras (zipfile + h5py vars)', 'model.keras']]) {
  testIf(test, noH5py, `h5py-written Keras ${label} converts and matches a plain-JS forward pass`, async () => {
    const out = join(tmp.dir, `${file}-tfjs`);
    const report = await convertModel({ input: join(tmp.dir, file), output: out, to: 'tfjs', check: { runs: 0, backend: 'wasm' } });
    assert.ok(report.notes!.some((n) => /loaded and ran in tfjs \(wasm\)/.test(n)));
    if (file === 'model.h5') assert.ok(report.notes!.some((n) => /optimizer state/.test(n)));
    const x: K.T4 = { d: K.seeded(2 * 16, 3, 1), s: [2, 4, 4, 1] };
    const [got] = await plainRun(await plainLoad(join(out, 'model.json')), x.d, [2, 4, 4, 1]);
    assert.ok(K.maxAbs(got, forward(x)) < 1e-4, `diff ${K.maxAbs(got, forward(x))}`);
  });
}

test.run();
