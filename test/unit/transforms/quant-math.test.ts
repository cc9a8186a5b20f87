import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  computeScaleZeroPoint,
  dequantize,
  quantRange,
  quantizePerChannel,
  quantizePerTensor,
  roundHalfToEven,
} from '../../../src/transforms/quant-math.js';

test('roundHalfToEven rounds ties to the even neighbour like numpy.round', () => {
  const cases: [number, number][] = [
    [0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-1.5, -2], [-2.5, -2], [-0.5, 0], [1.4999, 1], [2.5001, 3], [-3.7, -4],
  ];
  for (const [x, want] of cases) assert.ok(roundHalfToEven(x) === want, `${x} → ${roundHalfToEven(x)}, want ${want}`);
});

test('quantRange: symmetric int8 is [-127,127], asymmetric [-128,127], reduce_range 7 bits', () => {
  assert.equal(quantRange({ type: 'int8', symmetric: true }), { qmin: -127, qmax: 127 });
  assert.equal(quantRange({ type: 'int8', symmetric: false }), { qmin: -128, qmax: 127 });
  assert.equal(quantRange({ type: 'int8', symmetric: true, reduceRange: true }), { qmin: -64, qmax: 64 });
  assert.equal(quantRange({ type: 'uint8', symmetric: false }), { qmin: 0, qmax: 255 });
  assert.equal(quantRange({ type: 'uint8', symmetric: false, reduceRange: true }), { qmin: 0, qmax: 127 });
});

test('computeScaleZeroPoint matches ORT compute_scale_zp', () => {
  const sym = computeScaleZeroPoint(-1, 2, { type: 'int8', symmetric: true });
  assert.is(sym.zeroPoint, 0);
  assert.is(sym.scale, Math.fround(Math.fround(4) / 254));
  const asym = computeScaleZeroPoint(-1, 2, { type: 'uint8', symmetric: false });
  assert.is(asym.scale, Math.fround(3 / 255));
  assert.is(asym.zeroPoint, 85);
  // the range always includes 0
  const pos = computeScaleZeroPoint(0.5, 2, { type: 'uint8', symmetric: false });
  assert.is(pos.zeroPoint, 0);
  assert.is(pos.scale, Math.fround(2 / 255));
  // a constant-zero tensor gets scale 1 instead of dividing by zero
  assert.equal(computeScaleZeroPoint(0, 0, { type: 'int8', symmetric: true }), { scale: 1, zeroPoint: 0 });
  // symmetric uint8 centres the zero point at 128 (round half to even of 127.5)
  assert.is(computeScaleZeroPoint(-1, 1, { type: 'uint8', symmetric: true }).zeroPoint, 128);
});

test('per-tensor quantization round-trips within half a step', () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 0.37) * 3 - 0.5);
  for (const opts of [
    { type: 'int8', symmetric: true },
    { type: 'uint8', symmetric: false },
    { type: 'int8', symmetric: true, reduceRange: true },
  ] as const) {
    const q = quantizePerTensor(values, opts);
    const back = dequantize(q, [1000]);
    const step = q.scales[0];
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(back[i] - values[i]) <= step / 2 + 1e-6, `${opts.type} ${i}`);
    const { qmin, qmax } = quantRange(opts);
    for (const v of q.data) assert.ok(v >= qmin && v <= qmax);
  }
});

test('per-channel quantization: one scale per index of the axis', () => {
  // shape [2, 3]: row 0 small values, row 1 large values
  const values = Float32Array.of(0.1, -0.2, 0.05, 10, -20, 5);
  const byRow = quantizePerChannel(values, [2, 3], 0, { type: 'int8', symmetric: true });
  assert.is(byRow.scales.length, 2);
  assert.is(byRow.scales[0], Math.fround(Math.fround(0.4000000059604645) / 254));
  assert.is(byRow.scales[1], Math.fround(40 / 254));
  assert.equal(Array.from(byRow.data), [64, -127, 32, 64, -127, 32]);
  const byCol = quantizePerChannel(values, [2, 3], 1, { type: 'int8', symmetric: true });
  assert.is(byCol.scales.length, 3);
  assert.is(byCol.data[4], -127);
  const back = dequantize(byCol, [2, 3]);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(back[i] - values[i]) <= byCol.scales[i % 3] / 2 + 1e-7);
  // negative axis counts from the end
  assert.equal(quantizePerChannel(values, [2, 3], -1, { type: 'int8', symmetric: true }).scales, byCol.scales);
  assert.throws(() => quantizePerChannel(values, [2, 3], 2, { type: 'int8', symmetric: true }), /axis/);
});

test('per-channel on a 4-D conv weight uses axis 0 over the other three dims', () => {
  const shape = [4, 2, 3, 3];
  const values = Float32Array.from({ length: 72 }, (_, i) => (Math.floor(i / 18) + 1) * Math.cos(i));
  const q = quantizePerChannel(values, shape, 0, { type: 'uint8', symmetric: false });
  assert.is(q.scales.length, 4);
  for (let c = 1; c < 4; c++) assert.ok(q.scales[c] > q.scales[0]);
  const back = dequantize(q, shape);
  for (let i = 0; i < 72; i++) assert.ok(Math.abs(back[i] - values[i]) <= q.scales[Math.floor(i / 18)] / 2 + 1e-6);
});

test.run();
