/**
 * Memory amplification refused before the allocation, measured in a child's peak RSS: a `.keras`
 * zip bomb (600 MB of zeros in a ~0.6 MB archive), a few-KB `.h5` declaring a lazily allocated
 * 2^28-element dataset (HDF5 returns fill values: nothing on disk), a million-entry TF.js
 * weights manifest, and declared input shapes too large to generate. Each ends in TOO_LARGE
 * naming the file, under 512 MB peak RSS.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { inspectModel } from '../../../src/index.js';
import { isDlpackError } from '../../../src/core/errors/dlpack-error.js';
import { resolveInputShapes } from '../../../src/accuracy/input-feeds.js';
import { ROOT, spawnNode } from '../../helpers/cli.js';
import { noPython, pythonWith, testIf } from '../../helpers/skip.js';

const work = mkdtempSync(join(tmpdir(), 'dlpack-memcaps-'));
const PEAK_LIMIT_MB = 512;
const CONFIG = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 4, batch_input_shape: [null, 4] } }] } };

/** Inspects `file` in a fresh Node process; its error code and its peak RSS. */
async function inspectInChild(file: string): Promise<{ code?: string; message?: string; peakMb: number }> {
  const script = `
    const { inspectModel } = await import(${JSON.stringify(join(ROOT, 'src/index.ts'))});
    let out = {};
    try { await inspectModel(${JSON.stringify(file)}); out = { code: 'none' }; } catch (e) { out = { code: e.code, message: e.message }; }
    out.peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify(out));`;
  const r = await spawnNode(['--import', 'tsx', '--input-type=module', '-e', script], { deadlineMs: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`child failed (${r.code ?? r.signal}): ${r.stderr.slice(-2000)}`);
  }
}

test('a .keras zip bomb (600 MB of zeros in a small archive) is refused from its declared size, under 512 MB', async () => {
  const file = join(work, 'bomb.keras');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(CONFIG)), 'config.json');
  zip.addBuffer(Buffer.from('{"keras_version": "3.6.0"}'), 'metadata.json');
  let left = 600;
  const zeros = Buffer.alloc(1024 * 1024);
  zip.addReadStream(new Readable({ read() { this.push(left-- > 0 ? zeros : null); } }), 'model.weights.h5', { compress: true });
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(createWriteStream(file)).on('close', () => resolve()).on('error', reject));
  const r = await inspectInChild(file);
  assert.is(r.code, 'TOO_LARGE', JSON.stringify(r));
  assert.match(r.message!, /inflates to 629145600 bytes, more than 64× the \d+-byte archive \(a zip bomb\?\)/);
  console.log(`peak RSS ${r.peakMb.toFixed(0)} MB: ${r.message}`.slice(0, 160));
  assert.ok(r.peakMb < PEAK_LIMIT_MB, `peak RSS ${r.peakMb.toFixed(0)} MB`);
});

testIf(test, noPython('h5py', 'python3-h5py'), 'a few-KB .h5 declaring a lazily allocated 2^28-element dataset is refused before HDF5 reads it, under 512 MB', async () => {
  const file = join(work, 'lazy.h5');
  const py = `
import h5py, sys
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['model_config'] = ${JSON.stringify(JSON.stringify(CONFIG))}
    f.attrs['keras_version'] = '2.15.0'
    f.attrs['backend'] = 'tensorflow'
    mw = f.create_group('model_weights')
    g = mw.create_group('dense')
    g.attrs['weight_names'] = [b'dense/kernel:0']
    g.create_dataset('dense/kernel:0', shape=(2**28,), dtype='f4')
`;
  execFileSync(pythonWith('h5py')!, ['-c', py, file], { stdio: 'pipe' });
  const r = await inspectInChild(file);
  assert.is(r.code, 'TOO_LARGE', JSON.stringify(r));
  assert.match(r.message!, /declares 268435456 values, more than 64× the \d+-byte file can hold/);
  console.log(`peak RSS ${r.peakMb.toFixed(0)} MB: ${r.message}`.slice(0, 160));
  assert.ok(r.peakMb < PEAK_LIMIT_MB, `peak RSS ${r.peakMb.toFixed(0)} MB`);
});

test('a million-entry TF.js weights manifest is refused after counting, under 512 MB', async () => {
  const file = join(work, 'manifest.json');
  const weights = Array.from({ length: 1_000_000 }, (_, i) => ({ name: `w${i}`, shape: [0], dtype: 'float32' }));
  writeFileSync(file, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths: [], weights }] }));
  const started = Date.now();
  const r = await inspectInChild(file);
  assert.is(r.code, 'TOO_LARGE', JSON.stringify(r));
  assert.match(r.message!, /weightsManifest lists 1000000 weights \(limit 100000/);
  console.log(`peak RSS ${r.peakMb.toFixed(0)} MB: ${r.message}`.slice(0, 160));
  assert.ok(r.peakMb < PEAK_LIMIT_MB, `peak RSS ${r.peakMb.toFixed(0)} MB`);
  assert.ok(Date.now() - started < 20_000);
});

test('declared input shapes too large to generate are refused before allocating', () => {
  for (const shape of [[1e9, 1e9], [65536, 65536, 4]]) {
    try {
      resolveInputShapes([{ name: 'x', dtype: 'float32', shape }], {}, 'big.onnx');
      assert.unreachable('generated');
    } catch (err) {
      assert.ok(isDlpackError(err) && err.code === 'TOO_LARGE', String(err));
      assert.match(err.message, /input "x" would have \d+(e\+\d+)? elements/);
      assert.is(err.file, 'big.onnx');
    }
  }
  void inspectModel;
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
