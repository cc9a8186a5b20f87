/**
 * `--format image`: a Dockerfile on the platform's official base image, plus an OCI image layout
 * (oci-layout, index.json, blobs/sha256) written without a Docker engine. Base image layers cannot
 * be pulled offline, so the layout holds the app layer only and names its base image in the
 * standard `org.opencontainers.image.base.name` annotation; it is not runnable on its own. The
 * layer is a deterministic tar.gz (sorted, mtime 0, uid/gid 0, fixed modes).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { Arch, PlatformProfile } from '../core/platform-facts.js';
import type { BundleFile } from '../core/reports/schemas.js';
import type { BundleTarget } from '../platforms/index.js';

export interface ImagePlan {
  baseImage: string;
  /** Where the bundle goes inside the image. */
  imageDir: string;
  appFolder: string;
  ociFolder: string;
  dockerfile: string;
  config: { Env: string[]; Entrypoint?: string[]; Cmd: string[]; WorkingDir: string };
  arch: Arch;
  notes: string[];
}

const APP = 'app';
const OCI = 'oci-image';
const APP_LAYER_NOTE =
  'the OCI layout holds the app layer only (no Docker engine or registry access here): it names its base image in org.opencontainers.image.base.name; build the Dockerfile to get a runnable image';

export function imagePlanFor(profile: PlatformProfile, target: BundleTarget, arch: Arch): ImagePlan {
  if (!target.image) throw new DlpackError('UNSUPPORTED', `${profile.id} does not deploy container images`, { hint: 'use --format zip' });
  const node = profile.runtime.node.value;
  const platform = `linux/${arch === 'x64' ? 'amd64' : 'arm64'}`;
  const header = `# Written by dlpack bundle --format image: ${profile.name}, Node.js ${node}, ${platform}.\n`;
  const recipe = target.image({ node, platform, arch, header, app: APP, exportName: target.export, appLayerNote: APP_LAYER_NOTE });
  return { ...recipe, appFolder: APP, ociFolder: OCI, arch };
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A deterministic tar of the app files under the image folder (directories first, then sorted files). */
async function appLayerTar(plan: ImagePlan, files: BundleFile[], appDir: string): Promise<Buffer> {
  const { pack: createPack } = await import('tar-stream');
  const pack = createPack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const base = plan.imageDir.replace(/^\//, '');
  const header = { mtime: new Date(0), uid: 0, gid: 0, uname: 'root', gname: 'root' };
  const dirs = new Set<string>();
  const addDirs = (p: string) => {
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  };
  addDirs(base);
  for (const f of files) if (f.path.includes('/')) addDirs(`${base}/${f.path.slice(0, f.path.lastIndexOf('/'))}`);
  for (const d of [...dirs].sort()) pack.entry({ ...header, name: `${d}/`, type: 'directory', mode: 0o755 });
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const data = await fs.readFile(join(appDir, f.path));
    pack.entry({ ...header, name: `${base}/${f.path}`, type: 'file', mode: 0o644, size: data.length }, data);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Writes the Dockerfile and the OCI layout into `root`; returns the manifest digest and layer size. */
export async function writeImage(root: string, plan: ImagePlan, files: BundleFile[], appDir: string): Promise<{ manifestDigest: string; layerBytes: number }> {
  await fs.writeFile(join(root, 'Dockerfile'), plan.dockerfile);
  await fs.writeFile(join(root, '.dockerignore'), `${OCI}/\n`);
  const oci = join(root, plan.ociFolder);
  const blobs = join(oci, 'blobs', 'sha256');
  await fs.mkdir(blobs, { recursive: true });
  const put = async (data: Buffer) => {
    const digest = sha256(data);
    await fs.writeFile(join(blobs, digest), data);
    return { digest: `sha256:${digest}`, size: data.length };
  };
  const tar = await appLayerTar(plan, files, appDir);
  const layer = await put(gzipSync(tar, { level: 6 }));
  const architecture = plan.arch === 'x64' ? 'amd64' : 'arm64';
  const config = await put(
    Buffer.from(
      JSON.stringify({
        architecture,
        os: 'linux',
        config: { ...plan.config, Labels: { 'org.opencontainers.image.base.name': plan.baseImage } },
        rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(tar)}`] },
        history: [{ created_by: `dlpack bundle: app layer for ${plan.baseImage} (base layers not included)` }],
      }),
    ),
  );
  const manifest = await put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
        annotations: { 'org.opencontainers.image.base.name': plan.baseImage },
      }),
    ),
  );
  await fs.writeFile(join(oci, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await fs.writeFile(
    join(oci, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          platform: { architecture, os: 'linux' },
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  return { manifestDigest: manifest.digest, layerBytes: tar.length };
}
