/**
 * Measures candidate weight sets of one TF.js model for the mixed-precision search: each candidate
 * is written as a real TF.js folder (under os.tmpdir(), removed after) and compared with the
 * original through the shared accuracy check (src/accuracy) — the same runtime, inputs and
 * metrics the final report uses, so the search's last measurement is what the report shows. The
 * original's session is opened once and reused across candidates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runAccuracyCheck } from '../../accuracy/accuracy-check.js';
import type { TfjsModel, TfjsWeight } from '../../formats/tfjs/tfjs-model.js';
import { writeTfjs } from '../../formats/tfjs/write-tfjs.js';
import type { OutputAccuracy } from '../../core/reports/schemas.js';
import type { InferenceSessionLike } from '../../runtimes/runtime.js';
import type { CheckInputs } from '../../accuracy/check-inputs.js';
import type { CheckOptions } from '../transform-options.js';

export interface CandidateChecker {
  /** Compares the model with these weights against the original; `samples` overrides the check's count. */
  measure(weights: TfjsWeight[], samples?: number): Promise<OutputAccuracy[]>;
  /** Accuracy checks run so far. */
  readonly checks: number;
  /** Which runtime measured, e.g. "tfjs (wasm)". */
  readonly backend: string;
  dispose(): Promise<void>;
}

export async function openCandidateChecker(model: TfjsModel, input: string, check: CheckOptions, checkInputs?: CheckInputs): Promise<CandidateChecker> {
  const { openSession } = await import('../../runtimes/open-session.js');
  const options = { backend: check.backend, threads: check.threads };
  const original = await openSession(input, options);
  // The accuracy check disposes both sessions it opened; the original stays open for the next candidate.
  const kept: InferenceSessionLike = {
    backend: original.backend,
    inputs: original.inputs,
    outputs: original.outputs,
    run: (feeds) => original.run(feeds),
    dispose: async () => {},
  };
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-mixed-'));
  let checks = 0;
  let backend = original.backend;
  return {
    get checks() {
      return checks;
    },
    get backend() {
      return backend;
    },
    async measure(weights, samples) {
      const out = join(dir, `candidate-${checks}`);
      try {
        const written = await writeTfjs({ json: model.json, format: model.format, weights, file: model.file }, out, { modelFileName: basename(input) });
        const inputs = checkInputs && samples ? { ...checkInputs, feeds: checkInputs.feeds.slice(0, samples) } : checkInputs;
        const result = await runAccuracyCheck({
          shape: check.shape,
          inputsFile: check.inputsFile,
          samples: check.samples,
          preprocess: check.preprocess,
          seed: check.seed,
          count: samples ?? check.count,
          checkInputs: inputs,
          original: input,
          candidate: written.modelFile,
          runs: 0,
          open: (path) => (path === input ? Promise.resolve(kept) : openSession(path, options)),
        });
        checks++;
        backend = result.accuracy!.backend;
        return result.accuracy!.outputs;
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
      await original.dispose();
    },
  };
}
