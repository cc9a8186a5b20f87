/**
 * `--format image`: a Dockerfile on the platform's base image and an OCI image layout of the app
 * layer, validated with skopeo and umoci (Debian packages; skipped with a message where absent).
 * No Docker engine here: no image is built or run as a container.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { bundleModel } from '../../../src/bundle/index.js';
import { missingTool, testIf } from '../../helpers/skip.js';
import { freshTmp, invokeBundle } from '../../helpers/bundle-host.js';
import { MLP, sampleInput } from '../../helpers/bundle-reference.js';

const work = freshTmp('dlpack-bundle-image-');
test.after(() => rmSync(work, { recursive: true, force: true }));
const noSkopeo = missingTool('skopeo', 'apt-get install -y skopeo');
const noUmoci = missingTool('umoci', 'apt-get install -y umoci');

test('aws-lambda image: Dockerfile FROM the Lambda Node base image, OCI layout of the app layer, deterministic', async () => {
  const a = await bundleModel({ model: MLP, target: 'aws-lambda', format: 'image', out: join(work, 'img') });
  const b = await bundleModel({ model: MLP, target: 'aws-lambda', format: 'image', out: join(work, 'img2') });
  assert.is(a.format, 'image');
  assert.is(a.zipPath, undefined);
  assert.match(readFileSync(a.image!.dockerfile, 'utf8'), /^FROM --platform=linux\/amd64 public\.ecr\.aws\/lambda\/nodejs:\d+$/m);
  assert.match(readFileSync(a.image!.dockerfile, 'utf8'), /^CMD \["index\.handler"\]$/m);
  assert.ok(existsSync(join(a.image!.ociLayout!, 'oci-layout')));
  assert.is(a.image!.ociDigest, b.image!.ociDigest, 'same inputs, same image digest');
  assert.ok(a.notes!.some((n) => n.includes('app layer only')), 'says the layout is the app layer only');
});

testIf(test, noSkopeo, 'skopeo reads the OCI layout: platform, base-image label, one layer', () => {
  const r = spawnSync('skopeo', ['inspect', `oci:${join(work, 'img', 'oci-image')}:latest`], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.is(info.Architecture, 'amd64');
  assert.is(info.Os, 'linux');
  assert.is(info.Layers.length, 1);
  assert.match(info.Labels['org.opencontainers.image.base.name'], /^public\.ecr\.aws\/lambda\/nodejs:/);
});

const arm64Layouts: string[] = [];

test('gcp-functions and azure-functions images: their base images and the app folder', async () => {
  for (const [target, base, dir] of [
    ['gcp-functions', /^FROM --platform=linux\/arm64 node:\d+-slim$/m, '/app/'],
    ['azure-functions', /^FROM --platform=linux\/arm64 mcr\.microsoft\.com\/azure-functions\/node:4-node\d+$/m, '/home/site/wwwroot/'],
  ] as const) {
    const r = await bundleModel({ model: MLP, target, arch: 'arm64', format: 'image', out: join(work, target) });
    const dockerfile = readFileSync(r.image!.dockerfile, 'utf8');
    assert.match(dockerfile, base);
    assert.ok(dockerfile.includes(dir), `${target} copies the app to ${dir}`);
    assert.ok(r.files.some((f) => f.path === 'onnxruntime_binding.node'));
    arm64Layouts.push(r.image!.ociLayout!);
  }
});

testIf(test, noSkopeo, 'skopeo reads the gcp-functions and azure-functions layouts as arm64', () => {
  assert.is(arm64Layouts.length, 2);
  for (const layout of arm64Layouts) {
    const s = spawnSync('skopeo', ['inspect', `oci:${layout}:latest`], { encoding: 'utf8' });
    assert.is(s.status, 0, s.stderr);
    assert.is(JSON.parse(s.stdout).Architecture, 'arm64');
  }
});

testIf(test, noUmoci, 'umoci unpacks the layout (digests verified); /var/task holds the bundle byte for byte and it answers in node', async () => {
  const dest = join(work, 'unpacked');
  const r = spawnSync('umoci', ['unpack', '--rootless', '--image', `${join(work, 'img', 'oci-image')}:latest`, dest], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const task = join(dest, 'rootfs', 'var', 'task');
  const manifest = JSON.parse(readFileSync(join(task, 'manifest.json'), 'utf8'));
  for (const f of manifest.files as { path: string; sha256: string }[]) {
    const sha = createHash('sha256').update(readFileSync(join(task, f.path))).digest('hex');
    assert.is(sha, f.sha256, f.path);
  }
  const body = JSON.stringify({ inputs: { input: { dims: [1, 16], data: sampleInput(1, 16) } } });
  const [res] = await invokeBundle(task, 'aws-lambda', 'index.js', [body]);
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.outputs!.probabilities.dims, [1, 4]);
});

test.run();
