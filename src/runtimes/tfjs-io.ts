/**
 * Our own TF.js IOHandlers, built on readTfjs / writeTfjs: models load from disk with no network,
 * any model JSON name and shard paths contained in the model folder; tfjs decodes (and
 * dequantizes) the weights itself from the manifest specs, exactly as its own loaders do.
 * `tfjsSaveHandler` lets `model.save(...)` write through writeTfjs (atomic, converter-style shards).
 * Only type imports from @tensorflow here.
 */
import type { io } from '@tensorflow/tfjs-core';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { readTfjs } from '../formats/tfjs/read-tfjs.js';
import type { TfjsFormat, TfjsModel, TfjsModelJson, TfjsWeight, TfjsWeightDType } from '../formats/tfjs/tfjs-model.js';
import { weightByteLength } from '../formats/tfjs/weight-bytes.js';
import { writeTfjs, type WriteTfjsOptions, type WriteTfjsResult } from '../formats/tfjs/write-tfjs.js';

type ModelArtifacts = io.ModelArtifacts;
type WeightsManifestEntry = io.WeightsManifestEntry;

/** The manifest specs and one concatenated buffer of all weights, in manifest order. */
export function weightsForTfjs(model: Pick<TfjsModel, 'weights'>): { weightSpecs: WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const total = model.weights.reduce((a, w) => a + w.data.byteLength, 0);
  const data = new Uint8Array(total);
  const weightSpecs: WeightsManifestEntry[] = [];
  let offset = 0;
  for (const w of model.weights) {
    data.set(w.data, offset);
    offset += w.data.byteLength;
    const spec: WeightsManifestEntry = { name: w.name, shape: w.shape, dtype: w.dtype };
    if (w.group !== undefined) spec.group = w.group as WeightsManifestEntry['group'];
    if (w.quantization) spec.quantization = w.quantization as WeightsManifestEntry['quantization'];
    weightSpecs.push(spec);
  }
  return { weightSpecs, weightData: data.buffer };
}

/** ModelArtifacts (what tfjs loaders consume) for a model already read from disk. */
export function tfjsArtifacts(model: TfjsModel): ModelArtifacts {
  const { json } = model;
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology as ModelArtifacts['modelTopology'],
    format: json.format ?? model.format,
    generatedBy: (json.generatedBy ?? undefined) as string | undefined,
    convertedBy: json.convertedBy ?? null,
    ...weightsForTfjs(model),
  };
  for (const k of ['trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
    if (json[k] != null) (artifacts as Record<string, unknown>)[k] = json[k];
  }
  return artifacts;
}

/** An IOHandler whose load() returns `model` (read already, or read from `path` on first load). */
export function tfjsLoadHandler(source: string | TfjsModel): io.IOHandler {
  return {
    async load() {
      return tfjsArtifacts(typeof source === 'string' ? await readTfjs(source) : source);
    },
  };
}

/** Splits tfjs's saved weightData back into per-weight stored bytes. */
export function weightsFromArtifacts(artifacts: ModelArtifacts, file: string): TfjsWeight[] {
  const specs = artifacts.weightSpecs ?? [];
  const parts = artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
  const total = parts.reduce((a, b) => a + b.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  offset = 0;
  return specs.map((s) => {
    const w = { name: s.name, shape: s.shape, dtype: s.dtype as TfjsWeightDType, quantization: s.quantization };
    const size = weightByteLength(w, data, offset);
    if ('error' in size) throw new DlpackError('CORRUPT_MODEL', `weight "${s.name}" ${size.error}`, { file });
    const out: TfjsWeight = { name: s.name, shape: [...s.shape], dtype: w.dtype, data: data.slice(offset, offset + size.bytes) };
    if (s.quantization) out.quantization = { ...s.quantization };
    if (s.group !== undefined) out.group = s.group;
    offset += size.bytes;
    return out;
  });
}

/**
 * An IOHandler for `model.save(handler)` that writes through writeTfjs into `outDir`. The
 * result of the write is available from `handler.written` after save resolves.
 */
export function tfjsSaveHandler(outDir: string, options: WriteTfjsOptions = {}): io.IOHandler & { written?: WriteTfjsResult } {
  const handler: io.IOHandler & { written?: WriteTfjsResult } = {
    async save(artifacts: ModelArtifacts) {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new DlpackError('UNSUPPORTED', 'binary (GraphDef) model topologies cannot be saved as TF.js JSON', { file: outDir });
      }
      const json: TfjsModelJson = { modelTopology: artifacts.modelTopology as Record<string, unknown> };
      const format = (artifacts.format ?? 'layers-model') as TfjsFormat;
      json.format = format;
      json.generatedBy = artifacts.generatedBy ?? null;
      json.convertedBy = artifacts.convertedBy ?? null;
      for (const k of ['trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
        if (artifacts[k] != null) (json as Record<string, unknown>)[k] = artifacts[k];
      }
      const weights = weightsFromArtifacts(artifacts, outDir);
      handler.written = await writeTfjs({ json, format, weights }, outDir, options);
      const weightDataBytes = weights.reduce((a, w) => a + w.data.byteLength, 0);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: handler.written.files[0].bytes,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes,
        },
      };
    },
  };
  return handler;
}
