import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { makeCnn, makeWideMlp } from '../../../fixtures/make-onnx.js';
import { generateFeeds } from '../../../src/accuracy/input-feeds.js';
import { makeTensor, readOnnx, writeOnnx, type ModelProto } from '../../../src/formats/onnx/index.js';
import { profileKernels } from '../../../src/transforms/onnx/kernel-profile.js';
import { optimizeOnnxFile } from '../../../src/transforms/onnx/quantize-onnx.js';
import { quantizeDynamic } from '../../../src/transforms/onnx/quantize-dynamic.js';
import { compare, minCosine, opTypes, save, tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir();
test.after(() => tmp.cleanup());

const wide = () => makeWideMlp({ layers: 2, width: 256, batch: 'batch' });

test('int8-dynamic (fused): DynamicQuantizeMatMul with the bias folded in, ORT runs it, cosine ≥ 0.99', async () => {
  const original = await save(wide(), join(tmp.dir, 'wide.onnx'));
  const copy = (await readOnnx(original)).proto;
  const r = quantizeDynamic(copy, { perChannel: false });
  assert.equal(opTypes(copy), ['com.microsoft.DynamicQuantizeMatMul', 'Relu', 'com.microsoft.DynamicQuantizeMatMul', 'Softmax']);
  assert.ok(copy.opset_import!.some((o) => o.domain === 'com.microsoft'));
  assert.match(r.changed[0].what, /int8 per-tensor weight \[256,256\] \+ bias/);
  assert.not.ok(copy.graph!.initializer!.some((t) => t.name === 'layer0.weight'), 'float weight pruned');
  const out = await save(copy, join(tmp.dir, 'wide.dyn.onnx'));
  assert.ok(statSync(out).size / statSync(original).size <= 0.3);
  assert.ok(minCosine(await compare(original, out, ['input=8,256'])) >= 0.99);
  const kernels = await profileKernels(out, generateFeeds([{ name: 'input', dtype: 'float32', shape: [8, 256] }], { input: [8, 256] }, 1));
  assert.is(kernels.DynamicQuantizeMatMul, 2);
});

test('int8-dynamic: per-column weight scales by default', async () => {
  const copy = (await readOnnx(join(tmp.dir, 'wide.onnx'))).proto;
  const r = quantizeDynamic(copy);
  assert.ok(r.changed.every((c) => /int8 per-column weight/.test(c.what)), r.changed.map((c) => c.what).join('; '));
});

test('int8-dynamic (integer): the standard-ONNX graph quantize_dynamic writes; per-column scales', async () => {
  const original = join(tmp.dir, 'wide.onnx');
  const copy = (await readOnnx(original)).proto;
  quantizeDynamic(copy, { kernels: 'integer', perChannel: true });
  const ops = opTypes(copy);
  assert.is(ops.filter((o) => o === 'MatMulInteger').length, 2);
  assert.is(ops.filter((o) => o === 'DynamicQuantizeLinear').length, 2);
  assert.not.ok(ops.some((o) => o.startsWith('com.microsoft')));
  const out = await save(copy, join(tmp.dir, 'wide.int.onnx'));
  assert.ok(minCosine(await compare(original, out, ['input=8,256'])) >= 0.99);
});

test('int8-dynamic: Gemm with transB and a bias becomes the same computation', async () => {
  const rand = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 0.3);
  const model: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: 'gemm',
      node: [{ op_type: 'Gemm', name: 'fc', input: ['x', 'w', 'b'], output: ['y'], attribute: [{ name: 'transB', type: 2, i: 1 }] }],
      initializer: [makeTensor('w', 'float32', [48, 64], rand(48 * 64)), makeTensor('b', 'float32', [48], rand(48))],
      input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 3 }, { dim_value: 64 }] } } } }],
      output: [{ name: 'y', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 3 }, { dim_value: 48 }] } } } }],
    },
  };
  const original = await save(model, join(tmp.dir, 'gemm.onnx'));
  for (const kernels of ['fused', 'integer'] as const) {
    const copy = (await readOnnx(original)).proto;
    const r = quantizeDynamic(copy, { kernels, minElements: 0 });
    assert.match(r.changed[0].what, /weight \[64,48\] \+ bias/);
    const out = await save(copy, join(tmp.dir, `gemm.${kernels}.onnx`));
    assert.ok(minCosine(await compare(original, out)) >= 0.99, kernels);
  }
});

test('int8-dynamic: below opset 11 the integer style falls back to the com.microsoft op; Conv is listed as skipped', async () => {
  const model = makeCnn();
  model.opset_import = [{ domain: '', version: 9 }];
  const r = quantizeDynamic(model, { kernels: 'integer', minElements: 0, opTypes: ['Gemm', 'Conv'] });
  assert.match(r.notes[0], /opset 9 has no DynamicQuantizeLinear/);
  assert.ok(opTypes(model).includes('com.microsoft.DynamicQuantizeMatMul'));
  assert.equal(r.skipped.map((s) => s.reason), ['int8-dynamic handles MatMul and Gemm; Conv left in float (use int8-weights)']);
});

test('convert --optimize basic: BatchNormalization folded into Conv, same outputs, file written atomically', async () => {
  const original = await save(makeCnn(), join(tmp.dir, 'cnn.onnx'));
  const out = join(tmp.dir, 'cnn.opt.onnx');
  const r = await optimizeOnnxFile(original, out, 'basic');
  assert.ok(r.nodes!.after < r.nodes!.before, `${r.nodes!.before} → ${r.nodes!.after}`);
  const opt = (await readOnnx(out)).proto;
  assert.not.ok(opTypes(opt).includes('BatchNormalization'));
  assert.not.ok(opTypes(opt).some((o) => o.includes('.')), 'basic level: standard ONNX ops only');
  const acc = await compare(original, out);
  assert.ok(acc.outputs[0].maxAbsError < 1e-4);
  await optimizeOnnxFile(original, original, 'basic').then(
    () => assert.unreachable('wrote over its input'),
    (e: Error) => assert.match(e.message, /same as the input/),
  );
});

test('convert --optimize removes initializers nothing reads', async () => {
  const model = makeCnn();
  model.graph!.initializer!.push(makeTensor('unused', 'float32', [256], new Float32Array(256)));
  const original = await save(model, join(tmp.dir, 'cnn-unused.onnx'));
  const r = await optimizeOnnxFile(original, join(tmp.dir, 'cnn-unused.opt.onnx'), 'extended');
  const opt = (await readOnnx(join(tmp.dir, 'cnn-unused.opt.onnx'))).proto;
  assert.not.ok(opt.graph!.initializer?.some((t) => t.name === 'unused'));
  assert.match(r.notes.join(' '), /not portable/);
  await writeOnnx(opt, join(tmp.dir, 'again.onnx'), { externalData: 'inline' });
});

test('pruneUnusedInitializers keeps what subgraphs and graph outputs read, drops the rest', async () => {
  const { pruneUnusedInitializers } = await import('../../../src/transforms/onnx/prune-initializers.js');
  const t = (name: string) => makeTensor(name, 'float32', [2], Float32Array.of(1, 2));
  const model: ModelProto = {
    graph: {
      initializer: [t('read_by_sub'), t('out'), t('dead'), t('read')],
      node: [
        { op_type: 'Relu', input: ['read'], output: ['r'] },
        { op_type: 'Constant', output: ['dead_const'], attribute: [{ name: 'value', type: 4, t: t('') }] },
        { op_type: 'If', input: ['c'], output: ['z'], attribute: [{ name: 'then_branch', type: 5, g: { node: [{ op_type: 'Neg', input: ['read_by_sub'], output: ['n'] }], output: [{ name: 'n' }] } }] },
      ],
      input: [{ name: 'c' }],
      output: [{ name: 'out' }, { name: 'z' }, { name: 'r' }],
    },
  };
  const r = pruneUnusedInitializers(model);
  assert.equal(r.removed.sort(), ['dead', 'dead_const']);
  assert.equal(model.graph!.initializer!.map((x) => x.name), ['read_by_sub', 'out', 'read']);
  assert.is(r.bytes, 16);
});

test.run();
