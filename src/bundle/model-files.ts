/**
 * The model as a bundle carries it: every file it needs (ONNX external data, TF.js weight shards),
 * each checked to stay inside the model's folder, placed under model/ with its relative path,
 * and the inputs the handler validates requests against.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describeModel } from '../formats/load-model.js';
import { resolveContained } from '../io/contained-path.js';
import type { ModelDescription } from '../model/model-description.js';
import type { InputSpec } from './handler-runtime/handler-config.js';
import type { ModelKind } from './runtime-registry.js';

export interface BundledModel {
  description: ModelDescription;
  kind: ModelKind;
  /** The main model file inside the bundle (model/<name>). */
  mainFile: string;
  files: { source: string; path: string }[];
  inputs: InputSpec[];
  outputs: string[];
}

const toPosix = (p: string) => p.split('\\').join('/');

export async function readBundledModel(modelPath: string): Promise<BundledModel> {
  const description = await describeModel(modelPath);
  const kind: ModelKind = description.format === 'onnx' ? 'onnx' : 'tfjs';
  const folder = dirname(modelPath);
  const main = basename(modelPath);
  const files = [{ source: realpathSync(modelPath), path: `model/${main}` }];
  for (const f of description.files) {
    const rel = toPosix(f.path);
    if (rel === main) continue;
    const source = resolveContained(folder, rel, { file: modelPath, what: f.role === 'weights' ? 'weight file' : 'external data file' });
    files.push({ source, path: `model/${rel.replace(/^\.\//, '')}` });
  }
  const inputs: InputSpec[] = description.inputs.map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: t.shape ? t.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null)) : null,
  }));
  return { description, kind, mainFile: `model/${main}`, files, inputs, outputs: description.outputs.map((t) => t.name) };
}
