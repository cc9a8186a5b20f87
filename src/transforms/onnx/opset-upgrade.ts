/**
 * Upgrades a model's ai.onnx opset (9–12) to 13, the first with per-axis QuantizeLinear/
 * DequantizeLinear, for int8-static. ONNX Runtime's quantizer only rewrites the version number
 * (and warns "please verify the quantized model"); here each op whose definition changed between
 * the model's opset and 13 is rewritten to the new form (attributes that became inputs: Clip,
 * Slice, Squeeze, Unsqueeze, Split, ReduceSum, Pad; Softmax's 2-D coercion; Dropout's ratio),
 * the ops whose semantics did not change keep their nodes, and any other op is refused by name —
 * never a silent change of meaning. Node names and output names are kept. Main graph only: a model
 * with subgraphs (If/Loop/Scan) is refused.
 */
import type { ModelProto, NodeProto } from '../../formats/onnx/index.js';
import { makeTensor } from '../../formats/onnx/index.js';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { NameAllocator, attr, intAttr, makeNode, opsetVersion, subgraphsOf } from './graph-edit.js';

export const QDQ_PER_AXIS_OPSET = 13;

/** Ops whose definition (for inference, with the model's attributes) is the same from opset 9 to 13. */
const SAME_SEMANTICS = new Set([
  'Abs', 'Acos', 'Acosh', 'Add', 'And', 'ArgMax', 'ArgMin', 'Asin', 'Asinh', 'Atan', 'Atanh', 'AveragePool', 'BatchNormalization',
  'Cast', 'Ceil', 'Concat', 'Constant', 'ConstantOfShape', 'Conv', 'ConvTranspose', 'Cos', 'Cosh', 'DepthToSpace', 'Div', 'Elu',
  'Equal', 'Erf', 'Exp', 'Expand', 'EyeLike', 'Flatten', 'Floor', 'GRU', 'Gather', 'Gemm', 'GlobalAveragePool', 'GlobalLpPool',
  'GlobalMaxPool', 'Greater', 'HardSigmoid', 'Identity', 'InstanceNormalization', 'IsInf', 'IsNaN', 'LRN', 'LSTM', 'LeakyRelu', 'Less',
  'Log', 'LpNormalization', 'LpPool', 'MatMul', 'Max', 'MaxPool', 'MaxRoiPool', 'Mean', 'MeanVarianceNormalization', 'Min', 'Mul',
  'Neg', 'NonZero', 'Not', 'OneHot', 'Or', 'PRelu', 'Pow', 'RNN', 'Reciprocal', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
  'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare', 'Relu', 'Reshape', 'Selu', 'Shape',
  'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Size', 'Softplus', 'Softsign', 'SpaceToDepth', 'Sqrt', 'Sub', 'Sum', 'Tan', 'Tanh',
  'Tile', 'Transpose', 'Where', 'Xor', 'MatMulInteger', 'ConvInteger', 'QLinearConv', 'QLinearMatMul', 'QuantizeLinear',
  'DequantizeLinear', 'Range', 'Round', 'GatherElements', 'GatherND', 'ScatterElements', 'ScatterND', 'CumSum', 'Einsum',
  'Celu', 'Det', 'ThresholdedRelu', 'Mod', 'BitShift', 'Compress', 'IsInf',
]);

const i64 = (values: number[]) => BigInt64Array.from(values.map((v) => BigInt(v)));
const ints = (n: NodeProto, name: string) => attr(n, name)?.ints?.map(Number);
const withoutAttrs = (n: NodeProto, names: string[]) => {
  n.attribute = (n.attribute ?? []).filter((a) => !names.includes(a.name ?? ''));
  if (!n.attribute.length) delete n.attribute;
};

export interface UpgradeResult {
  from: number;
  to: number;
  rewritten: Record<string, number>;
}

/**
 * Upgrades `model` in place to opset 13 when it is older; `ranks` (tensor → rank, from
 * calibration) lets a Softmax over the last axis stay one node.
 */
export function upgradeOpset(model: ModelProto, ranks: Map<string, number>, file?: string): UpgradeResult {
  const from = opsetVersion(model);
  const to = QDQ_PER_AXIS_OPSET;
  const result: UpgradeResult = { from, to: Math.max(from, to), rewritten: {} };
  if (from >= to) return result;
  const g = model.graph!;
  if (from < 9) throw new DlpackError('UNSUPPORTED', `int8-static needs opset ≥ 9 to upgrade from; this model has opset ${from}`, { file });
  const unknown = new Set<string>();
  for (const n of g.node ?? []) {
    if (n.domain && n.domain !== 'ai.onnx') continue;
    if (subgraphsOf(n).length) unknown.add(n.op_type ?? '');
    else if (!SAME_SEMANTICS.has(n.op_type ?? '') && !REWRITES[n.op_type ?? '']) unknown.add(n.op_type ?? '');
  }
  if (unknown.size) {
    throw new DlpackError('UNSUPPORTED', `int8-static needs opset ${to} (per-channel QDQ) and this opset-${from} model has op(s) dlpack cannot upgrade: ${[...unknown].sort().join(', ')}`, {
      file,
      hint: 'upgrade the model first (python -m onnx.version_converter, or re-export at opset ≥ 13)',
    });
  }
  // ranks the graph declares (outputs, value_info) where calibration measured none
  const known = new Map(ranks);
  for (const v of [...(g.output ?? []), ...(g.value_info ?? [])]) {
    const dims = v.type?.tensor_type?.shape?.dim;
    if (v.name && dims && !known.has(v.name)) known.set(v.name, dims.length);
  }
  ranks = known;
  const names = new NameAllocator(model);
  const inits: ReturnType<typeof makeTensor>[] = [];
  const constant = (base: string, values: number[]) => {
    const name = names.fresh(base);
    inits.push(makeTensor(name, 'int64', [values.length], i64(values)));
    return name;
  };
  const scalar = (base: string, value: number) => {
    const name = names.fresh(base);
    inits.push(makeTensor(name, 'float32', [], Float32Array.of(value)));
    return name;
  };
  const nodes: NodeProto[] = [];
  for (const n of g.node ?? []) {
    const rw = !n.domain || n.domain === 'ai.onnx' ? REWRITES[n.op_type ?? ''] : undefined;
    const out = rw ? rw(n, { from, ranks, constant, scalar, names }) : [n];
    if (rw) result.rewritten[n.op_type!] = (result.rewritten[n.op_type!] ?? 0) + 1;
    nodes.push(...out);
  }
  g.node = nodes;
  g.initializer = [...(g.initializer ?? []), ...inits];
  const opset = model.opset_import!.find((o) => !o.domain || o.domain === 'ai.onnx')!;
  opset.version = to;
  if (Number(model.ir_version ?? 0) < 7) model.ir_version = 7;
  return result;
}

interface RewriteContext {
  from: number;
  ranks: Map<string, number>;
  constant: (base: string, values: number[]) => string;
  /** A float32 scalar initializer (Clip-11's min/max, Pad-11's value). */
  scalar: (base: string, value: number) => string;
  names: NameAllocator;
}

type Rewrite = (n: NodeProto, c: RewriteContext) => NodeProto[];

/** Moves an ints attribute into an int64 input (appended at `index`, earlier optional slots left empty). */
function attrToInput(n: NodeProto, c: RewriteContext, name: string, index: number): void {
  const v = ints(n, name);
  withoutAttrs(n, [name]);
  if (v === undefined) return;
  const inputs = [...(n.input ?? [])];
  while (inputs.length < index) inputs.push('');
  inputs[index] = c.constant(`${n.name || n.output?.[0]}_${name}`, v);
  n.input = inputs;
}

const REWRITES: Record<string, Rewrite> = {
  Clip(n, c) {
    if (c.from >= 11) return [n];
    const min = attr(n, 'min')?.f;
    const max = attr(n, 'max')?.f;
    withoutAttrs(n, ['min', 'max']);
    const base = n.name || n.output?.[0];
    n.input = [n.input![0], min === undefined ? '' : c.scalar(`${base}_min`, min), max === undefined ? '' : c.scalar(`${base}_max`, max)];
    while (n.input.length > 1 && n.input[n.input.length - 1] === '') n.input.pop();
    return [n];
  },
  Slice(n, c) {
    if (c.from >= 10) return [n];
    const starts = ints(n, 'starts') ?? [];
    const ends = ints(n, 'ends') ?? [];
    const axes = ints(n, 'axes');
    withoutAttrs(n, ['starts', 'ends', 'axes']);
    const base = n.name || n.output?.[0];
    n.input = [n.input![0], c.constant(`${base}_starts`, starts), c.constant(`${base}_ends`, ends), ...(axes ? [c.constant(`${base}_axes`, axes)] : [])];
    return [n];
  },
  Squeeze: (n, c) => (attrToInput(n, c, 'axes', 1), [n]),
  Unsqueeze: (n, c) => (attrToInput(n, c, 'axes', 1), [n]),
  ReduceSum(n, c) {
    attrToInput(n, c, 'axes', 1);
    return [n];
  },
  Split(n, c) {
    attrToInput(n, c, 'split', 1);
    return [n];
  },
  Pad(n, c) {
    if (c.from >= 11) return [n];
    const pads = ints(n, 'pads') ?? [];
    const value = attr(n, 'value')?.f ?? 0;
    withoutAttrs(n, ['pads', 'value']);
    const base = n.name || n.output?.[0];
    n.input = [n.input![0], c.constant(`${base}_pads`, pads), c.scalar(`${base}_value`, value)];
    return [n];
  },
  Dropout(n) {
    // inference: identity either way; opset 12 took ratio as an input
    withoutAttrs(n, ['ratio', 'is_test']);
    return [n];
  },
  Softmax: coerced2d,
  LogSoftmax: coerced2d,
  Hardmax: coerced2d,
};

/**
 * Softmax/LogSoftmax/Hardmax before opset 13 flatten the input to 2-D at `axis` (default 1) and
 * normalize over the second dimension; from 13 they normalize over `axis` alone (default -1).
 * Same node with axis -1 when `axis` is the last one; otherwise Flatten → op(axis 1) → Reshape back.
 */
function coerced2d(n: NodeProto, c: RewriteContext): NodeProto[] {
  const axisAttr = attr(n, 'axis');
  const axis = axisAttr?.i === undefined ? 1 : Number(axisAttr.i);
  const rank = c.ranks.get(n.input![0]) ?? c.ranks.get(n.output![0]);
  if (rank !== undefined && (axis === rank - 1 || axis === -1)) {
    withoutAttrs(n, ['axis']);
    n.attribute = [...(n.attribute ?? []), intAttr('axis', -1)];
    return [n];
  }
  const base = n.name || n.output![0];
  const x = n.input![0];
  const flat = c.names.fresh(`${base}_flat`);
  const shape = c.names.fresh(`${base}_shape`);
  const y2 = c.names.fresh(`${base}_2d`);
  const out = n.output![0];
  withoutAttrs(n, ['axis']);
  n.input = [flat];
  n.output = [y2];
  n.attribute = [...(n.attribute ?? []), intAttr('axis', 1)];
  return [
    makeNode('Shape', [x], [shape], c.names.fresh(`${base}_Shape`)),
    makeNode('Flatten', [x], [flat], c.names.fresh(`${base}_Flatten`), [intAttr('axis', axis)]),
    n,
    makeNode('Reshape', [y2, shape], [out], c.names.fresh(`${base}_Reshape`)),
  ];
}

/**
 * For int8-weights: DequantizeLinear needs opset 10 (per channel: 13); an older model is upgraded
 * when every op has an upgrade rule (else its weights are rebuilt with Cast and Mul, as before). Returns the note for the report, or undefined when nothing changed.
 */
export function upgradeForPerChannel(model: ModelProto, file?: string): string | undefined {
  const from = opsetVersion(model);
  if (from >= QDQ_PER_AXIS_OPSET || from < 9) return undefined;
  try {
    const r = upgradeOpset(model, new Map(), file);
    const rw = Object.entries(r.rewritten).map(([op, k]) => `${op}×${k}`).join(', ');
    return `opset ${r.from} → ${r.to} for DequantizeLinear (per channel from 13)${rw ? ` (rewritten to their opset-13 form: ${rw})` : ''}`;
  } catch (err) {
    if (err instanceof DlpackError && err.code === 'UNSUPPORTED') return undefined;
    throw err;
  }
}
