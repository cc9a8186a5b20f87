/**
 * openTfjsSession: a TF.js graph or layers model from disk as an InferenceSessionLike. The model
 * is read (and every shard checked) by readTfjs before any @tensorflow module loads, then loaded
 * through our own IOHandler on the backend tfjs-backend.ts picks (node → wasm → cpu, or forced).
 */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { describeLayersTopology } from '../formats/tfjs/layers-topology.js';
import { readTfjs } from '../formats/tfjs/read-tfjs.js';
import type { TfjsModel } from '../formats/tfjs/tfjs-model.js';
import type { DType, TensorInfo } from '../core/model-description.js';
import type { Feeds, InferenceSessionLike, OpenSessionOptions, TensorData } from './runtime.js';
import { activateTfjsBackend, selectTfjsBackend, type TfjsBackendAttempt, type TfjsRuntime } from './tfjs-backend.js';
import { tfjsLoadHandler } from './tfjs-io.js';

export interface TfjsSession extends InferenceSessionLike {
  /** Every backend tried before the one that runs, with the reason each failed. */
  readonly attempts: TfjsBackendAttempt[];
  readonly format: TfjsModel['format'];
}

type TfDType = 'float32' | 'int32' | 'bool';

function toTfValues(name: string, t: TensorData, file: string): { values: Float32Array | Int32Array | Uint8Array; dtype: TfDType } {
  switch (t.dtype) {
    case 'float32':
      return { values: t.data as Float32Array, dtype: 'float32' };
    case 'float64':
      return { values: Float32Array.from(t.data as Float64Array), dtype: 'float32' };
    case 'int32':
      return { values: t.data as Int32Array, dtype: 'int32' };
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
      return { values: Int32Array.from(t.data as Int8Array), dtype: 'int32' };
    case 'int64':
      return { values: Int32Array.from(t.data as BigInt64Array, (v) => Number(v)), dtype: 'int32' };
    case 'bool':
      return { values: Uint8Array.from(t.data as Uint8Array, (v) => (v ? 1 : 0)), dtype: 'bool' };
    default:
      throw new DlpackError('UNSUPPORTED', `input "${name}" has dtype ${t.dtype}, which TF.js cannot take`, { file });
  }
}

function shapeOf(shape: readonly (number | null)[] | undefined | null): TensorInfo['shape'] {
  return shape ? shape.map((d) => (d === null || d < 0 ? null : d)) : null;
}

class TfjsSessionImpl implements TfjsSession {
  readonly backend: string;
  readonly attempts: TfjsBackendAttempt[];
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  private needsAsync = false;

  constructor(
    private readonly runtime: TfjsRuntime,
    private readonly model: GraphModel | LayersModel,
    readonly format: TfjsModel['format'],
    private readonly file: string,
    jsonNames: { inputs: TensorInfo[]; outputs: TensorInfo[] },
  ) {
    this.backend = runtime.label;
    this.attempts = runtime.attempts;
    // Layers models: tfjs makes tensor names unique per process ("conv_input_1" on a second load),
    // so name inputs and outputs by the model JSON's layers, as describeTfjsFile does.
    const names = (list: TensorInfo[], n: number) => (list.length === n ? list.map((t) => t.name) : undefined);
    const inNames = names(jsonNames.inputs, model.inputs.length);
    const outNames = names(jsonNames.outputs, model.outputs.length);
    this.inputs = model.inputs.map((i, k) => ({ name: inNames?.[k] ?? i.name, dtype: (i.dtype ?? 'float32') as DType, shape: shapeOf(i.shape) }));
    this.outputs = model.outputs.map((o, k) => ({ name: outNames?.[k] ?? o.name, dtype: (o.dtype ?? 'float32') as DType, shape: shapeOf(o.shape) }));
  }

  async run(feeds: Feeds): Promise<Record<string, TensorData>> {
    const { tf } = this.runtime;
    for (const name of Object.keys(feeds)) {
      if (!this.inputs.some((i) => i.name === name)) {
        throw new DlpackError('USAGE', `unknown input "${name}" (inputs: ${this.inputs.map((i) => i.name).join(', ')})`, { file: this.file });
      }
    }
    await activateTfjsBackend(this.runtime);
    const tensors: Tensor[] = [];
    try {
      for (const input of this.inputs) {
        const feed = feeds[input.name];
        if (!feed) throw new DlpackError('USAGE', `missing input "${input.name}"`, { file: this.file });
        const { values, dtype } = toTfValues(input.name, feed, this.file);
        tensors.push(tf.tensor(values, feed.shape, dtype));
      }
      let result: Tensor | Tensor[];
      try {
        if (this.format === 'graph-model') {
          const graph = this.model as GraphModel;
          const feedMap = Object.fromEntries(this.inputs.map((i, k) => [i.name, tensors[k]]));
          const names = this.outputs.map((o) => o.name);
          // execute() is the fast synchronous path; models with control flow or dynamic shapes need executeAsync().
          try {
            result = this.needsAsync ? await graph.executeAsync(feedMap, names) : graph.execute(feedMap, names);
          } catch (err) {
            if (this.needsAsync || !/executeAsync/.test((err as Error).message)) throw err;
            this.needsAsync = true;
            result = await graph.executeAsync(feedMap, names);
          }
        } else {
          result = (this.model as LayersModel).predict(tensors.length === 1 ? tensors[0] : tensors) as Tensor | Tensor[];
        }
      } catch (err) {
        throw new DlpackError('RUNTIME', `${this.backend} failed to run the model: ${(err as Error).message.split('\n')[0]}`, { file: this.file, cause: err });
      }
      const list = Array.isArray(result) ? result : [result];
      const out: Record<string, TensorData> = {};
      try {
        for (let k = 0; k < list.length; k++) {
          const t = list[k];
          const data = (await t.data()) as Float32Array | Int32Array | Uint8Array;
          const dtype = t.dtype === 'bool' ? 'bool' : t.dtype === 'int32' ? 'int32' : 'float32';
          out[this.outputs[k].name] = { dtype, shape: [...t.shape], data: dtype === 'bool' ? Uint8Array.from(data) : data };
        }
      } finally {
        for (const t of list) t.dispose();
      }
      return out;
    } finally {
      for (const t of tensors) t.dispose();
    }
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}

/** Opens a TF.js model (graph or layers) from its model JSON on the best or the forced backend. */
export async function openTfjsSession(path: string, options: OpenSessionOptions = {}): Promise<TfjsSession> {
  const model = await readTfjs(path);
  const runtime = await selectTfjsBackend({ backend: options.backend });
  const handler = tfjsLoadHandler(model);
  let loaded: GraphModel | LayersModel;
  try {
    if (model.format === 'graph-model') {
      const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
      loaded = await loadGraphModel(handler);
    } else {
      const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
      loaded = await loadLayersModel(handler);
    }
  } catch (err) {
    if (err instanceof DlpackError) throw err;
    throw new DlpackError('RUNTIME', `${runtime.label} could not load the model: ${(err as Error).message.split('\n')[0]}`, { file: path, cause: err });
  }
  const jsonNames = model.format === 'layers-model' ? describeLayersTopology(model.json.modelTopology) : { inputs: [], outputs: [] };
  return new TfjsSessionImpl(runtime, loaded, model.format, path, jsonNames);
}
