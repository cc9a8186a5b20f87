/**
 * Keras HDF5 (`model.save('model.h5')`, Keras 2 and Keras 3's legacy format): root attributes
 * `model_config` (JSON), `keras_version`, `backend`; weights in `model_weights/<layer>` groups whose
 * `weight_names` attribute lists the datasets in Keras order (`<layer>/kernel:0`, or `kernel`
 * paths in Keras 3), stored under the layer group. The same walk tensorflowjs_converter does.
 */
import type { Group, File as H5File } from 'h5wasm';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { checkJsonDepth } from '../json-text.js';
import { datasetBudget, isDataset, isGroup, readFloatDataset, type DatasetBudget, stringAttr, stringListAttr, withHdf5 } from './hdf5-memory.js';
import { topLevelLayers, type KerasModelFile, type KerasWeight } from './keras-model.js';
import { quoted } from '../../core/text.js';

/** Parses the `model_config` JSON text of a Keras file; errors name the file. */
export function parseModelConfig(text: string | undefined, file: string, where: string): Record<string, unknown> {
  if (text === undefined) {
    throw new DlpackError('NOT_A_MODEL', `Keras file has no ${where} (a weights-only file from save_weights? save the whole model with model.save)`, { file });
  }
  checkJsonDepth(text, file, where);
  let cfg: unknown;
  try {
    cfg = JSON.parse(text);
  } catch (err) {
    throw new DlpackError('CORRUPT_MODEL', `${where} is not valid JSON (${(err as Error).message})`, { file, cause: err });
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg) || typeof (cfg as Record<string, unknown>).class_name !== 'string') {
    throw new DlpackError('CORRUPT_MODEL', `${where} is not a Keras model config (no class_name)`, { file });
  }
  return cfg as Record<string, unknown>;
}

/** `dense_1/kernel:0` → `kernel`; `sequential/dense/bias` → `bias`. */
export function shortWeightName(name: string): string {
  const last = name.split('/').pop() ?? name;
  return last.replace(/:\d+$/, '');
}

function layerWeights(group: Group, layer: string, file: string, budget: DatasetBudget): KerasWeight[] {
  const names = stringListAttr(group, 'weight_names');
  if (names === undefined) {
    // Nested namespaces without weight_names: descend (the converter does too).
    return group.keys().flatMap((k) => {
      const child = group.get(k);
      return isGroup(child) ? layerWeights(child, layer, file, budget) : [];
    });
  }
  // Keras 3 random-seed state (a Dropout's SeedGenerator, integer) is not a model weight.
  return names.filter((wn) => !/seed_generator/.test(wn)).map((wn) => {
    const ds = group.get(wn);
    const source = `${group.path}/${wn}`;
    if (!isDataset(ds)) throw new DlpackError('CORRUPT_MODEL', `layer ${quoted(layer)} lists weight ${quoted(wn)} but ${source} is not a dataset`, { file });
    const read = readFloatDataset(ds, budget);
    if ('error' in read) throw new DlpackError(read.tooLarge ? 'TOO_LARGE' : 'UNSUPPORTED', `weight ${source} ${read.error}`, { file });
    return { name: shortWeightName(wn), shape: read.shape, values: read.values, source };
  });
}

export function readKerasH5Root(root: H5File | Group, file: string, bytes: number, kind: KerasModelFile['kind'] = 'keras-h5'): KerasModelFile {
  const modelConfig = parseModelConfig(stringAttr(root, 'model_config'), file, 'model_config attribute');
  const layers = topLevelLayers(modelConfig);
  if (!layers) throw new DlpackError('CORRUPT_MODEL', 'model_config has no list of layers', { file });
  const mw = root.get('model_weights');
  if (!isGroup(mw)) throw new DlpackError('CORRUPT_MODEL', 'Keras file has no model_weights group', { file });
  const weights = new Map<string, KerasWeight[]>();
  const budget = datasetBudget(bytes);
  for (const layer of layers) {
    const g = mw.get(layer.name);
    weights.set(layer.name, isGroup(g) ? layerWeights(g, layer.name, file, budget) : []);
  }
  const notes: string[] = [];
  if (root.keys().includes('optimizer_weights')) notes.push('optimizer state in the Keras file is not converted (inference only)');
  return {
    file,
    kind,
    kerasVersion: stringAttr(root, 'keras_version'),
    backend: stringAttr(root, 'backend'),
    modelConfig,
    layers,
    weights,
    notes,
    bytes,
  };
}

/** Reads a Keras HDF5 model file already loaded into memory. */
export async function readKerasH5(bytes: Uint8Array, file: string): Promise<KerasModelFile> {
  return withHdf5(bytes, file, (root) => readKerasH5Root(root, file, bytes.byteLength));
}
