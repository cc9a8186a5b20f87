/**
 * ONNX → ModelDescription (what `dlpack inspect` shows). Weights are the graph initializers (main
 * graph and subgraphs, dense and sparse) plus the tensors held by Constant nodes: exporters such as
 * paddle2onnx and older PyTorch store all parameters as Constant nodes, so leaving them out would
 * report those models as weightless. Ops include subgraph nodes (inSubgraph: true); function bodies
 * are definitions, not ops.
 */
import { basename, relative } from 'node:path';
import type { Dim, FileInfo, ModelDescription, OpInfo, TensorInfo, WeightInfo } from '../../core/model-description.js';
import { onnxDtypeName, onnxStoredBytes } from './onnx-dtypes.js';
import type { TensorProto, TypeProto, ValueInfoProto } from './onnx-proto-types.js';
import { isExternalTensor, tensorDims, tensorElementCount } from './onnx-tensor.js';
import type { ExternalDataRef } from './external-data.js';
import { readOnnx, type OnnxModel } from './read-onnx.js';
import { walkGraphs } from './walk-graphs.js';

function tensorInfo(v: ValueInfoProto): TensorInfo {
  const type: TypeProto | undefined = v.type;
  const tensor = type?.tensor_type ?? type?.sparse_tensor_type;
  if (!tensor) return { name: v.name ?? '', dtype: 'unknown', shape: null };
  const shape: Dim[] | null = tensor.shape
    ? (tensor.shape.dim ?? []).map((d) => (d.dim_value !== undefined ? Number(d.dim_value) : d.dim_param !== undefined && d.dim_param !== '' ? d.dim_param : null))
    : null;
  return { name: v.name ?? '', dtype: onnxDtypeName(tensor.elem_type), shape };
}

function weightInfo(external: Map<TensorProto, ExternalDataRef>, t: TensorProto, name: string): WeightInfo {
  const elements = tensorElementCount(t);
  const code = t.data_type ?? 0;
  const ref = external.get(t);
  const bytes = ref
    ? ref.length
    : t.raw_data
      ? t.raw_data.length
      : t.string_data
        ? t.string_data.reduce((a, s) => a + s.length, 0)
        : onnxStoredBytes(code, elements);
  const info: WeightInfo = {
    name,
    dtype: onnxDtypeName(code),
    shape: tensorDims(t),
    elements,
    bytes,
    storage: ref || isExternalTensor(t) ? 'external' : 'inline',
  };
  if (ref) info.file = ref.location;
  return info;
}

/** Builds the description of an already read model. */
export function describeOnnxModel(model: OnnxModel): ModelDescription {
  const { proto } = model;
  const graph = proto.graph!;
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name));
  const external = new Map(model.external.map((r) => [r.tensor, r]));
  const weights: WeightInfo[] = [];
  const ops: OpInfo[] = [];
  walkGraphs(graph, (g, visit) => {
    for (const t of g.initializer ?? []) weights.push(weightInfo(external, t, t.name ?? ''));
    for (const s of g.sparse_initializer ?? []) {
      if (s.values) weights.push(weightInfo(external, s.values, s.values.name ?? ''));
      if (s.indices) weights.push(weightInfo(external, s.indices, `${s.values?.name ?? ''}/indices`));
    }
    for (const node of g.node ?? []) {
      const op: OpInfo = { type: node.op_type ?? '', domain: node.domain ?? '' };
      if (node.name) op.name = node.name;
      if (visit.depth > 0) op.inSubgraph = true;
      ops.push(op);
      if (node.op_type === 'Constant' && (node.domain ?? '') === '') {
        const value = node.attribute?.find((a) => a.name === 'value' && a.t)?.t;
        if (value) weights.push(weightInfo(external, value, node.output?.[0] ?? value.name ?? ''));
      }
    }
  });
  const files: FileInfo[] = [{ path: basename(model.file), bytes: model.modelBytes, role: 'model' }];
  for (const f of model.externalFiles) files.push({ path: relative(model.dir, f.path), bytes: f.bytes, role: 'external-data' });
  const description: ModelDescription = {
    format: 'onnx',
    path: model.file,
    irVersion: Number(proto.ir_version),
    opsets: (proto.opset_import ?? []).map((o) => ({ domain: o.domain ?? '', version: Number(o.version) })),
    inputs: (graph.input ?? []).filter((v) => !initNames.has(v.name)).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    weights,
    ops,
    files,
  };
  if (proto.producer_name || proto.producer_version) {
    description.producer = {};
    if (proto.producer_name) description.producer.name = proto.producer_name;
    if (proto.producer_version) description.producer.version = proto.producer_version;
  }
  if (proto.metadata_props?.length) {
    description.metadata = Object.fromEntries(proto.metadata_props.map((p) => [p.key ?? '', p.value ?? '']));
  }
  return description;
}

/** Reads an ONNX file (external data checked, not loaded) and describes it. */
export async function describeOnnxFile(path: string): Promise<ModelDescription> {
  return describeOnnxModel(await readOnnx(path, { loadExternalData: false }));
}
