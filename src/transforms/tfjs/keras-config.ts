/**
 * Keras model config (Keras 2 or Keras 3 shape) → the Keras 2 shape tfjs-layers 4.22 loads, and
 * the list of layers it cannot load (by name, with the reason). Keras 3 differences handled:
 * `module`/`registered_name`/`build_config` wrappers, `batch_shape` for `batch_input_shape`,
 * dtype-policy objects for dtype strings, call-style `inbound_nodes` ({args, kwargs} with
 * `__keras_tensor__` histories) for the nested-list form, `build_input_shape` of a Sequential
 * model without an InputLayer.
 */

export interface LayerProblem {
  layer: string;
  className: string;
  reason: string;
}

export interface NormalizedKerasConfig {
  /** `{class_name, config}` in the form tfjs-layers deserializes. */
  modelConfig: Record<string, unknown>;
  problems: LayerProblem[];
  notes: string[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Class names older TensorFlow versions wrote (the converter's _CLASS_NAME_MAP). */
const CLASS_NAME_MAP: Record<string, string> = { BatchNormalizationV1: 'BatchNormalization', UnifiedGRU: 'GRU', UnifiedLSTM: 'LSTM' };
const DTYPE_POLICIES = new Set(['DTypePolicy', 'Policy', 'FloatDTypePolicy', 'PolicyV1']);
/** Keras activation names TF.js knows under another name. */
const ACTIVATION_ALIASES: Record<string, string> = { silu: 'swish', hard_sigmoid: 'hardSigmoid', log_softmax: 'logSoftmax' };
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
/** Float dtypes TF.js layers do not compute in. */
const LOW_OR_WIDE_FLOATS = new Set(['float16', 'bfloat16', 'float64']);

interface Ctx {
  known: (className: string) => boolean;
  keras3: boolean;
  problems: LayerProblem[];
  notes: Set<string>;
}

/** Strips Keras 3 serialization wrappers and turns dtype policies into dtype strings, recursively. */
function clean(v: unknown, ctx: Ctx): unknown {
  if (Array.isArray(v)) return v.map((x) => clean(x, ctx));
  if (!isObject(v)) return v;
  if (typeof v.class_name === 'string' && DTYPE_POLICIES.has(v.class_name)) {
    const name = isObject(v.config) && typeof v.config.name === 'string' ? v.config.name : 'float32';
    if (name.startsWith('mixed_')) {
      ctx.notes.add(`dtype policy ${name}: TF.js computes in float32 (the variables are float32 already)`);
      return 'float32';
    }
    return name;
  }
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'module' || k === 'registered_name' || k === 'build_config' || k === 'compile_config' || k === 'shared_object_id') continue;
    out[k === 'batch_shape' ? 'batch_input_shape' : k] = clean(x, ctx);
  }
  return out;
}

function activationProblem(name: unknown, ctx: Ctx): string | undefined {
  if (name === undefined || name === null) return undefined;
  if (typeof name !== 'string') return 'a custom activation object';
  if (name === 'hard_sigmoid' && ctx.keras3) return 'Keras 3 hard_sigmoid is relu6(x + 3) / 6; TF.js computes 0.2x + 0.5';
  return ctx.known(name) || ctx.known(ACTIVATION_ALIASES[name] ?? name) ? undefined : `activation "${name}" does not exist in TF.js`;
}

/** Writes the activation under the name TF.js registers it (silu → swish, hard_sigmoid → hardSigmoid). */
function fixActivation(cfg: Obj, key: string, ctx: Ctx): void {
  const a = cfg[key];
  if (typeof a === 'string' && !ctx.known(a) && ACTIVATION_ALIASES[a]) cfg[key] = ACTIVATION_ALIASES[a];
}

/** Per-class checks for settings TF.js lacks; returns a reason or undefined. */
function layerSettingProblem(className: string, cfg: Obj, ctx: Ctx): string | undefined {
  for (const key of ['activation', 'recurrent_activation']) {
    const why = activationProblem(cfg[key], ctx);
    if (why) return why;
    fixActivation(cfg, key, ctx);
  }
  if (typeof cfg.groups === 'number' && cfg.groups !== 1) return `grouped convolution (groups=${cfg.groups})`;
  if (cfg.lora_rank !== undefined && cfg.lora_rank !== null) return 'LoRA weights (lora_rank)';
  if (cfg.quantization_config) return 'Keras-quantized weights';
  if (className === 'ReLU' && ((Number(cfg.negative_slope) || 0) !== 0 || (Number(cfg.threshold) || 0) !== 0)) {
    return 'ReLU with negative_slope or threshold (TF.js ReLU has max_value only)';
  }
  if (cfg.keepdims === true) return 'keepdims=True (TF.js global pooling drops the pooled axes)';
  if (cfg.ragged === true || cfg.sparse === true) return 'ragged or sparse input';
  if (typeof cfg.dtype === 'string' && LOW_OR_WIDE_FLOATS.has(cfg.dtype)) {
    ctx.notes.add(`layers with dtype ${cfg.dtype} compute in float32 in TF.js (their weights are converted to float32)`);
    cfg.dtype = 'float32';
  }
  if (className === 'SeparableConv2D' || className === 'SeparableConv1D') {
    // Keras drops these from separable configs; tfjs-layers refuses them there.
    for (const k of ['kernel_initializer', 'kernel_regularizer', 'kernel_constraint']) delete cfg[k];
  }
  if (className === 'BatchNormalization' && Array.isArray(cfg.axis)) {
    if (cfg.axis.length !== 1) return `normalizing over several axes (${JSON.stringify(cfg.axis)})`;
    cfg.axis = cfg.axis[0];
  }
  return undefined;
}

/** Keras 3 call-style inbound nodes → Keras 2 `[[layer, node, tensor, kwargs], ...]` per node. */
function convertInboundNodes(nodes: unknown, layer: string, className: string, ctx: Ctx): unknown {
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (Array.isArray(node)) return node; // Keras 2 form already
    if (!isObject(node)) return [];
    const tensors: unknown[][] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (isObject(x) && x.class_name === '__keras_tensor__' && isObject(x.config) && Array.isArray(x.config.keras_history)) {
        const [name, n, t] = x.config.keras_history as [string, number, number];
        tensors.push([name, n, t, {}]);
      }
    };
    walk(node.args);
    const kwargTensors: unknown[][] = [];
    const before = tensors.length;
    walk(node.kwargs);
    kwargTensors.push(...tensors.splice(before));
    if (kwargTensors.length) ctx.problems.push({ layer, className, reason: 'tensors passed as keyword arguments (e.g. mask=)' });
    return tensors;
  });
}

/** `["input", 0, 0]` → `[["input", 0, 0]]` (Keras 3 writes a single input or output flat). */
function tensorList(v: unknown): unknown {
  return Array.isArray(v) && typeof v[0] === 'string' ? [v] : v;
}

function normalizeLayer(entry: unknown, ctx: Ctx, functional: boolean): Obj | undefined {
  if (!isObject(entry) || typeof entry.class_name !== 'string') {
    ctx.problems.push({ layer: '?', className: '?', reason: 'a layer entry without class_name' });
    return undefined;
  }
  const className = CLASS_NAME_MAP[entry.class_name] ?? entry.class_name;
  const cfg = (clean(isObject(entry.config) ? entry.config : {}, ctx) as Obj) ?? {};
  const name = String(entry.name ?? cfg.name ?? '?');
  cfg.name ??= name;
  const registered = entry.registered_name;
  if (typeof registered === 'string' && registered !== className && registered !== entry.class_name) {
    ctx.problems.push({ layer: name, className, reason: `custom object "${registered}"` });
  } else if (MODEL_CLASSES.has(className)) {
    ctx.problems.push({ layer: name, className, reason: 'a nested model (save the inner model separately or flatten it)' });
  } else if (!ctx.known(className)) {
    ctx.problems.push({ layer: name, className, reason: `TF.js has no layer class ${className}` });
  } else {
    const why = layerSettingProblem(className, cfg, ctx);
    if (why) ctx.problems.push({ layer: name, className, reason: why });
  }
  const out: Obj = { class_name: className, config: cfg };
  if (functional) {
    out.name = name;
    out.inbound_nodes = convertInboundNodes(entry.inbound_nodes, name, className, ctx);
  }
  return out;
}

function normalizeSequential(config: unknown, ctx: Ctx): Obj {
  const cfg = isObject(config) ? config : { layers: config };
  const raw = Array.isArray(cfg.layers) ? cfg.layers : [];
  const layers = raw.map((l) => normalizeLayer(l, ctx, false)).filter((l): l is Obj => l !== undefined);
  // A leading InputLayer stays (tfjs-layers' Sequential takes it, with its dtype, as Keras 2.4+ writes it).
  const first = layers[0]?.config as Obj | undefined;
  if (first && layers[0].class_name !== 'InputLayer' && first.batch_input_shape === undefined) {
    if (Array.isArray(cfg.build_input_shape)) first.batch_input_shape = cfg.build_input_shape;
    else ctx.problems.push({ layer: String(first.name), className: String(layers[0].class_name), reason: 'the Sequential model has no input shape (build it or add an Input before saving)' });
  }
  return { name: cfg.name ?? 'sequential', layers };
}

function normalizeFunctional(config: unknown, ctx: Ctx): Obj {
  const cfg = isObject(config) ? config : {};
  const raw = Array.isArray(cfg.layers) ? cfg.layers : [];
  return {
    name: cfg.name ?? 'model',
    layers: raw.map((l) => normalizeLayer(l, ctx, true)).filter((l): l is Obj => l !== undefined),
    input_layers: tensorList(cfg.input_layers),
    output_layers: tensorList(cfg.output_layers),
  };
}

/**
 * Normalizes a Keras model config for tfjs-layers. `known(className)` says whether TF.js has a
 * class (layer, activation) of that name (its serialization registry).
 */
export function normalizeKerasConfig(modelConfig: Obj, known: (className: string) => boolean, kerasVersion?: string): NormalizedKerasConfig {
  const keras3 = kerasVersion ? kerasVersion.startsWith('3') : 'module' in modelConfig;
  const ctx: Ctx = { known, keras3, problems: [], notes: new Set() };
  const className = String(modelConfig.class_name);
  let out: Obj;
  if (className === 'Sequential') {
    out = { class_name: 'Sequential', config: normalizeSequential(modelConfig.config, ctx) };
  } else if (className === 'Functional' || className === 'Model') {
    out = { class_name: className, config: normalizeFunctional(modelConfig.config, ctx) };
  } else {
    ctx.problems.push({ layer: String(isObject(modelConfig.config) ? modelConfig.config.name : '?'), className, reason: 'a subclassed model (only Sequential and Functional models have a config TF.js can load)' });
    out = { class_name: className, config: modelConfig.config };
  }
  return { modelConfig: out, problems: ctx.problems, notes: [...ctx.notes] };
}
