/**
 * `convert --optimize basic` on an ONNX model with external data (the shipped mlp-external
 * fixture): it runs, the output keeps its weights in an external data file beside it, and the
 * optimized model computes what the original does. ORT is fed the checked bytes, never the folder.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertModel } from '../../../src/transforms/convert-model.js';
import { readOnnx } from '../../../src/formats/onnx/index.js';
import { openOnnxSession } from '../../../src/runtimes/onnxruntime-session.js';
import { ROOT, runInProcess } from '../../helpers/cli.js';

const MODEL = join(ROOT, 'fixtures/models/mlp-external/model.onnx');
const work = mkdtempSync(join(tmpdir(), 'dlpack-opt-ext-'));

test('convert --optimize basic keeps external data and the model computes the same', async () => {
  const out = join(work, 'mlp.opt.onnx');
  const report = await convertModel({ input: MODEL, output: out, optimize: 'basic', check: { enabled: true, count: 3, runs: 0 } });
  assert.ok(report.accuracy, 'accuracy was checked');
  for (const o of report.accuracy!.outputs) assert.ok(o.cosine > 0.999999, `${o.name}: cosine ${o.cosine}`);
  const written = await readOnnx(out, { loadExternalData: false });
  assert.equal(written.externalFiles.map((f) => f.location), ['mlp.opt.onnx.data']);
  assert.ok(written.externalFiles[0].bytes >= 80_000, `${written.externalFiles[0].bytes} bytes of external data`);
  assert.ok(written.modelBytes < 4096, `the .onnx itself is small (${written.modelBytes} bytes)`);
  assert.equal(readdirSync(work).sort(), ['mlp.opt.onnx', 'mlp.opt.onnx.data']);
  const a = await openOnnxSession(MODEL);
  const b = await openOnnxSession(out);
  const input = { input: { dtype: 'float32' as const, shape: [2, 16], data: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)) } };
  const [ya, yb] = [await a.run(input), await b.run(input)];
  const pa = ya.probabilities.data as Float32Array;
  const pb = yb.probabilities.data as Float32Array;
  for (let i = 0; i < pa.length; i++) assert.ok(Math.abs(pa[i] - pb[i]) < 1e-6);
  await a.dispose();
  await b.dispose();
});

test('through the CLI: exit 0, no error naming a temp file', async () => {
  const out = join(work, 'cli.onnx');
  const r = await runInProcess(['convert', MODEL, '--optimize', 'basic', '-o', out, '--no-check']);
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr, /dlpack-opt-/);
  assert.ok(existsSync(`${out}.data`));
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
