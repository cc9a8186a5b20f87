/** Loads a TF.js layers model (tfjs-layers) from the bundle's assets. */
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import type { HandlerConfig } from './handler-config.js';
import { readTfjsArtifacts } from './tfjs-artifacts.js';
import type { TfjsModel } from './tfjs-session.js';

export async function loadTfjsLayers(config: HandlerConfig): Promise<TfjsModel> {
  const model = await loadLayersModel(tf.io.fromMemory(await readTfjsArtifacts(config.modelFile)));
  // Sequential models may leave inputNames/outputNames empty: fall back to the model.json's names.
  return {
    inputNames: model.inputNames.length ? [...model.inputNames] : config.inputs.map((i) => i.name),
    outputNames: model.outputNames.length ? [...model.outputNames] : [...config.outputs],
    async run(inputs) {
      const out = model.predict(inputs.length === 1 ? inputs[0] : inputs);
      return Array.isArray(out) ? out : [out];
    },
  };
}
