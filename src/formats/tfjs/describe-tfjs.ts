/**
 * describeTfjsFile: the shared ModelDescription of a TF.js model (graph or layers), read through
 * readTfjs so every shard is checked. What `dlpack inspect` shows for TF.js.
 */
import { relative } from 'node:path';
import type { FileInfo, ModelDescription, WeightInfo } from '../../core/model-description.js';
import { describeGraphTopology } from './graph-topology.js';
import { describeLayersTopology } from './layers-topology.js';
import { readTfjs } from './read-tfjs.js';
import type { TfjsModel } from './tfjs-model.js';
import { elementCount } from './weight-bytes.js';

/** "TensorFlow.js Converter v4.22.0" → {name, version}; "2.3.0" → {version}; a URL → {name}. */
export function parseProducer(text: string | null | undefined, format: string): ModelDescription['producer'] {
  if (!text) return undefined;
  const m = /^(.*?)\s*\bv?(\d+\.\d+(?:\.\d+)?[^\s]*)$/.exec(text.trim());
  if (!m) return { name: text };
  const name = m[1].trim() || (format === 'graph-model' ? 'TensorFlow' : undefined);
  return name ? { name, version: m[2] } : { version: m[2] };
}

function weightInfos(model: TfjsModel): WeightInfo[] {
  const out: WeightInfo[] = [];
  for (const g of model.groups) {
    let offset = 0;
    let shard = 0;
    let shardEnd = g.shardBytes[0] ?? 0;
    for (const wi of g.weightIndices) {
      const w = model.weights[wi];
      while (offset >= shardEnd && shard < g.shardBytes.length - 1) shardEnd += g.shardBytes[++shard];
      const info: WeightInfo = {
        name: w.name,
        dtype: w.dtype,
        shape: w.shape,
        elements: elementCount(w.shape) ?? 0,
        bytes: w.data.byteLength,
        storage: 'shard',
        file: g.paths[shard],
      };
      if (w.quantization) {
        info.quantization = { dtype: w.quantization.dtype };
        if (w.quantization.min !== undefined) info.quantization.min = w.quantization.min;
        if (w.quantization.scale !== undefined) info.quantization.scale = w.quantization.scale;
      }
      out.push(info);
      offset += w.data.byteLength;
    }
  }
  return out;
}

function metadataOf(model: TfjsModel): Record<string, string> | undefined {
  const md: Record<string, string> = {};
  const { json } = model;
  if (typeof json.generatedBy === 'string') md.generatedBy = json.generatedBy;
  if (typeof json.convertedBy === 'string') md.convertedBy = json.convertedBy;
  const user = json.userDefinedMetadata;
  if (user && typeof user === 'object') {
    for (const [k, v] of Object.entries(user)) if (k !== 'signature') md[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return Object.keys(md).length ? md : undefined;
}

/** The signature tfjs-converter uses: userDefinedMetadata.signature wins over signature (GraphModel.loadSync). */
function graphSignature(model: TfjsModel): unknown {
  const user = model.json.userDefinedMetadata as { signature?: unknown } | undefined;
  return user?.signature ?? model.json.signature;
}

/** The ModelDescription of an already-read model. */
export function describeTfjsModel(model: TfjsModel): ModelDescription {
  const topo = model.json.modelTopology;
  const isGraph = model.format === 'graph-model';
  const { inputs, outputs, ops } = isGraph ? describeGraphTopology(topo, graphSignature(model)) : describeLayersTopology(topo);
  let formatVersion: string | undefined;
  if (isGraph) {
    const producer = (topo.versions as { producer?: unknown } | undefined)?.producer;
    if (producer !== undefined) formatVersion = `GraphDef producer ${String(producer)}`;
  } else {
    const kv = topo.keras_version ?? (topo.model_config as { keras_version?: unknown } | undefined)?.keras_version;
    if (typeof kv === 'string') formatVersion = kv;
  }
  const files: FileInfo[] = [{ path: relative(model.dir, model.file) || model.file, bytes: model.jsonBytes, role: 'model' }];
  for (const g of model.groups) g.paths.forEach((p, i) => files.push({ path: p, bytes: g.shardBytes[i], role: 'weights' }));
  const description: ModelDescription = {
    format: isGraph ? 'tfjs-graph' : 'tfjs-layers',
    path: model.file,
    producer: parseProducer((model.json.convertedBy as string | null | undefined) || model.json.generatedBy, model.format),
    opsets: [],
    inputs,
    outputs,
    weights: weightInfos(model),
    ops,
    files,
  };
  if (formatVersion) description.formatVersion = formatVersion;
  const metadata = metadataOf(model);
  if (metadata) description.metadata = metadata;
  if (!description.producer) delete description.producer;
  return description;
}

export async function describeTfjsFile(path: string): Promise<ModelDescription> {
  return describeTfjsModel(await readTfjs(path));
}
