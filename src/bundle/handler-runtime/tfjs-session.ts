/**
 * A TF.js model (graph or layers) behind the handler's ModelSession. The backend initialiser and
 * the model loader are chosen at bundle time (dlpack:runtime), so a bundle holds only what it runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HandlerConfig } from './handler-config.js';
import type { LoadModel, Tensor } from './model-session.js';
import { toTfjsInput } from './tfjs-dtypes.js';

export interface TfjsModel {
  inputNames: string[];
  outputNames: string[];
  run(inputs: tf.Tensor[]): Promise<tf.Tensor[]>;
}

export type InitBackend = (wasmFile: string | undefined) => Promise<string>;
export type LoadTfjsModel = (config: HandlerConfig) => Promise<TfjsModel>;

export function makeTfjsLoader(initBackend: InitBackend, load: LoadTfjsModel): LoadModel {
  return async (config) => {
    const backend = await initBackend(config.wasmFile);
    const model = await load(config);
    return {
      backend,
      async run(feeds) {
        // TF.js takes float32/int32/bool/string only: uint8, int64, … are converted first (tfjs-dtypes.ts;
        // a value int32 cannot hold is a 400 before any tensor exists)
        const converted = model.inputNames.map((name, i) => {
          const t = feeds[name] ?? feeds[config.inputs[i]?.name];
          if (!t) throw new Error(`no feed for model input "${name}"`);
          return { dims: t.dims, ...toTfjsInput(name, t) };
        });
        const inputs = converted.map((c) => tf.tensor(c.values as never, c.dims, c.dtype));
        try {
          const outputs = await model.run(inputs);
          const result: Record<string, Tensor> = {};
          for (let i = 0; i < outputs.length; i++) {
            const t = outputs[i];
            result[model.outputNames[i] ?? `output_${i}`] = { dtype: t.dtype, dims: [...t.shape], data: (await t.data()) as Tensor['data'] };
          }
          tf.dispose(outputs);
          return result;
        } finally {
          tf.dispose(inputs);
        }
      },
    };
  };
}
