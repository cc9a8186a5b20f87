/**
 * A TF.js model (model.json + weight shards) read from the bundle's assets into memory
 * (tf.io.fromMemory's artifacts): no fetch, no file URLs, the same on Node and on Workers.
 */
import type { io } from '@tensorflow/tfjs-core';
import { readAsset } from 'dlpack:assets';

interface ModelJson {
  modelTopology?: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
  trainingConfig?: unknown;
  weightsManifest?: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
}

export async function readTfjsArtifacts(modelFile: string): Promise<io.ModelArtifacts> {
  const json = JSON.parse(new TextDecoder().decode(await readAsset(modelFile))) as ModelJson;
  const base = modelFile.slice(0, modelFile.lastIndexOf('/') + 1);
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) {
    for (const p of group.paths) parts.push(await readAsset(base + p.replace(/^\.\//, '')));
    weightSpecs.push(...group.weights);
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.byteLength;
  }
  return {
    modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    signature: json.signature as io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata as io.ModelArtifacts['userDefinedMetadata'],
    modelInitializer: json.modelInitializer as io.ModelArtifacts['modelInitializer'],
    trainingConfig: json.trainingConfig as io.ModelArtifacts['trainingConfig'],
    weightSpecs,
    weightData: weightData.buffer,
  };
}
