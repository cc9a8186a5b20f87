/**
 * Request tensors as TF.js takes them (inside the bundle). TF.js computes in float32, int32 and
 * bool only (tfjs-core DataType; `tf.tensor(data, shape, 'uint8')` throws "Unknown data type"), so
 * every integer dtype a model declares (uint8 images from TF Object Detection exports, int64 ids)
 * goes in as int32 and float64/float16 as float32, the way tensorflowjs_converter maps the graph's
 * own dtypes. A value int32 cannot hold is a bad request (400), never a silent wrap.
 */
import type { Tensor } from './model-session.js';
import { RequestError } from './tensor-request.js';
import { float16ToNumber } from './tensor-response.js';

export type TfjsInput = { values: Float32Array | Int32Array | Uint8Array | string[]; dtype: 'float32' | 'int32' | 'bool' | 'string' };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function toInt32(name: string, dtype: string, data: ArrayLike<number | bigint>): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < INT32_MIN || v > INT32_MAX) {
      throw new RequestError(400, `input "${name}" element ${i} is ${String(v)}: TF.js computes ${dtype} as int32, which cannot hold it`);
    }
    out[i] = Number(v);
  }
  return out;
}

export function toTfjsInput(name: string, t: Tensor): TfjsInput {
  const data = t.data;
  switch (t.dtype) {
    case 'float32':
      return { values: data as Float32Array, dtype: 'float32' };
    case 'float64':
      return { values: Float32Array.from(data as Float64Array), dtype: 'float32' };
    case 'float16':
      return { values: Float32Array.from(data as Uint16Array, float16ToNumber), dtype: 'float32' };
    case 'int32':
      return { values: data as Int32Array, dtype: 'int32' };
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'uint32':
    case 'int64':
    case 'uint64':
      return { values: toInt32(name, t.dtype, data as ArrayLike<number | bigint>), dtype: 'int32' };
    case 'bool':
      return { values: Uint8Array.from(data as Uint8Array, (v) => (v ? 1 : 0)), dtype: 'bool' };
    case 'string':
      return { values: data as string[], dtype: 'string' };
    default:
      throw new RequestError(400, `input "${name}" has dtype ${t.dtype}, which TF.js cannot take`);
  }
}
