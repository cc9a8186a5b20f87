/**
 * The onnx.proto schema and tensor helpers: model-local functions, sparse initializers and the
 * typed data fields (float_data, int32_data with float16, int64_data, double_data, uint64_data)
 * checked by running them in onnxruntime-node (an independent implementation of the format);
 * every message type and field survives encode → decode; int64 handling; dtype names.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AttributeType,
  encodeOnnx,
  makeTensor,
  onnxDtypeCode,
  onnxDtypeName,
  OnnxDataType,
  tensorBytes,
  tensorToTypedArray,
  type ModelProto,
  type TensorProto,
  type ValueInfoProto,
} from '../../../src/formats/onnx/index.js';
import { decodeModelProto } from '../../../src/formats/onnx/onnx-codec.js';
import { DTYPE_BITS, type DType } from '../../../src/core/model-description.js';
import { runOrt, sameBits } from '../../helpers/onnx-test-helpers.js';

/** The values of a typed array of any element type as plain numbers. */
const numbers = (a: ArrayLike<number | bigint>): number[] => Array.from(a, Number);

const vi = (name: string, elem: number, dims: number[]): ValueInfoProto => ({
  name,
  type: { tensor_type: { elem_type: elem, shape: { dim: dims.map((d) => ({ dim_value: d })) } } },
});

function model(graph: ModelProto['graph'], extra: Partial<ModelProto> = {}): ModelProto {
  return { ir_version: 8, opset_import: [{ domain: '', version: 17 }], producer_name: 'test', graph, ...extra };
}

test('typed data fields decode as ONNX Runtime reads them', async () => {
  const inits: TensorProto[] = [
    { name: 'f32', data_type: OnnxDataType.FLOAT, dims: [3], float_data: [0.5, -1.25, 3] },
    // float16 bit patterns in int32_data: 1.0, -2.0, 0.5
    { name: 'f16', data_type: OnnxDataType.FLOAT16, dims: [3], int32_data: [0x3c00, 0xc000, 0x3800] },
    { name: 'f64', data_type: OnnxDataType.DOUBLE, dims: [3], double_data: [0.25, 1e-3, -7] },
    { name: 'u32', data_type: OnnxDataType.UINT32, dims: [3], uint64_data: BigUint64Array.of(1n, 2n, 4000000000n) },
    { name: 'shape', data_type: OnnxDataType.INT64, dims: [2], int64_data: BigInt64Array.of(3n, 1n) },
    { name: 'i8', data_type: OnnxDataType.INT8, dims: [3], int32_data: [-128, 0, 127] },
  ];
  const m = model({
    name: 'typed',
    node: [
      { op_type: 'Add', input: ['x', 'f32'], output: ['a'] },
      { op_type: 'Cast', input: ['f16'], output: ['f16f'], attribute: [{ name: 'to', type: AttributeType.INT, i: 1 }] },
      { op_type: 'Add', input: ['a', 'f16f'], output: ['b'] },
      { op_type: 'Cast', input: ['f64'], output: ['f64f'], attribute: [{ name: 'to', type: AttributeType.INT, i: 1 }] },
      { op_type: 'Add', input: ['b', 'f64f'], output: ['c'] },
      { op_type: 'Reshape', input: ['c', 'shape'], output: ['y'] },
      { op_type: 'Cast', input: ['u32'], output: ['u'], attribute: [{ name: 'to', type: AttributeType.INT, i: 11 }] },
      { op_type: 'Identity', input: ['i8'], output: ['i'] },
    ],
    initializer: inits,
    input: [vi('x', 1, [3])],
    output: [vi('y', 1, [3, 1]), vi('u', 11, [3]), vi('i', 3, [3])],
  });
  const x = Float32Array.of(1, 2, 3);
  const out = await runOrt(await encodeOnnx(m), { x: { type: 'float32', dims: [3], data: x } });
  const want = Float32Array.from([0, 1, 2], (i) => x[i] + [0.5, -1.25, 3][i] + [1, -2, 0.5][i] + Math.fround([0.25, 1e-3, -7][i]));
  assert.ok(sameBits(out.y, want), `${out.y} vs ${want}`);
  assert.equal(Array.from(out.u as unknown as Float64Array), [1, 2, 4000000000]);
  assert.equal(Array.from(out.i as unknown as Int8Array), [-128, 0, 127]);
  // the helpers read the same values
  assert.equal(numbers(tensorToTypedArray(inits[0])), [0.5, -1.25, 3]);
  assert.equal(numbers(tensorToTypedArray(inits[1])), [0x3c00, 0xc000, 0x3800]);
  assert.ok(tensorToTypedArray(inits[1]) instanceof Uint16Array);
  assert.equal(numbers(tensorToTypedArray(inits[3])), [1, 2, 4000000000]);
  assert.equal(Array.from(tensorToTypedArray(inits[4]) as BigInt64Array), [3n, 1n]);
  assert.equal(numbers(tensorToTypedArray(inits[5])), [-128, 0, 127]);
  // tensorBytes gives raw_data layout; makeTensor from it is equivalent
  const raw = makeTensor('f32', 'float32', [3], tensorToTypedArray(inits[0]));
  assert.ok(Buffer.from(tensorBytes(raw)).equals(Buffer.from(tensorBytes(inits[0]))));
  // decode keeps the typed fields as they were (no silent conversion to raw_data)
  const back = await decodeModelProto(await encodeOnnx(m));
  assert.equal(back.graph!.initializer![1].int32_data, [0x3c00, 0xc000, 0x3800]);
  assert.equal(back.graph!.initializer![4].int64_data, BigInt64Array.of(3n, 1n));
  assert.is(back.graph!.initializer![0].raw_data, undefined);
});

test('int64 values beyond 2^53 survive as bigint (Slice to INT64_MAX runs in ORT)', async () => {
  const MAX = 9223372036854775807n;
  const m = model({
    name: 'slice',
    node: [{ op_type: 'Slice', input: ['x', 'starts', 'ends'], output: ['y'] }],
    initializer: [
      { name: 'starts', data_type: OnnxDataType.INT64, dims: [1], int64_data: BigInt64Array.of(1n) },
      makeTensor('ends', 'int64', [1], BigInt64Array.of(MAX)),
    ],
    input: [vi('x', 1, [4])],
    output: [vi('y', 1, [3])],
  });
  m.graph!.node![0].attribute = [];
  const bytes = await encodeOnnx(m);
  const out = await runOrt(bytes, { x: { type: 'float32', dims: [4], data: Float32Array.of(1, 2, 3, 4) } });
  assert.equal(Array.from(out.y as Float32Array), [2, 3, 4]);
  const back = await decodeModelProto(bytes);
  assert.equal(Array.from(tensorToTypedArray(back.graph!.initializer![1]) as BigInt64Array), [MAX]);
  // scalars: number when safe, bigint beyond
  const attrs = await decodeModelProto(
    await encodeOnnx(
      model(
        {
          name: 'a',
          node: [
            {
              op_type: 'Custom',
              domain: 'x',
              output: ['o'],
              attribute: [
                { name: 'big', type: AttributeType.INT, i: MAX },
                { name: 'neg', type: AttributeType.INT, i: -5 },
                { name: 'list', type: AttributeType.INTS, ints: [-1, 2 ** 53 - 1, -MAX - 1n, 12] },
              ],
            },
          ],
          output: [vi('o', 1, [])],
        },
        { model_version: 2n ** 60n },
      ),
    ),
  );
  const [big, neg, list] = attrs.graph!.node![0].attribute!;
  assert.is(big.i, MAX);
  assert.is(neg.i, -5);
  assert.equal(list.ints, [-1, 2 ** 53 - 1, -MAX - 1n, 12]);
  assert.is(attrs.model_version, 2n ** 60n);
  assert.is(attrs.ir_version, 8);
});

test('model-local functions (FunctionProto) and sparse initializers run in ORT', async () => {
  const m = model(
    {
      name: 'fn',
      node: [
        { op_type: 'AddRelu', domain: 'local', input: ['x', 'dense'], output: ['a'] },
        { op_type: 'Add', input: ['a', 'sparse'], output: ['y'] },
      ],
      initializer: [makeTensor('dense', 'float32', [2, 3], Float32Array.of(-5, 1, 0, 2, -1, 3))],
      sparse_initializer: [
        {
          values: makeTensor('sparse', 'float32', [2], Float32Array.of(10, 20)),
          indices: makeTensor('sparse_idx', 'int64', [2], BigInt64Array.of(1n, 5n)),
          dims: [2, 3],
        },
      ],
      input: [vi('x', 1, [2, 3])],
      output: [vi('y', 1, [2, 3])],
    },
    {
      opset_import: [
        { domain: '', version: 17 },
        { domain: 'local', version: 1 },
      ],
      functions: [
        {
          name: 'AddRelu',
          domain: 'local',
          input: ['A', 'B'],
          output: ['C'],
          node: [
            { op_type: 'Add', input: ['A', 'B'], output: ['S'] },
            { op_type: 'Relu', input: ['S'], output: ['C'] },
          ],
          opset_import: [{ domain: '', version: 17 }],
        },
      ],
    },
  );
  const out = await runOrt(await encodeOnnx(m), { x: { type: 'float32', dims: [2, 3], data: Float32Array.of(1, 1, 1, 1, 1, 1) } });
  assert.equal(Array.from(out.y as Float32Array), [0, 12, 1, 3, 0, 24]);
});

/** Order-independent JSON: sorted keys, bytes as arrays, bigint marked, empty lists dropped (= absent in protobuf). */
function canonical(x: unknown): string {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return Array.from(v);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, walk);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const entries = Object.entries(v)
        .filter(([, x]) => !(Array.isArray(x) && x.length === 0))
        .sort(([a], [b]) => a.localeCompare(b));
      return Object.fromEntries(entries.map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return JSON.stringify(walk(x));
}

test('every onnx.proto message and field survives encode → decode', async () => {
  const ss = (k: string) => [{ key: k, value: `${k}-value` }];
  const tensor: TensorProto = {
    dims: [2],
    data_type: OnnxDataType.FLOAT,
    segment: { begin: 0, end: 2 },
    float_data: [1, 2],
    name: 't',
    doc_string: 'doc',
    metadata_props: ss('tensor'),
  };
  const sub: NonNullable<ModelProto['graph']> = {
    name: 'body',
    node: [{ op_type: 'Identity', input: ['outer'], output: ['inner'] }],
    output: [vi('inner', 1, [])],
  };
  const m: ModelProto = {
    ir_version: 11,
    opset_import: [{ domain: '', version: 21 }],
    producer_name: 'p',
    producer_version: 'v',
    domain: 'd',
    model_version: 7,
    doc_string: 'doc',
    metadata_props: ss('model'),
    graph: {
      name: 'g',
      doc_string: 'graph doc',
      node: [
        {
          input: ['x'],
          output: ['y'],
          name: 'n',
          op_type: 'Op',
          domain: 'dom',
          overload: 'ov',
          doc_string: 'node doc',
          metadata_props: ss('node'),
          device_configurations: [
            {
              configuration_id: 'cfg',
              pipeline_stage: 2,
              sharding_spec: [
                {
                  tensor_name: 'x',
                  device: [0, 1],
                  index_to_device_group_map: [{ key: 0, value: [0, 1] }],
                  sharded_dim: [{ axis: 0, simple_sharding: [{ dim_param: 'N', num_shards: 2 }, { dim_value: 4, num_shards: 2 }] }],
                },
              ],
            },
          ],
          attribute: [
            { name: 'f', type: AttributeType.FLOAT, f: 0.5, doc_string: 'a' },
            { name: 'i', type: AttributeType.INT, i: 3 },
            { name: 's', type: AttributeType.STRING, s: new Uint8Array([104, 105]) },
            { name: 't', type: AttributeType.TENSOR, t: tensor },
            { name: 'g', type: AttributeType.GRAPH, g: sub },
            { name: 'sp', type: AttributeType.SPARSE_TENSOR, sparse_tensor: { values: tensor, indices: tensor, dims: [4] } },
            { name: 'tp', type: AttributeType.TYPE_PROTO, tp: { sequence_type: { elem_type: vi('', 1, [1]).type } } },
            { name: 'fs', type: AttributeType.FLOATS, floats: [1, 2] },
            { name: 'is', type: AttributeType.INTS, ints: [1, -2] },
            { name: 'ss', type: AttributeType.STRINGS, strings: [new Uint8Array([1]), new Uint8Array([2])] },
            { name: 'ts', type: AttributeType.TENSORS, tensors: [tensor] },
            { name: 'gs', type: AttributeType.GRAPHS, graphs: [sub, sub] },
            { name: 'sps', type: AttributeType.SPARSE_TENSORS, sparse_tensors: [{ values: tensor, dims: [2] }] },
            {
              name: 'tps',
              type: AttributeType.TYPE_PROTOS,
              type_protos: [
                { map_type: { key_type: 7, value_type: { tensor_type: { elem_type: 1 } } } },
                { optional_type: { elem_type: { sparse_tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'n', denotation: 'BATCH' }] } } } } },
                { opaque_type: { domain: 'o', name: 'n' }, denotation: 'IMAGE' },
              ],
            },
            { name: 'ref', ref_attr_name: 'parent_attr', type: AttributeType.FLOAT },
          ],
        },
      ],
      initializer: [tensor, { name: 'ext', data_type: 1, dims: [1], data_location: 1, external_data: ss('location') }],
      sparse_initializer: [{ values: tensor, indices: tensor, dims: [3] }],
      input: [{ ...vi('x', 1, [1]), doc_string: 'input doc', metadata_props: ss('vi') }],
      output: [vi('y', 1, [1])],
      value_info: [vi('z', 16, [])],
      quantization_annotation: [{ tensor_name: 'y', quant_parameter_tensor_names: ss('SCALE_TENSOR') }],
      metadata_props: ss('graph'),
    },
    training_info: [{ initialization: sub, algorithm: sub, initialization_binding: ss('a'), update_binding: ss('b') }],
    functions: [
      {
        name: 'F',
        input: ['a'],
        output: ['b'],
        attribute: ['alpha'],
        attribute_proto: [{ name: 'beta', type: AttributeType.FLOAT, f: 1 }],
        node: [{ op_type: 'Identity', input: ['a'], output: ['b'] }],
        doc_string: 'fdoc',
        opset_import: [{ domain: '', version: 21 }],
        domain: 'fd',
        overload: 'fo',
        value_info: [vi('b', 1, [])],
        metadata_props: ss('function'),
      },
    ],
    configuration: [{ name: 'c', num_devices: 2, device: ['gpu0', 'gpu1'] }],
  };
  const { encodeModelProto } = await import('../../../src/formats/onnx/onnx-codec.js');
  const bytes = await encodeModelProto(m);
  const back = await decodeModelProto(bytes);
  assert.is(canonical(back), canonical(m));
  // re-encoding is byte-stable
  assert.ok(Buffer.from(await encodeModelProto(back)).equals(Buffer.from(bytes)));
});

test('fields unknown to the schema are kept and written back', async () => {
  const { encodeModelProto } = await import('../../../src/formats/onnx/onnx-codec.js');
  const base = await encodeModelProto(model({ name: 'g', node: [{ op_type: 'Identity', input: ['x'], output: ['y'] }], input: [vi('x', 1, [1])], output: [vi('y', 1, [1])] }));
  // field 99 (length-delimited, "hi") appended to the ModelProto
  const extra = Uint8Array.of(0x9a, 0x06, 0x02, 0x68, 0x69);
  const withUnknown = Buffer.concat([Buffer.from(base), extra]);
  const decoded = await decodeModelProto(withUnknown);
  assert.is(decoded.graph!.name, 'g');
  const again = await encodeModelProto(decoded);
  assert.ok(Buffer.from(again).equals(withUnknown));
});

test('dtype names and codes map both ways', () => {
  const names = Object.keys(DTYPE_BITS).filter((n) => n !== 'unknown') as DType[];
  for (const name of names) {
    assert.is(onnxDtypeName(onnxDtypeCode(name)), name);
  }
  assert.is(onnxDtypeName(7), 'int64');
  assert.is(onnxDtypeName(10), 'float16');
  assert.is(onnxDtypeName(22), 'int4');
  assert.is(onnxDtypeName(23), 'unknown'); // FLOAT4E2M1 has no DType name
  assert.is(onnxDtypeName(99), 'unknown');
  assert.throws(() => onnxDtypeCode('unknown'));
  assert.throws(() => makeTensor('w', 'float32', [2, 2], new Float32Array(3)), /needs 16 bytes/);
  const int4 = makeTensor('q', 'int4', [3], new Uint8Array(2));
  assert.is(int4.raw_data!.length, 2);
});

test.run();
