/**
 * `--per-channel` on the real blazeface graph model in ../shared: per-output-channel kernel scales
 * written as a float16 scale Const + Mul node per kernel, which stock @tensorflow/tfjs runs. Skips
 * with a message when ../shared is absent.
 *
 * Issue 4's uint8 target is ≤ 0.27× weight bytes AND cosine ≥ 0.99 on every output, loadable by
 * stock tfjs. Measured: per-tensor uint8 reaches worst cosine 0.898; --per-channel alone 0.970 (at
 * 0.262×, scales included); --per-channel --equalize with the float16 fallback search meets the
 * goal within 0.27×. Both outputs are loaded and run with plain @tensorflow/tfjs (no dlpack code).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { noSharedModels, testIf } from '../../helpers/skip.js';
import { BLAZEFACE, tempDir } from '../../helpers/tfjs-test-helpers.js';
import { cosine, plainLoad, plainRun, shardBytes } from '../../helpers/tfjs-plain-load.js';

const SHAPE = [1, 256, 256, 3];

function heldOutInput(seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: SHAPE.reduce((a, b) => a * b, 1) }, () => (s = (s * 16807) % 2147483647) / 2147483647);
}

/** Cosines of stock tfjs (cpu) outputs of `model` against the original on an input the search never saw. */
async function stockHeldOut(model: string): Promise<number[]> {
  const x = heldOutInput(11);
  const want = await plainRun(await plainLoad(BLAZEFACE), x, SHAPE);
  const got = await plainRun(await plainLoad(model), x, SHAPE);
  return want.map((w, k) => cosine(w, got[k]));
}

{
  // the real TF.js models of ../shared/models; skipped when absent
  const tmp = tempDir('dlpack-tfjs-pc-real-');
  test.after(() => tmp.cleanup());

  testIf(test, noSharedModels, 'blazeface uint8 --per-channel: ≤ 0.27× with the scales, worst output far above per-tensor, stock tfjs runs the Mul graph', async () => {
    const out = join(tmp.dir, 'bf-pc');
    const report = await quantizeModel({ input: BLAZEFACE, output: out, dtype: 'uint8', perChannel: true, check: { runs: 0, count: 2, backend: 'wasm', minCosine: 0.95 } });
    const model = join(out, 'blazeface.json');
    const ratio = shardBytes(model) / shardBytes(BLAZEFACE);
    const cos = report.accuracy!.outputs.map((o) => o.cosine);
    console.log(`  blazeface uint8 --per-channel: weights ${ratio.toFixed(3)}×, ${report.accuracy!.outputs.map((o) => `${o.name} ${o.cosine.toFixed(4)}`).join(', ')}`);
    assert.ok(ratio <= 0.27, `weight bytes ${ratio}×`);
    // Per tensor the worst output is 0.898 (tfjs-quantize-real); per channel lifts it past 0.95.
    assert.ok(Math.min(...cos) > 0.95, `worst cosine ${Math.min(...cos)}`);
    const rewritten = report.changed.filter((c) => /per output channel/.test(c.what));
    assert.is(rewritten.length, 69); // 37 conv + 32 depthwise kernels
    const json = JSON.parse(readFileSync(model, 'utf8'));
    const muls = json.modelTopology.node.filter((n: { op: string }) => n.op === 'Mul');
    assert.is(muls.length, 69);
    const held = await stockHeldOut(model);
    console.log(`  held-out input, plain tfjs cpu: ${held.map((c) => c.toFixed(4)).join(', ')}`);
    for (const c of held) assert.ok(c > 0.95, `held-out cosine ${c}`);
  });

  testIf(test, noSharedModels, 'blazeface uint8 --per-channel --equalize --fallback float16 --min-cosine 0.99 --max-ratio 0.27: issue target met, stock tfjs loads it', async () => {
    const out = join(tmp.dir, 'bf-pc-mixed');
    const report = await quantizeModel({
      input: BLAZEFACE,
      output: out,
      dtype: 'uint8',
      perChannel: true,
      equalize: true,
      fallback: 'float16',
      maxRatio: 0.27,
      check: { runs: 0, count: 2, backend: 'wasm', minCosine: 0.99 },
    });
    const model = join(out, 'blazeface.json');
    const ratio = shardBytes(model) / shardBytes(BLAZEFACE);
    const kept = report.changed.filter((c) => /kept at float16/.test(c.what)).length;
    console.log(`  blazeface uint8 --per-channel --equalize + float16 fallback: weights ${ratio.toFixed(3)}×, ${kept} weights float16, ${report.accuracy!.outputs.map((o) => `${o.name} ${o.cosine.toFixed(4)}`).join(', ')}`);
    assert.ok(ratio <= 0.27, `weight bytes ${ratio}×`);
    assert.is(report.accuracy!.backend, 'tfjs (wasm)');
    assert.is(report.accuracy!.outputs.length, 4);
    for (const o of report.accuracy!.outputs) assert.ok(o.cosine >= 0.99, `${o.name}: cosine ${o.cosine}`);
    // Equalized depthwise kernels stay per tensor; the 37 conv kernels carry scales.
    assert.is(report.changed.filter((c) => /per output channel/.test(c.what)).length, 37);
    // The manifest holds only what stock tfjs decodes: uint8 with min/scale, float16, or plain.
    const json = JSON.parse(readFileSync(model, 'utf8'));
    const dtypes = new Set(json.weightsManifest.flatMap((g: { weights: { quantization?: { dtype: string } }[] }) => g.weights.map((w) => w.quantization?.dtype ?? 'none')));
    assert.equal([...dtypes].sort(), ['float16', 'none', 'uint8']);
    const held = await stockHeldOut(model);
    console.log(`  held-out input, plain tfjs cpu: ${held.map((c) => c.toFixed(4)).join(', ')}`);
    for (const c of held) assert.ok(c >= 0.98, `held-out cosine ${c}`);
  });
}

test.run();
