/**
 * Corrupted and hostile ONNX files fed to `dlpack inspect` (the engine's inspectModel, and a few
 * through the real CLI): truncations, flipped structural bytes, random bytes, foreign files,
 * inconsistent graphs and tensors, and external-data locations that try to leave the folder
 * (absolute, `..`, symlinks, hard links, FIFOs) or lie about offsets and lengths. Every variant must
 * end in a DlpackError naming the file, quickly. A FIFO outside the folders is the sentinel: opening
 * it would block (the case would time out) and leave a reader a final probe would find.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { constants, copyFileSync, existsSync, truncateSync, linkSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import protobuf from 'protobufjs';
import { inspectModel } from '../../../src/index.js';
import { isDlpackError } from '../../../src/core/errors/dlpack-error.js';
import { encodeModelProto } from '../../../src/formats/onnx/onnx-codec.js';
import { readOnnx, type ModelProto } from '../../../src/formats/onnx/index.js';
import { seededRandom } from '../../../fixtures/make-onnx.js';
import { ROOT, runInProcess, SHARED_MODELS } from '../../helpers/cli.js';
import { noSharedModels, testIf, type Unavailable } from '../../helpers/skip.js';
import { bundleModel } from '../../../src/bundle/index.js';

const MODELS = join(ROOT, 'fixtures', 'models');
const root = mkdtempSync(join(tmpdir(), 'dlpack-onnx-corrupt-'));
const outside = join(root, 'outside');
mkdirSync(outside);
const sentinelFifo = join(outside, 'sentinel.fifo');
execFileSync('mkfifo', [sentinelFifo]);
const secret = join(outside, 'secret.bin');
writeFileSync(secret, Buffer.alloc(4096, 7));

interface Variant {
  name: string;
  /** Builds the case in its own folder; returns the model path to inspect. */
  make: (dir: string) => string | Promise<string>;
  codes?: string[];
  /** Why the case cannot be built here (a real model of ../shared is absent), or false. */
  needs?: Unavailable;
}

const variants: Variant[] = [];
const mlp = readFileSync(join(MODELS, 'mlp.onnx'));
const cnn = readFileSync(join(MODELS, 'cnn.onnx'));

const fileCase = (name: string, bytes: Uint8Array, codes?: string[], fileName = 'model.onnx') =>
  variants.push({
    name,
    codes,
    make: (dir) => {
      writeFileSync(join(dir, fileName), bytes);
      return join(dir, fileName);
    },
  });

// --- truncations -------------------------------------------------------------------------------
for (const cut of [1, 2, 3, 5, 10, 20, 50, 100, 200, 400, 800, 1200, 1600, 2000, 2500, 3000, mlp.length - 100, mlp.length - 10, mlp.length - 1]) {
  fileCase(`mlp.onnx truncated to ${cut} bytes`, mlp.subarray(0, cut), ['CORRUPT_MODEL', 'NOT_A_MODEL']);
}
for (const cut of [7, 300, 1000, cnn.length - 2]) fileCase(`cnn.onnx truncated to ${cut} bytes`, cnn.subarray(0, cut), ['CORRUPT_MODEL', 'NOT_A_MODEL']);
const silero = join(SHARED_MODELS, 'onnx', 'silero_vad.onnx');
for (const [label, cut] of [['4096 bytes', () => 4096], ['half its size', (n) => n >> 1], ['3 bytes short', (n) => n - 3]] as [string, (n: number) => number][]) {
  variants.push({
    name: `silero_vad.onnx truncated to ${label}`,
    codes: ['CORRUPT_MODEL', 'NOT_A_MODEL'],
    needs: noSharedModels,
    make: (dir) => {
      const bytes = readFileSync(silero);
      writeFileSync(join(dir, 'model.onnx'), bytes.subarray(0, cut(bytes.length)));
      return join(dir, 'model.onnx');
    },
  });
}

// --- flipped structural bytes (tags and lengths; flips inside weight payloads give valid models) --
function structuralOffsets(buf: Uint8Array, start: number, end: number, depth: number, out: number[]): void {
  const r = protobuf.Reader.create(buf.subarray(0, end));
  r.pos = start;
  while (r.pos < end) {
    out.push(r.pos);
    const tag = r.uint32();
    if ((tag & 7) === 2) {
      out.push(r.pos);
      const len = r.uint32();
      const s = r.pos;
      // recurse into the graph (7), nodes (1), value infos (11, 12) and types, not into raw bytes
      if (depth < 3 && [7, 1, 11, 12, 2].includes(tag >>> 3)) {
        try {
          structuralOffsets(buf, s, s + len, depth + 1, out);
        } catch {
          /* a string, not a message */
        }
      }
      r.pos = s + len;
    } else r.skipType(tag & 7);
  }
}
const offsets: number[] = [];
structuralOffsets(mlp, 0, mlp.length, 0, offsets);
const step = Math.max(1, Math.floor(offsets.length / 14));
for (let i = 0; i < offsets.length; i += step) {
  const at = offsets[i];
  const bad = Buffer.from(mlp);
  bad[at] ^= 0xff;
  fileCase(`mlp.onnx with the byte at ${at} flipped`, bad, ['CORRUPT_MODEL', 'NOT_A_MODEL']);
}

// --- not ONNX at all ---------------------------------------------------------------------------
const rand = seededRandom(99);
for (const n of [1, 16, 1000, 100_000]) {
  fileCase(`${n} random bytes`, Uint8Array.from({ length: n }, () => Math.floor(rand() * 256)), ['CORRUPT_MODEL', 'NOT_A_MODEL']);
}
fileCase('an empty file', new Uint8Array(0), ['NOT_A_MODEL']);
fileCase('a JSON file named .onnx', Buffer.from('{"format": "layers-model", "modelTopology": {}}'), ['NOT_A_MODEL']);
fileCase('a text file named .onnx', Buffer.from('hello, this is not a model\n'), ['CORRUPT_MODEL', 'NOT_A_MODEL']);
fileCase('a PNG named .onnx', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), ['CORRUPT_MODEL', 'NOT_A_MODEL']);
fileCase('a zip named .onnx', Buffer.from('504b0304140000000800', 'hex'), ['CORRUPT_MODEL', 'NOT_A_MODEL']);

async function protoCase(name: string, mutate: (m: ModelProto) => void, codes: string[]) {
  variants.push({
    name,
    codes,
    make: async (dir) => {
      const m = (await readOnnx(join(MODELS, 'mlp.onnx'))).proto;
      mutate(m);
      writeFileSync(join(dir, 'model.onnx'), await encodeModelProto(m));
      return join(dir, 'model.onnx');
    },
  });
}
await protoCase('a ModelProto without a graph', (m) => delete m.graph, ['NOT_A_MODEL']);
await protoCase('a ModelProto without an IR version', (m) => delete m.ir_version, ['NOT_A_MODEL']);
await protoCase('a node reading an undefined value', (m) => (m.graph!.node![2].input = ['nowhere']), ['CORRUPT_MODEL']);
await protoCase('a graph output nothing produces', (m) => (m.graph!.output![0].name = 'ghost'), ['CORRUPT_MODEL']);
await protoCase('raw_data shorter than the shape', (m) => (m.graph!.initializer![0].raw_data = m.graph!.initializer![0].raw_data!.subarray(8)), ['CORRUPT_MODEL']);
await protoCase('an unknown data type', (m) => (m.graph!.initializer![1].data_type = 99), ['CORRUPT_MODEL']);
await protoCase('a negative dimension', (m) => (m.graph!.initializer![1].dims = [-32]), ['CORRUPT_MODEL']);
await protoCase('a node without op_type', (m) => delete m.graph!.node![0].op_type, ['CORRUPT_MODEL']);
await protoCase('no opset import', (m) => (m.opset_import = []), ['CORRUPT_MODEL']);
variants.push({
  name: 'a TensorProto saved as a .onnx file',
  codes: ['CORRUPT_MODEL', 'NOT_A_MODEL'],
  make: async (dir) => {
    const m = (await readOnnx(join(MODELS, 'mlp.onnx'))).proto;
    // the first initializer's bytes, wrapped as if it were a whole model file
    const onlyTensor = await encodeModelProto({ graph: { initializer: [m.graph!.initializer![0]] } });
    writeFileSync(join(dir, 'model.onnx'), onlyTensor.subarray(2 + (onlyTensor[1] > 127 ? 1 : 0) + 2));
    return join(dir, 'model.onnx');
  },
});
variants.push({
  name: 'a folder named model.onnx',
  codes: ['NOT_A_MODEL'],
  make: (dir) => {
    mkdirSync(join(dir, 'model.onnx'));
    return join(dir, 'model.onnx');
  },
});
variants.push({
  name: 'a FIFO named model.onnx',
  codes: ['NOT_A_MODEL'],
  make: (dir) => {
    execFileSync('mkfifo', [join(dir, 'model.onnx')]);
    return join(dir, 'model.onnx');
  },
});
variants.push({ name: 'a missing file', codes: ['FILE_NOT_FOUND'], make: (dir) => join(dir, 'missing.onnx') });

// --- external data -----------------------------------------------------------------------------
const extDir = join(MODELS, 'mlp-external');
const extProto = (await readOnnx(join(extDir, 'model.onnx'), { loadExternalData: false })).proto;

function externalCase(name: string, codes: string[], entries: Record<string, string | undefined> | [string, string][], prepare?: (dir: string) => void) {
  variants.push({
    name: `external data: ${name}`,
    codes,
    make: async (dir) => {
      copyFileSync(join(extDir, 'model.onnx.data'), join(dir, 'model.onnx.data'));
      prepare?.(dir);
      const m: ModelProto = structuredClone(extProto);
      const t = m.graph!.initializer![0];
      const original = Object.fromEntries(t.external_data!.map((e) => [e.key!, e.value!]));
      const list = Array.isArray(entries) ? entries : Object.entries({ ...original, ...entries }).filter(([, v]) => v !== undefined);
      t.external_data = list.map(([key, value]) => ({ key, value: value as string }));
      writeFileSync(join(dir, 'model.onnx'), await encodeModelProto(m));
      return join(dir, 'model.onnx');
    },
  });
}
externalCase('absolute location', ['PATH_ESCAPE'], { location: sentinelFifo });
externalCase('absolute location of a regular file', ['PATH_ESCAPE'], { location: secret });
externalCase('../ out of the folder', ['PATH_ESCAPE'], { location: '../outside/sentinel.fifo' });
externalCase('../ hidden in the middle', ['PATH_ESCAPE'], { location: 'sub/../../outside/secret.bin' });
externalCase('backslash ../', ['PATH_ESCAPE'], { location: '..\\outside\\secret.bin' });
externalCase('a Windows drive path', ['PATH_ESCAPE'], { location: 'C:\\weights.bin' });
externalCase('a NUL byte in the location', ['PATH_ESCAPE'], { location: 'model.onnx.data\0.txt' });
externalCase('a symlink to the sentinel FIFO outside', ['PATH_ESCAPE'], { location: 'link.data' }, (d) => symlinkSync(sentinelFifo, join(d, 'link.data')));
externalCase('a symlink to a file outside', ['PATH_ESCAPE'], { location: 'link.data' }, (d) => symlinkSync(secret, join(d, 'link.data')));
externalCase('a symlink to a file inside', ['PATH_ESCAPE'], { location: 'link.data' }, (d) => symlinkSync(join(d, 'model.onnx.data'), join(d, 'link.data')));
externalCase('a symlinked folder leading outside', ['PATH_ESCAPE'], { location: 'dir/secret.bin' }, (d) => symlinkSync(outside, join(d, 'dir')));
externalCase('a hard link to a file outside', ['PATH_ESCAPE'], { location: 'hard.data' }, (d) => linkSync(secret, join(d, 'hard.data')));
externalCase('a hard link to the FIFO outside', ['PATH_ESCAPE', 'CORRUPT_MODEL'], { location: 'hard.fifo' }, (d) => linkSync(sentinelFifo, join(d, 'hard.fifo')));
externalCase('a FIFO inside the folder', ['CORRUPT_MODEL'], { location: 'pipe.data' }, (d) => execFileSync('mkfifo', [join(d, 'pipe.data')]));
externalCase('a folder as the location', ['CORRUPT_MODEL'], { location: 'sub' }, (d) => mkdirSync(join(d, 'sub')));
externalCase('a missing data file', ['CORRUPT_MODEL'], { location: 'missing.data' });
externalCase('a data file shorter than offset + length', ['CORRUPT_MODEL'], {}, (d) => writeFileSync(join(d, 'model.onnx.data'), Buffer.alloc(100)));
externalCase('an empty location', ['CORRUPT_MODEL', 'PATH_ESCAPE'], { location: '' });
externalCase('no location entry', ['CORRUPT_MODEL'], { location: undefined });
externalCase('a negative offset', ['CORRUPT_MODEL'], { offset: '-16' });
externalCase('an offset past the end', ['CORRUPT_MODEL'], { offset: '999999999999' });
externalCase('an offset beyond 2^53', ['CORRUPT_MODEL'], { offset: '99999999999999999999' });
externalCase('a non-numeric offset', ['CORRUPT_MODEL'], { offset: 'abc' });
externalCase('an offset in exponent notation', ['CORRUPT_MODEL'], { offset: '1e3' });
externalCase('an offset with a space', ['CORRUPT_MODEL'], { offset: ' 16' });
externalCase('a negative length', ['CORRUPT_MODEL'], { length: '-1' });
externalCase('a length longer than the file', ['CORRUPT_MODEL'], { length: '1000000' });
externalCase('a length that does not match the shape', ['CORRUPT_MODEL'], { length: '16' });
externalCase('a duplicated key', ['CORRUPT_MODEL'], [
  ['location', 'model.onnx.data'],
  ['location', '../outside/secret.bin'],
]);

// subgraphs nested 20 000 deep (If inside If ...): refused by the decoder's depth limit, no stack overflow
{
  const varint = (n: number) => {
    const out: number[] = [];
    for (; n > 127; n >>>= 7) out.push((n & 127) | 128);
    out.push(n);
    return Buffer.from(out);
  };
  const ld = (field: number, payload: Buffer) => Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
  let g = Buffer.alloc(0);
  for (let i = 0; i < 20_000; i++) g = ld(1, ld(5, ld(6, g))); // GraphProto.node → NodeProto.attribute → AttributeProto.g
  fileCase('subgraphs nested 20 000 deep', Buffer.concat([Buffer.from([8, 8]), ld(7, g)]), ['CORRUPT_MODEL']);
}

// --- over the 2 GB protobuf limit (sparse files: nothing is really written) -----------------------
variants.push({
  name: 'a model file over 2 GB',
  codes: ['TOO_LARGE'],
  make: (dir) => {
    const path = join(dir, 'huge.onnx');
    writeFileSync(path, mlp);
    truncateSync(path, 2 ** 31 + 10);
    return path;
  },
});

// --- running them ------------------------------------------------------------------------------
const CASE_DEADLINE_MS = 10_000;

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${CASE_DEADLINE_MS} ms (hung, or opened the sentinel FIFO)`)), CASE_DEADLINE_MS);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

test(`at least 35 corrupted ONNX variants are defined (${variants.length})`, () => {
  assert.ok(variants.length >= 35);
});

variants.forEach((v, i) => {
  testIf(test, v.needs, `inspect rejects ${v.name}`, async () => {
    const dir = join(root, `case-${i}`);
    mkdirSync(dir);
    const path = await v.make(dir);
    try {
      await withDeadline(inspectModel(path), v.name);
      assert.unreachable(`${v.name}: inspect succeeded`);
    } catch (err) {
      if (!isDlpackError(err)) throw new Error(`${v.name}: not a DlpackError: ${(err as Error)?.stack ?? err}`);
      if (v.codes) assert.ok(v.codes.includes(err.code), `${v.name}: ${err.code} ${err.oneLine()}`);
      assert.is(err.file, path, `${v.name}: the error names ${err.file}`);
      assert.not.match(err.oneLine(), /\n/);
      assert.not.match(err.message, /index out of range: \d+ \+ \d+/); // no raw protobufjs message
      if (process.env.SHOW_ERRORS) console.log(`${v.name} -> ${err.code}: ${err.oneLine().replace(root, "<tmp>")}`);
    }
  });
});

test('through the CLI: one line on stderr naming the file, exit 1, no stack', async () => {
  const picks = [0, variants.findIndex((v) => v.name === 'a JSON file named .onnx'), variants.findIndex((v) => v.name.includes('../ out of the folder'))];
  for (const i of picks) {
    const dir = join(root, `case-${i}`);
    const path = join(dir, basename(join(dir, 'model.onnx')));
    const r = await runInProcess(['inspect', path]);
    assert.is(r.code, 1, `${variants[i].name}: exit ${r.code}\n${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes(path), lines[0]);
    assert.not.match(r.stderr, /\s+at\s.+:\d+:\d+/);
    assert.is(r.stdout, '');
  }
});

test('nothing opened the sentinel FIFO outside the model folders', () => {
  // A writer can open a FIFO without blocking only if a reader holds it open.
  let fd: number | undefined;
  try {
    fd = openSync(sentinelFifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    assert.is((err as NodeJS.ErrnoException).code, 'ENXIO');
    return;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  assert.unreachable('a reader has the sentinel FIFO open');
});

test('external data over 2 GB: described without reading, refused when loading', async () => {
  const dir = join(root, 'huge-external');
  mkdirSync(dir);
  const elements = 600_000_000; // 2.4 GB of float32
  const m: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'huge',
      node: [{ op_type: 'Identity', input: ['w'], output: ['y'] }],
      initializer: [
        {
          name: 'w',
          data_type: 1,
          dims: [elements],
          data_location: 1,
          external_data: [
            { key: 'location', value: 'w.bin' },
            { key: 'offset', value: '0' },
            { key: 'length', value: String(elements * 4) },
          ],
        },
      ],
      output: [{ name: 'y', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: elements }] } } } }],
    },
  };
  writeFileSync(join(dir, 'model.onnx'), await encodeModelProto(m));
  writeFileSync(join(dir, 'w.bin'), '');
  truncateSync(join(dir, 'w.bin'), elements * 4);
  const report = await inspectModel(join(dir, 'model.onnx'));
  assert.is(report.summary.weightBytes, elements * 4);
  assert.is(report.model.weights[0].storage, 'external');
  try {
    await readOnnx(join(dir, 'model.onnx'));
    assert.unreachable('loading 2.4 GB should be refused');
  } catch (err) {
    assert.ok(isDlpackError(err) && err.code === 'TOO_LARGE', String(err));
  }
});

// --- models inspect reads but the runtime cannot load or run -------------------------------------
// `bundle` refuses them (its load check), and ONNX Runtime's own log lines never reach stderr: the
// one error line carries the last clause of its message, without C++ source paths.
const runtimeHostile: { name: string; mutate: (m: ModelProto) => void; clause: RegExp }[] = [
  { name: 'a cycle', mutate: (m) => (m.graph!.node![0].input![0] = m.graph!.node![1].output![0]), clause: /the graph is not acyclic/ },
  { name: 'an unknown op', mutate: (m) => (m.graph!.node![0].op_type = 'NoSuchOp'), clause: /No Op registered for NoSuchOp/ },
  {
    name: 'a weight of the wrong element type',
    mutate: (m) => (m.graph!.initializer!.find((t) => t.name === 'fc1.weight')!.data_type = 6),
    clause: /Type parameter \(T\) of Optype \(MatMul\) bound to different types/,
  },
];

async function hostileFile(name: string, mutate: (m: ModelProto) => void): Promise<string> {
  const m = (await readOnnx(join(MODELS, 'mlp.onnx'))).proto;
  mutate(m);
  const dir = join(root, `runtime-${name.replace(/\W+/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), await encodeModelProto(m));
  return join(dir, 'model.onnx');
}

for (const h of runtimeHostile) {
  test(`bundle refuses ${h.name} (the runtime cannot load it): RUNTIME naming the file, nothing written`, async () => {
    const file = await hostileFile(h.name, h.mutate);
    await inspectModel(file); // structurally fine: inspect describes it
    const out = join(root, `out-${h.name.replace(/\W+/g, '-')}`);
    try {
      await bundleModel({ model: file, target: 'aws-lambda', out });
      assert.unreachable('bundled');
    } catch (err) {
      if (!isDlpackError(err)) throw err;
      assert.is(err.code, 'RUNTIME', err.oneLine());
      assert.is(err.file, file);
      assert.match(err.message, h.clause);
      assert.not.match(err.message, /onnxruntime_src|\.cc:\d|\.h:\d/);
    }
    assert.not.ok(existsSync(out) || existsSync(`${out}.zip`), 'no output after a failed check');
    const unchecked = await bundleModel({ model: file, target: 'aws-lambda', out, check: false });
    assert.ok(unchecked.zipPath && existsSync(unchecked.zipPath), '--no-check bundles it anyway');
  });
}

test('through the CLI: ORT failures are one line with its last clause, no ORT log lines (load and run)', async () => {
  const cycle = await hostileFile('cli cycle', runtimeHostile[0].mutate);
  const b = await runInProcess(['bundle', cycle, '--target', 'aws-lambda', '-o', join(root, 'cli-cycle-out')]);
  assert.is(b.code, 1, b.stderr);
  assert.equal(b.stderr.trim().split('\n').length, 1, b.stderr);
  assert.match(b.stderr, /the graph is not acyclic/);
  // a Reshape that fails only when run (its batch dimension is symbolic)
  const reshape = await hostileFile('run reshape', (m) => {
    m.graph!.initializer!.push({ name: 'shp', data_type: 7, dims: [2], raw_data: new Uint8Array(new BigInt64Array([3n, -1n]).buffer) });
    m.graph!.initializer!.push({ name: 'shp2', data_type: 7, dims: [2], raw_data: new Uint8Array(new BigInt64Array([-1n, 16n]).buffer) });
    m.graph!.node!.unshift({ op_type: 'Reshape', input: ['input', 'shp'], output: ['rs'], name: 'bad_reshape' }, { op_type: 'Reshape', input: ['rs', 'shp2'], output: ['input2'], name: 'back' });
    m.graph!.node![2].input![0] = 'input2';
  });
  const q = await runInProcess(['quantize', reshape, '--mode', 'int8-dynamic', '-o', join(root, 'reshape.int8.onnx')]);
  assert.is(q.code, 1, q.stderr);
  assert.equal(q.stderr.trim().split('\n').length, 1, q.stderr);
  assert.match(q.stderr, /Reshape node 'bad_reshape': The input tensor cannot be reshaped to the requested shape/);
  assert.not.match(q.stderr, /\[E:onnxruntime|onnxruntime_src|\x1b\[/);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
