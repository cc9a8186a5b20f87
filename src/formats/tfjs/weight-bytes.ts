/**
 * How many bytes a TF.js weight occupies in its shards: elements × bytes per stored element, or,
 * for string weights, the walk over tfjs's encoding (per element a little-endian uint32 byte
 * length followed by that many bytes). Every size is checked so a hostile manifest cannot
 * overflow or send a walk past the end of the data.
 */
import { TFJS_BYTES_PER_ELEMENT, type TfjsQuantization, type TfjsWeightDType } from './tfjs-model.js';

/** Largest weight data dlpack reads (Node Buffers and tfjs ArrayBuffers stay well below this). */
export const MAX_WEIGHT_BYTES = 2 ** 31 - 1;

/** Product of a shape; undefined when it exceeds Number.MAX_SAFE_INTEGER. */
export function elementCount(shape: readonly number[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) return undefined;
  }
  return n;
}

/** The stored type of a weight: its quantization dtype, else its own dtype. */
export function storedDType(w: { dtype: TfjsWeightDType; quantization?: TfjsQuantization }): string {
  return w.quantization?.dtype ?? w.dtype;
}

/**
 * Bytes the weight needs for a fixed-size stored type; undefined for (unquantized) string
 * weights, whose size depends on the data. Returns Infinity when the size overflows.
 */
export function fixedByteLength(w: { shape: readonly number[]; dtype: TfjsWeightDType; quantization?: TfjsQuantization }): number | undefined {
  if (!w.quantization && w.dtype === 'string') return undefined;
  const n = elementCount(w.shape);
  if (n === undefined) return Infinity;
  const bytes = n * TFJS_BYTES_PER_ELEMENT[storedDType(w) as TfjsWeightDType];
  return Number.isSafeInteger(bytes) ? bytes : Infinity;
}

/**
 * Walks the string encoding of `elements` strings starting at `offset` in `data`. Returns the
 * byte length, or a reason why the data cannot hold it.
 */
export function stringByteLength(data: Uint8Array, offset: number, elements: number): { bytes: number } | { error: string } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = offset;
  for (let i = 0; i < elements; i++) {
    if (pos + 4 > data.byteLength) {
      return { error: `string element ${i} starts at byte ${pos - offset} but the data ends at ${data.byteLength - offset}` };
    }
    const len = view.getUint32(pos, true);
    pos += 4;
    if (pos + len > data.byteLength) {
      return { error: `string element ${i} declares ${len} bytes but only ${data.byteLength - pos} remain` };
    }
    pos += len;
  }
  return { bytes: pos - offset };
}

/** Byte length of a weight whose bytes are `data` (checks fixed sizes, walks strings). */
export function weightByteLength(w: { shape: readonly number[]; dtype: TfjsWeightDType; quantization?: TfjsQuantization }, data: Uint8Array, offset = 0): { bytes: number } | { error: string } {
  const fixed = fixedByteLength(w);
  if (fixed === undefined) return stringByteLength(data, offset, elementCount(w.shape) ?? Infinity);
  if (!Number.isFinite(fixed) || fixed > MAX_WEIGHT_BYTES) return { error: `shape [${w.shape.join(', ')}] is too large` };
  if (offset + fixed > data.byteLength) {
    return { error: `needs ${fixed} bytes (shape [${w.shape.join(', ')}] × ${storedDType(w)}) but only ${data.byteLength - offset} remain` };
  }
  return { bytes: fixed };
}

/** Why `w.data` does not hold exactly the weight (undefined when it does). */
export function weightDataProblem(w: { shape: readonly number[]; dtype: TfjsWeightDType; quantization?: TfjsQuantization; data: Uint8Array }): string | undefined {
  const fixed = fixedByteLength(w);
  if (fixed !== undefined) {
    if (!Number.isFinite(fixed) || fixed > MAX_WEIGHT_BYTES) return `shape [${w.shape.join(', ')}] is too large`;
    return fixed === w.data.byteLength ? undefined : `has ${w.data.byteLength} bytes but shape × dtype needs ${fixed} ([${w.shape.join(', ')}] × ${storedDType(w)})`;
  }
  const walked = stringByteLength(w.data, 0, elementCount(w.shape) ?? Infinity);
  if ('error' in walked) return walked.error;
  return walked.bytes === w.data.byteLength ? undefined : `has ${w.data.byteLength - walked.bytes} bytes after its last string`;
}
