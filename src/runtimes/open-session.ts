/**
 * Opens any model dlpack runs (ONNX or TF.js) behind the one runtime interface, picking the
 * runtime from the file. Runtimes are imported only here, lazily.
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import { detectModelFile } from '../formats/detect-model.js';
import type { InferenceSessionLike, OpenSessionOptions } from './runtime.js';

export async function openSession(modelPath: string, options: OpenSessionOptions = {}): Promise<InferenceSessionLike> {
  const kind = await detectModelFile(modelPath);
  switch (kind) {
    case 'onnx': {
      if (options.backend && options.backend !== 'cpu') {
        throw new DlpackError('USAGE', `backend "${options.backend}" is not available for ONNX models (onnxruntime-node runs on cpu)`, {
          file: modelPath,
        });
      }
      const { openOnnxSession } = await import('./onnxruntime-session.js');
      return openOnnxSession(modelPath, { threads: options.threads, sessionConfig: options.sessionConfig });
    }
    case 'tfjs': {
      const { openTfjsSession } = await import('./tfjs-session.js');
      return openTfjsSession(modelPath, { backend: options.backend, threads: options.threads });
    }
    default:
      throw new DlpackError('UNSUPPORTED', 'Keras files do not run directly; convert them first (dlpack convert --to tfjs)', { file: modelPath });
  }
}
