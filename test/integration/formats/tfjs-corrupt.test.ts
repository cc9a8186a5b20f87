/**
 * Corrupted TF.js models (built from the graph fixture in a temp folder): every variant must end
 * in a one-line DlpackError naming the model file, through `inspectModel` and a few through the
 * real CLI. Paths that lead outside the model folder point at a FIFO: opening it would block, so
 * a variant that read outside its folder would hang instead of passing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectModel } from '../../../src/index.js';
import { DlpackError, type ErrorCode } from '../../../src/core/errors/dlpack-error.js';
import { runInProcess } from '../../helpers/cli.js';
import { GRAPH_FIXTURE, copyFolder, tempDir } from '../../helpers/tfjs-test-helpers.js';

const MODEL = 'classifier.json';
const t = tempDir('dlpack-tfjs-corrupt-');
const outside = join(t.dir, 'outside');
mkdirSync(outside);
const secret = join(outside, 'secret.bin');
writeFileSync(secret, Buffer.alloc(64, 7));
let trap = join(outside, 'trap.fifo');
try {
  execFileSync('mkfifo', [trap]);
} catch {
  trap = secret; // no mkfifo: fall back to a regular file
}

type Json = any;
interface Variant {
  name: string;
  code: ErrorCode;
  message: RegExp;
  /** Changes the copied model folder; may return a different model file name. */
  make(dir: string, edit: (f: (j: Json) => void) => void): string | void;
}

const g1 = (j: Json) => j.weightsManifest[0];
const g2 = (j: Json) => j.weightsManifest[1];
const w = (j: Json, name: string) => j.weightsManifest.flatMap((g: Json) => g.weights).find((x: Json) => x.name === name);

const variants: Variant[] = [
  { name: 'truncated shard', code: 'CORRUPT_MODEL', message: /hold 134 bytes but the manifest needs 144 \(shard truncated\?\)/, make: (d) => truncateSync(join(d, 'group2-shard3of3.bin'), 6) },
  { name: 'empty shard', code: 'CORRUPT_MODEL', message: /hold 24 bytes but the manifest needs 88/, make: (d) => truncateSync(join(d, 'group1-shard1of2.bin'), 0) },
  { name: 'extra-long shard', code: 'CORRUPT_MODEL', message: /hold 92 bytes but the manifest describes only 88 \(4 extra\)/, make: (d) => appendFileSync(join(d, 'group1-shard2of2.bin'), 'XXXX') },
  { name: 'missing shard', code: 'CORRUPT_MODEL', message: /weightsManifest path "group2-shard2of3.bin" is missing/, make: (d) => rmSync(join(d, 'group2-shard2of3.bin')) },
  { name: 'absolute shard path', code: 'PATH_ESCAPE', message: /is an absolute path/, make: (_d, e) => e((j) => (g1(j).paths[0] = trap)) },
  { name: 'Windows absolute shard path', code: 'PATH_ESCAPE', message: /is an absolute path/, make: (_d, e) => e((j) => (g1(j).paths[0] = 'C:\\weights\\a.bin')) },
  { name: '../ shard path', code: 'PATH_ESCAPE', message: /leaves the model folder/, make: (_d, e) => e((j) => (g1(j).paths[0] = '../outside/trap.fifo')) },
  { name: 'sub/../../ shard path', code: 'PATH_ESCAPE', message: /leaves the model folder/, make: (_d, e) => e((j) => (g1(j).paths[0] = 'sub/../../outside/secret.bin')) },
  { name: 'shard path is a URL (never fetched)', code: 'CORRUPT_MODEL', message: /"https:\/\/example.com\/w.bin" is missing/, make: (_d, e) => e((j) => (g1(j).paths[0] = 'https://example.com/w.bin')) },
  { name: 'shard path with a NUL byte', code: 'PATH_ESCAPE', message: /NUL byte/, make: (_d, e) => e((j) => (g1(j).paths[0] = 'group1-shard1of2.bin\u0000.txt')) },
  { name: 'empty shard path', code: 'PATH_ESCAPE', message: /is empty/, make: (_d, e) => e((j) => (g1(j).paths[0] = '')) },
  {
    name: 'shard is a symlink to a file outside',
    code: 'PATH_ESCAPE',
    message: /"group1-shard1of2.bin" is a symbolic link/,
    make: (d) => {
      rmSync(join(d, 'group1-shard1of2.bin'));
      symlinkSync(trap, join(d, 'group1-shard1of2.bin'));
    },
  },
  {
    name: 'shard inside a symlinked folder that leads outside',
    code: 'PATH_ESCAPE',
    message: /resolves outside the model folder/,
    make: (d, e) => {
      symlinkSync(outside, join(d, 'linked'));
      e((j) => (g1(j).paths[0] = 'linked/trap.fifo'));
    },
  },
  {
    name: 'shard is a hard link to a file outside',
    code: 'PATH_ESCAPE',
    message: /has 2 hard links \(refused\)/,
    make: (d) => {
      rmSync(join(d, 'group1-shard1of2.bin'));
      const target = join(outside, `hard-${Math.random().toString(36).slice(2)}.bin`);
      writeFileSync(target, Buffer.alloc(64, 1));
      linkSync(target, join(d, 'group1-shard1of2.bin'));
    },
  },
  {
    name: 'shard path is a folder',
    code: 'CORRUPT_MODEL',
    message: /"shards" is not a regular file/,
    make: (d, e) => {
      mkdirSync(join(d, 'shards'));
      e((j) => (g1(j).paths[1] = 'shards'));
    },
  },
  { name: 'shard listed twice', code: 'CORRUPT_MODEL', message: /lists shard "group1-shard1of2.bin" twice/, make: (_d, e) => e((j) => (g2(j).paths[0] = 'group1-shard1of2.bin')) },
  { name: 'weight named twice', code: 'CORRUPT_MODEL', message: /weight "conv\/bias" is named twice/, make: (_d, e) => e((j) => (w(j, 'dense/bias').name = 'conv/bias')) },
  { name: 'shape × dtype larger than the data', code: 'CORRUPT_MODEL', message: /hold 88 bytes but the manifest needs 124/, make: (_d, e) => e((j) => (w(j, 'conv/filter').shape = [3, 3, 1, 3])) },
  { name: 'shape × dtype smaller than the data', code: 'CORRUPT_MODEL', message: /describes only 52 \(36 extra\)/, make: (_d, e) => e((j) => (w(j, 'conv/filter').shape = [3, 3, 1, 1])) },
  { name: 'dtype changed to bool (fewer bytes)', code: 'CORRUPT_MODEL', message: /\(96 extra\)/, make: (_d, e) => e((j) => (w(j, 'dense/kernel').dtype = 'bool')) },
  { name: 'unknown dtype string', code: 'CORRUPT_MODEL', message: /"conv\/bias" has unknown dtype "float64"/, make: (_d, e) => e((j) => (w(j, 'conv/bias').dtype = 'float64')) },
  { name: 'dtype is a number', code: 'CORRUPT_MODEL', message: /has unknown dtype 1 /, make: (_d, e) => e((j) => (w(j, 'conv/bias').dtype = 1)) },
  { name: 'negative dimension', code: 'CORRUPT_MODEL', message: /invalid dimension -2 in shape/, make: (_d, e) => e((j) => (w(j, 'conv/bias').shape = [-2])) },
  { name: 'fractional dimension', code: 'CORRUPT_MODEL', message: /invalid dimension 2.5/, make: (_d, e) => e((j) => (w(j, 'conv/bias').shape = [2.5])) },
  { name: 'dimension as a string', code: 'CORRUPT_MODEL', message: /invalid dimension "2"/, make: (_d, e) => e((j) => (w(j, 'conv/bias').shape = ['2'])) },
  { name: 'shape without a list', code: 'CORRUPT_MODEL', message: /has no shape list/, make: (_d, e) => e((j) => (w(j, 'conv/bias').shape = 2)) },
  { name: 'shape overflowing 2^53', code: 'TOO_LARGE', message: /shape \[1000000000, 1000000000, 1000000000\] is too large/, make: (_d, e) => e((j) => (w(j, 'conv/bias').shape = [1e9, 1e9, 1e9])) },
  { name: 'shape over 2 GB', code: 'TOO_LARGE', message: /shape \[65536, 65536\] is too large/, make: (_d, e) => e((j) => (w(j, 'conv/bias').shape = [65536, 65536])) },
  { name: 'unknown quantization dtype', code: 'CORRUPT_MODEL', message: /quantization dtype "int4" is not one of uint8, uint16, float16/, make: (_d, e) => e((j) => (w(j, 'conv/bias').quantization = { dtype: 'int4' })) },
  { name: 'uint8 quantization without scale', code: 'CORRUPT_MODEL', message: /quantization uint8 needs a finite "scale"/, make: (_d, e) => e((j) => (w(j, 'conv/bias').quantization = { dtype: 'uint8', min: 0 })) },
  { name: 'quantization min is null', code: 'CORRUPT_MODEL', message: /needs a finite "min"/, make: (_d, e) => e((j) => (w(j, 'conv/bias').quantization = { dtype: 'uint16', min: null, scale: 1 })) },
  { name: 'float16 quantization of an int32 weight', code: 'CORRUPT_MODEL', message: /float16 needs a float32 weight, not int32/, make: (_d, e) => e((j) => (w(j, 'flat/shape').quantization = { dtype: 'float16' })) },
  { name: 'weight entry without a name', code: 'CORRUPT_MODEL', message: /group 1 weight 2 has no name/, make: (_d, e) => e((j) => delete w(j, 'conv/bias').name) },
  { name: 'weightsManifest is an object', code: 'CORRUPT_MODEL', message: /weightsManifest is not a list of groups/, make: (_d, e) => e((j) => (j.weightsManifest = { paths: [] })) },
  { name: 'group without paths', code: 'CORRUPT_MODEL', message: /group 2 has no "paths" list/, make: (_d, e) => e((j) => delete g2(j).paths) },
  { name: 'group without weights', code: 'CORRUPT_MODEL', message: /group 1 has no "weights" list/, make: (_d, e) => e((j) => (g1(j).weights = 'all')) },
  {
    name: 'string weight whose length runs past the data',
    code: 'CORRUPT_MODEL',
    message: /string element 0 declares 4294967295 bytes/,
    make: (d, e) => {
      writeFileSync(join(d, 'str.bin'), Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2]));
      e((j) => j.weightsManifest.push({ paths: ['str.bin'], weights: [{ name: 'vocab', shape: [1], dtype: 'string' }] }));
    },
  },
  { name: 'malformed JSON', code: 'CORRUPT_MODEL', message: /malformed JSON/, make: (d) => writeFileSync(join(d, MODEL), readFileSync(join(d, MODEL)).subarray(0, 300)) },
  { name: 'binary garbage named .json', code: 'CORRUPT_MODEL', message: /malformed JSON/, make: (d) => writeFileSync(join(d, MODEL), Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x12])) },
  { name: 'empty model JSON', code: 'CORRUPT_MODEL', message: /model JSON is empty/, make: (d) => writeFileSync(join(d, MODEL), '') },
  { name: 'JSON that is not a model (package.json)', code: 'NOT_A_MODEL', message: /not a TF.js model \(no modelTopology\)/, make: (d) => writeFileSync(join(d, MODEL), '{"name":"pkg","version":"1.0.0"}') },
  { name: 'JSON array', code: 'NOT_A_MODEL', message: /not a TF.js model/, make: (d) => writeFileSync(join(d, MODEL), '[1, 2, 3]') },
  { name: 'JSON null', code: 'NOT_A_MODEL', message: /not a TF.js model/, make: (d) => writeFileSync(join(d, MODEL), 'null') },
  { name: 'modelTopology is a string', code: 'CORRUPT_MODEL', message: /modelTopology is not an object/, make: (_d, e) => e((j) => (j.modelTopology = 'graph')) },
  { name: 'modelTopology neither graph nor layers', code: 'NOT_A_MODEL', message: /neither a TF.js graph/, make: (_d, e) => e((j) => ((j.modelTopology = { foo: 1 }), delete j.format)) },
  { name: 'unknown format', code: 'NOT_A_MODEL', message: /unknown TF.js model format "saved-model"/, make: (_d, e) => e((j) => (j.format = 'saved-model')) },
  { name: 'format says layers-model, topology is a graph', code: 'CORRUPT_MODEL', message: /format says layers-model but modelTopology does not hold one/, make: (_d, e) => e((j) => (j.format = 'layers-model')) },
  {
    name: 'userDefinedMetadata nested 100 000 deep (stack overflow in any recursive walk)',
    code: 'CORRUPT_MODEL',
    message: /model JSON nests arrays\/objects more than 256 levels deep/,
    make: (d) => {
      const text = readFileSync(join(d, MODEL), 'utf8').trimEnd();
      writeFileSync(join(d, MODEL), `${text.slice(0, -1)},"userDefinedMetadata":{"deep":${'['.repeat(100_000)}1${']'.repeat(100_000)}}}`);
    },
  },
  { name: 'graph node list is not a list', code: 'CORRUPT_MODEL', message: /modelTopology.node is not a list/, make: (_d, e) => e((j) => (j.modelTopology.node = { x: 1 })) },
];

let n = 0;
function build(v: Variant): string {
  const dir = join(t.dir, `v${++n}`);
  copyFolder(join(GRAPH_FIXTURE, '..'), dir);
  const edit = (f: (j: Json) => void) => {
    const j = JSON.parse(readFileSync(join(dir, MODEL), 'utf8'));
    f(j);
    writeFileSync(join(dir, MODEL), JSON.stringify(j));
  };
  return join(dir, v.make(dir, edit) ?? MODEL);
}

const built = variants.map((v) => ({ v, file: build(v) }));

test(`at least 25 distinct corruption variants`, () => {
  assert.ok(variants.length >= 25, String(variants.length));
  assert.is(new Set(variants.map((v) => v.name)).size, variants.length);
});

for (const { v, file } of built) {
  test(`corrupt TF.js: ${v.name} → ${v.code}`, async () => {
    const err = await Promise.race([
      inspectModel(file).then(() => new Error('inspect succeeded')),
      new Promise<Error>((resolve) => setTimeout(() => resolve(new Error('inspect hung (read outside its folder?)')), 10_000).unref()),
    ]).catch((e) => e);
    if (!(err instanceof DlpackError)) throw err;
    assert.is(err.code, v.code, err.oneLine());
    assert.match(err.message, v.message);
    assert.is(err.file, file, 'names the model file');
    assert.not.match(err.oneLine(), /\n/);
  });
}

const cliCases = ['truncated shard', '../ shard path', 'JSON that is not a model (package.json)', 'weight named twice'];
for (const name of cliCases) {
  const { v, file } = built.find((b) => b.v.name === name)!;
  test(`dlpack inspect on "${name}": one line on stderr, exit 1, no stack`, async () => {
    const r = await runInProcess(['inspect', file]);
    assert.is(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes(file), 'names the file');
    assert.match(lines[0], v.message);
    assert.not.match(r.stderr, /\n\s+at /);
    assert.is(r.stdout.trim(), '');
  });
}

test.after(() => t.cleanup());
test.run();
