/**
 * A Keras model file read into memory: its model config (as Keras wrote it, Keras 2 or Keras 3
 * shape), versions, and every layer's weights in Keras order, as float32. Built by
 * read-keras-h5.ts (legacy HDF5, `model.save('m.h5')`) and read-keras-v3.ts (the `.keras` zip).
 */

export interface KerasWeight {
  /** The weight's own name where the file has one (`kernel`, `moving_mean`), else its index. */
  name: string;
  shape: number[];
  values: Float32Array;
  /** Where it was read from inside the file (HDF5 dataset path). */
  source: string;
}

export interface KerasLayerRef {
  name: string;
  className: string;
}

export interface KerasModelFile {
  file: string;
  kind: 'keras-h5' | 'keras-v3';
  kerasVersion?: string;
  backend?: string;
  /** `{class_name, config, ...}` of the model (Sequential, Functional/Model). */
  modelConfig: Record<string, unknown>;
  /** The top-level layers of the model config, in order. */
  layers: KerasLayerRef[];
  /** Weights of each top-level layer (by layer name), in the order Keras saved them. */
  weights: Map<string, KerasWeight[]>;
  /** Things read but not converted (optimizer state, training config). */
  notes: string[];
  bytes: number;
}

/** Largest Keras file (or zip entry) read into memory. */
export const MAX_KERAS_BYTES = 2 ** 31 - 1;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The top-level layer list of a model config (Sequential list form, Keras 2 and Keras 3). */
export function topLevelLayers(modelConfig: Record<string, unknown>): KerasLayerRef[] | undefined {
  const cfg = modelConfig.config;
  const list = Array.isArray(cfg) ? cfg : isObject(cfg) && Array.isArray(cfg.layers) ? cfg.layers : undefined;
  if (!list) return undefined;
  const out: KerasLayerRef[] = [];
  for (const entry of list) {
    if (!isObject(entry) || typeof entry.class_name !== 'string') return undefined;
    const inner = isObject(entry.config) ? entry.config : {};
    const name = typeof entry.name === 'string' ? entry.name : typeof inner.name === 'string' ? inner.name : undefined;
    if (!name) return undefined;
    out.push({ name, className: entry.class_name });
  }
  return out;
}

/** Keras' naming.to_snake_case, which names the weight groups of a `.keras` file. */
export function kerasSnakeCase(name: string): string {
  let s = name.replace(/\W+/g, '');
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  s = s.replace(/([a-z])([A-Z])/g, '$1_$2');
  return s.toLowerCase();
}
