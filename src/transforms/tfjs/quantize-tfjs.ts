/**
 * `dlpack quantize <model.json> --dtype uint8|uint16|float16`: the weights tensorflowjs_converter's
 * --quantize_uint8/--quantize_uint16/--quantize_float16 write, for a TF.js graph or layers model
 * already on disk. Only float32 weights are quantized (int32, bool, string and complex weights
 * stay as they are, as in the converter); `--weights` globs choose which ones. Weights that are
 * already quantized are left alone unless `--requantize`, which re-quantizes them from the values
 * tfjs would decode. The topology is copied unchanged, so stock tf.loadGraphModel /
 * tf.loadLayersModel read the result; the folder is written atomically.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { dequantizeWeight } from '../../formats/tfjs/dequantize.js';
import { readTfjs } from '../../formats/tfjs/read-tfjs.js';
import type { TfjsWeight } from '../../formats/tfjs/tfjs-model.js';
import { DEFAULT_SHARD_SIZE_BYTES, writeTfjs } from '../../formats/tfjs/write-tfjs.js';
import { formatBytes } from '../../core/units.js';
import type { QuantizeOptions, TransformOutcome } from '../transform-options.js';
import { weightSelector } from './weight-patterns.js';
import { equalizeDepthwisePointwise } from './cross-layer-equalization.js';
import { chooseMixedPrecision } from './mixed-precision-plan.js';
import { rewritePerChannel, type PerChannelRewrite } from './per-channel-graph.js';
import { encodeWeight, type EncodedWeight } from './weight-encoding.js';
import type { TfjsQuantDType } from './weight-quantization.js';

const realOr = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/** The output is a folder: refuse the input's own folder (its shards would be replaced). */
export function assertNotModelFolder(input: string, output: string): void {
  if (realOr(output) === realOr(dirname(resolve(input)))) {
    throw new DlpackError('OUTPUT', 'output folder is the folder of the input model; choose another -o', { file: output });
  }
}

function describeQuantization(w: TfjsWeight): string {
  const q = w.quantization!;
  if (q.dtype === 'float16') return 'float32 → float16';
  return `float32 → ${q.dtype} (min ${Number(q.min).toPrecision(4)}, scale ${Number(q.scale).toPrecision(4)})`;
}

/** Applies cross-layer equalization to the candidates' values (in place); returns the pairs changed. */
function equalizeCandidates(model: Parameters<typeof equalizeDepthwisePointwise>[0], candidates: { weight: TfjsWeight; values: Float32Array }[]) {
  const values = new Map(candidates.map((c) => [c.weight.name, c.values]));
  const pairs = equalizeDepthwisePointwise(model, values);
  for (const c of candidates) c.values = values.get(c.weight.name)!;
  return pairs;
}

export async function quantizeTfjs(options: QuantizeOptions): Promise<TransformOutcome> {
  const dtype = options.dtype as TfjsQuantDType;
  if (!['uint8', 'uint16', 'float16'].includes(dtype)) {
    throw new DlpackError('USAGE', `--dtype must be uint8, uint16 or float16, not "${String(dtype)}"`, { file: options.input });
  }
  options.onProgress?.('reading the TF.js model');
  let model = await readTfjs(options.input);
  if (options.perChannel) assertPerChannelUsable(model.format, dtype, options.input);
  const selector = weightSelector(options.weights);
  const changed: TransformOutcome['changed'] = [];
  const skipped: TransformOutcome['skipped'] = [];
  let notMatched = 0;
  let requantized = 0;

  options.onProgress?.(`quantizing ${model.weights.length} weights to ${dtype}`);
  const range = options.range ?? 'minmax';
  const candidates: { weight: TfjsWeight; values: Float32Array }[] = [];
  const low = new Map<string, EncodedWeight>();
  for (const w of model.weights) {
    if (!selector.matches(w.name)) {
      notMatched++;
      continue;
    }
    if (w.dtype !== 'float32') {
      skipped.push({ name: w.name, reason: `${w.dtype} weight: only float32 weights are quantized (as tensorflowjs_converter does)` });
      continue;
    }
    if (w.quantization && !options.requantize) {
      skipped.push({ name: w.name, reason: `already stored as ${w.quantization.dtype}; --requantize re-quantizes it from its decoded values` });
      continue;
    }
    candidates.push({ weight: w, values: dequantizeWeight(w) as Float32Array });
  }
  const equalized = options.equalize ? equalizeCandidates(model, candidates) : [];
  const bytesBefore = model.weights.reduce((a, w) => a + w.data.byteLength, 0);
  let perChannel: PerChannelRewrite[] = [];
  if (options.perChannel) {
    const values = new Map(candidates.map((c) => [c.weight.name, c.values]));
    // Depthwise kernels that --equalize balanced keep one range: their channels already match,
    // and a 3×3 depthwise kernel's scales would cost 2/9 of its bytes.
    const rewritten = rewritePerChannel(model, values, new Set(equalized.map((p) => p.depthwise)));
    model = rewritten.model;
    perChannel = rewritten.rewrites;
    for (const c of candidates) c.values = values.get(c.weight.name)!;
  }
  const rewrittenBy = new Map(perChannel.map((r) => [r.weight, r]));
  for (const c of [...candidates]) {
    try {
      low.set(c.weight.name, encodeWeight(c.values, dtype, range));
    } catch (err) {
      const why = (err as Error).message;
      skipped.push({ name: c.weight.name, reason: dtype === 'float16' ? `${why}; left float32` : `${why}; left as it was` });
      candidates.splice(candidates.indexOf(c), 1);
    }
  }
  let encoded = low;
  let mixedNotes: string[] = [];
  const reasons = new Map<string, string>();
  if (options.fallback && options.fallback !== 'none') {
    const mixed = await chooseMixedPrecision(options, model, candidates, low, bytesBefore);
    encoded = mixed.encoded;
    mixedNotes = mixed.notes;
    for (const [n, r] of mixed.reasons) reasons.set(n, r);
  }
  const weights = model.weights.map((w): TfjsWeight => {
    const e = encoded.get(w.name);
    if (!e) return w;
    const out: TfjsWeight = { ...w, data: e.data, quantization: e.quantization };
    const what = e.precision === 'float32' ? 'kept float32' : describeQuantization(out) + (e.clipped ? ` (MSE range, clipped from [${e.clipped.min.toPrecision(4)}, ${e.clipped.max.toPrecision(4)}])` : '');
    const why = reasons.get(w.name);
    const pc = rewrittenBy.get(w.name);
    const perChannelWhat = pc ? `; per output channel: stored ÷ ${pc.channels} float16 scales [${pc.scaleShape.join(', ')}] in ${pc.scale}, ${pc.consumers.join(', ')} reads Mul ${pc.mul}` : '';
    changed.push({
      name: w.name,
      what: (w.quantization ? `re-quantized: ${w.quantization.dtype} → ${what.replace('float32 → ', '')}` : what) + perChannelWhat + (why ? ` — ${why}` : ''),
    });
    if (w.quantization) requantized++;
    return out;
  });

  // Weights kept at a higher precision first, so the report's short list shows them.
  changed.sort((a, b) => Number(reasons.has(b.name)) - Number(reasons.has(a.name)));

  const unused = selector.unused();
  if (unused.length) {
    throw new DlpackError('USAGE', `--weights ${unused.map((p) => `"${p}"`).join(', ')} matched no weight (weights are named like "${model.weights[0]?.name ?? ''}")`, {
      file: options.input,
    });
  }

  options.onProgress?.('writing the quantized model');
  const written = await writeTfjs({ json: model.json, format: model.format, weights, file: model.file }, options.output, {
    shardSizeBytes: options.shardSize ?? DEFAULT_SHARD_SIZE_BYTES,
    modelFileName: basename(options.input),
  });

  const bytesAfter = weights.reduce((a, w) => a + w.data.byteLength, 0);
  const shards = written.files.filter((f) => f.role === 'weights').length;
  const notes = [
    `${dtype === 'float16' ? 'float16' : `affine ${dtype} per tensor, range nudged so 0 is exact`}, as tensorflowjs_converter --quantize_${dtype} writes it${options.fallback && options.fallback !== 'none' ? ` (mixed precision: some weights ${options.fallback})` : ''}; weight bytes ${formatBytes(bytesBefore)} → ${formatBytes(bytesAfter)} (${bytesBefore ? (bytesAfter / bytesBefore).toFixed(3) : '0'}×) in ${shards} shard(s)`,
  ];
  if (options.equalize) {
    notes.push(
      equalized.length
        ? `cross-layer equalization (--equalize): ${equalized.length} depthwise → 1×1 conv kernel pair(s) rescaled per channel (exact in float; ${equalized.map((p) => `${p.depthwise}/${p.pointwise}`).slice(0, 3).join(', ')}${equalized.length > 3 ? ', …' : ''})`
        : 'cross-layer equalization (--equalize): no depthwise → 1×1 conv pair found; nothing rescaled',
    );
  }
  if (options.perChannel) {
    const scaleBytes = perChannel.reduce((a, r) => a + r.channels * 2, 0);
    notes.push(
      perChannel.length
        ? `per-channel (--per-channel): ${perChannel.length} kernel(s) stored divided by per-output-channel max |w| (each channel spans ±1, so one ${dtype} min/scale fits all), with ${perChannel.reduce((a, r) => a + r.channels, 0)} float16 scales (${formatBytes(scaleBytes)}, counted in the ratio) and one Mul node per kernel that stock tfjs runs on the weights at every inference`
        : 'per-channel (--per-channel): no float32 kernel feeding Conv2D/DepthwiseConv2dNative/MatMul (or their fused forms) was selected; nothing rewritten',
    );
  }
  if (range === 'mse') notes.push('affine ranges searched per tensor for the least squared weight error (--range mse): outliers clipped where that lowers it; still one min/scale per tensor');
  notes.push(...mixedNotes);
  if (notMatched) notes.push(`${notMatched} weight(s) not matched by --weights were left as they were`);
  if (requantized) notes.push(`${requantized} already-quantized weight(s) re-quantized from their decoded values (--requantize)`);
  return { outputModel: written.modelFile, changed, skipped, notes };
}

/** `--per-channel` on TF.js is a graph rewrite (Mul nodes), for uint8/uint16 graph models only. */
function assertPerChannelUsable(format: string, dtype: TfjsQuantDType, file: string): void {
  if (format !== 'graph-model') {
    throw new DlpackError(
      'USAGE',
      '--per-channel on TF.js needs a graph model: it adds a scale Const and a Mul node per kernel, and a layers model has no graph to rewrite (its manifest holds one min/scale per tensor)',
      { file },
    );
  }
  if (dtype === 'float16') throw new DlpackError('USAGE', '--per-channel scales affine uint8/uint16 weights; float16 has no scale to share', { file });
}
