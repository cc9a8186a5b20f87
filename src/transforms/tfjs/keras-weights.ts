/**
 * Matches the weights read from a Keras file to the variables tfjs-layers creates for the same
 * config, so each manifest entry carries the name tfjs-layers looks up on load (the variable's
 * `originalName`, e.g. `dense_1/kernel`). Keras and tfjs-layers both order a layer's weights
 * trainable first, in creation order; when the file names its weights (`kernel`, `moving_mean`)
 * they are matched by name, else by position. Counts and shapes must agree exactly.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { KerasModelFile, KerasWeight } from '../../formats/keras/keras-model.js';
import type { TfjsWeight } from '../../formats/tfjs/tfjs-model.js';

const shortName = (n: string) => n.split('/').pop() ?? n;

/** Keras 3 random-seed state (a Dropout's SeedGenerator) is not a model weight. */
const isSeedState = (w: KerasWeight) => /seed_generator/.test(w.source);

function orderByName(given: KerasWeight[], expected: string[]): KerasWeight[] {
  const names = given.map((g) => g.name);
  if (new Set(names).size !== names.length) return given;
  const byName = new Map(given.map((g) => [g.name, g]));
  if (!expected.every((e) => byName.has(shortName(e)))) return given;
  return expected.map((e) => byName.get(shortName(e))!);
}

export function matchKerasWeights(model: LayersModel, keras: KerasModelFile): { weights: TfjsWeight[]; perLayer: Map<string, number> } {
  const weights: TfjsWeight[] = [];
  const perLayer = new Map<string, number>();
  const seen = new Set<string>();
  for (const layer of model.layers) {
    seen.add(layer.name);
    const expected = layer.weights;
    const given = (keras.weights.get(layer.name) ?? []).filter((w) => !isSeedState(w));
    const expectedNames = expected.map((v) => v.originalName);
    if (given.length !== expected.length) {
      throw new DlpackError(
        'CORRUPT_MODEL',
        `layer "${layer.name}" (${layer.getClassName()}) has ${given.length} weight(s) in the file but its config needs ${expected.length} (${expectedNames.map(shortName).join(', ') || 'none'})`,
        { file: keras.file },
      );
    }
    const ordered = orderByName(given, expectedNames);
    expected.forEach((v, i) => {
      const w = ordered[i];
      const shape = v.shape as number[];
      if (w.shape.length !== shape.length || w.shape.some((d, k) => d !== shape[k])) {
        throw new DlpackError('CORRUPT_MODEL', `weight ${w.source} has shape [${w.shape.join(', ')}] but layer "${layer.name}" needs [${shape.join(', ')}] for ${shortName(v.originalName)}`, {
          file: keras.file,
        });
      }
      weights.push({ name: v.originalName, shape: [...shape], dtype: 'float32', data: new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength) });
    });
    perLayer.set(layer.name, expected.length);
  }
  for (const [name, ws] of keras.weights) {
    if (!seen.has(name) && ws.some((w) => !isSeedState(w))) {
      throw new DlpackError('CORRUPT_MODEL', `the file holds weights for layer "${name}", which the model config does not build`, { file: keras.file });
    }
  }
  return { weights, perLayer };
}
