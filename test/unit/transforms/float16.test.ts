import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { float16BitsToFloat32, float32ToFloat16Bits, fromFloat16, toFloat16 } from '../../../src/core/tensor/to-float16.js';

test('known float16 bit patterns', () => {
  const cases: [number, number][] = [
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [0.1, 0x2e66],
    [2 ** -14, 0x0400], [2 ** -24, 0x0001], [Infinity, 0x7c00], [-Infinity, 0xfc00], [1e6, 0x7c00],
    [1 + 2 ** -11, 0x3c00], // tie → even
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
    [1.5 * 2 ** -24, 0x0002], // subnormal tie → even
    [2 ** -26, 0x0000], // below half the smallest subnormal
  ];
  for (const [x, bits] of cases) assert.is(float32ToFloat16Bits(x), bits, `${x}`);
  assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
});

test('every float16 value round-trips through float32', () => {
  for (let h = 0; h < 0x10000; h++) {
    const exp = (h >> 10) & 0x1f;
    if (exp === 0x1f && h & 0x3ff) continue; // NaN payloads
    assert.is(float32ToFloat16Bits(float16BitsToFloat32(h)), h);
  }
});

test('conversion picks the nearest float16 for random float32 values', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 20000; i++) {
    const x = Math.fround((rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 26));
    const h = float32ToFloat16Bits(x);
    const sign = h & 0x8000;
    const mag = h & 0x7fff;
    const v = float16BitsToFloat32(h);
    const down = float16BitsToFloat32(sign | Math.max(0, mag - 1));
    const up = float16BitsToFloat32(sign | (mag + 1));
    assert.ok(Math.abs(v - x) <= Math.abs(down - x) && Math.abs(v - x) <= Math.abs(up - x), `${x}`);
  }
});

test('toFloat16 clamps to ±65504 and raises tiny values to ±2^-24, counting both', () => {
  const r = toFloat16(Float32Array.of(1e5, -7e4, 65504, 1e-9, -1e-10, 0, Infinity, 3));
  assert.is(r.clamped, 2);
  assert.is(r.raisedToMinSubnormal, 2);
  assert.equal(Array.from(fromFloat16(r.bits)), [65504, -65504, 65504, 2 ** -24, -(2 ** -24), 0, Infinity, 3]);
});

test.run();
