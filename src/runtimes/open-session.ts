/**
 * Opens any model dlpack runs (ONNX or TF.js) behind the one runtime interface, picking the
 * runtime from the file. Runtimes are imported only here, lazily.
 */
import { DlpackError } from '../errors/dlpack-error.js';
import { detectModelFile } from '../formats/load-model.js';
import type { InferenceSessionLike, OpenSessionOptions } from './runtime.js';

export async function openSession(modelPath: string, options: OpenSessionOptions = {}): Promise<InferenceSessionLike> {
  const kind = await detectModelFile(modelPath);
  switch (kind) {
    case 'onnx': {
      if (options.backend && options.backend !== 'cpu') {
        throw new DlpackError('USAGE', `backend "${options.backend}" is not available for ONNX models (use cpu)`, { file: modelPath });
      }
      const { openOnnxSession } = await import('./onnxruntime-session.js');
      return openOnnxSession(modelPath, { threads: options.threads });
    }
    case 'tfjs': {
      const { openTfjsSession } = await importTfjsSession(modelPath);
      return openTfjsSession(modelPath, { backend: options.backend, threads: options.threads });
    }
    default:
      throw new DlpackError('UNSUPPORTED', 'Keras files do not run directly; convert them first (dlpack convert --to tfjs)', { file: modelPath });
  }
}

interface TfjsSessionModule {
  openTfjsSession(path: string, options: OpenSessionOptions): Promise<InferenceSessionLike>;
}

/** The TF.js runtime module is written separately; a missing module is a clear UNSUPPORTED error. */
async function importTfjsSession(modelPath: string): Promise<TfjsSessionModule> {
  const specifier = './tfjs-session.js';
  try {
    return (await import(specifier)) as TfjsSessionModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('tfjs-session')) {
      throw new DlpackError('UNSUPPORTED', 'this build of dlpack has no TF.js runtime', { file: modelPath, cause: err });
    }
    throw err;
  }
}
