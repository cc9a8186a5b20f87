/**
 * The TF.js weight quantization math on its own: the worked example in tensorflowjs_converter's
 * write_weights.py docstring, the single-value and no-zero-in-range cases, uint16, float16
 * overflow counting, and the fnmatch semantics of --weights.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { affineRange, countFloat16Overflow, quantizeAffine, quantizeFloat16 } from '../../../src/transforms/tfjs/weight-quantization.js';
import { globToRegExp, weightSelector } from '../../../src/transforms/tfjs/weight-patterns.js';

test("converter docstring example: [0, -0.1, 1.2] → [20, 0, 255], min -0.10196078817, scale 0.00509803940852", () => {
  const { data, quantization } = quantizeAffine(Float32Array.from([0, -0.1, 1.2]), 'uint8');
  assert.equal(Array.from(data), [20, 0, 255]);
  assert.is(quantization.dtype, 'uint8');
  assert.is(quantization.original_dtype, 'float32');
  assert.ok(Math.abs(quantization.min! - -0.10196078817) < 1e-9, String(quantization.min));
  assert.ok(Math.abs(quantization.scale! - 0.00509803940852) < 1e-12, String(quantization.scale));
  // 0.0 decodes exactly.
  assert.is(20 * quantization.scale! + quantization.min!, 0);
});

test('range without zero is not nudged; a single value is all zeros with scale 1', () => {
  const r = affineRange(0.5, 3, 'uint8');
  assert.equal(r, { min: 0.5, scale: 2.5 / 255, max: 3 });
  const one = quantizeAffine(Float32Array.from([0.25, 0.25, 0.25]), 'uint16');
  assert.equal(Array.from(new Uint16Array(one.data.slice().buffer)), [0, 0, 0]);
  assert.equal(one.quantization, { dtype: 'uint16', min: 0.25, scale: 1, original_dtype: 'float32' });
  const empty = quantizeAffine(new Float32Array(0), 'uint8');
  assert.is(empty.data.length, 0);
});

test('uint16 stores little-endian 2-byte steps and decodes within half a step', () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3 - 0.5);
  const { data, quantization } = quantizeAffine(values, 'uint16');
  assert.is(data.byteLength, 2000);
  const q = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < values.length; i++) {
    const decoded = q.getUint16(2 * i, true) * quantization.scale! + quantization.min!;
    assert.ok(Math.abs(decoded - values[i]) <= quantization.scale! / 2 + 1e-6, `element ${i}`);
  }
});

test('NaN/Infinity cannot be range-quantized; float16 overflow is counted from 65520', () => {
  assert.throws(() => quantizeAffine(Float32Array.from([1, NaN]), 'uint8'), /NaN or infinite/);
  assert.throws(() => quantizeAffine(Float32Array.from([1, Infinity]), 'uint8'), /NaN or infinite/);
  assert.is(countFloat16Overflow(Float32Array.from([65504, 65519, 65520, -70000, Infinity])), 2);
  const h = quantizeFloat16(Float32Array.from([1, -2, 0.5]));
  assert.equal(Array.from(new Uint16Array(h.data.slice().buffer)), [0x3c00, 0xc000, 0x3800]);
  assert.equal(h.quantization, { dtype: 'float16', original_dtype: 'float32' });
});

test('--weights: fnmatch semantics (* crosses /, ?, [seq], [!seq]), regex characters literal', () => {
  assert.ok(globToRegExp('conv*/kernel').test('conv_1/block/kernel'));
  assert.not.ok(globToRegExp('conv*/kernel').test('conv_1/kernel/x'));
  assert.ok(globToRegExp('dense_?/bias').test('dense_2/bias'));
  assert.ok(globToRegExp('layer[0-2]/w').test('layer1/w'));
  assert.not.ok(globToRegExp('layer[!0-2]/w').test('layer1/w'));
  assert.ok(globToRegExp('a.b+(c)').test('a.b+(c)'));
  assert.not.ok(globToRegExp('a.b').test('axb'));
  assert.ok(globToRegExp('[').test('['));
  const s = weightSelector(['x/*', 'never']);
  assert.ok(s.matches('x/1'));
  assert.not.ok(s.matches('y/1'));
  assert.equal(s.unused(), ['never']);
  assert.ok(weightSelector(undefined).matches('anything'));
});

test.run();
