/**
 * Same inputs → byte-identical zip; the zip's entries have fixed timestamps and permissions; and
 * every bad input is a one-line DlpackError raised before anything is written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { bundleModel } from '../../../src/bundle/index.js';
import { ortNodeFiles } from '../../../src/bundle/runtime-files.js';
import { packageDir } from '../../../src/bundle/runtime-registry.js';
import { createHash } from 'node:crypto';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { runInProcess } from '../../helpers/cli.js';
import { freshTmp } from '../../helpers/bundle-host.js';
import { MLP, TFJS_LAYERS } from '../../helpers/bundle-reference.js';

const work = freshTmp('dlpack-bundle-det-');
test.after(() => rmSync(work, { recursive: true, force: true }));

async function rejects(p: Promise<unknown>, code: string, pattern: RegExp): Promise<DlpackError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, DlpackError, String(err));
    const e = err as DlpackError;
    assert.is(e.code, code, e.message);
    assert.match(e.oneLine(), pattern);
    return e;
  }
  throw new Error(`expected ${code}`);
}

test('two bundles of the same inputs are byte-identical (sha256), in other folders too', async () => {
  mkdirSync(join(work, 'a'), { recursive: true });
  mkdirSync(join(work, 'b'), { recursive: true });
  const a = await bundleModel({ model: MLP, target: 'aws-lambda', out: join(work, 'a', 'fn'), memoryMb: 1769 });
  assert.ok(a.sha256);
  const b = await bundleModel({ model: MLP, target: 'aws-lambda', out: join(work, 'b', 'other-name'), memoryMb: 1769 });
  assert.is(b.sha256, a.sha256);
  assert.ok(readFileSync(a.zipPath!).equals(readFileSync(b.zipPath!)));
  // a different memory size changes the baked-in threads → a different zip
  const c = await bundleModel({ model: MLP, target: 'aws-lambda', out: join(work, 'b', 'big'), memoryMb: 3538 });
  assert.is.not(c.sha256, a.sha256);
  assert.is(c.threads, 2);
});

test('zip entries: sorted, fixed DOS timestamp, mode 0644, no extra timestamp field', async () => {
  const zipPath = join(work, 'a', 'fn.zip');
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(zipPath, { lazyEntries: false }, (e, z) => (e ? fail(e) : ok(z!))));
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((ok) => {
    zip.on('entry', (e: yauzl.Entry) => entries.push(e));
    zip.on('end', () => ok());
  });
  const names = entries.map((e) => e.fileName);
  assert.equal(names, [...names].sort());
  for (const e of entries) {
    assert.is(e.lastModFileDate, (0 << 9) | (1 << 5) | 1, `${e.fileName} date`); // 1980-01-01
    assert.is(e.lastModFileTime, 0);
    assert.is((e.externalFileAttributes >>> 16) & 0o777, 0o644);
    assert.is(e.extraFieldLength, 0);
  }
  const manifest = JSON.parse(readFileSync(join(work, 'a', 'fn', 'manifest.json'), 'utf8'));
  assert.is(manifest.target, 'aws-lambda');
  assert.is(manifest.entry, 'index.js');
  assert.is(manifest.export, 'handler');
  assert.ok(manifest.files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256)));
  assert.not.ok(JSON.stringify(manifest).includes(work), 'no absolute paths in the manifest');
});

test('--arch arm64 carries the linux/arm64 binary and library, byte for byte, and nothing else native', async () => {
  const r = await bundleModel({ model: MLP, target: 'aws-lambda', arch: 'arm64', out: join(work, 'arm') });
  const native = r.files.filter((f) => f.path.endsWith('.node') || f.path.includes('.so'));
  const expected = ortNodeFiles(packageDir('onnxruntime-node')!, 'arm64');
  assert.equal(native.map((f) => f.path).sort(), expected.map((f) => f.path).sort());
  for (const f of expected) {
    const sha = createHash('sha256').update(readFileSync(f.source)).digest('hex');
    assert.is(native.find((n) => n.path === f.path)!.sha256, sha, f.path);
  }
});

test('unknown target, wrong runtime, native on Workers, bad arch: errors before anything is written', async () => {
  const out = join(work, 'never');
  await rejects(bundleModel({ model: MLP, target: 'aws-lamda', out }), 'USAGE', /unknown target "aws-lamda".*aws-lambda/);
  await rejects(bundleModel({ model: MLP, target: 'cloudflare-workers', runtime: 'onnxruntime-node', out }), 'UNSUPPORTED', /cloudflare-workers runs JavaScript and WebAssembly only; onnxruntime-node is a native addon.*onnxruntime-web/);
  await rejects(bundleModel({ model: MLP, target: 'aws-lambda', runtime: 'tfjs-backend-wasm', out }), 'USAGE', /cannot run an ONNX model/);
  await rejects(bundleModel({ model: TFJS_LAYERS, target: 'aws-lambda', runtime: 'tfjs-node', out }), 'UNSUPPORTED', /tfjs-node/);
  await rejects(bundleModel({ model: MLP, target: 'aws-lambda', arch: 'ppc64', out }), 'USAGE', /unknown architecture "ppc64"/);
  await rejects(bundleModel({ model: MLP, target: 'aws-lambda', memoryMb: 64, out }), 'USAGE', /64 MB is not a memory size/);
  await rejects(bundleModel({ model: join(work, 'missing.onnx'), target: 'aws-lambda', out }), 'FILE_NOT_FOUND', /missing\.onnx/);
  await rejects(bundleModel({ model: MLP, target: 'vercel', format: 'image', out }), 'UNSUPPORTED', /vercel does not deploy container images/);
  assert.not.ok(existsSync(out), 'no output folder');
  assert.not.ok(existsSync(`${out}.zip`), 'no zip');
  assert.not.ok(readdirSync(work).some((n) => n.startsWith('.dlpack-tmp')), 'no temp leftovers');
});

test('a TF.js weights path leaving the model folder is refused (nothing outside is copied)', async () => {
  const dir = join(work, 'evil-model');
  mkdirSync(dir);
  const json = JSON.parse(readFileSync(TFJS_LAYERS, 'utf8'));
  json.weightsManifest[0].paths = ['../secret.bin'];
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(work, 'secret.bin'), Buffer.alloc(1244));
  const out = join(work, 'evil-out');
  await rejects(bundleModel({ model: join(dir, 'model.json'), target: 'aws-lambda', out }), 'PATH_ESCAPE', /\.\.\/secret\.bin/);
  assert.not.ok(existsSync(out));
});

test('an arch with no binary in the installed onnxruntime-node is refused, naming the folder', () => {
  const pkg = join(work, 'fake-ort');
  mkdirSync(join(pkg, 'bin', 'napi-v6', 'linux', 'x64'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', version: '9.9.9', binary: { napi_versions: [6] } }));
  for (const f of ['libonnxruntime.so.1', 'onnxruntime_binding.node']) writeFileSync(join(pkg, 'bin', 'napi-v6', 'linux', 'x64', f), 'x');
  assert.is(ortNodeFiles(pkg, 'x64').length, 2);
  try {
    ortNodeFiles(pkg, 'arm64');
    assert.unreachable('arm64 should be refused');
  } catch (err) {
    assert.instance(err, DlpackError);
    assert.match((err as DlpackError).oneLine(), /linux[\\/]arm64: onnxruntime-node 9\.9\.9 has no linux\/arm64 binary/);
  }
});

test('--handler: a file without the export the target calls is refused before anything is written', async () => {
  const handler = join(work, 'my-handler.ts');
  writeFileSync(handler, 'export async function predict(event: unknown) { return event; }\n');
  const out = join(work, 'with-handler');
  await rejects(bundleModel({ model: MLP, target: 'aws-lambda', handler, out }), 'USAGE', /does not export "handler", which aws-lambda calls \(it exports: predict\)/);
  await rejects(bundleModel({ model: MLP, target: 'cloudflare-workers', handler, out }), 'USAGE', /does not export "default"/);
  assert.not.ok(existsSync(out));
});

test('an existing output is refused without --force and replaced whole with it', async () => {
  const out = join(work, 'exists');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'user file');
  await rejects(bundleModel({ model: MLP, target: 'cloudflare-workers', out }), 'OUTPUT', /not empty.*--force/);
  assert.ok(existsSync(join(out, 'keep.txt')));
  const r = await bundleModel({ model: MLP, target: 'cloudflare-workers', out, force: true });
  assert.ok(r.pass);
  assert.not.ok(existsSync(join(out, 'keep.txt')));
});

test('the CLI prints one line for a bad target and exits non-zero, writing nothing', async () => {
  const model = join(work, 'cli-model.onnx');
  copyFileSync(MLP, model);
  const r = await runInProcess(['bundle', model, '--target', 'cloudflare-workers', '--runtime', 'onnxruntime-node', '-o', join(work, 'cli-out')]);
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /native addon/);
  assert.not.ok(r.stderr.includes('    at '), 'no stack trace');
  assert.not.ok(existsSync(join(work, 'cli-out')));
});

test('the CLI: --json prints the BundleReport; an unknown target is one line naming the known ones', async () => {
  const out = join(work, 'cli-json');
  const r = await runInProcess(['bundle', MLP, '--target', 'vercel', '-o', out, '--json']);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.schema, 'dlpack.bundle/1');
  assert.is(report.target, 'vercel');
  assert.ok(report.limits.some((l: { limit: string }) => l.limit === 'unzipped'));
  assert.is(report.sha256.length, 64);
  const bad = await runInProcess(['bundle', MLP, '--target', 'lambda', '-o', join(work, 'cli-bad')]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /unknown target "lambda".*aws-lambda, gcp-functions/);
  assert.is(bad.stderr.trim().split('\n').length, 1);
});

test.run();
