/**
 * `dlpack quantize`: dispatch by model kind (ONNX here, TF.js in ./tfjs/), then the shared part —
 * sizes, weight bytes per dtype, the accuracy check and latency on the one runtime interface —
 * and the TransformReport. Throws CHECK_FAILED (with the report attached) when a gate fails.
 */
import { DlpackError } from '../errors/dlpack-error.js';
import { detectModelFile, describeModel } from '../formats/load-model.js';
import type { TransformReport } from '../report/report-schemas.js';
import { finishTransform, prepareOutput } from './finish-transform.js';
import type { QuantizeOptions, TransformOutcome } from './transform-options.js';

const ONNX_MODES = ['int8-weights', 'int8-dynamic', 'fp16'];
const TFJS_DTYPES = ['uint8', 'uint16', 'float16'];

interface TfjsQuantizeModule {
  quantizeTfjs(options: QuantizeOptions): Promise<TransformOutcome>;
}

export async function quantizeModel(options: QuantizeOptions): Promise<TransformReport> {
  const kind = await detectModelFile(options.input);
  await prepareOutput(options.input, options.output);
  let outcome: TransformOutcome;
  let mode: string;
  if (kind === 'onnx') {
    if (options.dtype) throw new DlpackError('USAGE', '--dtype is for TF.js models; for ONNX use --mode int8-weights|int8-dynamic|fp16', { file: options.input });
    if (!options.mode || !ONNX_MODES.includes(options.mode)) {
      throw new DlpackError('USAGE', `ONNX models need --mode (${ONNX_MODES.join(', ')})`, { file: options.input });
    }
    mode = options.mode;
    const { quantizeOnnx } = await import('./onnx/quantize-onnx.js');
    outcome = await quantizeOnnx(options);
  } else if (kind === 'tfjs') {
    if (options.mode) throw new DlpackError('USAGE', '--mode is for ONNX models; for TF.js use --dtype uint8|uint16|float16', { file: options.input });
    if (!options.dtype || !TFJS_DTYPES.includes(options.dtype)) {
      throw new DlpackError('USAGE', `TF.js models need --dtype (${TFJS_DTYPES.join(', ')})`, { file: options.input });
    }
    mode = options.dtype;
    const { quantizeTfjs } = await importOptional<TfjsQuantizeModule>('./tfjs/quantize-tfjs.js', 'TF.js quantization', options.input);
    outcome = await quantizeTfjs(options);
  } else {
    throw new DlpackError('UNSUPPORTED', 'Keras files are not quantized directly; convert them first (dlpack convert --to tfjs)', { file: options.input });
  }
  const before = await describeModel(options.input);
  return finishTransform({ kind: 'quantize', mode, input: options.input, output: options.output, before, outcome, check: options.check, onProgress: options.onProgress });
}

/** Imports a transform module written separately; a missing module is a clear UNSUPPORTED error. */
export async function importOptional<T>(specifier: string, what: string, file: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(specifier.replace('./', '').replace('.js', ''))) {
      throw new DlpackError('UNSUPPORTED', `${what} is not available in this build of dlpack`, { file, cause: err });
    }
    throw err;
  }
}
