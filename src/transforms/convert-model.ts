/**
 * `dlpack convert`: ONNX → optimized ONNX (ORT offline optimization, --optimize), Keras (.h5 /
 * .keras) → TF.js layers model (--to tfjs, in ./tfjs/). Then the shared report and checks, on a
 * staged output moved into place only when they pass. No default accuracy floor here (a
 * conversion is meant to be exact; --min-cosine/--max-error gate it when given).
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import { describeModel } from '../formats/load-model.js';
import { detectModelFile } from '../formats/detect-model.js';
import type { ModelDescription } from '../core/model-description.js';
import type { TransformReport } from '../core/reports/schemas.js';
import { finishTransform, prepareOutput, runStagedTransform, transformInputs } from './finish-transform.js';
import { importOptional } from './quantize-model.js';
import type { ConvertOptions, TransformOutcome } from './transform-options.js';

interface KerasConvertModule {
  convertKerasToTfjs(options: ConvertOptions): Promise<TransformOutcome & { before?: ModelDescription }>;
}

export async function convertModel(options: ConvertOptions): Promise<TransformReport> {
  const kind = await detectModelFile(options.input);
  if (kind === 'onnx') {
    if (options.to) throw new DlpackError('USAGE', `--to ${options.to} converts Keras files; ONNX models take --optimize basic|extended`, { file: options.input });
    if (!options.optimize) throw new DlpackError('USAGE', 'ONNX models need --optimize basic|extended', { file: options.input });
    await prepareOutput(options.input, options.output, 'file');
    const level = options.optimize;
    const { optimizeOnnxFile } = await import('./onnx/quantize-onnx.js');
    const before = await describeModel(options.input);
    const checkInputs = await transformInputs(before, options.input, options.check);
    return runStagedTransform(options.output, 'file', async (staged) => {
      options.onProgress?.(`optimizing with onnxruntime (${level})`);
      const outcome = await optimizeOnnxFile(options.input, staged, level);
      return finishTransform({ kind: 'convert', mode: `optimize-${level}`, input: options.input, output: options.output, staged, before, outcome, check: options.check, checkInputs, onProgress: options.onProgress });
    });
  }
  if (kind === 'keras-h5' || kind === 'keras-v3') {
    if (options.optimize) throw new DlpackError('USAGE', '--optimize is for ONNX models', { file: options.input });
    if (options.to !== 'tfjs') throw new DlpackError('USAGE', 'Keras files need --to tfjs', { file: options.input });
    await prepareOutput(options.input, options.output, 'dir');
    const { convertKerasToTfjs } = await importOptional<KerasConvertModule>(() => import('./tfjs/convert-keras.js'), 'tfjs/convert-keras', 'Keras conversion', options.input);
    return runStagedTransform(options.output, 'dir', async (staged) => {
      const outcome = await convertKerasToTfjs({ ...options, output: staged });
      const before = outcome.before ?? (await describeKerasFallback(options.input));
      return finishTransform({
        kind: 'convert',
        mode: 'keras-to-tfjs',
        input: options.input,
        output: options.output,
        staged,
        before,
        outcome,
        check: { ...options.check, enabled: false, runs: 0 },
        noCheckReason: 'no runtime reads Keras files here, so the converted model is not compared with the original (the tests compare it with an independent forward pass)',
        onProgress: options.onProgress,
      });
    });
  }
  throw new DlpackError('USAGE', 'TF.js models are already converted; use dlpack quantize --dtype to shrink them', { file: options.input });
}

/** A minimal description of a Keras file (its size) when the converter does not supply one. */
async function describeKerasFallback(path: string): Promise<ModelDescription> {
  const { promises: fs } = await import('node:fs');
  const st = await fs.stat(path);
  return { format: 'keras', path, opsets: [], inputs: [], outputs: [], weights: [], ops: [], files: [{ path, bytes: st.size, role: 'model' }] };
}
