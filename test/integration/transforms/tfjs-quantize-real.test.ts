/**
 * dlpack quantize on the real TF.js models in ../shared (blazeface, emotion): weight bytes
 * against float32, stock @tensorflow/tfjs loads and runs every result, and the accuracy report
 * (tfjs wasm) per output. Skips with a message when ../shared is absent.
 *
 * Measured limit, kept visible: blazeface's box-regressor outputs lose more than 1% cosine at
 * uint8 with the converter's per-tensor affine scheme (its BN-folded 1×1 kernels have ranges
 * like [-56, 0.7]); uint16 and float16 are exact to 1e-4. The bounds below say what holds for the
 * converter-exact result, which the default accuracy floor (cosine 0.99) refuses for blazeface
 * (asserted: exit 1, nothing written) and `--min-cosine 0` lets through. The issue's uint8 targets with the accuracy-driven option
 * (`--fallback float16 --min-cosine 0.99`) are asserted in tfjs-mixed-real.test.ts (a separate file
 * so each stays under a minute): not reachable within 0.27× (reported as CHECK_FAILED), reached at ≈ 0.33×.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckFailedError } from '../../../src/transforms/finish-transform.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { noSharedModels, testIf } from '../../helpers/skip.js';
import { BLAZEFACE, EMOTION, tempDir } from '../../helpers/tfjs-test-helpers.js';
import { cosine, plainLoad, plainRun, shardBytes } from '../../helpers/tfjs-plain-load.js';

const MODELS = [
  { name: 'emotion', file: EMOTION, shape: [1, 64, 64, 1], uint8MinCosine: 0.99 },
  { name: 'blazeface', file: BLAZEFACE, shape: [1, 256, 256, 3], uint8MinCosine: 0.85 },
];
const LIMITS = { uint8: { bytes: 0.27 }, uint16: { bytes: 0.52 }, float16: { bytes: 0.52 } } as const;

{
  // the real TF.js models of ../shared/models; skipped when absent
  const tmp = tempDir('dlpack-tfjs-real-');
  test.after(() => tmp.cleanup());
  for (const m of MODELS) {
    for (const dtype of ['uint8', 'float16', ...(m.name === 'blazeface' ? ['uint16'] : [])] as ('uint8' | 'uint16' | 'float16')[]) {
      testIf(test, noSharedModels, `${m.name} → ${dtype}: weight bytes, stock tfjs loads it, accuracy per output`, async () => {
        const out = join(tmp.dir, `${m.name}-${dtype}`);
        const check = { runs: 0, count: 2, backend: 'wasm' };
        const belowFloor = dtype === 'uint8' && m.uint8MinCosine < 0.99;
        if (belowFloor) {
          // the default accuracy floor (cosine 0.99) refuses it: exit 1, nothing written
          const err = await quantizeModel({ input: m.file, output: out, dtype, check }).then(() => undefined, (e: unknown) => e);
          assert.instance(err, CheckFailedError);
          assert.match((err as Error).message, /default floor; --min-cosine X relaxes it/);
          assert.not.ok(existsSync(out), 'nothing written after a failed gate');
        }
        // --min-cosine 0 turns the floor off: the converter-exact result, measured
        const report = await quantizeModel({ input: m.file, output: out, dtype, check: belowFloor ? { ...check, minCosine: 0 } : check });
        const model = join(out, m.file.split('/').pop()!);
        const ratio = shardBytes(model) / shardBytes(m.file);
        assert.ok(ratio <= LIMITS[dtype].bytes, `${dtype} weight bytes ${ratio.toFixed(3)}× > ${LIMITS[dtype].bytes}×`);
        assert.is(report.accuracy?.backend, 'tfjs (wasm)');
        const cosines = report.accuracy!.outputs.map((o) => o.cosine);
        const min = Math.min(...cosines);
        console.log(`  ${m.name} ${dtype}: weights ${ratio.toFixed(3)}×, cosine per output ${report.accuracy!.outputs.map((o) => `${o.name} ${o.cosine.toFixed(4)}`).join(', ')}`);
        assert.ok(min >= (dtype === 'uint8' ? m.uint8MinCosine : 0.999), `min cosine ${min}`);
        // Stock @tensorflow/tfjs (cpu), no dlpack code, agrees with the float model.
        const n = m.shape.reduce((a, b) => a * b, 1);
        let seed = 7;
        const x = Float32Array.from({ length: n }, () => (seed = (seed * 16807) % 2147483647) / 2147483647); // U(0,1), like the report's inputs
        const want = await plainRun(await plainLoad(m.file), x, m.shape);
        const got = await plainRun(await plainLoad(model), x, m.shape);
        assert.is(got.length, want.length);
        for (let k = 0; k < want.length; k++) {
          const c = cosine(want[k], got[k]);
          assert.ok(c >= (dtype === 'uint8' ? m.uint8MinCosine : 0.999), `plain tfjs output ${k}: cosine ${c}`);
        }
      });
    }
  }
}

test.run();
