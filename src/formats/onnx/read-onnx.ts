/**
 * Reading an ONNX model file: size limit, protobuf decode (protobufjs, lazily loaded), structural
 * validation, and external data (checked always, loaded on request).
 */
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { decodeModelProto } from './onnx-codec.js';
import type { ModelProto } from './onnx-proto-types.js';
import { readExternalData, resolveExternalData, type ExternalDataRef } from './external-data.js';
import { isExternalTensor } from './onnx-tensor.js';
import type { FileIdentity } from '../../core/io/checked-file.js';
import { validateModelProto } from './validate-onnx.js';
import { forEachTensor } from './walk-graphs.js';

/** Protobuf messages cannot exceed 2 GiB; larger ONNX models are out of scope. */
export const MAX_ONNX_BYTES = 2 ** 31 - 1;

export interface OnnxModel {
  /** The model file as given. */
  file: string;
  /** Its folder (external data locations are relative to it). */
  dir: string;
  /** The decoded ModelProto. With loadExternalData, external tensors hold their bytes in raw_data. */
  proto: ModelProto;
  /** Bytes of the model file plus every external data file it uses. */
  bytesOnDisk: number;
  /** Size of the .onnx file itself. */
  modelBytes: number;
  /** External data files, by location relative to `dir`. */
  externalFiles: { location: string; path: string; bytes: number }[];
  /** Where each external tensor's data was found (kept after loading, for writeOnnx 'keep'). */
  external: ExternalDataRef[];
  /** True when the external tensors' bytes were read into raw_data. */
  externalLoaded: boolean;
}

export interface ReadOnnxOptions {
  /** Read external tensor data into raw_data (default true). Locations are checked either way. */
  loadExternalData?: boolean;
}

function cleanProtobufMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/index out of range/i.test(msg)) return 'truncated or malformed protobuf (a field runs past the end of the data)';
  if (/invalid wire type/i.test(msg)) return `malformed protobuf (${msg.replace(/^.*?(invalid wire type \d+).*$/i, '$1')})`;
  if (/illegal tag/i.test(msg)) return 'malformed protobuf (a field number 0 tag)';
  if (/call stack|depth/i.test(msg)) return 'malformed protobuf (nesting too deep)';
  return 'malformed protobuf';
}

/** Decodes and validates ModelProto bytes read from `file`. */
export async function decodeOnnxBytes(bytes: Uint8Array, file: string): Promise<ModelProto> {
  if (bytes.length === 0) throw new DlpackError('NOT_A_MODEL', 'empty file, not an ONNX model', { file });
  let first = 0;
  while (first < bytes.length && first < 64 && /\s/.test(String.fromCharCode(bytes[first]))) first++;
  if (bytes[first] === 0x7b /* { */ || bytes[first] === 0x5b /* [ */) {
    throw new DlpackError('NOT_A_MODEL', 'looks like JSON, not an ONNX protobuf', { file });
  }
  let proto: ModelProto;
  try {
    proto = await decodeModelProto(bytes);
  } catch (err) {
    throw new DlpackError('CORRUPT_MODEL', `not a valid ONNX file: ${cleanProtobufMessage(err)}`, { file, cause: err });
  }
  validateModelProto(proto, file);
  return proto;
}

/** Reads an ONNX model (and checks, optionally loads, its external data). */
export async function readOnnx(path: string, options: ReadOnnxOptions = {}): Promise<OnnxModel> {
  const loadExternal = options.loadExternalData ?? true;
  let st;
  try {
    st = await fs.stat(path);
  } catch (err) {
    throw new DlpackError('FILE_NOT_FOUND', 'no such file', { file: path, cause: err });
  }
  if (st.isDirectory()) throw new DlpackError('NOT_A_MODEL', 'is a folder, not an ONNX file', { file: path });
  if (!st.isFile()) throw new DlpackError('NOT_A_MODEL', 'is not a regular file', { file: path });
  if (st.size > MAX_ONNX_BYTES) {
    throw new DlpackError('TOO_LARGE', `ONNX file is ${st.size} bytes; models over 2 GB are not supported`, { file: path });
  }
  const bytes = await fs.readFile(path);
  const proto = await decodeOnnxBytes(bytes, path);
  const dir = dirname(resolve(path));

  const sizes = new Map<string, FileIdentity>();
  const external: ExternalDataRef[] = [];
  forEachTensor(proto, (t) => {
    if (isExternalTensor(t)) external.push(resolveExternalData(t, path, dir, sizes));
  });
  const externalFiles: OnnxModel['externalFiles'] = [];
  const seen = new Set<string>();
  for (const r of external) {
    if (seen.has(r.path)) continue;
    seen.add(r.path);
    externalFiles.push({ location: r.location, path: r.path, bytes: r.identity.size });
  }
  const externalBytes = external.reduce((a, r) => a + r.length, 0);
  if (loadExternal && external.length) {
    if (externalBytes + bytes.length > MAX_ONNX_BYTES) {
      throw new DlpackError('TOO_LARGE', `model and external data total ${externalBytes + bytes.length} bytes; over 2 GB is not supported`, {
        file: path,
      });
    }
    const data = await readExternalData(external, path);
    for (const r of external) {
      r.tensor.raw_data = data.get(r)!;
      delete r.tensor.data_location;
      delete r.tensor.external_data;
    }
  }
  return {
    file: path,
    dir,
    proto,
    bytesOnDisk: st.size + externalFiles.reduce((a, f) => a + f.bytes, 0),
    modelBytes: st.size,
    externalFiles,
    external,
    externalLoaded: loadExternal,
  };
}
