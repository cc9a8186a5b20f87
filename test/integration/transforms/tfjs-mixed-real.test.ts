/**
 * Accuracy-driven mixed precision (`--fallback float16 --min-cosine 0.99`) on the real blazeface
 * model in ../shared, whose box regressors lose more than 1% cosine at plain uint8 (per-tensor
 * ranges; see tfjs-quantize-real.test.ts). Skips with a message when ../shared is absent.
 *
 * Issue 4's target for uint8 is ≤ 0.27× weight bytes AND cosine ≥ 0.99 on every output. Measured:
 * within 0.27× the goal is NOT reachable with per-tensor encodings alone (the search's best is
 * min cosine ≈ 0.94), so the tool must say so (CHECK_FAILED, report written, budget kept) — it is
 * reached with the per-channel graph rewrite (tfjs-per-channel-real.test.ts); per tensor the
 * goal is reached at ≈ 0.32–0.34×, so with --max-ratio 0.36 every output must be ≥ 0.99 and stock
 * @tensorflow/tfjs must load and run the result. Cross-layer equalization (--equalize) is checked
 * for exactness in float (stock tfjs) and for what it buys at plain uint8.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { dequantizeWeight } from '../../../src/formats/tfjs/dequantize.js';
import { readTfjs } from '../../../src/formats/tfjs/read-tfjs.js';
import { writeTfjs } from '../../../src/formats/tfjs/write-tfjs.js';
import { equalizeDepthwisePointwise } from '../../../src/transforms/tfjs/cross-layer-equalization.js';
import { CheckFailedError } from '../../../src/transforms/finish-transform.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { noSharedModels, testIf } from '../../helpers/skip.js';
import { BLAZEFACE, tempDir } from '../../helpers/tfjs-test-helpers.js';
import { cosine, plainLoad, plainRun, shardBytes } from '../../helpers/tfjs-plain-load.js';

const check = { runs: 0, count: 2, backend: 'wasm', minCosine: 0.99 };
const SHAPE = [1, 256, 256, 3];

{
  // the real TF.js models of ../shared/models; skipped when absent
  const tmp = tempDir('dlpack-tfjs-mixed-');
  test.after(() => tmp.cleanup());

  testIf(test, noSharedModels, 'blazeface uint8 + float16 fallback, budget 0.27× (issue target): goal not reachable → CHECK_FAILED, nothing written, budget kept, report says why', async () => {
    const out = join(tmp.dir, 'bf-027');
    let err: unknown;
    try {
      await quantizeModel({ input: BLAZEFACE, output: out, dtype: 'uint8', fallback: 'float16', check });
    } catch (e) {
      err = e;
    }
    assert.instance(err, CheckFailedError);
    assert.is((err as DlpackError).code, 'CHECK_FAILED');
    const report = (err as CheckFailedError).report;
    assert.not.ok(existsSync(out), 'a failed gate leaves nothing at -o');
    assert.is(report.written, false);
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const ratio = sum(report.weightBytesByDtype.after) / sum(report.weightBytesByDtype.before);
    console.log(`  blazeface mixed, budget 0.27×: weights ${ratio.toFixed(3)}×, ${report.accuracy!.outputs.map((o) => `${o.name} ${o.cosine.toFixed(4)}`).join(', ')}`);
    assert.ok(ratio <= 0.27, `weight bytes ${ratio}× over the 0.27× budget`);
    assert.ok(report.notes?.some((n) => /goal not met within --max-ratio 0\.27/.test(n)), report.notes?.join('\n'));
    // It still did what the budget allows: better than plain uint8 on the worst output (≈ 0.898).
    assert.ok(Math.min(...report.accuracy!.outputs.map((o) => o.cosine)) > 0.92);
    assert.ok(report.changed.some((c) => /kept at float16 instead of uint8/.test(c.what)));
  });

  testIf(test, noSharedModels, 'blazeface uint8 + float16 fallback, --max-ratio 0.36: every output ≥ 0.99, ≤ 0.36×, stock tfjs runs it', async () => {
    const out = join(tmp.dir, 'bf-036');
    const report = await quantizeModel({ input: BLAZEFACE, output: out, dtype: 'uint8', fallback: 'float16', maxRatio: 0.36, check });
    const model = join(out, 'blazeface.json');
    const ratio = shardBytes(model) / shardBytes(BLAZEFACE);
    const promoted = report.changed.filter((c) => /kept at float16/.test(c.what));
    console.log(`  blazeface mixed, budget 0.36×: weights ${ratio.toFixed(3)}×, ${promoted.length} weights float16, ${report.accuracy!.outputs.map((o) => `${o.name} ${o.cosine.toFixed(4)}`).join(', ')}`);
    assert.ok(ratio <= 0.36 && ratio > 0.25, `weight bytes ${ratio}×`);
    assert.is(report.accuracy!.outputs.length, 4);
    for (const o of report.accuracy!.outputs) assert.ok(o.cosine >= 0.99, `${o.name}: cosine ${o.cosine}`);
    assert.ok(promoted.length > 0 && promoted.length < report.changed.length);
    // The manifest holds only what stock tfjs decodes: uint8 with min/scale, or float16.
    const specs = (await import('node:fs')).readFileSync(model, 'utf8');
    const dtypes = new Set(JSON.parse(specs).weightsManifest.flatMap((g: { weights: { quantization?: { dtype: string } }[] }) => g.weights.map((w) => w.quantization?.dtype ?? 'none')));
    assert.equal([...dtypes].sort(), ['float16', 'none', 'uint8']);
    // Held-out input (not one the search saw), stock @tensorflow/tfjs on the cpu backend.
    let seed = 11;
    const x = Float32Array.from({ length: SHAPE.reduce((a, b) => a * b, 1) }, () => (seed = (seed * 16807) % 2147483647) / 2147483647);
    const want = await plainRun(await plainLoad(BLAZEFACE), x, SHAPE);
    const got = await plainRun(await plainLoad(model), x, SHAPE);
    const held = want.map((w, k) => cosine(w, got[k]));
    console.log(`  held-out input, plain tfjs cpu: ${held.map((c) => c.toFixed(4)).join(', ')}`);
    for (const c of held) assert.ok(c >= 0.98, `held-out cosine ${c}`);
  });

  testIf(test, noSharedModels, 'blazeface cross-layer equalization: 32 depthwise → 1×1 pairs, exact in float under stock tfjs, better uint8 on the regressors', async () => {
    const model = await readTfjs(BLAZEFACE);
    const values = new Map(model.weights.filter((w) => w.dtype === 'float32').map((w) => [w.name, dequantizeWeight(w) as Float32Array]));
    const pairs = equalizeDepthwisePointwise(model, values);
    assert.is(pairs.length, 32);
    const weights = model.weights.map((w) => (values.has(w.name) ? { ...w, data: new Uint8Array(values.get(w.name)!.buffer) } : w));
    const written = await writeTfjs({ json: model.json, format: model.format, weights, file: model.file }, join(tmp.dir, 'bf-cle-float'), { modelFileName: 'blazeface.json' });
    const x = Float32Array.from({ length: SHAPE.reduce((a, b) => a * b, 1) }, (_, i) => (Math.sin(i * 0.013) + 1) / 2);
    const want = await plainRun(await plainLoad(BLAZEFACE), x, SHAPE);
    const got = await plainRun(await plainLoad(written.modelFile), x, SHAPE);
    for (const [k, w] of want.entries()) assert.ok(cosine(w, got[k]) > 0.99999, `float output ${k}: ${cosine(w, got[k])}`);

    // --min-cosine 0: the default floor off, both uint8 results measured as they are
    const plain = await quantizeModel({ input: BLAZEFACE, output: join(tmp.dir, 'bf-u8'), dtype: 'uint8', check: { runs: 0, count: 2, backend: 'wasm', minCosine: 0 } });
    const eq = await quantizeModel({ input: BLAZEFACE, output: join(tmp.dir, 'bf-u8-cle'), dtype: 'uint8', equalize: true, check: { runs: 0, count: 2, backend: 'wasm', minCosine: 0 } });
    const cos = (r: typeof plain) => Object.fromEntries(r.accuracy!.outputs.map((o) => [o.name, o.cosine]));
    console.log(`  blazeface uint8 cosines, plain → --equalize: ${Object.entries(cos(plain)).map(([n, c]) => `${n} ${c.toFixed(4)} → ${cos(eq)[n].toFixed(4)}`).join(', ')}`);
    assert.ok(cos(eq).Identity_1 > cos(plain).Identity_1 + 0.01, 'Identity_1 improves');
    assert.ok(eq.notes?.some((n) => /cross-layer equalization \(--equalize\): 32 depthwise/.test(n)));
  });
}

test.run();
