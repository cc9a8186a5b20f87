import { DlpackError } from '../../errors/dlpack-error.js';
import type { ModelDescription } from '../../model/model-description.js';

export async function describeTfjsFile(path: string): Promise<ModelDescription> {
  throw new DlpackError('UNSUPPORTED', 'TF.js reader is being written', { file: path });
}
