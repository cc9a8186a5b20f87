/**
 * `dlpack convert <model.h5|model.keras> --to tfjs`: a Keras model to a TF.js layers model
 * (model.json + weight shards), as tensorflowjs_converter --input_format keras writes it, in Node.
 * Steps: read the Keras file (HDF5 via h5wasm, the .keras zip via yauzl); normalize its config
 * for tfjs-layers and list every layer TF.js cannot load (one UNSUPPORTED error naming them);
 * build the model in tfjs-layers to learn each variable's name and shape and match the file's
 * weights to them; write atomically; then load the written folder with tfjs and run it once, so
 * a model that does not load is never left behind.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { generateFeeds, parseShapeFlags, resolveInputShapes } from '../../accuracy/input-feeds.js';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { KerasModelFile } from '../../formats/keras/keras-model.js';
import { describeKeras, readKerasFile } from '../../formats/keras/read-keras.js';
import type { TfjsModelJson } from '../../formats/tfjs/tfjs-model.js';
import { DEFAULT_SHARD_SIZE_BYTES, writeTfjs } from '../../formats/tfjs/write-tfjs.js';
import type { ModelDescription } from '../../core/model-description.js';
import { activateTfjsBackend, selectTfjsBackend } from '../../runtimes/tfjs-backend.js';
import type { ConvertOptions, TransformOutcome } from '../transform-options.js';
import { normalizeKerasConfig } from './keras-config.js';
import { matchKerasWeights } from './keras-weights.js';

/**
 * The config with every initializer set to Zeros: building only has to create the variables
 * (names and shapes), not fill them — and some initializers (Orthogonal) are slow or fail here.
 */
const ZEROS = { class_name: 'Zeros', config: {} };
/** Recurrent layers default to an Orthogonal recurrent initializer, which fails in tfjs here. */
const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN', 'ConvLSTM2D', 'LSTMCell', 'GRUCell', 'SimpleRNNCell', 'ConvLSTM2DCell']);

function withZeroInitializers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withZeroInitializers);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = k.endsWith('_initializer') && x !== null ? ZEROS : withZeroInitializers(x);
  const cls = (v as Record<string, unknown>).class_name;
  if (typeof cls === 'string' && RECURRENT.has(cls) && typeof out.config === 'object' && out.config !== null) {
    out.config = { recurrent_initializer: ZEROS, ...(out.config as object) };
  }
  return out;
}

/** Builds the normalized config in tfjs-layers; a config TF.js rejects is UNSUPPORTED. */
async function buildInTfjs(modelConfig: Record<string, unknown>, file: string): Promise<LayersModel> {
  const { models } = await import('@tensorflow/tfjs-layers');
  try {
    return await models.modelFromJSON({ modelTopology: withZeroInitializers(modelConfig) } as never);
  } catch (err) {
    throw new DlpackError('UNSUPPORTED', `TF.js cannot build this model: ${String((err as Error).message).split('\n')[0]}`, { file, cause: err });
  }
}

function topology(keras: KerasModelFile, modelConfig: Record<string, unknown>): Record<string, unknown> {
  return { keras_version: keras.kerasVersion ?? 'unknown', backend: keras.backend ?? 'tensorflow', model_config: modelConfig };
}

/** Loads the written model with tfjs and runs it once on generated inputs; returns a note. */
async function smokeRun(modelFile: string, options: ConvertOptions): Promise<string> {
  const { openTfjsSession } = await import('../../runtimes/tfjs-session.js');
  const session = await openTfjsSession(modelFile, { backend: options.check?.backend });
  try {
    const shapes = resolveInputShapes(session.inputs, parseShapeFlags(options.check?.shape), modelFile);
    const out = await session.run(generateFeeds(session.inputs, shapes, options.check?.seed ?? 1));
    const described = Object.entries(out).map(([name, t]) => `${name} [${t.shape.join(', ')}]`);
    for (const [name, t] of Object.entries(out)) {
      if (!Array.from(t.data as Float32Array).every((v) => Number.isFinite(v))) {
        throw new DlpackError('RUNTIME', `the converted model gives non-finite values on output "${name}"`, { file: modelFile });
      }
    }
    return `the converted model loaded and ran in ${session.backend} (${described.join(', ')})`;
  } finally {
    await session.dispose();
  }
}

export async function convertKerasToTfjs(options: ConvertOptions): Promise<TransformOutcome & { before: ModelDescription }> {
  const progress = options.onProgress ?? (() => {});
  progress('reading the Keras file');
  const keras = await readKerasFile(options.input);
  const before = describeKeras(keras);

  const runtime = await selectTfjsBackend({ backend: options.check?.backend });
  const { serialization } = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-layers'); // registers the layer classes
  const registry = serialization.SerializationMap.getMap().classNameMap;
  const normalized = normalizeKerasConfig(keras.modelConfig, (c) => c in registry, keras.kerasVersion);
  if (normalized.problems.length) {
    const list = normalized.problems.map((p) => `${p.layer} (${p.className}: ${p.reason})`).join('; ');
    throw new DlpackError('UNSUPPORTED', `layers TF.js cannot load: ${list}`, { file: options.input });
  }

  progress('building the model in tfjs-layers');
  await activateTfjsBackend(runtime);
  const built = await buildInTfjs(normalized.modelConfig, options.input);
  let matched;
  try {
    matched = matchKerasWeights(built, keras);
  } finally {
    built.dispose();
  }

  progress('writing the TF.js layers model');
  const json: TfjsModelJson = {
    format: 'layers-model',
    generatedBy: keras.kerasVersion ? `keras v${keras.kerasVersion}` : null,
    convertedBy: 'dlpack',
    modelTopology: topology(keras, normalized.modelConfig),
  };
  const existed = await fs.stat(options.output).then(() => true, () => false);
  const written = await writeTfjs({ json, format: 'layers-model', weights: matched.weights }, options.output, {
    shardSizeBytes: options.shardSize ?? DEFAULT_SHARD_SIZE_BYTES,
    modelFileName: 'model.json',
  });

  progress('loading the converted model in TF.js');
  let ran: string;
  try {
    ran = await smokeRun(written.modelFile, options);
  } catch (err) {
    // Leave nothing behind that does not load (an empty folder the user made stays).
    await fs.rm(options.output, { recursive: true, force: true });
    if (existed) await fs.mkdir(options.output);
    if (err instanceof DlpackError) throw err;
    throw new DlpackError('RUNTIME', `the converted model does not run in TF.js: ${String((err as Error).message).split('\n')[0]}`, { file: options.input, cause: err });
  }

  const changed = keras.layers.map((l) => ({
    name: l.name,
    what: `${l.className} → tfjs-layers ${l.className}${matched.perLayer.get(l.name) ? `, ${matched.perLayer.get(l.name)} weight(s)` : ''}`,
  }));
  const skipped: TransformOutcome['skipped'] = [];
  const notes = [
    `Keras ${keras.kerasVersion ?? '(version unknown)'} ${keras.kind === 'keras-v3' ? '.keras' : 'HDF5'} → TF.js layers model (${join(options.output, 'model.json')})`,
    ran,
    ...normalized.notes,
    ...keras.notes,
  ];
  return { outputModel: written.modelFile, changed, skipped, notes, before };
}
