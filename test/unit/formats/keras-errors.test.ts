/**
 * Bad Keras input to dlpack convert --to tfjs: each ends in one DlpackError naming the file and
 * the problem, and no output folder is left behind. Files are built here with h5wasm and yazl;
 * the hostile zips are patched byte by byte (zip-slip name, a huge declared size).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { convertModel } from '../../../src/transforms/convert-model.js';
import { runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tfjs-test-helpers.js';
import * as K from '../../helpers/keras-test-helpers.js';

const tmp = tempDir('dlpack-keras-bad-');
test.after(() => tmp.cleanup());

const dense = (name: string, extra: object = {}) => ({ class_name: 'Dense', config: { name, units: 2, activation: 'linear', use_bias: true, ...extra } });
const seq = (layers: object[]) => ({ class_name: 'Sequential', config: { name: 'sequential', layers } });
const goodWeights = { d: { names: ['d/kernel:0', 'd/bias:0'], values: [K.tensor([3, 2], 1), K.tensor([2], 2)] } };

let n = 0;
async function expectError(file: string, code: string, message: RegExp): Promise<void> {
  const out = join(tmp.dir, `out-${++n}`);
  const err = await convertModel({ input: file, output: out, to: 'tfjs', check: { runs: 0, backend: 'wasm' } }).catch((e) => e);
  assert.instance(err, DlpackError, String(err));
  assert.is(err.code, code, err.message);
  assert.match(err.message, message);
  assert.is(err.file, file);
  assert.not.ok(existsSync(out), 'no output folder');
}

test('HDF5 without model_config (a save_weights file) → NOT_A_MODEL', async () => {
  const f = join(tmp.dir, 'weights-only.h5');
  await K.writeKerasH5(f, { modelConfig: null, weights: goodWeights, layerNames: ['d'] });
  await expectError(f, 'NOT_A_MODEL', /no model_config attribute/);
});

test('layers TF.js cannot load are all named (unknown class, custom object, Keras 3 hard_sigmoid)', async () => {
  const f = join(tmp.dir, 'unknown.h5');
  const config = seq([
    dense('d', { batch_input_shape: [null, 3] }),
    { class_name: 'Lambda', config: { name: 'lam', function: 'x' } },
    { class_name: 'MyBlock', registered_name: 'custom>MyBlock', config: { name: 'block' } },
    { class_name: 'Activation', config: { name: 'act', activation: 'leaky_relu' } },
  ]);
  await K.writeKerasH5(f, { modelConfig: config, weights: goodWeights, layerNames: ['d', 'lam', 'block', 'act'] });
  await expectError(f, 'UNSUPPORTED', /layers TF\.js cannot load: lam \(Lambda: TF\.js has no layer class Lambda\); block \(MyBlock: custom object "custom>MyBlock"\); act \(Activation: activation "leaky_relu" does not exist in TF\.js\)/);
});

test('weights that disagree with the config → CORRUPT_MODEL naming the layer or dataset', async () => {
  const shape = join(tmp.dir, 'shape.h5');
  await K.writeKerasH5(shape, {
    modelConfig: seq([dense('d', { batch_input_shape: [null, 3] })]),
    weights: { d: { names: ['d/kernel:0', 'd/bias:0'], values: [K.tensor([4, 2], 1), K.tensor([2], 2)] } },
    layerNames: ['d'],
  });
  await expectError(shape, 'CORRUPT_MODEL', /weight \/model_weights\/d\/d\/kernel:0 has shape \[4, 2\] but layer "d" needs \[3, 2\] for kernel/);
  const count = join(tmp.dir, 'count.h5');
  await K.writeKerasH5(count, {
    modelConfig: seq([dense('d', { batch_input_shape: [null, 3] })]),
    weights: { d: { names: ['d/kernel:0'], values: [K.tensor([3, 2], 1)] } },
    layerNames: ['d'],
  });
  await expectError(count, 'CORRUPT_MODEL', /layer "d" \(Dense\) has 1 weight\(s\) in the file but its config needs 2 \(kernel, bias\)/);
});

test('truncated HDF5 → CORRUPT_MODEL (one line through the CLI, nothing written)', async () => {
  const good = join(tmp.dir, 'good.h5');
  await K.writeKerasH5(good, { modelConfig: seq([dense('d', { batch_input_shape: [null, 3] })]), weights: goodWeights, layerNames: ['d'] });
  const cut = join(tmp.dir, 'cut.h5');
  writeFileSync(cut, readFileSync(good).subarray(0, 600));
  await expectError(cut, 'CORRUPT_MODEL', /HDF5|model_weights|model_config/);
  const out = join(tmp.dir, 'cli-cut');
  const r = await runInProcess(['convert', cut, '--to', 'tfjs', '-o', out]);
  assert.is(r.code, 1);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /cut\.h5/);
  assert.not.ok(existsSync(out));
});

test('a Keras file over 2 GB (sparse) → TOO_LARGE before it is read', async () => {
  const f = join(tmp.dir, 'huge.h5');
  writeFileSync(f, Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
  truncateSync(f, 2 ** 31 + 10);
  await expectError(f, 'TOO_LARGE', /limit 2 GB/);
});

async function kerasZip(entries: Record<string, Uint8Array | string>): Promise<Buffer> {
  return K.zipBytes(entries);
}

test('.keras zip-slip entry → PATH_ESCAPE; huge declared size → TOO_LARGE; missing parts → clear errors', async () => {
  const config = JSON.stringify(seq([dense('d', { batch_input_shape: [null, 3] })]));
  const weights = await K.kerasV3WeightsH5({ dense: [K.tensor([3, 2], 1), K.tensor([2], 2)] });
  // A valid archive converts (the baseline the hostile variants are patched from).
  const okFile = join(tmp.dir, 'ok.keras');
  writeFileSync(okFile, await kerasZip({ 'config.json': config, 'metadata.json': '{"keras_version":"3.6.0"}', 'model.weights.h5': weights }));
  const ok = await convertModel({ input: okFile, output: join(tmp.dir, 'ok-out'), to: 'tfjs', check: { runs: 0, backend: 'wasm' } });
  assert.is(ok.changed.length, 1);

  const slip = await kerasZip({ 'config.json': config, 'zz/evil.json': 'x', 'model.weights.h5': weights });
  const slipFile = join(tmp.dir, 'slip.keras');
  writeFileSync(slipFile, Buffer.from(slip.toString('latin1').replaceAll('zz/evil.json', '../evil.json'), 'latin1'));
  await expectError(slipFile, 'PATH_ESCAPE', /escapes the archive.*\.\.\/evil\.json/);

  const big = await kerasZip({ 'config.json': config, 'model.weights.h5': weights });
  const cd = big.indexOf(Buffer.from('PK\x01\x02', 'latin1'), big.indexOf(Buffer.from('model.weights.h5')) - 60);
  let pos = big.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
  while (pos >= 0 && big.toString('latin1', pos + 46, pos + 46 + big.readUInt16LE(pos + 28)) !== 'model.weights.h5') pos = big.indexOf(Buffer.from('PK\x01\x02', 'latin1'), pos + 4);
  assert.ok(pos >= 0 && cd >= 0);
  big.writeUInt32LE(0xfffffff0, pos + 24);
  const bigFile = join(tmp.dir, 'big.keras');
  writeFileSync(bigFile, big);
  await expectError(bigFile, 'TOO_LARGE', /"model\.weights\.h5" declares 4294967280 bytes/);

  const noWeights = join(tmp.dir, 'noweights.keras');
  writeFileSync(noWeights, await kerasZip({ 'config.json': config }));
  await expectError(noWeights, 'CORRUPT_MODEL', /no model\.weights\.h5/);
  const noConfig = join(tmp.dir, 'noconfig.keras');
  writeFileSync(noConfig, await kerasZip({ 'model.weights.h5': weights }));
  await expectError(noConfig, 'NOT_A_MODEL', /no config\.json/);
  const notZip = join(tmp.dir, 'notzip.keras');
  writeFileSync(notZip, 'PK not really a zip');
  await expectError(notZip, 'CORRUPT_MODEL', /not a readable \.keras zip/);
});

test.run();
