/** TF.js float16 weights use the shared binary16 conversion (src/model/float16.ts). */
export { encodeFloat16, decodeFloat16, float32ToFloat16Bits, float16BitsToFloat32 } from '../../core/tensor/float16.js';
