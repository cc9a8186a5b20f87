/**
 * Structural checks on a decoded ModelProto, so that a file protobuf happens to accept (truncated
 * at a field boundary, flipped bytes, another protobuf message) is reported as a broken or foreign
 * file instead of producing nonsense: a model needs an IR version and a graph; every tensor's data
 * must match its dtype and shape; every value a node reads must be defined.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { isKnownOnnxDataType, onnxStoredBytes, OnnxDataType as T } from './onnx-dtypes.js';
import type { GraphProto, ModelProto, TensorProto } from './onnx-proto-types.js';
import { tensorDataField } from './onnx-tensor.js';
import { forEachTensor } from './walk-graphs.js';
import { quoted } from '../../core/text.js';

/** The newest IR version accepted (IR 11 is current; a little headroom for newer files). */
const MAX_IR_VERSION = 16;

function checkTensor(t: TensorProto, file: string): void {
  const name = t.name ?? '(unnamed)';
  const bad = (why: string) => new DlpackError('CORRUPT_MODEL', `tensor ${quoted(name)}: ${why}`, { file });
  if (!isKnownOnnxDataType(t.data_type)) throw bad(`unknown data type ${t.data_type ?? '(none)'}`);
  let elements = 1;
  for (const d of t.dims ?? []) {
    const n = Number(d);
    if (!Number.isSafeInteger(n) || n < 0) throw bad(`invalid dimension ${d}`);
    elements *= n;
  }
  if (!Number.isSafeInteger(elements)) throw bad('too many elements');
  if (t.segment) return; // a chunk of a larger tensor: sizes are not checkable alone
  const field = tensorDataField(t);
  const code = t.data_type;
  const expectBytes = onnxStoredBytes(code, elements);
  switch (field) {
    case 'external':
      return; // checked against the data file by resolveExternalData
    case 'none':
      if (elements !== 0) throw bad(`has no data for ${elements} elements`);
      return;
    case 'raw_data':
      if (code === T.STRING) throw bad('string tensor stored in raw_data');
      if (t.raw_data!.length !== expectBytes) throw bad(`raw_data has ${t.raw_data!.length} bytes, expected ${expectBytes}`);
      return;
    case 'string_data':
      if (code !== T.STRING || t.string_data!.length !== elements) throw bad('string_data does not match its dtype and shape');
      return;
    default: {
      const count = (t[field] as ArrayLike<unknown>).length;
      const complex = code === T.COMPLEX64 || code === T.COMPLEX128;
      const subByte = code === T.INT4 || code === T.UINT4 || code === T.FLOAT4E2M1;
      const ok = count === (complex ? 2 * elements : elements) || (subByte && count === Math.ceil(elements / 2));
      if (!ok) throw bad(`${field} has ${count} values, expected ${complex ? 2 * elements : elements}`);
    }
  }
}

/** Names defined in a graph: inputs, initializers, node outputs (in any order). */
function definedNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of graph.input ?? []) if (v.name) names.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const s of graph.sparse_initializer ?? []) if (s.values?.name) names.add(s.values.name);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) names.add(o);
  return names;
}

function checkGraph(graph: GraphProto, outer: Set<string>[], file: string, where: string): void {
  const names = definedNames(graph);
  const scopes = [names, ...outer];
  const known = (n: string) => n === '' || scopes.some((s) => s.has(n));
  for (const node of graph.node ?? []) {
    const label = node.name ? `node ${quoted(node.name)}` : `a ${node.op_type || '(no op_type)'} node`;
    if (!node.op_type) throw new DlpackError('CORRUPT_MODEL', `${where}: ${label} has no op_type`, { file });
    for (const input of node.input ?? []) {
      if (!known(input)) {
        throw new DlpackError('CORRUPT_MODEL', `${where}: ${label} reads ${quoted(input)}, which nothing defines`, { file });
      }
    }
    for (const a of node.attribute ?? []) {
      for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
        checkGraph(g, scopes, file, `subgraph ${quoted(g.name ?? a.name)} of ${label}`);
      }
    }
  }
  for (const out of graph.output ?? []) {
    if (!out.name || !known(out.name)) {
      throw new DlpackError('CORRUPT_MODEL', `${where}: output ${quoted(out.name ?? '')} is not produced by any node`, { file });
    }
  }
}

/** Throws NOT_A_MODEL or CORRUPT_MODEL (naming `file`) unless `model` is a plausible ModelProto. */
export function validateModelProto(model: ModelProto, file: string): void {
  const ir = model.ir_version === undefined ? undefined : Number(model.ir_version);
  if (!model.graph) {
    throw new DlpackError('NOT_A_MODEL', 'not an ONNX model (the protobuf has no graph)', { file });
  }
  if (ir === undefined || !Number.isInteger(ir) || ir < 1 || ir > MAX_IR_VERSION) {
    throw new DlpackError('NOT_A_MODEL', `not an ONNX model (IR version ${ir ?? 'missing'})`, { file });
  }
  for (const o of model.opset_import ?? []) {
    const v = Number(o.version);
    if (!Number.isInteger(v) || v < 1 || v > 10_000) {
      throw new DlpackError('CORRUPT_MODEL', `opset ${quoted(o.domain || 'ai.onnx')} has invalid version ${o.version}`, { file });
    }
  }
  if (ir >= 3 && !(model.opset_import ?? []).length) {
    throw new DlpackError('CORRUPT_MODEL', 'model imports no opset', { file });
  }
  forEachTensor(model, (t) => checkTensor(t, file));
  checkGraph(model.graph, [], file, 'graph');
}
