import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTfjsSession } from '../../../src/runtimes/tfjs-session.js';
import { readTfjs, writeTfjs } from '../../../src/formats/tfjs/index.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { noSharedModels, testIf } from '../../helpers/skip.js';
import {
  BLAZEFACE,
  copyFolder,
  EMOTION,
  GRAPH_FIXTURE,
  LAYERS_FIXTURE,
  graphFixtureForward,
  layersFixtureForward,
  maxAbsDiff,
  plainWeights,
  tempDir,
  testInput,
} from '../../helpers/tfjs-test-helpers.js';

for (const backend of ['wasm', 'cpu']) {
  test(`graph fixture on ${backend} matches a plain JS forward pass within 1e-5`, async () => {
    const s = await openTfjsSession(GRAPH_FIXTURE, { backend });
    try {
      assert.is(s.backend, `tfjs (${backend})`);
      assert.equal(s.inputs, [{ name: 'x', dtype: 'float32', shape: [null, 4, 4, 1] }]);
      assert.equal(s.outputs.map((o) => o.name), ['probs']);
      const n = 3;
      const x = testInput(n * 16);
      const out = await s.run({ x: { dtype: 'float32', shape: [n, 4, 4, 1], data: x } });
      assert.equal(out.probs.shape, [n, 4]);
      const want = graphFixtureForward(plainWeights(GRAPH_FIXTURE), x, n);
      const diff = maxAbsDiff(out.probs.data as Float32Array, want);
      assert.ok(diff < 1e-5, `max abs diff ${diff}`);
    } finally {
      await s.dispose();
    }
  });

  test(`layers fixture on ${backend} matches a plain JS forward pass within 1e-5`, async () => {
    const s = await openTfjsSession(LAYERS_FIXTURE, { backend });
    try {
      assert.is(s.backend, `tfjs (${backend})`);
      assert.is(s.format, 'layers-model');
      assert.equal(s.inputs, [{ name: 'conv_input', dtype: 'float32', shape: [null, 6, 6, 1] }]);
      assert.equal(s.outputs.map((o) => o.name), ['probs']);
      const n = 2;
      const x = testInput(n * 36, 1);
      const out = await s.run({ conv_input: { dtype: 'float32', shape: [n, 6, 6, 1], data: x } });
      assert.equal(out.probs.shape, [n, 3]);
      const want = layersFixtureForward(plainWeights(LAYERS_FIXTURE), x, n);
      const diff = maxAbsDiff(out.probs.data as Float32Array, want);
      assert.ok(diff < 1e-5, `max abs diff ${diff}`);
    } finally {
      await s.dispose();
    }
  });
}

test('feeds are checked: a missing or unknown input is a one-line DlpackError', async () => {
  const s = await openTfjsSession(GRAPH_FIXTURE, { backend: 'wasm' });
  try {
    const missing = await s.run({}).catch((e) => e);
    assert.instance(missing, DlpackError);
    assert.match(missing.message, /missing input "x"/);
    const x = { dtype: 'float32' as const, shape: [1, 4, 4, 1], data: testInput(16) };
    const unknown = await s.run({ x, y: x }).catch((e) => e);
    assert.instance(unknown, DlpackError);
    assert.match(unknown.message, /unknown input "y"/);
    const badShape = await s.run({ x: { ...x, shape: [1, 5, 4, 1] } }).catch((e) => e);
    assert.instance(badShape, Error);
  } finally {
    await s.dispose();
  }
});

test('a model with a bad shard fails before tfjs loads anything', async () => {
  const err = await openTfjsSession(join(GRAPH_FIXTURE, '..', 'nope.json'), { backend: 'wasm' }).catch((e) => e);
  assert.instance(err, DlpackError);
  assert.is(err.code, 'FILE_NOT_FOUND');
});

test('an op tfjs does not know is a one-line RUNTIME error naming the model', async () => {
  const t = tempDir();
  try {
    copyFolder(join(GRAPH_FIXTURE, '..'), t.dir);
    const file = join(t.dir, 'classifier.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.modelTopology.node.find((n: { name: string }) => n.name === 'conv/Relu').op = 'DlpackNoSuchOp';
    writeFileSync(file, JSON.stringify(json));
    const err = await (async () => {
      const s = await openTfjsSession(file, { backend: 'wasm' });
      try {
        await s.run({ x: { dtype: 'float32', shape: [1, 4, 4, 1], data: testInput(16) } });
      } finally {
        await s.dispose();
      }
    })().catch((e) => e);
    assert.instance(err, DlpackError);
    assert.is(err.code, 'RUNTIME');
    assert.is(err.file, file);
    assert.match(err.message, /^tfjs \(wasm\) (could not load|failed to run) the model: .*DlpackNoSuchOp/);
  } finally {
    t.cleanup();
  }
});

const realModels: [string, number[], string][] = [
  [BLAZEFACE, [1, 256, 256, 3], 'input'],
  [EMOTION, [1, 64, 64, 1], 'input_1'],
];
for (const [file, shape, inputName] of realModels) {
  const name = file.split('/').pop();
  testIf(test, noSharedModels, `${name} loads and runs on wasm through our IO handler; a rewritten copy gives identical outputs`, async () => {
    const t = tempDir();
    try {
      const x = testInput(shape.reduce((a, b) => a * b, 1)).map((v) => (v + 1) / 2);
      const s = await openTfjsSession(file, { backend: 'wasm' });
      assert.is(s.backend, 'tfjs (wasm)');
      assert.is(s.inputs[0].name, inputName);
      const out = await s.run({ [inputName]: { dtype: 'float32', shape, data: x } });
      await s.dispose();
      for (const o of Object.values(out)) {
        assert.ok(o.data.length > 0);
        assert.ok(Array.from(o.data as Float32Array).every(Number.isFinite), 'finite outputs');
      }
      if (name === 'emotion.json') {
        assert.equal(out.Identity.shape, [1, 7]);
        const sum = Array.from(out.Identity.data as Float32Array).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-4, `softmax sums to ${sum}`);
      } else {
        assert.equal(Object.keys(out).sort(), ['Identity', 'Identity_1', 'Identity_2', 'Identity_3']);
        assert.equal(out.Identity_3.shape, [1, 384, 16]);
      }
      const written = await writeTfjs(await readTfjs(file), join(t.dir, 'copy'), { shardSizeBytes: 200_000, modelFileName: 'model.json' });
      const s2 = await openTfjsSession(written.modelFile, { backend: 'wasm' });
      const out2 = await s2.run({ [inputName]: { dtype: 'float32', shape, data: x } });
      await s2.dispose();
      for (const k of Object.keys(out)) assert.equal(Array.from(out2[k].data as Float32Array), Array.from(out[k].data as Float32Array), k);
    } finally {
      t.cleanup();
    }
  });
}

test.run();
