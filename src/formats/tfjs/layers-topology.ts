/**
 * What a TF.js layers model's topology (a Keras model config) says about its inputs, outputs and
 * layers. Handles the tfjs-layers form ({class_name, config}) and the converter's Keras form
 * ({model_config: {class_name, config}}), Sequential and functional models, snake_case and
 * camelCase keys, Keras 3 `batch_shape` and dtype policies. Unknown dims become null.
 */
import type { DType, Dim, OpInfo, TensorInfo } from '../../core/model-description.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface LayerJson {
  class_name: string;
  name: string;
  config: Json;
}

/** The model config (class_name + config) inside a layers-model topology. */
export function layersModelConfig(topology: Json): { className: string; config: Json } | undefined {
  const mc = isObject(topology.model_config) ? topology.model_config : topology;
  if (typeof mc.class_name !== 'string') return undefined;
  return { className: mc.class_name, config: isObject(mc.config) ? mc.config : { layers: Array.isArray(mc.config) ? mc.config : [] } };
}

function layersOf(config: Json): LayerJson[] {
  const list = Array.isArray(config.layers) ? config.layers : [];
  return list.filter(isObject).map((l) => {
    const cfg = isObject(l.config) ? l.config : {};
    const name = typeof l.name === 'string' ? l.name : typeof cfg.name === 'string' ? cfg.name : '';
    return { class_name: String(l.class_name), name, config: cfg };
  });
}

function layerDType(cfg: Json): DType {
  let d = cfg.dtype;
  if (isObject(d)) d = isObject(d.config) ? d.config.name : d.name; // Keras 3 DTypePolicy
  return typeof d === 'string' && /^(float|int|uint|bool|string)/.test(d) ? (d as DType) : 'float32';
}

function batchShape(cfg: Json): Dim[] | null {
  const s = cfg.batch_input_shape ?? cfg.batchInputShape ?? cfg.batch_shape ?? cfg.batchShape;
  if (Array.isArray(s)) return s.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
  const inputShape = cfg.input_shape ?? cfg.inputShape;
  if (Array.isArray(inputShape)) return [null, ...inputShape.map((d) => (typeof d === 'number' && d >= 0 ? d : null))];
  return null;
}

function namesFrom(refs: unknown): string[] {
  if (!Array.isArray(refs)) return [];
  // [[name, node, tensor], ...] or a single [name, node, tensor]
  if (typeof refs[0] === 'string') return [refs[0]];
  return refs.filter(Array.isArray).map((r) => String(r[0]));
}

function collectOps(layers: LayerJson[], inSubgraph: boolean, ops: OpInfo[]): void {
  for (const l of layers) {
    ops.push(inSubgraph ? { type: l.class_name, name: l.name, inSubgraph } : { type: l.class_name, name: l.name });
    if (Array.isArray(l.config.layers)) collectOps(layersOf(l.config), true, ops);
  }
}

export interface LayersTopologyInfo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  ops: OpInfo[];
}

export function describeLayersTopology(topology: Json): LayersTopologyInfo {
  const mc = layersModelConfig(topology);
  if (!mc) return { inputs: [], outputs: [], ops: [] };
  const layers = layersOf(mc.config);
  const ops: OpInfo[] = [];
  collectOps(layers, false, ops);
  const byName = new Map(layers.map((l) => [l.name, l]));
  let inputs: TensorInfo[] = [];
  let outputs: TensorInfo[] = [];
  if (mc.className === 'Sequential') {
    const first = layers[0];
    if (first) {
      const name = first.class_name === 'InputLayer' ? first.name : `${first.name}_input`;
      inputs = [{ name, dtype: layerDType(first.config), shape: batchShape(first.config) }];
      const last = layers[layers.length - 1];
      outputs = [{ name: last.name, dtype: layerDType(last.config), shape: null }];
    }
  } else {
    inputs = namesFrom(mc.config.input_layers ?? mc.config.inputLayers).map((n) => {
      const l = byName.get(n);
      return { name: n, dtype: l ? layerDType(l.config) : 'unknown', shape: l ? batchShape(l.config) : null };
    });
    outputs = namesFrom(mc.config.output_layers ?? mc.config.outputLayers).map((n) => {
      const l = byName.get(n);
      return { name: n, dtype: l ? layerDType(l.config) : 'unknown', shape: null };
    });
  }
  return { inputs, outputs, ops };
}
