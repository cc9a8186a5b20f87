/**
 * The opset 9 → 13 upgrade int8-static (and per-channel int8-weights) needs: every op whose
 * definition changed is rewritten (Clip/Slice/Squeeze attributes → inputs, Softmax's 2-D
 * coercion), the results equal the original's in onnxruntime-node, the outside onnx.checker
 * accepts the file, and an op without a rule is refused by name with the model untouched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import type { AttributeProto, ModelProto, NodeProto } from '../../../src/formats/onnx/index.js';
import { AttributeType, makeTensor } from '../../../src/formats/onnx/index.js';
import { upgradeOpset } from '../../../src/transforms/onnx/opset-upgrade.js';
import { openOnnxSession } from '../../../src/runtimes/onnxruntime-session.js';
import { seededFloats, seededRandom } from '../../../fixtures/make-onnx.js';
import { onnxChecker, save, tempDir } from '../../helpers/transform-helpers.js';
import { noPython, testIf } from '../../helpers/skip.js';

const tmp = tempDir('dlpack-opset-');
test.after(() => tmp.cleanup());
const ints = (name: string, v: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints: v });
const flt = (name: string, v: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f: v });
const int = (name: string, v: number): AttributeProto => ({ name, type: AttributeType.INT, i: v });
const node = (op_type: string, input: string[], output: string[], attribute: AttributeProto[] = []): NodeProto => ({ op_type, input, output, name: output[0], attribute });
const vi = (name: string, dims: number[]) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => ({ dim_value: d })) } } } });

function opset9(extra: NodeProto[] = []): ModelProto {
  return {
    ir_version: 4,
    opset_import: [{ domain: '', version: 9 }],
    graph: {
      name: 'g',
      input: [vi('x', [2, 3, 4, 5])],
      output: [vi('clipped', [2, 3, 4, 5]), vi('soft_mid', [2, 3, 4, 5]), vi('soft_last', [2, 3, 4, 5]), vi('squeezed', [2, 3, 5]), vi('padded', [2, 3, 6, 5])],
      node: [
        node('Clip', ['x'], ['clipped'], [flt('min', -0.5), flt('max', 0.7)]),
        node('Softmax', ['x'], ['soft_mid'], [int('axis', 2)]),
        node('Softmax', ['x'], ['soft_last'], [int('axis', 3)]),
        node('Slice', ['x'], ['sliced'], [ints('starts', [1]), ints('ends', [2]), ints('axes', [2])]),
        node('Squeeze', ['sliced'], ['squeezed'], [ints('axes', [2])]),
        node('Pad', ['x'], ['padded'], [ints('pads', [0, 0, 1, 0, 0, 0, 1, 0]), flt('value', 0.25)]),
        ...extra,
      ],
    },
  };
}

async function run(path: string, x: Float32Array): Promise<Record<string, Float32Array>> {
  const s = await openOnnxSession(path);
  try {
    const out = await s.run({ x: { dtype: 'float32', shape: [2, 3, 4, 5], data: x } });
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await s.dispose();
  }
}

/** Outputs the tests below write, checked by onnx.checker in the last test (skipped without python3-onnx). */
const checkerFiles: string[] = [];

test('opset 9 → 13: Clip, Slice, Squeeze, Pad and Softmax (last and middle axis) compute the same', async () => {
  const before = await save(opset9(), join(tmp.dir, 'v9.onnx'));
  const m = opset9();
  const r = upgradeOpset(m, new Map());
  assert.equal([r.from, r.to], [9, 13]);
  assert.equal(r.rewritten, { Clip: 1, Softmax: 2, Slice: 1, Squeeze: 1, Pad: 1 });
  assert.is(m.opset_import![0].version, 13);
  // the middle-axis Softmax becomes Flatten → Softmax(axis 1) → Reshape; the last-axis one stays one node
  const ops = m.graph!.node!.map((n) => n.op_type);
  assert.is(ops.filter((o) => o === 'Softmax').length, 2);
  assert.ok(ops.includes('Flatten') && ops.includes('Reshape'));
  const after = await save(m, join(tmp.dir, 'v13.onnx'));
  const x = seededFloats(seededRandom(5), 120, 2);
  const [a, b] = [await run(before, x), await run(after, x)];
  for (const k of Object.keys(a)) assert.equal(Array.from(b[k]), Array.from(a[k]), k);
  checkerFiles.push(after);
});

test('an op without an upgrade rule is refused by name; the model is left as it was', () => {
  const m = opset9([node('Upsample', ['x', 'x'], ['up'])]);
  const copy = JSON.stringify(m, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
  const e = (() => {
    try {
      upgradeOpset(m, new Map());
    } catch (err) {
      return err;
    }
  })();
  assert.instance(e, DlpackError);
  assert.match((e as Error).message, /cannot upgrade: Upsample/);
  assert.is(JSON.stringify(m, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v)), copy);
  // already at 13: nothing to do
  const m13 = opset9();
  m13.opset_import = [{ domain: '', version: 13 }];
  m13.graph!.node = [];
  m13.graph!.initializer = [makeTensor('k', 'float32', [1], Float32Array.of(1))];
  assert.equal(upgradeOpset(m13, new Map()).rewritten, {});
});

testIf(test, noPython('onnx', 'python3-onnx'), 'onnx.checker (python3-onnx, full_check) accepts every output written above', () => {
  assert.ok(checkerFiles.length > 0, 'the tests above wrote outputs');
  assert.equal(onnxChecker(checkerFiles), []);
});

test.run();
