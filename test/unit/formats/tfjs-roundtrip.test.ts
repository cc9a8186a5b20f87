import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readTfjs, writeTfjs, type TfjsModel } from '../../../src/formats/tfjs/index.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { makeTfjsFixtures } from '../../../fixtures/make-tfjs.js';
import { noSharedModels, testIf, type Unavailable } from '../../helpers/skip.js';
import { BLAZEFACE, EMOTION, GRAPH_FIXTURE, LAYERS_FIXTURE, tempDir } from '../../helpers/tfjs-test-helpers.js';

function assertSameModel(a: TfjsModel, b: TfjsModel): void {
  assert.is(b.format, a.format);
  assert.equal(b.json, a.json, 'model JSON (topology, signature, metadata) identical');
  assert.equal(JSON.stringify(b.json.modelTopology), JSON.stringify(a.json.modelTopology), 'topology identical, key order included');
  assert.is(b.weights.length, a.weights.length);
  a.weights.forEach((w, i) => {
    const v = b.weights[i];
    assert.equal([v.name, v.shape, v.dtype, v.quantization, v.group], [w.name, w.shape, w.dtype, w.quantization, w.group]);
    assert.ok(Buffer.from(v.data).equals(Buffer.from(w.data)), `bytes of ${w.name}`);
  });
}

const models: [string, string, Unavailable][] = [
  ['graph fixture', GRAPH_FIXTURE, false],
  ['layers fixture', LAYERS_FIXTURE, false],
  ['blazeface', BLAZEFACE, noSharedModels],
  ['emotion', EMOTION, noSharedModels],
];
for (const [label, file, needs] of models) {
  testIf(test, needs, `${label}: read → write → read gives identical JSON and weight bytes`, async () => {
    const t = tempDir();
    try {
      const a = await readTfjs(file);
      const out = await writeTfjs(a, join(t.dir, 'out'));
      assert.is(basename(out.modelFile), basename(file), 'keeps the model JSON name by default');
      const b = await readTfjs(out.modelFile);
      assertSameModel(a, b);
      assert.is(b.groups.length, a.groups.length, 'manifest groups kept');
      // and once more, through a re-sharded copy
      const small = await writeTfjs(b, join(t.dir, 'small'), { shardSizeBytes: 100, modelFileName: 'model.json' });
      assertSameModel(a, await readTfjs(small.modelFile));
    } finally {
      t.cleanup();
    }
  });
}

testIf(test, noSharedModels, 'shards are cut like tensorflowjs_converter: groupG-shardIofN.bin, 4 MB by default, split at the byte', async () => {
  const t = tempDir();
  try {
    const m = await readTfjs(BLAZEFACE);
    const total = m.weights.reduce((a, w) => a + w.data.byteLength, 0);
    const out = await writeTfjs(m, join(t.dir, 'a'), { shardSizeBytes: 100_000 });
    const n = Math.ceil(total / 100_000);
    const shards = out.files.filter((f) => f.role === 'weights');
    assert.equal(shards.map((f) => f.path), Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`));
    assert.equal(shards.map((f) => f.bytes), Array.from({ length: n }, (_, i) => Math.min(100_000, total - i * 100_000)));
    const raw = JSON.parse(readFileSync(out.modelFile, 'utf8'));
    assert.equal(Object.keys(raw).indexOf('weightsManifest'), Object.keys(raw).indexOf('modelTopology') + 1);
    const def = await writeTfjs(m, join(t.dir, 'b'));
    assert.equal(def.files.map((f) => f.path), ['blazeface.json', 'group1-shard1of1.bin']);
    assert.equal(readdirSync(join(t.dir, 'b')).sort(), ['blazeface.json', 'group1-shard1of1.bin']);
  } finally {
    t.cleanup();
  }
});

test('a built-in-memory model (no file, no groups, no format key) is written with format and one group', async () => {
  const t = tempDir();
  try {
    const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const out = await writeTfjs(
      { json: { modelTopology: { node: [{ name: 'c', op: 'Const' }] } }, format: 'graph-model', weights: [{ name: 'c', shape: [3], dtype: 'float32', data }] },
      join(t.dir, 'mem'),
    );
    const raw = JSON.parse(readFileSync(out.modelFile, 'utf8'));
    assert.is(basename(out.modelFile), 'model.json');
    assert.is(raw.format, 'graph-model');
    assert.equal(raw.weightsManifest, [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'c', shape: [3], dtype: 'float32' }] }]);
  } finally {
    t.cleanup();
  }
});

test('writes are atomic and checked: non-empty target refused, bad weights leave nothing, bad options rejected', async () => {
  const t = tempDir();
  try {
    const m = await readTfjs(GRAPH_FIXTURE);
    const busy = join(t.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'keep.txt'), 'x');
    const e1 = await writeTfjs(m, busy).catch((e) => e);
    assert.instance(e1, DlpackError);
    assert.is(e1.code, 'OUTPUT');
    assert.equal(readdirSync(busy), ['keep.txt']);
    const replaced = await writeTfjs(m, busy, { replace: true });
    assert.ok(existsSync(replaced.modelFile) && !existsSync(join(busy, 'keep.txt')));

    const broken = { ...m, weights: m.weights.map((w, i) => (i === 1 ? { ...w, data: w.data.subarray(1) } : w)) };
    const e2 = await writeTfjs(broken, join(t.dir, 'broken')).catch((e) => e);
    assert.instance(e2, DlpackError);
    assert.match(e2.message, /weight "conv\/bias" has 7 bytes but shape × dtype needs 8/);
    const twice = { ...m, weights: [...m.weights, m.weights[0]] };
    const e3 = await writeTfjs(twice, join(t.dir, 'twice')).catch((e) => e);
    assert.match(e3.message, /appears twice/);
    for (const [opts, re] of [
      [{ shardSizeBytes: 0 }, /shard size/],
      [{ modelFileName: '../evil.json' }, /plain \*\.json/],
      [{ modelFileName: 'model.bin' }, /plain \*\.json/],
    ] as const) {
      const e = await writeTfjs(m, join(t.dir, 'opts'), opts).catch((err) => err);
      assert.instance(e, DlpackError);
      assert.match(e.message, re);
    }
    assert.equal(readdirSync(t.dir).sort(), ['busy'], 'nothing half-written, no temp folders left');
  } finally {
    t.cleanup();
  }
});

test('fixtures are rebuilt byte-identically from code (seeded, deterministic)', async () => {
  const t = tempDir();
  try {
    await makeTfjsFixtures(t.dir);
    for (const fixture of [GRAPH_FIXTURE, LAYERS_FIXTURE]) {
      const folder = join(fixture, '..');
      const name = basename(folder);
      const committed = readdirSync(folder).sort();
      assert.equal(readdirSync(join(t.dir, name)).sort(), committed, name);
      for (const f of committed) assert.ok(readFileSync(join(folder, f)).equals(readFileSync(join(t.dir, name, f))), `${name}/${f} identical`);
    }
  } finally {
    t.cleanup();
  }
});

test.run();
