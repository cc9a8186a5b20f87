/**
 * `dlpack check`'s accuracy budgets (minCosine, maxAbsError) use the config's `samples` and
 * `preprocess`: on generated inputs that leave the reference outputs degenerate the budgets are
 * missing (a failure, never a pass) with the reason; with real samples they are measured. A bad
 * `preprocess` key is a CONFIG error naming it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'npyjs';
import { seededFloats, seededRandom } from '../../../fixtures/make-onnx.js';
import { OnnxDataType as T, makeTensor, writeOnnx, type ModelProto } from '../../../src/formats/onnx/index.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { runInProcess } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dlpack-check-samples-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** y = sigmoid(x·W − 12): ≈ 6e-6 on N(0,1) noise, a real signal on inputs of tens. */
function saturating(): ModelProto {
  const w = seededFloats(seededRandom(5), 64 * 32, 0.05);
  const vi = (name: string, d: number) => ({ name, type: { tensor_type: { elem_type: T.FLOAT, shape: { dim: [{ dim_param: 'batch' }, { dim_value: d }] } } } });
  return {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: [
        { op_type: 'MatMul', input: ['x', 'w'], output: ['xw'] },
        { op_type: 'Add', input: ['xw', 'shift'], output: ['z'] },
        { op_type: 'Sigmoid', input: ['z'], output: ['y'] },
      ],
      initializer: [makeTensor('w', 'float32', [64, 32], w), makeTensor('shift', 'float32', [1], Float32Array.of(-12))],
      input: [vi('x', 64)],
      output: [vi('y', 32)],
    },
  };
}

test('accuracy budgets: degenerate on generated inputs → missing with the reason (exit 1); measured on the config\'s samples', async () => {
  const original = join(dir, 'sat.onnx');
  await writeOnnx(saturating(), original, { externalData: 'inline' });
  const quantized = join(dir, 'sat.int8.onnx');
  // the floor is off here: on generated inputs the run is degenerate, and this file is what check judges
  await quantizeModel({ input: original, output: quantized, mode: 'int8-weights', minElements: 0, check: { enabled: false, runs: 0 } });
  mkdirSync(join(dir, 'samples'));
  const rand = seededRandom(9);
  for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'samples', `s${i}.npy`), Buffer.from(dump(Float32Array.from({ length: 64 }, () => (rand() - 0.3) * 60), [1, 64])));

  const entry = { model: 'sat.int8.onnx', original: 'sat.onnx', budgets: { minCosine: 0.99, maxAbsError: 0.1 } };
  writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify({ models: [entry] }));
  const noisy = await runInProcess(['check', '--json'], { cwd: dir });
  assert.is(noisy.code, 1, noisy.stderr + noisy.stdout);
  const r1 = JSON.parse(noisy.stdout) as { results: { budget: string; status: string; reason?: string }[] };
  for (const row of r1.results) {
    assert.is(row.status, 'missing', JSON.stringify(row));
    assert.match(row.reason!, /not meaningful on these inputs: output "y" — saturated \[0, 1\] output.*give the model real "samples" in the config/);
  }

  writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify({ models: [{ ...entry, samples: 'samples' }] }));
  const real = await runInProcess(['check', '--json'], { cwd: dir });
  assert.is(real.code, 0, real.stderr + real.stdout);
  const r2 = JSON.parse(real.stdout) as { results: { budget: string; status: string; actual: number }[] };
  assert.equal(r2.results.map((r) => [r.budget, r.status]), [['minCosine', 'pass'], ['maxAbsError', 'pass']]);
  assert.ok(r2.results[0].actual >= 0.99 && r2.results[0].actual < 1);

  writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify({ models: [{ ...entry, samples: 'samples', preprocess: { preset: 'imagenet', hieght: 3 } }] }));
  const bad = await runInProcess(['check'], { cwd: dir });
  assert.is(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /Unknown option "hieght"/);
});

test.run();
