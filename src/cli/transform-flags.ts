/**
 * Flags shared by `dlpack quantize` and `dlpack convert`: the accuracy check (its inputs, gates)
 * and latency, and the parsing of their values into CheckOptions.
 */
import { existsSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { parsePreprocessFlags, PRESET_NAMES } from '../accuracy/samples/preprocess-spec.js';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { CheckOptions } from '../transforms/transform-options.js';

export const checkFlags = {
  check: Flags.boolean({ description: 'compare the new model with the original on the same inputs (--no-check skips it)', default: true, allowNo: true }),
  samples: Flags.string({
    description: 'real inputs for the check: an image (PNG, JPEG), audio (WAV), .npy/.npz or inputs JSON file, a folder of them, or a glob ("samples/*.png")',
  }),
  preprocess: Flags.string({
    description: `how sample files become inputs: a preset (${PRESET_NAMES.join(', ')}) and/or key=value (size=48x192, layout=NCHW|NHWC, channels=RGB|BGR|gray, scale=1/255, mean=…, std=…, keep-aspect, multiple-of, max-side, pad, input=NAME, rate, window, hop, max-windows); repeatable`,
    multiple: true,
  }),
  shape: Flags.string({ description: 'concrete shape of an input with symbolic dims: name=1,3,224,224 (repeatable; other symbolic dims are 1)', multiple: true }),
  inputs: Flags.string({ description: 'JSON file of inputs {name: {dims, data}} instead of generated ones' }),
  count: Flags.integer({ description: 'generated input sets compared when no --samples/--inputs are given', default: 5, min: 1 }),
  seed: Flags.integer({ description: 'seed of the generated inputs', default: 1 }),
  runs: Flags.integer({ description: 'timed runs of each model for p50 latency (0: none)', default: 20, min: 0 }),
  'max-error': Flags.string({ description: 'fail (exit 1, nothing written) when any output differs by more than this (max abs error)' }),
  'min-cosine': Flags.string({ description: 'fail (exit 1, nothing written) when any output has a lower cosine similarity; quantize defaults to 0.99, 0 turns it off' }),
  'min-top1': Flags.string({ description: 'fail when top-1 agreement of class-score outputs is lower (0–1); quantize defaults to 0.99 on probability outputs, 0 turns it off' }),
  backend: Flags.string({ description: 'runtime backend for the check (TF.js: node | wasm | cpu; ONNX: cpu)' }),
  threads: Flags.integer({ description: 'intra-op threads of the runtime', min: 1 }),
};

function positive(value: string | undefined, flag: string, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new DlpackError('USAGE', `--${flag} must be a number${max === 1 ? ' between 0 and 1' : ' ≥ 0'}, got "${value}"`);
  return n;
}

/** `--samples 5` was the count of generated inputs before `--samples` took files: say so. */
function samplesPath(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim()) && !existsSync(value)) {
    throw new DlpackError('USAGE', `--samples now takes sample files (a file, folder or glob), not a count; for ${value} generated input sets use --count ${value}`);
  }
  return value;
}

export function toCheckOptions(flags: {
  check: boolean;
  shape?: string[];
  inputs?: string;
  samples?: string;
  preprocess?: string[];
  count: number;
  seed: number;
  runs: number;
  'max-error'?: string;
  'min-cosine'?: string;
  'min-top1'?: string;
  backend?: string;
  threads?: number;
}): CheckOptions {
  const samples = samplesPath(flags.samples);
  if (samples && flags.inputs) throw new DlpackError('USAGE', '--samples and --inputs both give the check its inputs; use one');
  const preprocess = parsePreprocessFlags(flags.preprocess);
  if (preprocess && !samples) throw new DlpackError('USAGE', '--preprocess says how --samples files become inputs; give --samples too');
  return {
    enabled: flags.check,
    shape: flags.shape,
    inputsFile: flags.inputs,
    samples,
    preprocess,
    count: flags.count,
    seed: flags.seed,
    runs: flags.runs,
    maxError: positive(flags['max-error'], 'max-error'),
    minCosine: positive(flags['min-cosine'], 'min-cosine', 1),
    minTop1: positive(flags['min-top1'], 'min-top1', 1),
    backend: flags.backend,
    threads: flags.threads,
  };
}
