/**
 * readKerasFile: a Keras `.h5` or `.keras` file → KerasModelFile (config, versions, weights per
 * layer), and describeKeras: its shared ModelDescription (the "before" of `dlpack convert`).
 */
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { ModelDescription, TensorInfo } from '../../core/model-description.js';
import { detectModelFile } from '../detect-model.js';
import { MAX_KERAS_BYTES, type KerasModelFile } from './keras-model.js';
import { readKerasH5 } from './read-keras-h5.js';
import { readKerasV3 } from './read-keras-v3.js';

export async function readKerasFile(path: string): Promise<KerasModelFile> {
  const kind = await detectModelFile(path);
  if (kind !== 'keras-h5' && kind !== 'keras-v3') {
    throw new DlpackError('NOT_A_MODEL', 'not a Keras file (expected HDF5 .h5 or a .keras zip)', { file: path });
  }
  const st = await fs.stat(path);
  if (st.size > MAX_KERAS_BYTES) throw new DlpackError('TOO_LARGE', `Keras file is ${st.size} bytes (limit 2 GB)`, { file: path });
  if (kind === 'keras-v3') return readKerasV3(path, st.size);
  const bytes = await fs.readFile(path);
  return readKerasH5(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function inputsOf(model: KerasModelFile): TensorInfo[] {
  const cfg = model.modelConfig.config;
  const layers = isObject(cfg) && Array.isArray(cfg.layers) ? cfg.layers : Array.isArray(cfg) ? cfg : [];
  const out: TensorInfo[] = [];
  for (const l of layers) {
    if (!isObject(l) || !isObject(l.config)) continue;
    const shape = (l.config.batch_input_shape ?? l.config.batch_shape) as (number | null)[] | undefined;
    if (l.class_name === 'InputLayer' || (out.length === 0 && Array.isArray(shape) && model.modelConfig.class_name === 'Sequential')) {
      if (Array.isArray(shape)) out.push({ name: String(l.config.name ?? l.name ?? 'input'), dtype: 'float32', shape });
    }
  }
  return out;
}

export function describeKeras(model: KerasModelFile): ModelDescription {
  return {
    format: 'keras',
    path: model.file,
    producer: { name: 'keras', version: model.kerasVersion },
    opsets: [],
    inputs: inputsOf(model),
    outputs: [],
    weights: [...model.weights.entries()].flatMap(([layer, ws]) =>
      ws.map((w) => ({
        name: `${layer}/${w.name}`,
        dtype: 'float32' as const,
        shape: w.shape,
        elements: w.values.length,
        bytes: w.values.byteLength,
        storage: 'inline' as const,
      })),
    ),
    ops: model.layers.map((l) => ({ type: l.className, name: l.name })),
    files: [{ path: basename(model.file), bytes: model.bytes, role: 'model' }],
    metadata: Object.fromEntries(Object.entries({ keras_version: model.kerasVersion, backend: model.backend }).filter(([, v]) => v !== undefined)) as Record<string, string>,
  };
}
