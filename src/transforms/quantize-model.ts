/**
 * `dlpack quantize`: dispatch by model kind (ONNX here, TF.js in ./tfjs/), then the shared part —
 * staged output, sizes, accuracy check, latency, report, gates (finish-transform.ts). Unless the
 * user sets them, the default accuracy floor applies: every output's cosine ≥ 0.99 and top-1
 * agreement ≥ 99% on probability outputs; a gate set to 0 is off.
 */
import { DEFAULT_FLOOR } from '../accuracy/accuracy-check.js';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { describeModel } from '../formats/load-model.js';
import { detectModelFile } from '../formats/detect-model.js';
import type { TransformReport } from '../core/reports/schemas.js';
import { finishTransform, prepareOutput, runStagedTransform, transformInputs } from './finish-transform.js';
import type { CheckOptions, QuantizeOptions, TransformOutcome } from './transform-options.js';

const ONNX_MODES = ['int8-weights', 'int8-dynamic', 'int8-static', 'fp16', 'int4-weights'];
const TFJS_DTYPES = ['uint8', 'uint16', 'float16'];

interface TfjsQuantizeModule {
  quantizeTfjs(options: QuantizeOptions): Promise<TransformOutcome>;
  assertNotModelFolder(input: string, output: string): void;
}

/** The check with the default floor filled in where the user set no gate of that kind; 0 turns a gate off. */
export function withDefaultFloor(check: CheckOptions | undefined): CheckOptions {
  const c: CheckOptions = { ...check };
  if (c.enabled === false) return c;
  const defaults: ('minCosine' | 'minTop1')[] = [];
  for (const k of ['minCosine', 'minTop1'] as const) {
    if (c[k] === undefined) {
      c[k] = DEFAULT_FLOOR[k];
      defaults.push(k);
    } else if (c[k] === 0) {
      c[k] = undefined;
    }
  }
  c.defaults = defaults;
  return c;
}

export async function quantizeModel(options: QuantizeOptions): Promise<TransformReport> {
  const kind = await detectModelFile(options.input);
  const outKind = kind === 'tfjs' ? 'dir' : 'file';
  let mode: string;
  let run: (o: QuantizeOptions) => Promise<TransformOutcome>;
  if (kind === 'onnx') {
    if (options.dtype) throw new DlpackError('USAGE', `--dtype is for TF.js models; for ONNX use --mode ${ONNX_MODES.join('|')}`, { file: options.input });
    if (!options.mode || !ONNX_MODES.includes(options.mode)) {
      throw new DlpackError('USAGE', `ONNX models need --mode (${ONNX_MODES.join(', ')})`, { file: options.input });
    }
    mode = options.mode;
    if (mode === 'int8-static' && !options.check?.samples) {
      throw new DlpackError('USAGE', '--mode int8-static calibrates activation ranges on real inputs: pass --samples <file|folder|glob> (with --preprocess)', { file: options.input });
    }
    await prepareOutput(options.input, options.output, outKind);
    const { quantizeOnnx } = await import('./onnx/quantize-onnx.js');
    run = quantizeOnnx;
  } else if (kind === 'tfjs') {
    if (options.mode) throw new DlpackError('USAGE', '--mode is for ONNX models; for TF.js use --dtype uint8|uint16|float16', { file: options.input });
    if (options.fallback === 'int8') throw new DlpackError('USAGE', '--fallback int8 is for ONNX --mode int4-weights; TF.js falls back to uint16, float16 or float32', { file: options.input });
    if (!options.dtype || !TFJS_DTYPES.includes(options.dtype)) {
      throw new DlpackError('USAGE', `TF.js models need --dtype (${TFJS_DTYPES.join(', ')})`, { file: options.input });
    }
    mode = options.dtype;
    const tfjs = await importOptional<TfjsQuantizeModule>(() => import('./tfjs/quantize-tfjs.js'), 'tfjs/quantize-tfjs', 'TF.js quantization', options.input);
    tfjs.assertNotModelFolder(options.input, options.output);
    await prepareOutput(options.input, options.output, outKind);
    run = tfjs.quantizeTfjs;
  } else {
    throw new DlpackError('UNSUPPORTED', 'Keras files are not quantized directly; convert them first (dlpack convert --to tfjs)', { file: options.input });
  }
  const check = withDefaultFloor(options.check);
  const before = await describeModel(options.input);
  options.onProgress?.('reading the check inputs');
  let checkInputs = await transformInputs(before, options.input, mode === 'int8-static' ? { ...check, enabled: true } : check);
  let transformInputSets = checkInputs;
  const split = mode === 'int8-static' && checkInputs ? (await import('./onnx/static-mode.js')).splitCalibration(checkInputs, options.calibSize, options.input) : undefined;
  if (split) {
    transformInputSets = split.calibration;
    checkInputs = split.heldBack ?? split.calibration;
  }
  return runStagedTransform(options.output, outKind, async (staged) => {
    const outcome = await run({ ...options, output: staged, check, checkInputs: transformInputSets });
    if (split) outcome.notes.unshift(split.note);
    return finishTransform({ kind: 'quantize', mode, input: options.input, output: options.output, staged, before, outcome, check, checkInputs, onProgress: options.onProgress });
  });
}

/**
 * Imports a transform module written separately (`load` is a literal `import()`, so the import
 * stays visible to the architecture test); a missing `module` is a clear UNSUPPORTED error.
 */
export async function importOptional<T>(load: () => Promise<unknown>, module: string, what: string, file: string): Promise<T> {
  try {
    return (await load()) as T;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(module)) {
      throw new DlpackError('UNSUPPORTED', `${what} is not available in this build of dlpack`, { file, cause: err });
    }
    throw err;
  }
}
