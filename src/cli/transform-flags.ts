/**
 * Flags shared by `dlpack quantize` and `dlpack convert`: the accuracy check and latency, and the
 * parsing of their numeric values into CheckOptions.
 */
import { Flags } from '@oclif/core';
import { DlpackError } from '../errors/dlpack-error.js';
import type { CheckOptions } from '../transforms/transform-options.js';

export const checkFlags = {
  check: Flags.boolean({ description: 'compare the new model with the original on the same inputs (--no-check skips it)', default: true, allowNo: true }),
  shape: Flags.string({ description: 'concrete shape of an input with symbolic dims: name=1,3,224,224 (repeatable; other symbolic dims are 1)', multiple: true }),
  inputs: Flags.string({ description: 'JSON file of inputs {name: {dims, data}} instead of generated ones' }),
  samples: Flags.integer({ description: 'generated input samples compared', default: 5, min: 1 }),
  seed: Flags.integer({ description: 'seed of the generated inputs', default: 1 }),
  runs: Flags.integer({ description: 'timed runs of each model for p50 latency (0: none)', default: 20, min: 0 }),
  'max-error': Flags.string({ description: 'fail (exit 1) when any output differs by more than this (max abs error)' }),
  'min-cosine': Flags.string({ description: 'fail (exit 1) when any output has a lower cosine similarity, e.g. 0.99' }),
  backend: Flags.string({ description: 'runtime backend for the check (TF.js: node | wasm | cpu; ONNX: cpu)' }),
  threads: Flags.integer({ description: 'intra-op threads of the runtime', min: 1 }),
};

function positive(value: string | undefined, flag: string, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new DlpackError('USAGE', `--${flag} must be a number${max === 1 ? ' between 0 and 1' : ' ≥ 0'}, got "${value}"`);
  return n;
}

export function toCheckOptions(flags: {
  check: boolean;
  shape?: string[];
  inputs?: string;
  samples: number;
  seed: number;
  runs: number;
  'max-error'?: string;
  'min-cosine'?: string;
  backend?: string;
  threads?: number;
}): CheckOptions {
  return {
    enabled: flags.check,
    shape: flags.shape,
    inputsFile: flags.inputs,
    samples: flags.samples,
    seed: flags.seed,
    runs: flags.runs,
    maxError: positive(flags['max-error'], 'max-error'),
    minCosine: positive(flags['min-cosine'], 'min-cosine', 1),
    backend: flags.backend,
    threads: flags.threads,
  };
}
