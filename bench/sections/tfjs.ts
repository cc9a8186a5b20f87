/**
 * tfjs: TF.js weight quantization size ratios (uint8, uint16, float16 against float32 weight
 * bytes, with the accuracy cost) on blazeface and emotion (the fixtures when ../shared is absent),
 * the accuracy-driven uint8/float16 mix (within 0.27× and unconstrained), per-channel uint8 as a
 * graph rewrite (--per-channel, alone and with --equalize + the float16 fallback within 0.27×) with
 * the wasm latency cost of its Mul nodes against plain uint8, and p50 latency of the wasm backend against the pure-JS cpu backend on a real model, measured
 * in this run with runs interleaved between the two.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { BenchRow, BenchSection } from '../harness.js';
import { generateFeeds, resolveInputShapes } from '../../src/accuracy/input-feeds.js';
import { measureLatency } from '../../src/accuracy/latency.js';
import { openTfjsSession } from '../../src/runtimes/tfjs-session.js';
import { quantizeModel } from '../../src/transforms/quantize-model.js';

/** Bytes of every shard a TF.js model JSON names. */
function shardBytes(modelJson: string): number {
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  return json.weightsManifest.flatMap((g) => g.paths).reduce((a, p) => a + statSync(join(dirname(modelJson), p)).size, 0);
}

/** A row for a quantized model that must fit 0.27× of the float32 weight bytes with every output ≥ `goal`. */
function goalRow(metric: string, before: number, after: number, cosines: number[], goal: number, detail: string): BenchRow {
  const met = Math.min(...cosines) >= goal;
  return {
    metric,
    value: after / 1e3,
    unit: 'kB',
    baseline: before / 1e3,
    baselineLabel: 'float32',
    ratio: after / before,
    target: `≤ 0.27× and cosine ≥ ${goal} on every output`,
    pass: after / before <= 0.27 && met,
    note: `${met ? 'goal met' : 'goal NOT met'}; ${detail}; cosines ${cosines.map((c) => c.toFixed(4)).join(', ')}`,
  };
}

const TARGETS = { uint8: 0.27, uint16: 0.52, float16: 0.52 } as const;

const section: BenchSection = {
  name: 'tfjs',
  description: 'TF.js quantize size ratios (uint8/uint16/float16, accuracy-driven uint8+float16 mix) and wasm vs pure-JS cpu p50 latency',
  async run(ctx) {
    const shared = join(ctx.root, '..', 'shared', 'models', 'tfjs');
    const real = existsSync(shared);
    const models = real
      ? [join(shared, 'blazeface', 'blazeface.json'), join(shared, 'emotion', 'emotion.json')]
      : [join(ctx.root, 'fixtures/models/tfjs-graph/classifier.json'), join(ctx.root, 'fixtures/models/tfjs-layers/model.json')];
    if (!real) ctx.log('../shared/models is absent: using the TF.js fixtures');
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-bench-tfjs-'));
    const rows: BenchRow[] = [];
    try {
      for (const model of models) {
        const name = basename(model, '.json');
        for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
          ctx.log(`${name}: quantize ${dtype}`);
          const out = join(dir, `${name}-${dtype}`);
          const r = await quantizeModel({ input: model, output: out, dtype, check: { count: 2, runs: 0, backend: 'wasm' } });
          const before = shardBytes(model);
          const after = shardBytes(join(out, basename(model)));
          const cos = Math.min(...r.accuracy!.outputs.map((o) => o.cosine));
          rows.push({
            metric: `${name} ${dtype}: weight bytes`,
            value: after / 1e3,
            unit: 'kB',
            baseline: before / 1e3,
            baselineLabel: 'float32',
            ratio: after / before,
            target: `≤ ${TARGETS[dtype]}×`,
            pass: after / before <= TARGETS[dtype],
            note: `min cosine ${cos.toFixed(4)} (${r.accuracy!.backend})`,
          });
        }
      }

      // Accuracy-driven mixed precision (uint8, float16 fallback): within the 0.27× budget,
      // and unconstrained (the smallest ratio the search finds that keeps every output ≥ the goal).
      const goal = real ? 0.99 : 0.9999999;
      for (const model of models) {
        const name = basename(model, '.json');
        for (const maxRatio of [0.27, 1]) {
          ctx.log(`${name}: mixed uint8/float16, goal cosine ≥ ${goal}, budget ${maxRatio}×`);
          const out = join(dir, `${name}-mixed-${maxRatio}`);
          let report;
          try {
            report = await quantizeModel({ input: model, output: out, dtype: 'uint8', fallback: 'float16', maxRatio, check: { count: 2, runs: 0, backend: 'wasm', minCosine: goal } });
          } catch (err) {
            report = (err as { report?: Awaited<ReturnType<typeof quantizeModel>> }).report;
            if (!report) throw err;
          }
          const before = shardBytes(model);
          const after = shardBytes(join(out, basename(model)));
          const cosines = report.accuracy!.outputs.map((o) => o.cosine);
          const kept = report.changed.filter((c) => /kept at float16/.test(c.what)).length;
          rows.push(goalRow(`${name} uint8+float16 mixed, budget ${maxRatio}×: weight bytes`, before, after, cosines, goal, `${kept} weight(s) float16`));
        }
      }

      // Per-channel uint8 (graph models): scales + Mul nodes; alone, and with --equalize and the
      // float16 fallback within the 0.27× budget. Then what the Mul nodes cost on wasm.
      const graphModel = models[0];
      const gname = basename(graphModel, '.json');
      const perChannelOut: string[] = [];
      for (const mixed of [false, true]) {
        const label = mixed ? 'uint8 --per-channel --equalize + float16 fallback, budget 0.27×' : 'uint8 --per-channel';
        ctx.log(`${gname}: ${label}`);
        const out = join(dir, `${gname}-pc${mixed ? '-mixed' : ''}`);
        let report;
        try {
          report = await quantizeModel({
            input: graphModel,
            output: out,
            dtype: 'uint8',
            perChannel: true,
            ...(mixed ? { equalize: true, fallback: 'float16' as const, maxRatio: 0.27 } : {}),
            check: { count: 2, runs: 0, backend: 'wasm', ...(mixed ? { minCosine: goal } : {}) },
          });
        } catch (err) {
          report = (err as { report?: Awaited<ReturnType<typeof quantizeModel>> }).report;
          if (!report) throw err;
        }
        const modelOut = join(out, basename(graphModel));
        perChannelOut.push(modelOut);
        const before = shardBytes(graphModel);
        const after = shardBytes(modelOut);
        const cosines = report.accuracy!.outputs.map((o) => o.cosine);
        const perChannel = report.changed.filter((c) => /per output channel/.test(c.what)).length;
        rows.push(goalRow(`${gname} ${label}: weight bytes (scales included)`, before, after, cosines, goal, `${perChannel} kernel(s) per channel`));
      }
      {
        const runs = ctx.quick ? 10 : 40;
        ctx.log(`${gname}: ${runs} interleaved wasm runs, per-channel (Mul nodes) vs plain uint8`);
        const plain = await openTfjsSession(join(dir, `${gname}-uint8`, basename(graphModel)), { backend: 'wasm' });
        const pc = await openTfjsSession(perChannelOut[0], { backend: 'wasm' });
        try {
          const feeds = generateFeeds(plain.inputs, resolveInputShapes(plain.inputs, {}, graphModel), 1);
          const [p, c] = await measureLatency([plain, pc], [feeds, feeds], runs, 3);
          const muls = (JSON.parse(readFileSync(perChannelOut[0], 'utf8')) as { modelTopology: { node: { op: string }[] } }).modelTopology.node.filter((n) => n.op === 'Mul').length;
          rows.push({
            metric: `${gname} uint8 --per-channel p50 latency, tfjs-backend-wasm`,
            value: c.p50,
            unit: 'ms',
            baseline: p.p50,
            baselineLabel: 'uint8 per tensor (no Mul nodes)',
            ratio: c.p50 / p.p50,
            target: '≤ 1.25×',
            pass: c.p50 / p.p50 <= 1.25,
            note: `${muls} Mul node(s) rescale the kernels at every inference; p90 ${c.p90.toFixed(1)} vs ${p.p90.toFixed(1)} ms, ${runs} runs each`,
          });
        } finally {
          await plain.dispose();
          await pc.dispose();
        }
      }

      const latencyModel = models[0];
      const name = basename(latencyModel, '.json');
      const runs = ctx.quick ? 10 : 40;
      ctx.log(`${name}: ${runs} interleaved runs on wasm and cpu`);
      const wasm = await openTfjsSession(latencyModel, { backend: 'wasm' });
      const cpu = await openTfjsSession(latencyModel, { backend: 'cpu' });
      try {
        const shapes = resolveInputShapes(wasm.inputs, {}, latencyModel);
        const feeds = generateFeeds(wasm.inputs, shapes, 1);
        const [w, c] = await measureLatency([wasm, cpu], [feeds, feeds], runs, 3);
        rows.push({
          metric: `${name} p50 latency, tfjs-backend-wasm`,
          value: w.p50,
          unit: 'ms',
          baseline: c.p50,
          baselineLabel: 'tfjs-backend-cpu (pure JS)',
          ratio: w.p50 / c.p50,
          target: '< 1×',
          pass: w.p50 < c.p50,
          note: `p90 ${w.p90.toFixed(1)} vs ${c.p90.toFixed(1)} ms, ${runs} runs each`,
        });
      } finally {
        await wasm.dispose();
        await cpu.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
export default section;
