/**
 * int4: `quantize --mode int4-weights` (com.microsoft.MatMulNBits, defaults: block 32, symmetric,
 * accuracy_level 4, the default accuracy floor and fallback) against fp32 in the same run — file
 * size, p50 latency at batch 1 on 1 intra-op thread, worst cosine — on inputs that mean something
 * for each model:
 *  - a 4×1024 MLP (16 MB, all MatMul) fed 1024-sample windows of the real speech WAVs in
 *    ../shared/samples/speech (a frame classifier's input: silence and voiced frames, a wide
 *    dynamic range that block-wise int8 activations must hold);
 *  - a byte-level transformer (fixtures/make-transformer.ts: 4 layers, width 256, seeded weights)
 *    fed 64-byte windows of real English text (this repo's LICENSE and the samples README);
 *  - PaddleOCR's PP-OCRv4 recognizer (a trained SVTR transformer neck + CTC head; 38% of its bytes
 *    are MatMul weights) on the real text-line PNGs;
 *  - onnxruntime-web (wasm) on the MLP: MatMulNBits against fp32 in the same runtime.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'npyjs';
import { p50, type BenchRow, type BenchSection } from '../harness.js';
import { makeWideMlp } from '../../fixtures/make-onnx.js';
import { byteWindows, makeTinyTransformer } from '../../fixtures/make-transformer.js';
import { encodeOnnx, writeOnnx, type ModelProto } from '../../src/formats/onnx/index.js';
import { parsePreprocessFlags } from '../../src/accuracy/samples/preprocess-spec.js';
import type { TransformReport } from '../../src/core/reports/schemas.js';
import { CheckFailedError } from '../../src/transforms/finish-transform.js';
import { quantizeModel } from '../../src/transforms/quantize-model.js';
import { rewriteInt4 } from '../../src/transforms/onnx/quantize-int4.js';
import type { QuantizeOptions } from '../../src/transforms/transform-options.js';

const cos = (r: TransformReport) => Math.min(...r.accuracy!.outputs.map((o) => o.cosine));

async function quantize(o: QuantizeOptions): Promise<TransformReport> {
  return quantizeModel(o).catch((e: unknown) => {
    if (e instanceof CheckFailedError) return e.report;
    throw e;
  });
}

function rows(label: string, r: TransformReport, size?: number, latencyTarget = true): BenchRow[] {
  const mp = r.mixedPrecision ? `; ${r.mixedPrecision.kept.length} weight(s) kept ${r.mixedPrecision.fallback}` : '';
  const refused = r.written === false ? '; refused by the accuracy floor' : '';
  return [
    {
      metric: `${label} int4-weights: file size`,
      value: r.bytesAfter / 1e6,
      unit: 'MB',
      baseline: r.bytesBefore / 1e6,
      baselineLabel: 'fp32',
      ratio: r.ratio,
      ...(size ? { target: `≤ ${size}×`, pass: r.ratio <= size } : {}),
      note: `${r.changed.length} weight(s) rewritten${mp}${refused}`,
    },
    {
      metric: `${label} int4-weights: p50 latency, batch 1, 1 thread`,
      value: r.latency!.after.p50,
      unit: 'ms',
      baseline: r.latency!.before.p50,
      baselineLabel: 'fp32',
      ratio: r.latency!.ratio,
      ...(latencyTarget ? { target: '≤ 1.0×', pass: r.latency!.ratio <= 1 } : {}),
      note: `kernels ${Object.entries(r.kernels ?? {}).filter(([k]) => /MatMul|Gemm/.test(k)).map(([k, n]) => `${k}×${n}`).join(' ')}`,
    },
    {
      metric: `${label} int4-weights: worst cosine`,
      value: cos(r),
      unit: '',
      target: '≥ 0.99',
      pass: cos(r) >= 0.99,
      note: `cosine ${cos(r).toFixed(5)}${r.written === false ? ' (refused by the accuracy floor)' : ''}; ${r.accuracy!.inputs?.summary ?? ''}${r.accuracy!.outputs.some((o) => o.top1Agreement !== undefined) ? `; top-1 ${r.accuracy!.outputs.map((o) => o.top1Agreement === undefined ? '–' : `${(o.top1Agreement * 100).toFixed(1)}%`).join(', ')}` : ''}`,
    },
  ];
}

/** p50 of interleaved runs of two models in onnxruntime-web (wasm, 1 thread). */
async function webLatency(models: Uint8Array[], feeds: Record<string, Float32Array>, dims: number[], runs: number): Promise<number[]> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'fatal';
  const sessions = await Promise.all(models.map((m) => ort.InferenceSession.create(m, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' })));
  const tensors = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v, dims)]));
  const times = sessions.map(() => [] as number[]);
  try {
    for (const s of sessions) await s.run(tensors);
    for (let r = 0; r < runs; r++) {
      for (const [i, s] of sessions.entries()) {
        const t0 = performance.now();
        await s.run(tensors);
        times[i].push(performance.now() - t0);
      }
    }
  } finally {
    for (const s of sessions) await s.release();
  }
  return times.map((t) => p50(t));
}

const section: BenchSection = {
  name: 'int4',
  description: 'int4-weights (MatMulNBits) vs fp32: file, p50 latency (batch 1, 1 thread), cosine on real inputs; MLP, transformer, PP-OCRv4 rec, onnxruntime-web',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-int4-'));
    const out: BenchRow[] = [];
    const runs = ctx.quick ? 30 : 200;
    const speech = join(ctx.root, '..', 'shared', 'samples', 'speech');
    const lines = join(ctx.root, '..', 'shared', 'samples', 'text-lines');
    try {
      // 4×1024 MLP, batch 1, on speech frames (generated inputs when the samples are absent)
      const mlp = join(dir, 'mlp.onnx');
      await writeOnnx(makeWideMlp({ layers: 4, width: 1024, batch: 1 }), mlp, { externalData: 'inline' });
      const mlpCheck = existsSync(speech) ? { samples: speech, preprocess: parsePreprocessFlags(['audio', 'window=1024']) } : { count: 4 };
      if (!existsSync(speech)) ctx.log(`${speech} absent: the MLP is judged on generated inputs`);
      ctx.log('4×1024 MLP: int4-weights');
      // seeded weights: a near-uniform softmax over 1024 classes, whose top-1 is a toss among near-ties —
      // the cosine gate (default 0.99) judges it, the top-1 figure is in the note
      out.push(...rows('4×1024 MLP', await quantize({ input: mlp, output: join(dir, 'mlp.int4.onnx'), mode: 'int4-weights', check: { ...mlpCheck, runs, threads: 1, minTop1: 0 } }), 0.16));

      // byte-level transformer on text windows
      const tf = join(dir, 'transformer.onnx');
      await writeOnnx(makeTinyTransformer(), tf, { externalData: 'inline' });
      const tokens = join(dir, 'tokens');
      mkdirSync(tokens);
      const text = [join(ctx.root, 'LICENSE'), join(ctx.root, '..', 'shared', 'samples', 'README.md')].filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('\n');
      byteWindows(text, 64, 12).forEach((w, i) => writeFileSync(join(tokens, `text-${i}.npy`), Buffer.from(dump(w, [1, 64]))));
      // logits output (no probabilities: the default floor is cosine ≥ 0.99); the default fallback (8-bit
      // blocks), then float16 as the other modes fall back, which needs a wider budget
      for (const [label, extra, goal] of [
        ['transformer 4×256 (seq 64)', {}, {}],
        ['transformer 4×256 (seq 64), --fallback float16 --max-ratio 0.35', { fallback: 'float16', maxRatio: 0.35 }, { minCosine: 0.99 }],
      ] as const) {
        ctx.log(`byte-level transformer: ${label}`);
        const r = await quantize({ input: tf, output: join(dir, `transformer.int4-${out.length}.onnx`), mode: 'int4-weights', ...extra, check: { samples: tokens, runs: ctx.quick ? 20 : 100, threads: 1, ...goal } });
        out.push(...rows(label, r, undefined, !('fallback' in extra)));
      }

      // PP-OCRv4 recognizer on the real text lines
      const rec = join(ctx.root, 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_PP-OCRv4_rec_infer.onnx');
      if (existsSync(rec) && existsSync(lines)) {
        ctx.log('PP-OCRv4 rec: int4-weights');
        const r = await quantize({ input: rec, output: join(dir, 'rec.int4.onnx'), mode: 'int4-weights', check: { samples: lines, preprocess: parsePreprocessFlags(['paddleocr-rec']), runs: ctx.quick ? 10 : 40, threads: 1 } });
        // not MatMul-heavy: Conv dominates its time too, so no latency target
        out.push(...rows('PP-OCRv4 rec', r, undefined, false).map((row) => (row.metric.endsWith('file size') ? { ...row, note: `${row.note}; Conv weights (62% of the file) stay float` } : row)));
      } else ctx.log(`skip PP-OCRv4 rec: ${existsSync(rec) ? lines : rec} absent`);

      // onnxruntime-web runs the same file: MatMulNBits against fp32 in wasm
      ctx.log('onnxruntime-web: 4×1024 MLP int4 vs fp32');
      const fp: ModelProto = makeWideMlp({ layers: 4, width: 1024, batch: 1 });
      const q: ModelProto = makeWideMlp({ layers: 4, width: 1024, batch: 1 });
      rewriteInt4(q, {});
      const x = Float32Array.from({ length: 1024 }, (_, i) => Math.sin(i / 7) * 0.5);
      const [f32, i4] = await webLatency([await encodeOnnx(fp), await encodeOnnx(q)], { input: x }, [1, 1024], ctx.quick ? 10 : 30);
      out.push({
        metric: '4×1024 MLP int4-weights in onnxruntime-web (wasm, 1 thread): p50 latency, batch 1',
        value: i4,
        unit: 'ms',
        baseline: f32,
        baselineLabel: 'fp32, same runtime',
        ratio: i4 / f32,
        note: 'same outputs as onnxruntime-node, but no fast wasm kernel: dlpack bundle warns for wasm runtimes',
      });
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;
