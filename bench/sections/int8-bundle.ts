/**
 * int8-bundle: `int8-weights` bundled for aws-lambda against the fp32 bundle of the same model, in
 * the same run, through dlpack's own emulator (`dlpack bench <zip>`, 1769 MB = 1 vCPU, 1 thread):
 * zip size, warm p50, cold start (INIT + first invocation) and peak memory. The bundled handler
 * opens the weight-only QDQ model with session.disable_quant_qdq=1 (src/runtimes/ort-session-config.ts),
 * so ORT dequantizes the weights once at session creation; the rows say what that costs at cold
 * start and what the same int8 file costs per request without it (session creation and warm p50
 * of plain onnxruntime-node sessions, interleaved).
 *
 * The model is a 12×2048 MLP (201 MB float32, near Lambda's 250 MB unzipped limit with the runtime,
 * the case int8 is for): the zip also carries libonnxruntime.so.1 (~17.9 MB deflated), a fixed cost
 * that only a model this size makes small next to the weights (≤ 0.35× needs ≥ ~150 MB of float32
 * weights; a 16 MB model's bundle shrinks to ~0.66×). The model-only ratio is in the note.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { p50, type BenchRow, type BenchSection } from '../harness.js';
import { makeWideMlp } from '../../fixtures/make-onnx.js';
import { writeOnnx } from '../../src/formats/onnx/index.js';
import { FOLD_QDQ_WEIGHTS } from '../../src/runtimes/ort-session-config.js';
import { loadOrt } from '../../src/runtimes/onnxruntime-session.js';
import { quantizeModel } from '../../src/transforms/quantize-model.js';

/** Session creation (ms, median) and warm p50 (ms) of each model in plain onnxruntime-node sessions, interleaved. */
async function sessions(models: { path: string; extra?: Record<string, string> }[], creates: number, runs: number, width: number) {
  const ort = await loadOrt();
  const x = new ort.Tensor('float32', Float32Array.from({ length: width }, (_, i) => Math.sin(i / 7) * 0.5), [1, width]);
  const createMs: number[][] = models.map(() => []);
  const open = (m: (typeof models)[number]) =>
    ort.InferenceSession.create(m.path, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...(m.extra ? { extra: m.extra } : {}) });
  for (let c = 0; c < creates; c++) {
    for (const [i, m] of models.entries()) {
      const t0 = performance.now();
      const s = await open(m);
      createMs[i].push(performance.now() - t0);
      await s.release();
    }
  }
  const open2 = await Promise.all(models.map(open));
  const warm: number[][] = models.map(() => []);
  try {
    for (const s of open2) await s.run({ input: x });
    for (let r = 0; r < runs; r++) {
      for (const [i, s] of open2.entries()) {
        const t0 = performance.now();
        await s.run({ input: x });
        warm[i].push(performance.now() - t0);
      }
    }
  } finally {
    for (const s of open2) await s.release();
  }
  return models.map((_, i) => ({ createMs: p50(createMs[i]), warmP50: p50(warm[i]) }));
}

const section: BenchSection = {
  name: 'int8-bundle',
  description: 'int8-weights bundled for aws-lambda vs the fp32 bundle (dlpack bench emulator): zip, warm p50, cold start, memory; the load-time dequantization cost',
  async run(ctx) {
    const { bundleModel } = await import('../../src/bundle/index.js');
    const { runBench } = await import('../../src/sim/run-bench.js');
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-int8-bundle-'));
    const layers = 12;
    const width = 2048;
    try {
      ctx.log(`${layers}×${width} MLP: writing fp32, quantizing int8-weights`);
      const fp32 = join(dir, 'mlp.onnx');
      await writeOnnx(makeWideMlp({ layers, width, batch: 1 }), fp32, { externalData: 'inline' });
      const int8 = join(dir, 'mlp.int8.onnx');
      await quantizeModel({ input: fp32, output: int8, mode: 'int8-weights', check: { enabled: false, runs: 0 } });

      ctx.log('bundling both for aws-lambda');
      const bundles = [];
      for (const [name, model] of [['fp32', fp32], ['int8', int8]] as const) {
        bundles.push(await bundleModel({ model, target: 'aws-lambda', out: join(dir, `${name}-fn`), memoryMb: 1769 }));
      }
      const [bf, bi] = bundles;
      const folded = (bi.notes ?? []).some((n) => n.includes('session.disable_quant_qdq'));

      // the emulator in short paired rounds (fp32 and int8 back to back, which goes first alternating):
      // inference on 201 MB of weights at batch 1 is memory-bound, so other work on the machine moves
      // both figures; each round's int8/fp32 ratio sees the same load, and the verdict is their median
      const cold = ctx.quick ? 1 : 2;
      const warmN = ctx.quick ? 10 : 20;
      type Config = Awaited<ReturnType<typeof runBench>>['configurations'][number];
      const results: { fp32: Config[]; int8: Config[] } = { fp32: [], int8: [] };
      const rounds = ctx.quick ? 2 : 6;
      for (let round = 0; round < rounds; round++) {
        const order = [['fp32', bf], ['int8', bi]] as const;
        for (const [name, b] of round % 2 ? [...order].reverse() : order) {
          ctx.log(`dlpack bench ${name} bundle (round ${round + 1}/${rounds})`);
          const r = await runBench({ input: b.zipPath!, targets: ['aws-lambda'], memory: '1769', cold, warm: warmN });
          results[name].push(r.configurations[0]);
        }
      }
      const fig = (name: 'fp32' | 'int8', f: (c: Config) => number) => p50(results[name].map(f));
      const paired = (f: (c: Config) => number) => p50(results.int8.map((c, i) => f(c) / f(results.fp32[i])));
      // warm figures: the emulator's load-robust estimate (at 1 vCPU, the CPU time of each call)
      const warmF = fig('fp32', (c) => c.warmMs.p50);
      const warmI = fig('int8', (c) => c.warmMs.p50);
      const warmRatio = paired((c) => c.warmMs.p50);
      const coldF = fig('fp32', (c) => c.coldTotalMs.p50);
      const coldI = fig('int8', (c) => c.coldTotalMs.p50);
      const initF = fig('fp32', (c) => c.initMs.p50);
      const initI = fig('int8', (c) => c.initMs.p50);
      const memF = fig('fp32', (c) => c.peakMemoryMb);
      const memI = fig('int8', (c) => c.peakMemoryMb);

      // plain sessions: what folding costs at creation, and what the int8 file costs per request without it
      ctx.log('session creation and warm p50: fp32, int8 folded at load, int8 without the option');
      const [sf, sFold, sPlain] = await sessions([{ path: fp32 }, { path: int8, extra: FOLD_QDQ_WEIGHTS }, { path: int8 }], ctx.quick ? 2 : 5, ctx.quick ? 10 : 30, width);

      const modelRatio = statSync(int8).size / statSync(fp32).size;
      return [
        {
          metric: `aws-lambda zip: ${layers}×${width} MLP int8-weights`,
          value: bi.zipBytes! / 1e6,
          unit: 'MB',
          baseline: bf.zipBytes! / 1e6,
          baselineLabel: 'fp32 bundle',
          ratio: bi.zipBytes! / bf.zipBytes!,
          target: '≤ 0.35×',
          pass: bi.zipBytes! / bf.zipBytes! <= 0.35,
          note: `model file ${modelRatio.toFixed(3)}× fp32; the rest is the runtime (libonnxruntime.so.1, the binding, the handler)`,
        },
        {
          metric: 'aws-lambda 1769 MB: int8-weights bundle warm p50 (dlpack bench)',
          value: warmI,
          unit: 'ms',
          baseline: warmF,
          baselineLabel: 'fp32 bundle',
          ratio: warmRatio,
          target: '≤ 1.05×',
          pass: warmRatio <= 1.05,
          note: `${folded ? 'handler sets session.disable_quant_qdq=1' : 'NO session option in the handler'}; ${results.int8[0].backend ?? ''}; ratio: median of ${rounds} paired rounds (${results.int8.map((c, i) => (c.warmMs.p50 / results.fp32[i].warmMs.p50).toFixed(2)).join(', ')})`,
        },
        {
          metric: 'aws-lambda 1769 MB: int8-weights bundle cold start (INIT + first invocation, p50)',
          value: coldI,
          unit: 'ms',
          baseline: coldF,
          baselineLabel: 'fp32 bundle',
          ratio: coldI / coldF,
          note: `INIT ${initI.toFixed(0)} ms vs ${initF.toFixed(0)} ms; peak memory ${memI} MB vs ${memF} MB (the weights are float32 once loaded)`,
        },
        {
          metric: 'session creation: int8-weights, dequantized once at load (session.disable_quant_qdq=1)',
          value: sFold.createMs,
          unit: 'ms',
          baseline: sf.createMs,
          baselineLabel: 'fp32',
          ratio: sFold.createMs / sf.createMs,
          note: `${(sFold.createMs - sPlain.createMs).toFixed(0)} ms more than the same int8 file without the option (${sPlain.createMs.toFixed(0)} ms): the cold-start cost of folding; warm p50 ${sFold.warmP50.toFixed(2)} vs ${sf.warmP50.toFixed(2)} ms fp32`,
        },
        {
          metric: 'int8-weights without the session option (DequantizeLinear per request): warm p50',
          value: sPlain.warmP50,
          unit: 'ms',
          baseline: sf.warmP50,
          baselineLabel: 'fp32',
          ratio: sPlain.warmP50 / sf.warmP50,
          note: 'the penalty the option removes (plain onnxruntime-node sessions, 1 thread, interleaved)',
        },
      ] satisfies BenchRow[];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;
