/**
 * Encoding and writing ONNX models, with their tensors inline or in external data files. Files
 * are written atomically (temp name + rename); the external data file(s) first, then the model.
 */
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { assertNotInput, writeFileAtomic } from '../../core/io/atomic-output.js';
import { joinContained } from '../../core/io/contained-path.js';
import { encodeModelProto } from './onnx-codec.js';
import { OnnxDataType } from './onnx-dtypes.js';
import type { ModelProto, TensorProto } from './onnx-proto-types.js';
import { isExternalTensor, tensorBytes } from './onnx-tensor.js';
import { readExternalData, type ExternalDataRef } from './external-data.js';
import { MAX_ONNX_BYTES, type OnnxModel } from './read-onnx.js';
import { forEachTensor } from './walk-graphs.js';

export type ExternalDataOption =
  /** Move main-graph initializers of at least `thresholdBytes` (default 1024) into `file` (relative to the output folder). */
  | { file: string; thresholdBytes?: number }
  /** Tensors that were external stay external, in files of the same names beside the output. */
  | 'keep'
  /** Everything inside the .onnx file. */
  | 'inline';

export interface WriteOnnxOptions {
  /** Default: 'keep' when the model had external data, else 'inline'. */
  externalData?: ExternalDataOption;
}

export interface WriteOnnxResult {
  file: string;
  bytes: number;
  externalFiles: { location: string; path: string; bytes: number }[];
}

/** Tensors ≥ 1 MiB are aligned to 64 KiB in external files (as onnx.external_data_helper does). */
const ALIGN_THRESHOLD = 1 << 20;
const ALIGNMENT = 1 << 16;

function asModel(model: OnnxModel | ModelProto): { proto: ModelProto; source?: OnnxModel } {
  return 'proto' in model && 'file' in model ? { proto: model.proto, source: model } : { proto: model as ModelProto };
}

/** Bytes of every tensor that is still external in the decoded proto (not loaded at read time). */
async function unloadedBytes(source: OnnxModel | undefined, proto: ModelProto): Promise<Map<TensorProto, Uint8Array>> {
  const pending: ExternalDataRef[] = [];
  const refs = new Map(source?.external.map((r) => [r.tensor, r]) ?? []);
  forEachTensor(proto, (t) => {
    if (!isExternalTensor(t)) return;
    const ref = refs.get(t);
    if (!ref) throw new DlpackError('UNSUPPORTED', `tensor "${t.name}" is external but its data file is unknown (read it with readOnnx)`);
    pending.push(ref);
  });
  const data = pending.length ? await readExternalData(pending, source!.file) : new Map();
  return new Map(pending.map((r) => [r.tensor, data.get(r)!]));
}

function dataOf(t: TensorProto, loaded: Map<TensorProto, Uint8Array>): Uint8Array {
  return loaded.get(t) ?? tensorBytes(t);
}

function inlined(t: TensorProto, bytes: Uint8Array): TensorProto {
  const { data_location: _l, external_data: _e, ...rest } = t;
  return { ...rest, raw_data: bytes };
}

/** Encodes the model with every tensor inline (external data read from disk if not loaded). */
export async function encodeOnnx(model: OnnxModel | ModelProto): Promise<Uint8Array> {
  const { proto, source } = asModel(model);
  const loaded = await unloadedBytes(source, proto);
  const out = await encodeModelProto(proto, (t) => (loaded.has(t) ? inlined(t, loaded.get(t)!) : t));
  if (out.length > MAX_ONNX_BYTES) {
    throw new DlpackError('TOO_LARGE', `encoded model is ${out.length} bytes; over 2 GB needs external data`);
  }
  return out;
}

interface Placement {
  location: string;
  offset: number;
  length: number;
}

/** Writes the model to `outPath` (and its external data beside it). */
export async function writeOnnx(model: OnnxModel | ModelProto, outPath: string, options: WriteOnnxOptions = {}): Promise<WriteOnnxResult> {
  const { proto, source } = asModel(model);
  const mode: ExternalDataOption = options.externalData ?? (source?.external.length ? 'keep' : 'inline');
  const outDir = dirname(resolve(outPath));
  const inputs = source ? [source.file, ...source.externalFiles.map((f) => f.path)] : [];
  assertNotInput(outPath, inputs);
  const loaded = await unloadedBytes(source, proto);

  // Decide where each tensor goes.
  const placement = new Map<TensorProto, Placement>();
  const files = new Map<string, { parts: { offset: number; bytes: Uint8Array }[]; size: number }>();
  const place = (t: TensorProto, location: string) => {
    const bytes = dataOf(t, loaded);
    let file = files.get(location);
    if (!file) files.set(location, (file = { parts: [], size: 0 }));
    let offset = file.size;
    if (bytes.length >= ALIGN_THRESHOLD) offset = Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
    file.parts.push({ offset, bytes });
    file.size = offset + bytes.length;
    placement.set(t, { location, offset, length: bytes.length });
  };
  if (mode === 'keep') {
    const byTensor = new Map(source?.external.map((r) => [r.tensor, r.location]) ?? []);
    forEachTensor(proto, (t) => {
      const location = byTensor.get(t);
      if (location !== undefined) place(t, location);
    });
  } else if (mode !== 'inline') {
    const threshold = mode.thresholdBytes ?? 1024;
    forEachTensor(proto, (t, visit) => {
      // Main-graph initializers only: onnxruntime cannot infer shapes through external tensors inside subgraphs.
      if (visit.role !== 'initializer' || visit.inSubgraph || t.data_type === OnnxDataType.STRING || t.segment) return;
      if (dataOf(t, loaded).length >= threshold) place(t, mode.file);
    });
  }

  const encoded = await encodeModelProto(proto, (t) => {
    const p = placement.get(t);
    if (p) {
      const { raw_data: _r, float_data: _f, int32_data: _i, int64_data: _l, double_data: _d, uint64_data: _u, external_data: _e, ...rest } = t;
      return {
        ...rest,
        data_location: 1,
        external_data: [
          { key: 'location', value: p.location },
          { key: 'offset', value: String(p.offset) },
          { key: 'length', value: String(p.length) },
        ],
      };
    }
    return loaded.has(t) ? inlined(t, loaded.get(t)!) : t;
  });
  if (encoded.length > MAX_ONNX_BYTES) {
    throw new DlpackError('TOO_LARGE', `encoded model is ${encoded.length} bytes; over 2 GB needs external data`, { file: outPath });
  }

  const written: WriteOnnxResult['externalFiles'] = [];
  try {
    for (const [location, file] of files) {
      const path = joinContained(outDir, location, { file: outPath, what: 'external data file' });
      assertNotInput(path, inputs);
      if (resolve(path) === resolve(outPath)) {
        throw new DlpackError('OUTPUT', `external data file "${location}" is the model file itself`, { file: outPath });
      }
      const buf = Buffer.alloc(file.size);
      for (const part of file.parts) buf.set(part.bytes, part.offset);
      await fs.mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, buf);
      written.push({ location, path, bytes: buf.length });
    }
    await writeFileAtomic(outPath, encoded);
  } catch (err) {
    for (const w of written) await fs.rm(w.path, { force: true });
    throw err;
  }
  return { file: outPath, bytes: encoded.length, externalFiles: written };
}
