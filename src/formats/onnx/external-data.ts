/**
 * ONNX external data (TensorProto.data_location = EXTERNAL): parsing the location/offset/length
 * entries of each tensor, checking them against the folder and the file sizes, and reading the
 * bytes. Every location goes through resolveContained: absolute paths, `..`, symbolic links and
 * hard links are refused before anything is opened.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { resolveContained } from '../../core/io/contained-path.js';
import { identityOf, openChecked, readExactly, type FileIdentity } from '../../core/io/checked-file.js';
import { onnxStoredBytes } from './onnx-dtypes.js';
import type { TensorProto } from './onnx-proto-types.js';
import { tensorElementCount } from './onnx-tensor.js';
import { quoted } from '../../core/text.js';

export interface ExternalDataRef {
  /** The tensor (in the decoded model) whose data this is. */
  tensor: TensorProto;
  /** The location as written in the model (relative to the model folder). */
  location: string;
  /** The resolved absolute path (checked to be inside the model folder). */
  path: string;
  offset: number;
  length: number;
  checksum?: string;
  /** The data file as checked (device, inode, size): reading refuses any other file. */
  identity: FileIdentity;
}

const INTEGER = /^[0-9]{1,16}$/;

function parseCount(value: string | undefined, what: string, tensorName: string, modelFile: string): number | undefined {
  if (value === undefined) return undefined;
  const n = INTEGER.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new DlpackError('CORRUPT_MODEL', `tensor ${quoted(tensorName)}: external data ${what} ${quoted(value)} is not a non-negative integer`, {
      file: modelFile,
    });
  }
  return n;
}

/**
 * Checks one external tensor's entries and returns where its bytes are. `fileSize` caches file
 * sizes by resolved path.
 */
export function resolveExternalData(
  tensor: TensorProto,
  modelFile: string,
  modelDir: string,
  fileSize: Map<string, FileIdentity>,
): ExternalDataRef {
  const name = tensor.name ?? '(unnamed)';
  const entries = new Map<string, string>();
  for (const e of tensor.external_data ?? []) {
    const key = e.key ?? '';
    if (entries.has(key)) {
      throw new DlpackError('CORRUPT_MODEL', `tensor ${quoted(name)}: external data key ${quoted(key)} appears twice`, { file: modelFile });
    }
    entries.set(key, e.value ?? '');
  }
  const location = entries.get('location');
  if (location === undefined || location === '') {
    throw new DlpackError('CORRUPT_MODEL', `tensor ${quoted(name)}: external data has no location`, { file: modelFile });
  }
  const path = resolveContained(modelDir, location, { file: modelFile, what: `external data location of tensor ${quoted(name)}` });
  let identity = fileSize.get(path);
  if (identity === undefined) {
    identity = identityOf(statSync(path));
    fileSize.set(path, identity);
  }
  const size = identity.size;
  const offset = parseCount(entries.get('offset'), 'offset', name, modelFile) ?? 0;
  const givenLength = parseCount(entries.get('length'), 'length', name, modelFile);
  const expected = onnxStoredBytes(tensor.data_type ?? 0, tensorElementCount(tensor));
  const length = givenLength ?? expected;
  if (offset > size || length > size - offset) {
    throw new DlpackError(
      'CORRUPT_MODEL',
      `tensor ${quoted(name)}: external data ${quoted(location)} is ${size} bytes, shorter than offset ${offset} + length ${length}`,
      { file: modelFile },
    );
  }
  if (length !== expected) {
    throw new DlpackError(
      'CORRUPT_MODEL',
      `tensor ${quoted(name)}: external data length ${length} does not match its dtype and shape (${expected} bytes)`,
      { file: modelFile },
    );
  }
  return { tensor, location, path, offset, length, checksum: entries.get('checksum'), identity };
}

/**
 * Reads the bytes of external tensors, opening each file once — from a descriptor checked to be
 * the very file resolveExternalData approved (no symlink swapped in since, still in the folder).
 */
export async function readExternalData(refs: ExternalDataRef[], modelFile: string): Promise<Map<ExternalDataRef, Uint8Array>> {
  const out = new Map<ExternalDataRef, Uint8Array>();
  const byPath = new Map<string, ExternalDataRef[]>();
  for (const r of refs) {
    const list = byPath.get(r.path);
    if (list) list.push(r);
    else byPath.set(r.path, [r]);
  }
  for (const [path, list] of byPath) {
    const what = `external data file ${quoted(list[0].location)}`;
    const { fh } = await openChecked(path, { file: modelFile, what, baseDir: dirname(modelFile), expected: list[0].identity });
    try {
      for (const r of list) {
        const buf = Buffer.alloc(r.length);
        await readExactly(fh, buf, 0, r.length, r.offset, { file: modelFile, what: `tensor ${quoted(r.tensor.name)}: ${what}` });
        out.set(r, buf);
      }
    } finally {
      await fh.close();
    }
  }
  return out;
}
