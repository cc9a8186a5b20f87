/**
 * The inputs of an accuracy check, resolved once and shared by everything that runs the models on
 * them (the comparison, latency, the transforms that measure activations, the mixed-precision
 * search): sample files (`--samples`, preprocessed per `--preprocess`), an inputs JSON file
 * (`--inputs`), or seeded generated inputs (`--count`, `--seed`).
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { TensorInfo } from '../core/model-description.js';
import type { AccuracyReport } from '../core/reports/schemas.js';
import type { Feeds } from '../runtimes/runtime.js';
import { generateFeeds, parseShapeFlags, readFeedsFile, resolveInputShapes } from './input-feeds.js';
import type { PreprocessSpec } from './samples/preprocess-spec.js';

export interface InputSource {
  /** `--shape name=1,3,224,224` flags. */
  shape?: string[];
  /** `--inputs file.json`: fixed inputs (one set). */
  inputsFile?: string;
  /** `--samples <file|folder|glob>`: real inputs. */
  samples?: string;
  /** How sample files become inputs (`--preprocess`, config `preprocess`). */
  preprocess?: PreprocessSpec;
  /** Generated input sets (default 5). */
  count?: number;
  seed?: number;
}

export interface CheckInputs {
  feeds: Feeds[];
  source: NonNullable<AccuracyReport['inputs']>['source'];
  summary: string;
}

/** Resolves the input sets for a model with these inputs; `model` names the file in errors. */
export async function resolveCheckInputs(inputs: TensorInfo[], src: InputSource, model: string): Promise<CheckInputs> {
  if (typeof src.samples === 'number') {
    throw new DlpackError('USAGE', `samples is the path of sample files now, not a count; for ${src.samples} generated input sets use count: ${src.samples} (--count)`, { file: model });
  }
  if (src.samples) {
    const { loadSampleFeeds } = await import('./samples/sample-feeds.js');
    const shapes = parseShapeFlags(src.shape);
    resolveInputShapes(inputs, shapes, model);
    const r = await loadSampleFeeds(inputs, { samples: src.samples, preprocess: src.preprocess, shapes });
    return { feeds: r.feeds, source: 'samples', summary: r.description.summary };
  }
  if (src.inputsFile) {
    return { feeds: [await readFeedsFile(src.inputsFile, inputs)], source: 'file', summary: `1 input set from ${src.inputsFile}` };
  }
  const shapes = resolveInputShapes(inputs, parseShapeFlags(src.shape), model);
  const n = Math.max(1, src.count ?? 5);
  const seed = src.seed ?? 1;
  return {
    feeds: Array.from({ length: n }, (_, s) => generateFeeds(inputs, shapes, seed, s)),
    source: 'generated',
    summary: `${n} generated input set(s), seed ${seed} (floats N(0,1), rank-4 inputs U[0,1)): fine for a smoke test, not for accuracy — pass --samples`,
  };
}
