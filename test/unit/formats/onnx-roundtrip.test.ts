/**
 * Lossless ONNX read → write → read on the fixtures and the real models in ../shared/models/onnx:
 * same graph, byte-identical weights, bit-identical onnxruntime-node outputs; external data kept,
 * inlined or moved to a new file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeOnnx,
  forEachTensor,
  readOnnx,
  tensorBytes,
  walkGraphs,
  writeOnnx,
  type ModelProto,
  type OnnxModel,
} from '../../../src/formats/onnx/index.js';
import { isDlpackError } from '../../../src/core/errors/dlpack-error.js';
import { ROOT, SHARED_MODELS } from '../../helpers/cli.js';
import { noSharedModels, testIf, type Unavailable } from '../../helpers/skip.js';
import { runOrt, sameBits, seededInput, type OrtFeeds } from '../../helpers/onnx-test-helpers.js';

const MODELS = join(ROOT, 'fixtures', 'models');
const tmp = mkdtempSync(join(tmpdir(), 'dlpack-onnx-rt-'));

interface Case {
  name: string;
  path: string;
  feeds: OrtFeeds;
  /** Why the model is not here (the real models of ../shared), or false. */
  needs?: Unavailable;
}

const cases: Case[] = [
  { name: 'mlp', path: join(MODELS, 'mlp.onnx'), feeds: { input: { type: 'float32', dims: [4, 16], data: seededInput(1, 64, 3) } } },
  { name: 'cnn', path: join(MODELS, 'cnn.onnx'), feeds: { image: { type: 'float32', dims: [1, 1, 8, 8], data: seededInput(2, 64) } } },
  {
    name: 'mlp-external',
    path: join(MODELS, 'mlp-external', 'model.onnx'),
    feeds: { input: { type: 'float32', dims: [2, 16], data: seededInput(3, 32) } },
  },
  {
    name: 'silero_vad',
    path: join(SHARED_MODELS, 'onnx', 'silero_vad.onnx'),
    feeds: {
      input: { type: 'float32', dims: [1, 512], data: seededInput(4, 512, 0.5) },
      sr: { type: 'int64', dims: [], data: BigInt64Array.of(16000n) },
      h: { type: 'float32', dims: [2, 1, 64], data: seededInput(5, 128, 0.1) },
      c: { type: 'float32', dims: [2, 1, 64], data: seededInput(6, 128, 0.1) },
    },
    needs: noSharedModels,
  },
  {
    name: 'ppocr_cls',
    path: join(SHARED_MODELS, 'onnx', 'ppocr_cls.onnx'),
    feeds: { x: { type: 'float32', dims: [1, 3, 48, 192], data: seededInput(7, 3 * 48 * 192) } },
    needs: noSharedModels,
  },
];

/** The graph without tensor payloads (compared separately, byte by byte). */
function structure(proto: ModelProto): string {
  return JSON.stringify(proto, (key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (key === 'raw_data' || key === 'external_data' || key === 'data_location') return undefined;
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    return v;
  });
}

function tensorPayloads(model: OnnxModel): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let i = 0;
  forEachTensor(model.proto, (t) => {
    out.set(`${i++}:${t.name ?? ''}`, Buffer.from(tensorBytes(t)));
  });
  return out;
}

async function assertSameModel(a: OnnxModel, b: OnnxModel) {
  assert.is(structure(b.proto), structure(a.proto), 'graph structure differs');
  const pa = tensorPayloads(a);
  const pb = tensorPayloads(b);
  assert.equal([...pb.keys()], [...pa.keys()]);
  for (const [k, v] of pa) assert.ok(pb.get(k)!.equals(v), `weight ${k} bytes differ`);
}

async function assertSameOutputs(original: string, rewritten: string | Uint8Array, feeds: OrtFeeds) {
  const want = await runOrt(original, feeds);
  const got = await runOrt(rewritten, feeds);
  assert.equal(Object.keys(got).sort(), Object.keys(want).sort());
  for (const k of Object.keys(want)) assert.ok(sameBits(got[k], want[k]), `output ${k} is not bit-identical`);
}

for (const c of cases) {
  testIf(test, c.needs, `${c.name}: read → write → read keeps the graph and every weight byte; ORT outputs bit-identical`, async () => {
    const a = await readOnnx(c.path);
    const out = join(tmp, `${c.name}-inline.onnx`);
    await writeOnnx(a, out, { externalData: 'inline' });
    const b = await readOnnx(out);
    assert.is(b.external.length, 0);
    await assertSameModel(a, b);
    await assertSameOutputs(c.path, out, c.feeds);
    // encoding is stable: encoding the re-read model gives the same bytes as the written file
    assert.ok(Buffer.from(await encodeOnnx(b)).equals(readFileSync(out)));
  });

  testIf(test, c.needs, `${c.name}: weights moved to an external data file and back, ORT outputs bit-identical`, async () => {
    const a = await readOnnx(c.path);
    const dir = mkdtempSync(join(tmp, `${c.name}-ext-`));
    const out = join(dir, 'model.onnx');
    const res = await writeOnnx(a, out, { externalData: { file: 'weights/model.bin', thresholdBytes: 64 } });
    const b = await readOnnx(out, { loadExternalData: false });
    // main-graph initializers only (subgraph initializers stay inline)
    const big = (a.proto.graph!.initializer ?? []).filter((t) => tensorBytes(t).length >= 64).length;
    assert.is(b.external.length, big);
    if (big) assert.equal(res.externalFiles.map((f) => f.location), ['weights/model.bin']);
    await assertSameOutputs(c.path, out, c.feeds);
    const loaded = await readOnnx(out);
    await assertSameModel(a, loaded);
  });
}

for (const c of cases.filter((c) => c.name !== 'mlp-external')) {
  testIf(test, c.needs, `${c.name}: the file written by the reference serializer re-encodes byte for byte (schema field numbers and packing exact)`, async () => {
    const model = await readOnnx(c.path);
    assert.ok(Buffer.from(await encodeOnnx(model)).equals(readFileSync(c.path)), `${c.path} re-encodes differently`);
  });
}

testIf(test, noSharedModels, 'silero_vad: If subgraphs survive intact (same nodes in every branch)', async () => {
  const a = await readOnnx(join(SHARED_MODELS, 'onnx', 'silero_vad.onnx'));
  const b = await readOnnx(join(tmp, 'silero_vad-inline.onnx'));
  const sub = (m: OnnxModel) => {
    const list: string[] = [];
    walkGraphs(m.proto.graph!, (g, v) => {
      if (v.depth > 0) list.push(`${v.node!.op_type}.${v.attribute!.name}:${(g.node ?? []).map((n) => n.op_type).join(',')}`);
    });
    return list;
  };
  const before = sub(a);
  assert.ok(before.length >= 2, 'expected If branches');
  assert.ok(before.some((s) => s.startsWith('If.then_branch')));
  assert.equal(sub(b), before);
});

test('external data: keep (default) rewrites model.onnx + model.onnx.data; loaded or not', async () => {
  const src = join(MODELS, 'mlp-external', 'model.onnx');
  const feeds = cases[2].feeds;
  for (const load of [true, false]) {
    const a = await readOnnx(src, { loadExternalData: load });
    const dir = mkdtempSync(join(tmp, `keep-${load}-`));
    const res = await writeOnnx(a, join(dir, 'model.onnx'));
    assert.equal(readdirSync(dir).sort(), ['model.onnx', 'model.onnx.data']);
    assert.equal(res.externalFiles.map((f) => f.location), ['model.onnx.data']);
    const b = await readOnnx(join(dir, 'model.onnx'), { loadExternalData: false });
    assert.is(b.external.length, 4);
    assert.ok(readFileSync(join(dir, 'model.onnx.data')).equals(readFileSync(join(MODELS, 'mlp-external', 'model.onnx.data'))));
    await assertSameOutputs(src, join(dir, 'model.onnx'), feeds);
    // inline: one self-contained file
    const inline = await encodeOnnx(a);
    await assertSameOutputs(src, inline, feeds);
    const c = await readOnnx(join(dir, 'model.onnx'));
    const full = await readOnnx(src);
    await assertSameModel(full, c);
  }
});

test('writeOnnx refuses to overwrite its input and leaves nothing behind on failure', async () => {
  const src = join(MODELS, 'mlp-external', 'model.onnx');
  const a = await readOnnx(src);
  const before = readFileSync(src);
  for (const target of [src]) {
    try {
      await writeOnnx(a, target);
      assert.unreachable('should refuse');
    } catch (err) {
      assert.ok(isDlpackError(err) && err.code === 'OUTPUT', String(err));
    }
  }
  assert.ok(readFileSync(src).equals(before));
  const missing = join(tmp, 'no-such-folder', 'x.onnx');
  try {
    await writeOnnx(a, missing, { externalData: 'inline' });
    assert.unreachable('should fail');
  } catch (err) {
    assert.ok(isDlpackError(err) && err.code === 'OUTPUT', String(err));
  }
  assert.not.ok(existsSync(join(tmp, 'no-such-folder')));
  try {
    await writeOnnx(a, join(tmp, 'escape.onnx'), { externalData: { file: '../escape.bin' } });
    assert.unreachable('should refuse');
  } catch (err) {
    assert.ok(isDlpackError(err) && err.code === 'PATH_ESCAPE', String(err));
  }
  assert.not.ok(existsSync(join(tmp, 'escape.onnx')));
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
