/**
 * The official onnx.proto schema (package `onnx`, proto2, IR version 11: FLOAT4E2M1/FLOAT8E8M0,
 * device configurations, sharding specs) as a protobufjs JSON descriptor. Field numbers and the
 * `packed` options match onnx/onnx.proto exactly, so a decode → encode round trip of a file written
 * by the reference (C++) serializer reproduces its bytes.
 *
 * Kept as a TypeScript module so `tsc` ships it in dist/ and nothing reads a .proto at run time.
 */

import { OnnxDataType } from './onnx-dtypes.js';

type FieldDef = { type: string; id: number; rule?: 'repeated'; options?: { packed: boolean } };
type TypeDef = {
  fields: Record<string, FieldDef>;
  oneofs?: Record<string, { oneof: string[] }>;
  nested?: Record<string, TypeDef | EnumDef>;
  reserved?: (number[] | string)[];
};
type EnumDef = { values: Record<string, number> };

const f = (type: string, id: number): FieldDef => ({ type, id });
const rep = (type: string, id: number): FieldDef => ({ type, id, rule: 'repeated' });
const packed = (type: string, id: number): FieldDef => ({ type, id, rule: 'repeated', options: { packed: true } });

const StringStringEntryProto: TypeDef = { fields: { key: f('string', 1), value: f('string', 2) } };

const AttributeProto: TypeDef = {
  fields: {
    name: f('string', 1),
    ref_attr_name: f('string', 21),
    doc_string: f('string', 13),
    type: f('AttributeType', 20),
    f: f('float', 2),
    i: f('int64', 3),
    s: f('bytes', 4),
    t: f('TensorProto', 5),
    g: f('GraphProto', 6),
    sparse_tensor: f('SparseTensorProto', 22),
    tp: f('TypeProto', 14),
    floats: rep('float', 7),
    ints: rep('int64', 8),
    strings: rep('bytes', 9),
    tensors: rep('TensorProto', 10),
    graphs: rep('GraphProto', 11),
    sparse_tensors: rep('SparseTensorProto', 23),
    type_protos: rep('TypeProto', 15),
  },
  reserved: [[12, 12], [16, 19], 'v'],
  nested: {
    AttributeType: {
      values: {
        UNDEFINED: 0,
        FLOAT: 1,
        INT: 2,
        STRING: 3,
        TENSOR: 4,
        GRAPH: 5,
        SPARSE_TENSOR: 11,
        TYPE_PROTO: 13,
        FLOATS: 6,
        INTS: 7,
        STRINGS: 8,
        TENSORS: 9,
        GRAPHS: 10,
        SPARSE_TENSORS: 12,
        TYPE_PROTOS: 14,
      },
    },
  },
};

const ValueInfoProto: TypeDef = {
  fields: {
    name: f('string', 1),
    type: f('TypeProto', 2),
    doc_string: f('string', 3),
    metadata_props: rep('StringStringEntryProto', 4),
  },
};

const NodeProto: TypeDef = {
  fields: {
    input: rep('string', 1),
    output: rep('string', 2),
    name: f('string', 3),
    op_type: f('string', 4),
    domain: f('string', 7),
    overload: f('string', 8),
    attribute: rep('AttributeProto', 5),
    doc_string: f('string', 6),
    metadata_props: rep('StringStringEntryProto', 9),
    device_configurations: rep('NodeDeviceConfigurationProto', 10),
  },
};

const IntIntListEntryProto: TypeDef = { fields: { key: f('int64', 1), value: rep('int64', 2) } };

const NodeDeviceConfigurationProto: TypeDef = {
  fields: {
    configuration_id: f('string', 1),
    sharding_spec: rep('ShardingSpecProto', 2),
    pipeline_stage: f('int32', 3),
  },
};

const ShardingSpecProto: TypeDef = {
  fields: {
    tensor_name: f('string', 1),
    device: rep('int64', 2),
    index_to_device_group_map: rep('IntIntListEntryProto', 3),
    sharded_dim: rep('ShardedDimProto', 4),
  },
};

const ShardedDimProto: TypeDef = {
  fields: { axis: f('int64', 1), simple_sharding: rep('SimpleShardedDimProto', 2) },
};

const SimpleShardedDimProto: TypeDef = {
  fields: { dim_value: f('int64', 1), dim_param: f('string', 2), num_shards: f('int64', 3) },
  oneofs: { dim: { oneof: ['dim_value', 'dim_param'] } },
};

const TrainingInfoProto: TypeDef = {
  fields: {
    initialization: f('GraphProto', 1),
    algorithm: f('GraphProto', 2),
    initialization_binding: rep('StringStringEntryProto', 3),
    update_binding: rep('StringStringEntryProto', 4),
  },
};

const ModelProto: TypeDef = {
  fields: {
    ir_version: f('int64', 1),
    opset_import: rep('OperatorSetIdProto', 8),
    producer_name: f('string', 2),
    producer_version: f('string', 3),
    domain: f('string', 4),
    model_version: f('int64', 5),
    doc_string: f('string', 6),
    graph: f('GraphProto', 7),
    metadata_props: rep('StringStringEntryProto', 14),
    training_info: rep('TrainingInfoProto', 20),
    functions: rep('FunctionProto', 25),
    configuration: rep('DeviceConfigurationProto', 26),
  },
};

const DeviceConfigurationProto: TypeDef = {
  fields: { name: f('string', 1), num_devices: f('int32', 2), device: rep('string', 3) },
};

const TensorAnnotation: TypeDef = {
  fields: { tensor_name: f('string', 1), quant_parameter_tensor_names: rep('StringStringEntryProto', 2) },
};

const GraphProto: TypeDef = {
  fields: {
    node: rep('NodeProto', 1),
    name: f('string', 2),
    initializer: rep('TensorProto', 5),
    sparse_initializer: rep('SparseTensorProto', 15),
    doc_string: f('string', 10),
    input: rep('ValueInfoProto', 11),
    output: rep('ValueInfoProto', 12),
    value_info: rep('ValueInfoProto', 13),
    quantization_annotation: rep('TensorAnnotation', 14),
    metadata_props: rep('StringStringEntryProto', 16),
  },
  reserved: [[3, 4], [6, 9], 'ir_version', 'producer_version', 'producer_tag', 'domain'],
};

const TensorProto: TypeDef = {
  fields: {
    dims: rep('int64', 1),
    data_type: f('int32', 2),
    segment: f('Segment', 3),
    float_data: packed('float', 4),
    int32_data: packed('int32', 5),
    string_data: rep('bytes', 6),
    int64_data: packed('int64', 7),
    name: f('string', 8),
    doc_string: f('string', 12),
    raw_data: f('bytes', 9),
    external_data: rep('StringStringEntryProto', 13),
    data_location: f('DataLocation', 14),
    double_data: packed('double', 10),
    uint64_data: packed('uint64', 11),
    metadata_props: rep('StringStringEntryProto', 16),
  },
  nested: {
    DataType: { values: { ...OnnxDataType } },
    Segment: { fields: { begin: f('int64', 1), end: f('int64', 2) } },
    DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
  },
};

const SparseTensorProto: TypeDef = {
  fields: { values: f('TensorProto', 1), indices: f('TensorProto', 2), dims: rep('int64', 3) },
};

const TensorShapeProto: TypeDef = {
  fields: { dim: rep('Dimension', 1) },
  nested: {
    Dimension: {
      fields: { dim_value: f('int64', 1), dim_param: f('string', 2), denotation: f('string', 3) },
      oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
    },
  },
};

const TypeProto: TypeDef = {
  fields: {
    tensor_type: f('Tensor', 1),
    sequence_type: f('Sequence', 4),
    map_type: f('Map', 5),
    optional_type: f('Optional', 9),
    sparse_tensor_type: f('SparseTensor', 8),
    opaque_type: f('Opaque', 7),
    denotation: f('string', 6),
  },
  oneofs: {
    value: { oneof: ['tensor_type', 'sequence_type', 'map_type', 'optional_type', 'sparse_tensor_type', 'opaque_type'] },
  },
  nested: {
    Tensor: { fields: { elem_type: f('int32', 1), shape: f('TensorShapeProto', 2) } },
    Sequence: { fields: { elem_type: f('TypeProto', 1) } },
    Map: { fields: { key_type: f('int32', 1), value_type: f('TypeProto', 2) } },
    Optional: { fields: { elem_type: f('TypeProto', 1) } },
    SparseTensor: { fields: { elem_type: f('int32', 1), shape: f('TensorShapeProto', 2) } },
    Opaque: { fields: { domain: f('string', 1), name: f('string', 2) } },
  },
};

const OperatorSetIdProto: TypeDef = { fields: { domain: f('string', 1), version: f('int64', 2) } };

const FunctionProto: TypeDef = {
  fields: {
    name: f('string', 1),
    input: rep('string', 4),
    output: rep('string', 5),
    attribute: rep('string', 6),
    attribute_proto: rep('AttributeProto', 11),
    node: rep('NodeProto', 7),
    doc_string: f('string', 8),
    opset_import: rep('OperatorSetIdProto', 9),
    domain: f('string', 10),
    overload: f('string', 13),
    value_info: rep('ValueInfoProto', 12),
    metadata_props: rep('StringStringEntryProto', 14),
  },
  reserved: [[2, 3], 'since_version', 'status'],
};

/**
 * protobufjs treats JSON-defined types as proto3 unless told otherwise (packed repeated scalars,
 * no presence for defaults); onnx.proto is proto2, so every type and enum is marked.
 */
function markProto2<T extends { nested?: Record<string, unknown> }>(namespace: T): T {
  for (const def of Object.values(namespace.nested ?? {}) as Record<string, unknown>[]) {
    if ('fields' in def || 'values' in def) def.edition = 'proto2';
    if ('nested' in def) markProto2(def as { nested?: Record<string, unknown> });
  }
  return namespace;
}

/** The descriptor passed to `protobuf.Root.fromJSON`. */
export const ONNX_PROTO_DESCRIPTOR = markProto2({
  nested: {
    onnx: {
      nested: {
        Version: {
          values: {
            _START_VERSION: 0,
            IR_VERSION_2017_10_10: 1,
            IR_VERSION_2017_10_30: 2,
            IR_VERSION_2017_11_3: 3,
            IR_VERSION_2019_1_22: 4,
            IR_VERSION_2019_3_18: 5,
            IR_VERSION_2019_9_19: 6,
            IR_VERSION_2020_5_8: 7,
            IR_VERSION_2021_7_30: 8,
            IR_VERSION_2023_5_5: 9,
            IR_VERSION_2024_3_25: 10,
            IR_VERSION: 11,
          },
        },
        OperatorStatus: { values: { EXPERIMENTAL: 0, STABLE: 1 } },
        AttributeProto,
        ValueInfoProto,
        NodeProto,
        IntIntListEntryProto,
        NodeDeviceConfigurationProto,
        ShardingSpecProto,
        ShardedDimProto,
        SimpleShardedDimProto,
        TrainingInfoProto,
        ModelProto,
        DeviceConfigurationProto,
        StringStringEntryProto,
        TensorAnnotation,
        GraphProto,
        TensorProto,
        SparseTensorProto,
        TensorShapeProto,
        TypeProto,
        OperatorSetIdProto,
        FunctionProto,
      },
    },
  },
});
