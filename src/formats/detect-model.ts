/** Which model format a file holds, from its name and first bytes (no parsing). */
import { promises as fs } from 'node:fs';
import { extname } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';

export type FileKind = 'onnx' | 'tfjs' | 'keras-h5' | 'keras-v3';

/** Tells the format of a model file from its name and first bytes; throws NOT_A_MODEL otherwise. */
export async function detectModelFile(path: string): Promise<FileKind> {
  let st;
  try {
    st = await fs.stat(path);
  } catch (err) {
    throw new DlpackError('FILE_NOT_FOUND', 'no such file', { file: path, cause: err });
  }
  if (st.isDirectory()) {
    throw new DlpackError('NOT_A_MODEL', 'is a folder; name the model file (.onnx, the TF.js model .json, .h5 or .keras)', {
      file: path,
    });
  }
  if (!st.isFile()) {
    // a FIFO or device would block or never end when opened
    throw new DlpackError('NOT_A_MODEL', 'is not a regular file', { file: path });
  }
  const fh = await fs.open(path, 'r');
  const head = Buffer.alloc(8);
  try {
    await fh.read(head, 0, 8, 0);
  } finally {
    await fh.close();
  }
  const ext = extname(path).toLowerCase();
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'keras-h5';
  if (ext === '.keras' || (head[0] === 0x50 && head[1] === 0x4b && ext !== '.onnx')) return 'keras-v3';
  if (ext === '.json' || (head[0] === 0x7b /* { */ && ext !== '.onnx')) return 'tfjs';
  if (ext === '.onnx' || ext === '.ort' || ext === '.pb' || ext === '') return 'onnx';
  throw new DlpackError('NOT_A_MODEL', `unrecognised model file type "${ext}" (expected .onnx, .json, .h5 or .keras)`, {
    file: path,
  });
}
