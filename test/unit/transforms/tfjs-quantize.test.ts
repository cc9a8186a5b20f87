/**
 * dlpack quantize on TF.js models (the fixtures, always): the converter's affine math checked
 * against an independent computation in this file, stock @tensorflow/tfjs loading the result,
 * the shared accuracy report (backend named), --weights globs, int32 left alone, already
 * quantized weights skipped or re-quantized (never corrupted), and bad inputs leaving nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { runInProcess } from '../../helpers/cli.js';
import { copyFolder, GRAPH_FIXTURE, LAYERS_FIXTURE, plainWeights, tempDir, testInput } from '../../helpers/tfjs-test-helpers.js';
import { cosine, plainLoad, plainRun, shardBytes } from '../../helpers/tfjs-plain-load.js';

const tmp = tempDir('dlpack-tfjs-quant-');
test.after(() => tmp.cleanup());

const manifest = (file: string) => JSON.parse(readFileSync(file, 'utf8')).weightsManifest.flatMap((g: { weights: object[] }) => g.weights);
const check = { runs: 0, count: 3, backend: 'wasm' };

/** numpy-style round half to even, written here independently of src/. */
const rint = (x: number) => {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
};

for (const [label, fixture, shape] of [
  ['graph', GRAPH_FIXTURE, [2, 4, 4, 1]],
  ['layers', LAYERS_FIXTURE, [2, 6, 6, 1]],
] as const) {
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    test(`${label} fixture → ${dtype}: stock tfjs loads it, accuracy report on tfjs (wasm)`, async () => {
      const out = join(tmp.dir, `${label}-${dtype}`);
      const report = await quantizeModel({ input: fixture, output: out, dtype, check });
      const model = join(out, fixture.split('/').pop()!);
      assert.is(report.mode, dtype);
      assert.is(report.accuracy?.backend, 'tfjs (wasm)');
      const minCos = Math.min(...report.accuracy!.outputs.map((o) => o.cosine));
      assert.ok(minCos >= (dtype === 'uint8' ? 0.99 : 0.999), `cosine ${minCos}`);
      for (const w of manifest(model)) {
        if (w.dtype === 'float32') assert.is(w.quantization.dtype, dtype, w.name);
        else assert.is(w.quantization, undefined, `${w.name} (${w.dtype}) stays unquantized`);
      }
      // Stock tfjs, no dlpack code: the quantized model gives what the float model gives.
      const x = testInput(shape.reduce((a: number, b: number) => a * b, 1));
      const [want] = await plainRun(await plainLoad(fixture), x, [...shape]);
      const [got] = await plainRun(await plainLoad(model), x, [...shape]);
      assert.ok(cosine(want, got) >= (dtype === 'uint8' ? 0.99 : 0.9999), `plain tfjs cosine ${cosine(want, got)}`);
      const floatBytes = manifest(fixture).filter((w: { dtype: string }) => w.dtype === 'float32').reduce((a: number, w: { shape: number[] }) => a + 4 * w.shape.reduce((p, q) => p * q, 1), 0);
      const otherBytes = shardBytes(fixture) - floatBytes;
      const ratio = (shardBytes(model) - otherBytes) / floatBytes;
      assert.is(ratio, dtype === 'uint8' ? 0.25 : 0.5);
    });
  }
}

test('uint8 bytes, min and scale are exactly the converter\'s (nudged zero, half-to-even)', async () => {
  const out = join(tmp.dir, 'exact');
  await quantizeModel({ input: GRAPH_FIXTURE, output: out, dtype: 'uint8', check: { enabled: false, runs: 0 } });
  const values = plainWeights(GRAPH_FIXTURE).get('conv/filter') as Float32Array;
  const min0 = Math.min(...values);
  const max0 = Math.max(...values);
  const scale = (max0 - min0) / 255;
  const zp = rint(-min0 / scale);
  const min = min0 <= 0 && max0 >= 0 ? -zp * scale : min0;
  const max = 255 * scale + min;
  const entry = manifest(join(out, 'classifier.json')).find((w: { name: string }) => w.name === 'conv/filter');
  assert.equal(entry.quantization, { dtype: 'uint8', min, scale, original_dtype: 'float32' });
  const bytes = readFileSync(join(out, 'group1-shard1of1.bin')).subarray(0, values.length);
  const want = Array.from(values, (v) => rint((Math.min(max, Math.max(min, v)) - min) / scale));
  assert.equal(Array.from(bytes), want);
  // 0.0 is exactly representable: the nudged zero point is a whole step.
  assert.ok(Math.abs(zp * scale + min) < 1e-12);
});

test('--weights globs (fnmatch: * crosses /) quantize only matching weights; int32 is untouched', async () => {
  const out = join(tmp.dir, 'glob');
  const report = await quantizeModel({ input: GRAPH_FIXTURE, output: out, dtype: 'uint8', weights: ['dense/*', 'c?nv/bi[a-z]s'], check: { enabled: false, runs: 0 } });
  const q = Object.fromEntries(manifest(join(out, 'classifier.json')).map((w: { name: string; quantization?: { dtype: string } }) => [w.name, w.quantization?.dtype]));
  assert.equal(q, { 'conv/filter': undefined, 'conv/bias': 'uint8', 'flat/shape': undefined, 'dense/kernel': 'uint8', 'dense/bias': 'uint8' });
  assert.equal(report.changed.map((c) => c.name).sort(), ['conv/bias', 'dense/bias', 'dense/kernel']);
  const all = join(tmp.dir, 'glob-all');
  await quantizeModel({ input: GRAPH_FIXTURE, output: all, dtype: 'uint8', weights: ['*'], check: { enabled: false, runs: 0 } });
  assert.ok(manifest(join(all, 'classifier.json')).find((w: { name: string }) => w.name === 'flat/shape').quantization === undefined);
  const err = await quantizeModel({ input: GRAPH_FIXTURE, output: join(tmp.dir, 'glob-none'), dtype: 'uint8', weights: ['nothing/*'] }).catch((e) => e);
  assert.instance(err, DlpackError);
  assert.is(err.code, 'USAGE');
  assert.match(err.message, /"nothing\/\*" matched no weight/);
  assert.not.ok(existsSync(join(tmp.dir, 'glob-none')));
});

test('already-quantized weights: left alone byte for byte, or re-quantized with --requantize', async () => {
  const u8 = join(tmp.dir, 'rq-u8');
  await quantizeModel({ input: GRAPH_FIXTURE, output: u8, dtype: 'uint8', check: { enabled: false, runs: 0 } });
  const again = join(tmp.dir, 'rq-f16-skip');
  const skip = await quantizeModel({ input: join(u8, 'classifier.json'), output: again, dtype: 'float16', check: { ...check } });
  assert.is(skip.changed.length, 0);
  assert.ok(skip.skipped.filter((s) => /already stored as uint8/.test(s.reason)).length === 4);
  assert.equal(manifest(join(again, 'classifier.json')), manifest(join(u8, 'classifier.json')));
  assert.equal(readFileSync(join(again, 'group1-shard1of1.bin')), readFileSync(join(u8, 'group1-shard1of1.bin')));
  assert.ok(Math.min(...skip.accuracy!.outputs.map((o) => o.cosine)) > 0.999999);
  const rq = join(tmp.dir, 'rq-f16');
  const report = await quantizeModel({ input: join(u8, 'classifier.json'), output: rq, dtype: 'float16', requantize: true, check });
  assert.is(report.changed.length, 4);
  assert.match(report.changed[0].what, /re-quantized: uint8 → float16/);
  assert.ok(manifest(join(rq, 'classifier.json')).filter((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'float16').length === 4);
  // The float16 values are the decoded uint8 values, so the outputs barely move.
  assert.ok(Math.min(...report.accuracy!.outputs.map((o) => o.cosine)) > 0.9999);
});

test('--shard-size cuts converter-style shards that stock tfjs still loads', async () => {
  const out = join(tmp.dir, 'shards');
  await quantizeModel({ input: LAYERS_FIXTURE, output: out, dtype: 'uint16', shardSize: 100, check: { enabled: false, runs: 0 } });
  const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
  const paths: string[] = json.weightsManifest[0].paths;
  assert.ok(paths.length > 3, `${paths.length} shards`);
  assert.equal(paths, paths.map((_, i) => `group1-shard${i + 1}of${paths.length}.bin`));
  assert.ok(paths.slice(0, -1).every((p) => readFileSync(join(out, p)).length === 100));
  const x = testInput(2 * 36);
  const [want] = await plainRun(await plainLoad(LAYERS_FIXTURE), x, [2, 6, 6, 1]);
  const [got] = await plainRun(await plainLoad(join(out, 'model.json')), x, [2, 6, 6, 1]);
  assert.ok(cosine(want, got) > 0.9999);
});

test('bad inputs: same folder, weight bytes ≠ shape × dtype, duplicate names, escaping shard path — nothing written', async () => {
  const bad = join(tmp.dir, 'bad');
  copyFolder(join(GRAPH_FIXTURE, '..'), bad);
  const model = join(bad, 'classifier.json');
  const sameFolder = await quantizeModel({ input: model, output: bad, dtype: 'uint8' }).catch((e) => e);
  assert.is(sameFolder.code, 'OUTPUT');
  const original = readFileSync(model, 'utf8');
  const variants: [string, (j: any) => void, string][] = [
    ['shape × dtype', (j) => (j.weightsManifest[1].weights[0].shape = [8, 5]), 'CORRUPT_MODEL'],
    ['named twice', (j) => (j.weightsManifest[1].weights[1].name = 'conv/bias'), 'CORRUPT_MODEL'],
    ['escaping path', (j) => (j.weightsManifest[0].paths[0] = '../../etc/passwd'), 'PATH_ESCAPE'],
  ];
  for (const [what, edit, code] of variants) {
    const j = JSON.parse(original);
    edit(j);
    writeFileSync(model, JSON.stringify(j));
    const out = join(tmp.dir, `bad-out-${code}-${what.length}`);
    const err = await quantizeModel({ input: model, output: out, dtype: 'uint8' }).catch((e) => e);
    assert.instance(err, DlpackError, what);
    assert.is(err.code, code, `${what}: ${err.message}`);
    assert.not.ok(existsSync(out), `${what}: nothing written`);
  }
  writeFileSync(model, original);
});

test('CLI: dlpack quantize --dtype uint8 --json reports sizes, accuracy and the backend', async () => {
  const out = join(tmp.dir, 'cli');
  const r = await runInProcess(['quantize', LAYERS_FIXTURE, '--dtype', 'uint8', '-o', out, '--runs', '3', '--count', '2', '--min-cosine', '0.99', '--json']);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.schema, 'dlpack.transform/1');
  assert.match(report.accuracy.backend, /^tfjs \((wasm|node)\)$/);
  assert.is(report.accuracy.gates.pass, true);
  assert.ok(report.latency.runs === 3 && report.latency.after.p50 > 0);
  assert.ok(report.weightBytesByDtype.after.uint8 > 0 && report.weightBytesByDtype.after.float32 === undefined);
  const same = await runInProcess(['quantize', LAYERS_FIXTURE, '--dtype', 'uint8', '-o', join(LAYERS_FIXTURE, '..')]);
  assert.is(same.code, 1);
  assert.match(same.stderr, /output folder is the folder of the input model/);
});

test.run();
