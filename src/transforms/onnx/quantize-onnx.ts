/**
 * `dlpack quantize` for ONNX: read, (optionally) pre-optimize, rewrite by mode, write atomically.
 */
import { basename } from 'node:path';
import { DlpackError } from '../../errors/dlpack-error.js';
import { readOnnx, writeOnnx, type OnnxModel } from '../../formats/onnx/index.js';
import type { QuantizeOptions, TransformOutcome } from '../transform-options.js';
import { convertToFloat16 } from './convert-fp16.js';
import { optimizeOnnx } from './optimize-onnx.js';
import { countNodes } from './prune-initializers.js';
import { quantizeDynamic } from './quantize-dynamic.js';
import { quantizeWeightsInt8 } from './quantize-weights.js';
import type { RewriteResult } from './transform-result.js';

export async function quantizeOnnx(options: QuantizeOptions): Promise<TransformOutcome> {
  const progress = options.onProgress ?? (() => {});
  progress('reading the model');
  let model: OnnxModel = await readOnnx(options.input);
  const hadExternal = model.external.length > 0;
  const nodesBefore = countNodes(model.proto.graph);
  const notes: string[] = [];
  if (options.optimize) {
    progress('optimizing with onnxruntime (basic)');
    const opt = await optimizeOnnx(options.input, 'basic');
    model = opt.model;
    notes.push(`pre-optimized with ONNX Runtime (basic): ${opt.nodesBefore} → ${opt.nodesAfter} nodes`);
  }
  progress(`rewriting the graph (${options.mode})`);
  const selection = { opTypes: options.opTypes, excludeNodes: options.excludeNodes, minElements: options.minElements };
  let result: RewriteResult;
  switch (options.mode) {
    case 'int8-weights':
      result = quantizeWeightsInt8(model.proto, { ...selection, perChannel: options.perChannel, symmetric: options.symmetric, reduceRange: options.reduceRange });
      break;
    case 'int8-dynamic':
      result = quantizeDynamic(model.proto, { ...selection, perChannel: options.perChannel, symmetric: options.symmetric, reduceRange: options.reduceRange, kernels: options.kernels });
      break;
    case 'fp16':
      result = convertToFloat16(model.proto, { keepIoTypes: options.keepIoTypes, blockOps: options.blockOps, opTypes: options.opTypes, excludeNodes: options.excludeNodes });
      break;
    default:
      throw new DlpackError('USAGE', `unknown ONNX quantization mode "${options.mode}"`, { hint: 'use --mode int8-weights, int8-dynamic or fp16' });
  }
  if (result.changed.length === 0) notes.push('nothing was quantized: no tensor matched the mode and options');
  progress('writing the model');
  await writeOnnx(model, options.output, { externalData: hadExternal ? { file: `${basename(options.output)}.data` } : 'inline' });
  return {
    outputModel: options.output,
    changed: result.changed,
    skipped: result.skipped,
    notes: [...notes, ...result.notes],
    nodes: { before: nodesBefore, after: countNodes(model.proto.graph) },
  };
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
