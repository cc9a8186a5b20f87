import { withErrorContext } from '../core/errors/dlpack-error.js';
import type { ModelDescription } from '../core/model-description.js';
import { detectModelFile } from './detect-model.js';

/** Reads any supported model and returns its description (what `dlpack inspect` shows). */
export async function describeModel(path: string): Promise<ModelDescription> {
  return withErrorContext({ file: path, operation: 'reading the model' }, () => describeKnownModel(path));
}

async function describeKnownModel(path: string): Promise<ModelDescription> {
  const kind = await detectModelFile(path);
  switch (kind) {
    case 'onnx': {
      const { describeOnnxFile } = await import('./onnx/describe-onnx.js');
      return describeOnnxFile(path);
    }
    case 'tfjs': {
      const { describeTfjsFile } = await import('./tfjs/describe-tfjs.js');
      return describeTfjsFile(path);
    }
    default: {
      const { readKerasFile, describeKeras } = await import('./keras/read-keras.js');
      return describeKeras(await readKerasFile(path));
    }
  }
}
