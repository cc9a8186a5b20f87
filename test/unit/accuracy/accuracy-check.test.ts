import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { adaptFeeds, gateFailure, runAccuracyCheck } from '../../../src/accuracy/accuracy-check.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { readOnnx, writeOnnx } from '../../../src/formats/onnx/index.js';
import { convertToFloat16 } from '../../../src/transforms/onnx/convert-fp16.js';
import { float16BitsToFloat32 } from '../../../src/core/tensor/to-float16.js';
import { tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir('dlpack-acc-');
test.after(() => tmp.cleanup());
const MLP = join(ROOT, 'fixtures/models/mlp.onnx');

test('same model twice: zero error, cosine 1, latency for both, backend named', async () => {
  const r = await runAccuracyCheck({ original: MLP, candidate: MLP, count: 2, runs: 4 });
  assert.is(r.accuracy!.backend, 'onnxruntime-node (cpu)');
  assert.is(r.accuracy!.samples, 2);
  assert.equal(r.accuracy!.outputs.map((o) => [o.name, o.maxAbsError, o.cosine, o.top1Agreement]), [['probabilities', 0, 1, 1]]);
  assert.is(r.latency!.runs, 4);
  assert.ok(r.latency!.before.p50 > 0 && r.latency!.after.p50 > 0);
  assert.is(r.accuracy!.gates, undefined);
});

test('gates: hold and fail with a message naming the output; float16 inputs are fed as float16', async () => {
  const model = await readOnnx(MLP);
  convertToFloat16(model.proto, { keepIoTypes: false });
  const half = join(tmp.dir, 'mlp.io16.onnx');
  await writeOnnx(model.proto, half, { externalData: 'inline' });
  const ok = await runAccuracyCheck({ original: MLP, candidate: half, count: 2, runs: 0, minCosine: 0.999, maxError: 0.01 });
  assert.is(ok.accuracy!.gates!.pass, true);
  assert.is(gateFailure(ok.accuracy), undefined);
  const bad = await runAccuracyCheck({ original: MLP, candidate: half, count: 2, runs: 0, maxError: 0 });
  assert.is(bad.accuracy!.gates!.pass, false);
  assert.match(gateFailure(bad.accuracy)!, /output "probabilities": max abs error .* \(limit 0\)/);
  assert.is(bad.latency, undefined);
});

test('adaptFeeds converts float32 feeds to the dtypes a session expects', () => {
  const feeds = { x: { dtype: 'float32' as const, shape: [2], data: Float32Array.of(0.5, -3) } };
  const out = adaptFeeds(feeds, [{ name: 'x', dtype: 'float16', shape: [2] }]);
  assert.is(out.x.dtype, 'float16');
  assert.equal(Array.from(out.x.data as Uint16Array, float16BitsToFloat32), [0.5, -3]);
  const same = adaptFeeds(feeds, [{ name: 'x', dtype: 'float32', shape: [2] }]);
  assert.is(same.x, feeds.x);
});

test('a --shape that does not fit the model is an error naming the input, before anything runs', async () => {
  await runAccuracyCheck({ original: MLP, candidate: MLP, shape: ['input=2,17'], runs: 0 }).then(
    () => assert.unreachable(),
    (e: unknown) => {
      assert.ok(e instanceof DlpackError);
      assert.match((e as DlpackError).message, /--shape input: dim 1 is 17, the model fixes it at 16/);
    },
  );
});

test('the same check runs TF.js models through the one runtime interface', async () => {
  const dir = join(ROOT, 'fixtures/models/tfjs-graph');
  const json = readdirSync(dir).find((f) => f.endsWith('.json'))!;
  const model = join(dir, json);
  const r = await runAccuracyCheck({ original: model, candidate: model, count: 1, runs: 2, backend: 'cpu' });
  assert.match(r.accuracy!.backend, /tfjs/);
  assert.ok(r.accuracy!.outputs.every((o) => o.cosine === 1 && o.maxAbsError === 0));
});

test.run();
