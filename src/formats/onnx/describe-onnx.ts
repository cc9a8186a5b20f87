import { DlpackError } from '../../errors/dlpack-error.js';
import type { ModelDescription } from '../../model/model-description.js';

export async function describeOnnxFile(path: string): Promise<ModelDescription> {
  throw new DlpackError('UNSUPPORTED', 'ONNX reader is being written', { file: path });
}
