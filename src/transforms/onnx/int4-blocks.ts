/**
 * Block-wise 4-bit (or 8-bit) quantization of a [K, N] MatMul weight in the layout of ONNX
 * Runtime's com.microsoft.MatMulNBits: each column n is cut into k_blocks = ceil(K / block_size)
 * blocks along K, each with its own float32 scale (and, asymmetric, a zero point); B is uint8
 * [N, k_blocks, block_size × bits / 8] — at 4 bits the even k in the low code; scales
 * [N, k_blocks]; zero points uint8 [N, ceil(k_blocks × bits / 8)], packed the same way. Without
 * zero points the runtime uses 2^(bits−1) (8, or 128). The rounding follows MLAS's blockwise
 * quantizer (what ORT's matmul_nbits_quantizer writes): symmetric blocks map the value of largest
 * magnitude to −2^(bits−1) (scale = that value / −8 at 4 bits); asymmetric blocks span
 * [min(0, lo), max(0, hi)] over 0..2^bits − 1. Pure arithmetic: the graph rewrite is quantize-int4.ts.
 */

export type BlockBits = 4 | 8;

export interface NBitsBlocks {
  K: number;
  N: number;
  blockSize: number;
  bits: BlockBits;
  kBlocks: number;
  /** uint8 [N, kBlocks, blockSize × bits / 8]. */
  packed: Uint8Array;
  /** float32 [N, kBlocks]. */
  scales: Float32Array;
  /** uint8 [N, ceil(kBlocks × bits / 8)], absent when symmetric (the runtime's default zero point 2^(bits−1)). */
  zeroPoints?: Uint8Array;
}

/** MatMulNBits' block sizes: powers of two, at least 16. */
export function isValidBlockSize(b: number): boolean {
  return Number.isInteger(b) && b >= 16 && (b & (b - 1)) === 0;
}

const f32 = Math.fround;
/** std::roundf: half away from zero. */
const roundf = (x: number) => Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
/** Bytes of one column's packed zero points. */
const zpBytesOf = (kBlocks: number, bits: BlockBits) => Math.ceil((kBlocks * bits) / 8);

/** Quantizes `w` (row-major [K, N], as a MatMul's B input) into MatMulNBits blocks of `bits` (4 by default). */
export function quantizeBlocks(w: Float32Array, K: number, N: number, blockSize: number, symmetric: boolean, bits: BlockBits = 4): NBitsBlocks {
  if (!isValidBlockSize(blockSize)) throw new RangeError(`block size must be a power of two ≥ 16, got ${blockSize}`);
  if (w.length !== K * N) throw new RangeError(`weight has ${w.length} values, [${K}, ${N}] needs ${K * N}`);
  const qmax = (1 << bits) - 1;
  const mid = 1 << (bits - 1);
  const clamp = (x: number) => (x < 0 ? 0 : x > qmax ? qmax : x);
  const kBlocks = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  const packed = new Uint8Array(N * kBlocks * blob);
  const scales = new Float32Array(N * kBlocks);
  const zpBytes = zpBytesOf(kBlocks, bits);
  const zeroPoints = symmetric ? undefined : new Uint8Array(N * zpBytes);
  const q = new Uint8Array(blockSize);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < kBlocks; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = k0; k < k1; k++) {
        const v = w[k * N + n];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      let scale: number;
      let zp: number;
      if (symmetric) {
        const big = Math.abs(hi) > Math.abs(lo) ? hi : lo;
        scale = f32(big / -mid);
        zp = mid;
      } else {
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
        scale = f32((hi - lo) / qmax);
        zp = scale !== 0 ? clamp(roundf(-lo / scale)) : 0;
      }
      const recip = scale !== 0 ? f32(1 / scale) : 0;
      q.fill(zp); // padding beyond K dequantizes to 0
      for (let k = k0; k < k1; k++) q[k - k0] = clamp(roundf(f32(w[k * N + n] * recip) + zp));
      const at = (n * kBlocks + b) * blob;
      if (bits === 8) packed.set(q, at);
      else for (let j = 0; j < blob; j++) packed[at + j] = q[2 * j] | (q[2 * j + 1] << 4);
      scales[n * kBlocks + b] = scale;
      if (zeroPoints && bits === 8) zeroPoints[n * zpBytes + b] = zp;
      else if (zeroPoints) zeroPoints[n * zpBytes + (b >> 1)] |= zp << ((b & 1) * 4);
    }
  }
  return { K, N, blockSize, bits, kBlocks, packed, scales, zeroPoints };
}

/** The float32 weight [K, N] the runtime computes with: (q - zero point) × scale. */
export function dequantizeBlocks(x: NBitsBlocks): Float32Array {
  const { K, N, blockSize, bits, kBlocks, packed, scales, zeroPoints } = x;
  const out = new Float32Array(K * N);
  const blob = (blockSize * bits) / 8;
  const zpBytes = zpBytesOf(kBlocks, bits);
  const code = (bytes: Uint8Array, i: number) => (bits === 8 ? bytes[i] : (bytes[i >> 1] >> ((i & 1) * 4)) & 15);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < kBlocks; b++) {
      const scale = scales[n * kBlocks + b];
      const zp = zeroPoints ? code(zeroPoints.subarray(n * zpBytes), b) : 1 << (bits - 1);
      const at = (n * kBlocks + b) * blob;
      for (let k = b * blockSize; k < Math.min(K, (b + 1) * blockSize); k++) {
        const qv = code(packed.subarray(at), k - b * blockSize);
        out[k * N + n] = f32((qv - zp) * scale);
      }
    }
  }
  return out;
}

/** Relative error (1/SQNR) of a weight after 4-bit blocks: the rank of mixed-precision units whose activations are not measured. */
export function int4RelativeError(w: Float32Array, K: number, N: number, blockSize: number, symmetric: boolean): number {
  const d = dequantizeBlocks(quantizeBlocks(w, K, N, blockSize, symmetric));
  let s = 0;
  let e = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i] * w[i];
    e += (w[i] - d[i]) ** 2;
  }
  return s ? e / s : 0;
}

/** Stored bytes of a [K, N] weight as MatMulNBits blocks (packed weights, scales, zero points). */
export function blockBytes(K: number, N: number, blockSize: number, symmetric: boolean, bits: BlockBits = 4): number {
  const kBlocks = Math.ceil(K / blockSize);
  return N * kBlocks * ((blockSize * bits) / 8) + N * kBlocks * 4 + (symmetric ? 0 : N * zpBytesOf(kBlocks, bits));
}
