/**
 * Small models made in code for the handler behaviours the host tiers check (written to a temp
 * folder by each test, never committed):
 *  - dtypes.onnx: inputs uint8, int32, int64 and bool [1, 4] (each Cast to float, summed, masked) →
 *    `out` float32 [1, 4] = (img + ids + pos) * mask.
 *  - reshape.onnx: `x` float32 [n] → Reshape to [-1, 2]: any n passes request validation, an odd n
 *    cannot be computed (a shape error inside the runtime).
 *  - big-output.onnx: `x` float32 [1] → Sin(Range(0, 1e6) + x) → `wave` float32 [1000000]: about
 *    18 MB of JSON, over every 6 MB / 4.5 MB response limit.
 *  - tfjs-uint8/model.json: a TF.js graph with a uint8 image input [1, 4] (the TF Object Detection
 *    export's input dtype) and an int32 input, Cast to float and added → `sum` float32 [1, 4].
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTensor } from '../../../src/formats/onnx/onnx-tensor.js';
import { writeOnnx } from '../../../src/formats/onnx/write-onnx.js';
import { writeTfjs } from '../../../src/formats/tfjs/write-tfjs.js';
import { AttributeType, type ModelProto, type NodeProto, type ValueInfoProto } from '../../../src/formats/onnx/onnx-proto-types.js';

const ONNX_TYPES = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9 } as const;

function valueInfo(name: string, dtype: keyof typeof ONNX_TYPES, dims: (number | string)[]): ValueInfoProto {
  return {
    name,
    type: { tensor_type: { elem_type: ONNX_TYPES[dtype], shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  };
}

function node(op_type: string, input: string[], output: string[], to?: number): NodeProto {
  const n: NodeProto = { input, output, name: `${op_type}_${output[0]}`, op_type };
  if (to !== undefined) n.attribute = [{ name: 'to', type: AttributeType.INT, i: to }];
  return n;
}

function model(name: string, graph: Omit<NonNullable<ModelProto['graph']>, 'name'>): ModelProto {
  return { ir_version: 8, opset_import: [{ domain: '', version: 17 }], producer_name: 'dlpack-tests', graph: { name, ...graph } };
}

export async function writeDtypesOnnx(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'dtypes.onnx');
  await writeOnnx(
    model('dtypes', {
      node: [
        node('Cast', ['img'], ['img_f'], 1),
        node('Cast', ['ids'], ['ids_f'], 1),
        node('Cast', ['pos'], ['pos_f'], 1),
        node('Cast', ['mask'], ['mask_f'], 1),
        node('Add', ['img_f', 'ids_f'], ['s1']),
        node('Add', ['s1', 'pos_f'], ['s2']),
        node('Mul', ['s2', 'mask_f'], ['out']),
      ],
      input: [valueInfo('img', 'uint8', [1, 4]), valueInfo('ids', 'int32', [1, 4]), valueInfo('pos', 'int64', [1, 4]), valueInfo('mask', 'bool', [1, 4])],
      output: [valueInfo('out', 'float32', [1, 4])],
    }),
    file,
  );
  return file;
}

/** A request for dtypes.onnx and the answer it must get. */
export const DTYPES_REQUEST = {
  inputs: {
    img: { dims: [1, 4], data: [0, 1, 200, 255] },
    ids: { dims: [1, 4], data: [-5, 2, 3, 4] },
    pos: { dims: [1, 4], data: [10, '20', 30, 40] },
    mask: { dims: [1, 4], data: [true, false, 1, 0] },
  },
};
export const DTYPES_ANSWER = [5, 0, 233, 0];

export async function writeReshapeOnnx(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'reshape.onnx');
  await writeOnnx(
    model('reshape', {
      node: [node('Reshape', ['x', 'shape'], ['y'])],
      initializer: [makeTensor('shape', 'int64', [2], BigInt64Array.from([-1n, 2n]))],
      input: [valueInfo('x', 'float32', ['n'])],
      output: [valueInfo('y', 'float32', ['m', 2])],
    }),
    file,
  );
  return file;
}

export async function writeBigOutputOnnx(dir: string, elements = 1_000_000): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'big-output.onnx');
  await writeOnnx(
    model('big_output', {
      node: [node('Range', ['start', 'limit', 'delta'], ['r']), node('Add', ['r', 'x'], ['rx']), node('Sin', ['rx'], ['wave'])],
      initializer: [
        makeTensor('start', 'float32', [], Float32Array.from([0])),
        makeTensor('limit', 'float32', [], Float32Array.from([elements])),
        makeTensor('delta', 'float32', [], Float32Array.from([1])),
      ],
      input: [valueInfo('x', 'float32', [1])],
      output: [valueInfo('wave', 'float32', [elements])],
    }),
    file,
  );
  return file;
}

export async function writeUint8Tfjs(dir: string): Promise<string> {
  const dims = (s: number[]) => ({ dim: s.map((d) => ({ size: String(d) })) });
  const nodes = [
    { name: 'image', op: 'Placeholder', attr: { dtype: { type: 'DT_UINT8' }, shape: { shape: dims([1, 4]) } } },
    { name: 'ids', op: 'Placeholder', attr: { dtype: { type: 'DT_INT32' }, shape: { shape: dims([1, 4]) } } },
    { name: 'image_f', op: 'Cast', input: ['image'], attr: { SrcT: { type: 'DT_UINT8' }, DstT: { type: 'DT_FLOAT' } } },
    { name: 'ids_f', op: 'Cast', input: ['ids'], attr: { SrcT: { type: 'DT_INT32' }, DstT: { type: 'DT_FLOAT' } } },
    { name: 'sum', op: 'AddV2', input: ['image_f', 'ids_f'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  const json = {
    format: 'graph-model',
    generatedBy: 'dlpack tests',
    convertedBy: null,
    signature: {
      inputs: {
        image: { name: 'image:0', dtype: 'DT_UINT8', tensorShape: dims([1, 4]) },
        ids: { name: 'ids:0', dtype: 'DT_INT32', tensorShape: dims([1, 4]) },
      },
      outputs: { sum: { name: 'sum:0', dtype: 'DT_FLOAT', tensorShape: dims([1, 4]) } },
    },
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
  };
  const out = join(dir, 'tfjs-uint8');
  await writeTfjs({ json, format: 'graph-model', weights: [] }, out, { modelFileName: 'model.json', replace: true });
  return join(out, 'model.json');
}

export const UINT8_TFJS_REQUEST = { inputs: { image: { dims: [1, 4], data: [0, 7, 128, 255] }, ids: { dims: [1, 4], data: [1, -2, 3, 4] } } };
export const UINT8_TFJS_ANSWER = [1, 5, 131, 259];
