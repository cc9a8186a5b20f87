/**
 * `dlpack quantize` for ONNX: read, (optionally) pre-optimize, measure what the mode needs on the
 * check's inputs (fp16: activations float16 cannot hold; int8-weights with samples: the mean input
 * of each layer, for bias correction), rewrite by mode, and — with --fallback, or when the default
 * accuracy floor is missed — search the mixed precision that meets the goal. Then write.
 */
import { basename } from 'node:path';
import { adaptFeeds, compareRuns, type AccuracyGates } from '../../accuracy/accuracy-check.js';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { decodeOnnxBytes, encodeOnnx, readOnnx, writeOnnx, type ModelProto, type OnnxModel } from '../../formats/onnx/index.js';
import type { TensorData } from '../../runtimes/runtime.js';
import type { QuantizeOptions, TransformOutcome } from '../transform-options.js';
import { measurableTensors } from './activation-stats.js';
import { applyBiasCorrection, type QuantizedWeight } from './bias-correction.js';
import { convertToFloat16 } from './convert-fp16.js';
import { prepare, type Prepared } from './mode-measurements.js';
import { searchOnnxMixedPrecision, type KeepMap, type MixedUnit } from './mixed-precision-onnx.js';
import { fp16Units, int8Units } from './mixed-precision-units.js';
import { optimizeOnnx } from './optimize-onnx.js';
import { upgradeForPerChannel } from './opset-upgrade.js';
import { dropSuffix, float16Params, tidyOptimized } from './compact-graph.js';
import { countNodes, pruneUnusedInitializers } from './prune-initializers.js';
import { quantizeDynamic } from './quantize-dynamic.js';
import { checkInt4Options, int4Units, rewriteInt4 } from './quantize-int4.js';
import { quantizeWeightsInt8 } from './quantize-weights.js';
import { FOLD_QDQ_WEIGHTS } from '../../runtimes/ort-session-config.js';
import { prepareStatic, rewriteStatic, type StaticPrepared } from './static-mode.js';
import type { RewriteResult } from './transform-result.js';

/** Default mixed-precision budget (file bytes as a fraction of the input's). */
export const DEFAULT_ONNX_MAX_RATIO = { 'int8-weights': 0.3, 'int8-dynamic': 1, 'int8-static': 0.3, fp16: 0.52, 'int4-weights': 0.25 } as const;
/** The int8 modes keep units in float only (checkFallback refuses --fallback int8 for them). */
function floatOnly(keep: KeepMap): Map<string, { precision: 'float32' | 'float16'; reason: string }> {
  for (const [name, k] of keep) if (k.precision === 'int8') throw new Error(`internal: ${name} kept int8 outside int4-weights`);
  return keep as Map<string, { precision: 'float32' | 'float16'; reason: string }>;
}

/** Rewrites `proto` in place by mode, keeping the units in `keep` at higher precision. */
function rewrite(proto: ModelProto, options: QuantizeOptions, prepared: Prepared, keep: KeepMap = new Map()): RewriteResult {
  const selection = { opTypes: options.opTypes, excludeNodes: options.excludeNodes, minElements: options.minElements };
  switch (options.mode) {
    case 'int8-weights': {
      const record = prepared.means ? new Map<string, QuantizedWeight>() : undefined;
      const result = quantizeWeightsInt8(proto, { ...selection, perChannel: options.perChannel, symmetric: options.symmetric, reduceRange: options.reduceRange, keep: floatOnly(keep), record });
      if (record && prepared.means) {
        const bc = applyBiasCorrection(proto, record, prepared.means);
        pruneUnusedInitializers(proto); // the biases replaced by their corrected copies
        dropSuffix(proto, '_corrected');
        if (bc.corrected.length) {
          result.notes.push(`bias correction: ${bc.corrected.length} layer bias(es) shifted by the mean error of their int8 weight on the check inputs (--no-bias-correction turns it off)`);
        }
        if (bc.skipped.length) result.notes.push(`bias correction skipped for ${bc.skipped.length} layer(s): ${bc.skipped.slice(0, 3).map((s) => `${s.name} (${s.reason})`).join(', ')}${bc.skipped.length > 3 ? ', …' : ''}`);
      }
      const halved = float16Params(proto);
      if (halved) result.notes.push(`${halved} per-channel scale/bias vector(s) stored as float16 with a Cast (folded by ONNX Runtime at load)`);
      return result;
    }
    case 'int8-dynamic':
      return quantizeDynamic(proto, { ...selection, perChannel: options.perChannel, symmetric: options.symmetric, reduceRange: options.reduceRange, kernels: options.kernels, keep: floatOnly(keep) });
    case 'int4-weights':
      return rewriteInt4(proto, options, keep);
    case 'int8-static':
      return rewriteStatic(proto, options, prepared as StaticPrepared, floatOnly(keep));
    case 'fp16': {
      const keepFloat32 = new Map(prepared.keepFloat32);
      for (const [n, k] of keep) keepFloat32.set(n, k.reason);
      return convertToFloat16(proto, { keepIoTypes: options.keepIoTypes, blockOps: options.blockOps, opTypes: options.opTypes, excludeNodes: options.excludeNodes, keepFloat32 });
    }
    default:
      throw new DlpackError('USAGE', `unknown ONNX quantization mode "${options.mode}"`, { hint: 'use --mode int8-weights, int8-dynamic, fp16 or int4-weights' });
  }
}

export async function quantizeOnnx(options: QuantizeOptions): Promise<TransformOutcome> {
  const progress = options.onProgress ?? (() => {});
  progress('reading the model');
  let model: OnnxModel = await readOnnx(options.input);
  const hadExternal = model.external.length > 0;
  const nodesBefore = countNodes(model.proto.graph);
  const notes: string[] = [];
  // int8-weights, int8-static and fp16 start from ORT's basic optimization by default, as ORT's
  // quant_pre_process does (BatchNormalization folded into Conv, Constant nodes into initializers);
  // not int4-weights: basic fusion turns MatMul + Add into Gemm, which MatMulNBits cannot replace
  const optimize = options.optimize ?? (options.mode === 'int8-dynamic' || options.mode === 'int4-weights' ? 'none' : 'auto');
  if (optimize !== 'none') {
    progress('optimizing with onnxruntime (basic)');
    const opt = await optimizeOnnx(options.input, 'basic').catch((err: unknown) => {
      if (optimize === 'auto' && err instanceof DlpackError && err.code === 'RUNTIME' && /not installed|failed to load/.test(err.message)) return undefined;
      throw err;
    });
    if (opt) {
      model = opt.model;
      tidyOptimized(model.proto);
      notes.push(`pre-optimized with ONNX Runtime (basic${optimize === 'auto' ? ', the default; --optimize none skips it' : ''}): ${opt.nodesBefore} → ${opt.nodesAfter} nodes`);
    } else {
      notes.push('not pre-optimized: the offline optimizer needs onnxruntime-node (BatchNormalization stays unfolded)');
    }
  }
  if (options.mode === 'int8-weights') {
    const up = upgradeForPerChannel(model.proto, options.input);
    if (up) notes.push(up);
  }
  checkFallback(options);
  checkInt4Options(options);
  const baseBytes = await encodeOnnx(model);
  const fresh = () => decodeOnnxBytes(baseBytes, options.input);
  const prepared = options.mode === 'int8-static' ? await prepareStatic(model.proto, options) : await prepare(model.proto, options);
  notes.push(...prepared.notes);
  progress(`rewriting the graph (${options.mode})`);
  let proto = await fresh();
  let result = rewrite(proto, options, prepared);
  let mixedPrecision: TransformOutcome['mixedPrecision'];
  const mixed = await maybeMixedPrecision(options, model.proto, baseBytes.length, proto, result, prepared, fresh);
  if (mixed) {
    ({ proto, result, mixedPrecision } = mixed);
    notes.push(...mixed.notes);
  }
  if (result.changed.length === 0) notes.push('nothing was quantized: no tensor matched the mode and options');
  progress('writing the model');
  await writeOnnx(proto, options.output, { externalData: hadExternal ? { file: `${basename(options.output)}.data` } : 'inline' });
  return {
    outputModel: options.output,
    changed: result.changed,
    skipped: result.skipped,
    notes: [...notes, ...result.notes],
    nodes: { before: nodesBefore, after: countNodes(proto.graph) },
    mixedPrecision,
  };
}

function checkFallback(options: QuantizeOptions): void {
  const f = options.fallback;
  if (!f || f === 'none') return;
  const file = options.input;
  if (f === 'uint16') throw new DlpackError('USAGE', '--fallback uint16 is for TF.js; ONNX falls back to float32 or float16', { file });
  if (f === 'int8' && options.mode !== 'int4-weights') throw new DlpackError('USAGE', `--fallback int8 is for --mode int4-weights (8-bit MatMulNBits blocks); ${options.mode} falls back to float16 or float32`, { file });
  if (options.mode === 'int8-static' && f === 'float16') throw new DlpackError('USAGE', '--fallback float16 is for weight-only modes; int8-static keeps nodes float32 (--fallback float32)', { file });
  if (options.mode === 'fp16' && f === 'float16') throw new DlpackError('USAGE', '--fallback float16 is no wider than --mode fp16; use --fallback float32', { file });
  if (options.check?.enabled === false) throw new DlpackError('USAGE', '--fallback needs the accuracy check; drop --no-check', { file });
  if (options.check?.minCosine === undefined && options.check?.minTop1 === undefined && options.check?.maxError === undefined) {
    throw new DlpackError('USAGE', `--fallback ${f} needs a goal: --min-cosine (e.g. 0.99) and/or --min-top1`, { file });
  }
}

/** Runs the mixed-precision search when asked (--fallback) or when the default floor is missed. */
async function maybeMixedPrecision(
  options: QuantizeOptions,
  original: ModelProto,
  inputBytes: number,
  proto: ModelProto,
  result: RewriteResult,
  prepared: Prepared,
  fresh: () => Promise<ModelProto>,
) {
  const check = options.check ?? {};
  const feeds = options.checkInputs?.feeds;
  const explicit = options.fallback !== undefined && options.fallback !== 'none';
  const auto = options.fallback === undefined && (check.defaults?.length ?? 0) > 0;
  if ((!explicit && !auto) || check.enabled === false || !feeds?.length) return undefined;
  const goal: AccuracyGates = { minCosine: check.minCosine, minTop1: check.minTop1, maxError: check.maxError, defaults: check.defaults };
  const mode = options.mode!;
  // the default search keeps int8 units as float16 weights (half the bytes of float32, as exact for these weights)
  // int4-weights keeps units as 8-bit MatMulNBits blocks (a quarter of float32, as fast as int4)
  const fallback = explicit ? (options.fallback as 'float32' | 'float16' | 'int8') : mode === 'fp16' || mode === 'int8-static' ? 'float32' : mode === 'int4-weights' ? 'int8' : 'float16';
  const maxRatio = options.maxRatio ?? DEFAULT_ONNX_MAX_RATIO[mode];
  if (!(maxRatio > 0)) throw new DlpackError('USAGE', `--max-ratio must be a number > 0, got ${maxRatio}`, { file: options.input });

  // the original's outputs on the check's inputs, computed once
  const { openOnnxSession } = await import('../../runtimes/onnxruntime-session.js');
  // candidates run as the check and the bundled handler will run them (int8 QDQ weights folded at load)
  const sessionConfig = mode === 'int8-weights' ? FOLD_QDQ_WEIGHTS : undefined;
  const origBytes = await encodeOnnx(original);
  const session = await openOnnxSession(origBytes, { threads: check.threads, label: options.input });
  const reference: Record<string, TensorData>[] = [];
  const outputNames = session.outputs.map((o) => o.name);
  try {
    for (const f of feeds) reference.push(await session.run(adaptFeeds(f, session.inputs)));
  } finally {
    await session.dispose();
  }
  const firstBytes = await encodeOnnx(proto);
  if (auto) {
    // the plain result first: no search when it already meets the floor
    const s = await openOnnxSession(firstBytes, { threads: check.threads, label: options.output, sessionConfig });
    const gots: Record<string, TensorData>[] = [];
    try {
      for (const f of feeds) gots.push(await s.run(adaptFeeds(f, s.inputs)));
    } finally {
      await s.dispose();
    }
    const outs = compareRuns(outputNames, reference, gots);
    const { goalShortfall } = await import('./mixed-precision-onnx.js');
    if (goalShortfall(outs, goal) === 0 || outs.some((o) => o.degenerate)) return undefined;
  }
  const floatTensors = new Set(measurableTensors(original));
  for (const i of original.graph?.input ?? []) if (i.name) floatTensors.add(i.name);
  let units: MixedUnit[];
  if (mode === 'fp16') units = fp16Units(original, floatTensors, new Set(result.skipped.map((s) => s.name)));
  else if (mode === 'int4-weights') units = int4Units(original, result.changed.map((c) => c.name), floatTensors, fallback, options);
  else units = int8Units(original, result.changed.map((c) => c.name), mode === 'int8-weights' ? 'weight' : 'node', floatTensors, fallback === 'float32' ? 3 : 1);
  const budget = Math.max(maxRatio * inputBytes, firstBytes.length);
  const r = await searchOnnxMixedPrecision({
    original,
    units,
    fallback,
    low: mode === 'fp16' ? 'float16' : mode === 'int4-weights' ? 'int4' : 'int8',
    goal,
    maxBytes: budget,
    feeds,
    outputNames,
    reference,
    threads: check.threads,
    sessionConfig,
    onProgress: options.onProgress,
    async build(keep) {
      const p = await fresh();
      rewrite(p, options, prepared, keep);
      return { proto: p, bytes: await encodeOnnx(p) };
    },
  });
  const finalProto = await fresh();
  const finalResult = rewrite(finalProto, options, prepared, r.keep);
  const digits = (x: number) => x.toFixed(4);
  const minCos = (o: typeof r.outputs) => digits(Math.min(...o.map((x) => x.cosine)));
  const why = explicit ? `--fallback ${fallback}` : `the default accuracy floor was missed at plain ${mode} (--fallback none fails instead)`;
  const notes = [
    `mixed precision (${why}; goal ${goalText(goal)} on every output, budget ${(budget / inputBytes).toFixed(3)}× of the input file): ${r.keep.size} of ${units.length} unit(s) kept ${fallback}; min cosine ${minCos(r.baseline)} → ${minCos(r.outputs)}; ${r.measured} candidate model(s) measured`,
  ];
  if (!r.met) {
    notes.push(
      `goal not met within --max-ratio ${maxRatio}${r.overBudget.length ? `: ${r.overBudget.length} more unit(s) that help did not fit (${r.overBudget.slice(0, 4).join(', ')}${r.overBudget.length > 4 ? ', …' : ''})` : ''}; raise --max-ratio or relax the goal`,
    );
  }
  return {
    proto: finalProto,
    result: finalResult,
    notes,
    mixedPrecision: {
      fallback,
      goal: { minCosine: goal.minCosine, minTop1: goal.minTop1 },
      maxRatio: budget / inputBytes,
      met: r.met,
      measured: r.measured,
      kept: [...r.keep].map(([name, k]) => ({ name, precision: k.precision, reason: k.reason })),
    } satisfies TransformOutcome['mixedPrecision'],
  };
}

function goalText(g: AccuracyGates): string {
  const parts: string[] = [];
  if (g.minCosine !== undefined) parts.push(`cosine ≥ ${g.minCosine}`);
  if (g.minTop1 !== undefined) parts.push(`top-1 ≥ ${g.minTop1 * 100}%${g.defaults?.includes('minTop1') ? ' on probability outputs' : ''}`);
  if (g.maxError !== undefined) parts.push(`max abs error ≤ ${g.maxError}`);
  return parts.join(', ');
}

/** `dlpack convert --optimize` for ONNX. */
export async function optimizeOnnxFile(input: string, output: string, level: 'basic' | 'extended'): Promise<TransformOutcome> {
  const opt = await optimizeOnnx(input, level);
  // external data stays external (beside the output, <output>.data), as it was in the input
  await writeOnnx(opt.model, output, { externalData: opt.hadExternalData ? { file: `${basename(output)}.data` } : 'inline' });
  const notes = [
    level === 'basic'
      ? 'basic: standard ONNX ops only (constant folding, redundant nodes removed, Conv+BatchNormalization/Add/Mul fused): runs in any ONNX runtime'
      : 'extended: adds ONNX Runtime contrib ops (com.microsoft fused ops): any machine, ONNX Runtime only',
    "ORT's 'all' level is not offered: its NCHWc layout rewrites are sized for this CPU's SIMD width and not portable",
  ];
  if (opt.prunedInitializers.length) notes.push(`${opt.prunedInitializers.length} unused initializer(s)/constant(s) removed (${opt.prunedBytes} bytes)`);
  return {
    outputModel: output,
    changed: [{ name: '(graph)', what: `${opt.nodesBefore} → ${opt.nodesAfter} nodes` }, ...opt.prunedInitializers.map((n) => ({ name: n, what: 'removed (unused)' }))],
    skipped: [],
    notes,
    nodes: { before: opt.nodesBefore, after: opt.nodesAfter },
  };
}
