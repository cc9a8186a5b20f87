import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import type { TensorInfo } from '../../../src/core/model-description.js';
import { generateFeeds, parseShapeFlags, readFeedsFile, resolveInputShapes } from '../../../src/accuracy/input-feeds.js';

const inputs: TensorInfo[] = [
  { name: 'x', dtype: 'float32', shape: ['N', 3, null, null] },
  { name: 'sr', dtype: 'int64', shape: [] },
  { name: 'ids', dtype: 'int32', shape: ['batch', 4] },
  { name: 'mask', dtype: 'bool', shape: [2] },
];

test('parseShapeFlags reads name=dims, repeated, scalars as empty', () => {
  assert.equal(parseShapeFlags(['x=1,3,48,192', 'sr=', 'a.b:0=2']), { x: [1, 3, 48, 192], sr: [], 'a.b:0': [2] });
  assert.throws(() => parseShapeFlags(['x']), (e: unknown) => e instanceof DlpackError && e.code === 'USAGE');
  assert.throws(() => parseShapeFlags(['x=1,a']), /cannot read --shape/);
});

test('resolveInputShapes: symbolic and unknown dims default to 1; given shapes must fit', () => {
  assert.equal(resolveInputShapes(inputs, {}), { x: [1, 3, 1, 1], sr: [], ids: [1, 4], mask: [2] });
  assert.equal(resolveInputShapes(inputs, { x: [2, 3, 48, 192] }).x, [2, 3, 48, 192]);
  const bad: [Record<string, number[]>, RegExp][] = [
    [{ y: [1] }, /input "y", which the model does not have/],
    [{ x: [1, 3, 48] }, /--shape x has rank 3.*rank 4/],
    [{ x: [1, 4, 48, 192] }, /--shape x: dim 1 is 4, the model fixes it at 3/],
    [{ ids: [1, 5] }, /--shape ids: dim 1 is 5/],
  ];
  for (const [shape, msg] of bad) {
    assert.throws(() => resolveInputShapes(inputs, shape, 'm.onnx'), (e: unknown) => e instanceof DlpackError && e.code === 'USAGE' && msg.test(e.message) && e.file === 'm.onnx');
  }
});

test('generateFeeds is seeded, typed, and in sensible ranges', () => {
  const shapes = resolveInputShapes(inputs, { x: [1, 3, 8, 8], ids: [2, 4] });
  const a = generateFeeds(inputs, shapes, 42, 0);
  const b = generateFeeds(inputs, shapes, 42, 0);
  const c = generateFeeds(inputs, shapes, 42, 1);
  assert.equal(Array.from(a.x.data as Float32Array), Array.from(b.x.data as Float32Array));
  assert.not.equal(Array.from(a.x.data as Float32Array), Array.from(c.x.data as Float32Array));
  assert.ok(a.x.data instanceof Float32Array && a.x.data.length === 192);
  for (const v of a.x.data as Float32Array) assert.ok(v >= 0 && v < 1, 'image-like input in [0,1)');
  assert.ok(a.sr.data instanceof BigInt64Array);
  assert.is((a.sr.data as BigInt64Array)[0], 16000n);
  assert.equal(a.sr.shape, []);
  assert.ok(a.ids.data instanceof Int32Array);
  for (const v of a.ids.data as Int32Array) assert.ok(v >= 0 && v < 10);
  for (const v of a.mask.data as Uint8Array) assert.ok(v === 0 || v === 1);
  const normal = generateFeeds([{ name: 'h', dtype: 'float32', shape: [1000] }], { h: [1000] }, 1);
  const xs = Array.from(normal.h.data as Float32Array);
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean) < 0.15 && Math.abs(sd - 1) < 0.15, `N(0,1): mean ${mean} sd ${sd}`);
});

test('readFeedsFile reads {name: {dims, data}} and rejects bad entries with the input name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-feeds-'));
  try {
    const two: TensorInfo[] = [inputs[0], inputs[1]];
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ x: { dims: [1, 3, 1, 2], data: [1, 2, 3, 4, 5, 6] }, sr: { dims: [], data: [8000] } }));
    const feeds = await readFeedsFile(good, two);
    assert.equal(Array.from(feeds.x.data as Float32Array), [1, 2, 3, 4, 5, 6]);
    assert.is((feeds.sr.data as BigInt64Array)[0], 8000n);
    const cases: [unknown, RegExp][] = [
      [{ x: { dims: [1, 3, 1, 2], data: [1] }, sr: { dims: [], data: [1] } }, /input "x": 1 values for dims \[1,3,1,2\] \(6 expected\)/],
      [{ x: { dims: [1, 3, 1, 1], data: [1, 2, 3] } }, /no entry for input "sr"/],
      [{ x: { dims: [1, 2, 1, 1], data: [1, 2] }, sr: { dims: [], data: [1] } }, /dim 1 is 2/],
      [{ z: { dims: [], data: [1] } }, /names "z"/],
      [[1, 2], /must be an object/],
    ];
    for (const [content, msg] of cases) {
      const p = join(dir, 'bad.json');
      writeFileSync(p, JSON.stringify(content));
      await readFeedsFile(p, two).then(
        () => assert.unreachable('should throw'),
        (e: unknown) => {
          assert.ok(e instanceof DlpackError, String(e));
          assert.match((e as DlpackError).message, msg);
          assert.is((e as DlpackError).file, p);
        },
      );
    }
    await readFeedsFile(join(dir, 'missing.json'), two).then(
      () => assert.unreachable(),
      (e: unknown) => assert.is((e as DlpackError).code, 'FILE_NOT_FOUND'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
