/**
 * quantize: size and p50 latency ratios of the ONNX modes against fp32, measured in this run.
 * The latency target (int8-dynamic ≤ 0.8× fp32) is on a MatMul-heavy model: a 4-layer MLP,
 * 1024 wide, batch 8 (16 MB of float32 weights). The real models give size and cosine figures.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow, BenchSection } from '../harness.js';
import { makeWideMlp } from '../../fixtures/make-onnx.js';
import { writeOnnx } from '../../src/formats/onnx/index.js';
import { parsePreprocessFlags } from '../../src/accuracy/samples/preprocess-spec.js';
import { CheckFailedError } from '../../src/transforms/finish-transform.js';
import { quantizeModel } from '../../src/transforms/quantize-model.js';
import type { QuantizeOptions } from '../../src/transforms/transform-options.js';

const section: BenchSection = {
  name: 'quantize',
  description: 'ONNX quantize: size and p50 latency vs fp32 (4×1024 MLP, batch 8) and the real models',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-quantize-'));
    const rows: BenchRow[] = [];
    try {
      const wide = join(dir, 'wide-mlp.onnx');
      await writeOnnx(makeWideMlp({ layers: 4, width: 1024, batch: 8 }), wide, { externalData: 'inline' });
      const runs = ctx.quick ? 30 : 200;
      const cases: { label: string; opts: Partial<QuantizeOptions>; size?: [string, number]; latency?: [string, number] }[] = [
        { label: 'int8-dynamic (com.microsoft DynamicQuantizeMatMul)', opts: { mode: 'int8-dynamic', kernels: 'fused' }, size: ['≤ 0.30×', 0.3], latency: ['≤ 0.80×', 0.8] },
        { label: 'int8-dynamic (DynamicQuantizeLinear+MatMulInteger)', opts: { mode: 'int8-dynamic', kernels: 'integer' }, latency: ['≤ 0.80×', 0.8] },
        { label: 'int8-dynamic per-column', opts: { mode: 'int8-dynamic', perChannel: true }, latency: ['≤ 0.80×', 0.8] },
        { label: 'int8-weights (QDQ)', opts: { mode: 'int8-weights' }, size: ['≤ 0.30×', 0.3] },
        { label: 'fp16', opts: { mode: 'fp16' }, size: ['≤ 0.52×', 0.52] },
      ];
      for (const c of cases) {
        ctx.log(`wide MLP: ${c.label}`);
        const output = join(dir, `wide-${rows.length}.onnx`);
        // a speed and size benchmark on generated inputs: the default accuracy floor is off here
        // (the accuracy section judges the defaults on real samples)
        const r = await quantizeModel({ input: wide, output, ...c.opts, check: { count: 2, runs, minCosine: 0, minTop1: 0 } } as QuantizeOptions);
        const cos = Math.min(...r.accuracy!.outputs.map((o) => o.cosine));
        const kernels = Object.entries(r.kernels ?? {}).map(([k, n]) => `${k}×${n}`).join(' ');
        rows.push({
          metric: `4×1024 MLP ${c.label}: file size`,
          value: r.bytesAfter / 1e6,
          unit: 'MB',
          baseline: r.bytesBefore / 1e6,
          baselineLabel: 'fp32',
          ratio: r.ratio,
          ...(c.size ? { target: c.size[0], pass: r.ratio <= c.size[1] } : {}),
        });
        rows.push({
          metric: `4×1024 MLP ${c.label}: p50 latency`,
          value: r.latency!.after.p50,
          unit: 'ms',
          baseline: r.latency!.before.p50,
          baselineLabel: 'fp32',
          ratio: r.latency!.ratio,
          ...(c.latency ? { target: c.latency[0], pass: r.latency!.ratio <= c.latency[1] } : {}),
          note: `cosine ${cos.toFixed(5)}; kernels ${kernels}`,
        });
      }
      const shared = join(ctx.root, '..', 'shared', 'models', 'onnx');
      const samples = join(ctx.root, '..', 'shared', 'samples');
      // judged on the real samples; Silero's int8 weights need the fallback beyond the default 0.30× budget
      const real = [
        { name: 'silero_vad', samples: join(samples, 'speech'), preset: 'audio', maxRatio: 0.5 },
        { name: 'ppocr_cls', samples: join(samples, 'text-lines'), preset: 'paddleocr-cls', maxRatio: undefined },
      ];
      for (const m of real) {
        const input = join(shared, `${m.name}.onnx`);
        if (!existsSync(input)) {
          ctx.log(`skip ${m.name}: ${input} absent`);
          continue;
        }
        for (const [label, opts] of [
          ['int8-weights per-channel (pre-optimized by default)', { mode: 'int8-weights', perChannel: true }],
          ['int8-weights per-channel, --optimize none', { mode: 'int8-weights', perChannel: true, optimize: 'none' }],
          ['fp16 (pre-optimized by default)', { mode: 'fp16' }],
          ['fp16, --optimize none', { mode: 'fp16', optimize: 'none' }],
        ] as const) {
          ctx.log(`${m.name}: ${label}`);
          const output = join(dir, `${m.name}-${rows.length}.onnx`);
          const check = { samples: m.samples, preprocess: parsePreprocessFlags([m.preset]), runs: ctx.quick ? 20 : 100 };
          const r = await quantizeModel({ input, output, ...opts, maxRatio: m.maxRatio, check } as QuantizeOptions).catch((e: unknown) => {
            if (e instanceof CheckFailedError) return e.report;
            throw e;
          });
          const cos = Math.min(...r.accuracy!.outputs.map((o) => o.cosine));
          const min = label.startsWith('fp16') ? 0.999 : 0.99;
          rows.push({
            metric: `${m.name} ${label}: file size`,
            value: r.bytesAfter / 1e6,
            unit: 'MB',
            baseline: r.bytesBefore / 1e6,
            baselineLabel: 'fp32',
            ratio: r.ratio,
            target: `cosine ≥ ${min}`,
            pass: cos >= min,
            note: `cosine ${cos.toFixed(5)}${r.latency ? `, p50 ${r.latency.ratio.toFixed(2)}× fp32` : ''}${r.mixedPrecision ? `, ${r.mixedPrecision.kept.length} kept ${r.mixedPrecision.fallback}` : ''}${r.written === false ? ', refused by the floor' : ''}`,
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
