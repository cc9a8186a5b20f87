/** Loads a TF.js graph model (tfjs-converter) from the bundle's assets. */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import type { HandlerConfig } from './handler-config.js';
import { readTfjsArtifacts } from './tfjs-artifacts.js';
import type { TfjsModel } from './tfjs-session.js';

export async function loadTfjsGraph(config: HandlerConfig): Promise<TfjsModel> {
  const model = await loadGraphModel(tf.io.fromMemory(await readTfjsArtifacts(config.modelFile)));
  const inputNames = model.inputs.map((t) => t.name);
  const outputNames = model.outputs.map((t) => t.name);
  return {
    inputNames,
    outputNames,
    async run(inputs) {
      const feeds: tf.NamedTensorMap = {};
      inputNames.forEach((n, i) => (feeds[n] = inputs[i]));
      // execute() for plain graphs; executeAsync() when the graph has control flow or dynamic shapes.
      let out: tf.Tensor | tf.Tensor[];
      try {
        out = model.execute(feeds, outputNames);
      } catch {
        out = await model.executeAsync(feeds, outputNames);
      }
      return Array.isArray(out) ? out : [out];
    },
  };
}
