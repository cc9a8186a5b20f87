/**
 * `dlpack bundle` as a library: bundleModel(options) builds a deployable folder (and a deterministic
 * zip, or a Dockerfile + OCI layout) for one platform and returns its BundleReport. Every check
 * (target, runtime, arch, handler exports, outputs) runs before anything is written; the folder
 * and the zip are written atomically.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { writeDirAtomic } from '../core/io/atomic-output.js';
import type { BundleReport } from '../core/reports/schemas.js';
import { buildHandler, PACKAGE_ROOT } from './build-handler.js';
import { describeFiles, MANIFEST_FILE, type BundleManifest } from './bundle-manifest.js';
import { checkOutputs, resolveRuntime, resolveTarget, type BundleOptions } from './bundle-options.js';
import { writeDeterministicZip } from './deterministic-zip.js';
import { checkHandlerExports } from './handler-exports.js';
import type { HandlerConfig } from './handler-runtime/handler-config.js';
import { writeImage, imagePlanFor } from './container-image.js';
import { copyModelFile, readBundledModel } from './model-files.js';
import { checkModelLoads } from './load-check.js';
import { ortSessionConfig } from '../runtimes/ort-session-config.js';
import { filesForBundledInputs, runtimeFiles, wasmFileFor, type RuntimeFile } from './runtime-files.js';
import { checkLimits, gzipTotal, planNotes } from './size-report.js';
import { checkResponseSize } from './response-size.js';
import { RUNTIMES } from './runtime-registry.js';

export type { BundleOptions } from './bundle-options.js';
export type { BundleManifest } from './bundle-manifest.js';
export type { HandlerConfig } from './handler-runtime/handler-config.js';
export { writeDeterministicZip } from './deterministic-zip.js';
export { RUNTIMES, RUNTIME_IDS } from './runtime-registry.js';

function dlpackVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function dedupe(files: RuntimeFile[]): RuntimeFile[] {
  const seen = new Map<string, RuntimeFile>();
  for (const f of files) if (!seen.has(f.path)) seen.set(f.path, f);
  return [...seen.values()];
}

export async function bundleModel(options: BundleOptions): Promise<BundleReport> {
  const progress = options.onProgress ?? (() => undefined);
  // ---- every check before anything is built or written
  const resolved = resolveTarget(options);
  const { profile, target, arch, memoryMb, vcpu } = resolved;
  const image = resolved.format === 'image' ? imagePlanFor(profile, target, arch) : undefined;
  progress('reading the model');
  const model = await readBundledModel(options.model);
  const runtime = resolveRuntime(options, resolved, model.kind);
  const files = runtimeFiles(runtime.id, arch);
  const notes: string[] = runtime.fallback ? [runtime.fallback] : [];
  if (options.handler) {
    const check = await checkHandlerExports(options.handler, target);
    if (check.note) notes.push(check.note);
  }
  checkOutputs(options, resolved, [options.model, ...model.files.map((f) => f.source)]);

  // ---- build in memory
  const sessionConfig = model.kind === 'onnx' ? ortSessionConfig(model.description) : undefined;
  if (sessionConfig) notes.push(`the handler opens the model with ${sessionConfig.why}`);
  const slowOps = RUNTIMES[runtime.id].slowOps ?? {};
  for (const op of new Set(model.description.ops.map((o) => (o.domain ? `${o.domain}.${o.type}` : o.type)))) if (slowOps[op]) notes.push(slowOps[op]);
  const node = profile.runtime.node.value;
  const threads = runtime.native ? Math.max(1, Math.round(vcpu)) : 1;
  const rule = profile.vcpu;
  const config: HandlerConfig = {
    target: profile.id,
    runtime: runtime.id,
    modelFormat: model.description.format,
    modelFile: model.mainFile,
    modelFiles: model.files.map((f) => f.path),
    wasmFile: wasmFileFor(runtime.id),
    ortSessionConfig: sessionConfig?.entries,
    inputs: model.inputs,
    outputs: model.outputs,
    memoryMb,
    vcpu,
    threads,
    vcpuRule:
      rule.kind === 'linear'
        ? { kind: 'linear', mbPerVcpu: rule.mbPerVcpu.value, maxVcpu: rule.maxVcpu.value, minVcpu: rule.minVcpu }
        : rule.kind === 'tiers'
          ? { kind: 'tiers', tiers: rule.tiers.value }
          : { kind: 'fixed', vcpu: rule.vcpu.value },
    memoryEnv: profile.launch?.memoryEnv,
    maxRequestBytes: profile.payload.requestBytes.value,
    maxElements: Math.floor(profile.payload.requestBytes.value / 2),
  };
  const workerAssets = target.build === 'worker-esm' ? [...model.files.map((f) => f.path), ...files.map((f) => f.path)].sort() : undefined;
  progress('bundling the handler with esbuild');
  const built = await buildHandler({ target, runtime: runtime.id, config, node, handler: options.handler, sourcemap: !!options.sourcemap, workerAssets });
  const native = dedupe([...files, ...filesForBundledInputs(built.inputPaths, (p) => join(PACKAGE_ROOT, p), arch)]);
  if (native.some((f) => f.path.endsWith('.node')) && !profile.runtime.nativeAddons.value) {
    throw new DlpackError('UNSUPPORTED', `the handler imports a native addon, which ${profile.id} cannot load`, { file: options.handler });
  }
  const name = `dlpack-${model.mainFile.replace(/^model\//, '').replace(/\.[^.]+$/, '').replace(/[^a-zA-Z0-9-]+/g, '-').toLowerCase()}`;
  const deployFiles = target.deployFiles({ entry: target.entry, node, memoryMb, name });

  // ---- write the folder (and the zip) atomically
  progress('writing the bundle');
  // Missing parent folders of -o are created (like mkdir -p), after every check and the build.
  await fs.mkdir(dirname(resolved.outDir), { recursive: true });
  const zipTmp = resolved.zipPath ? join(dirname(resolved.zipPath), `.dlpack-tmp-${randomBytes(4).toString('hex')}.zip`) : undefined;
  const appDir = (root: string) => (image ? join(root, image.appFolder) : root);
  try {
    const result = await writeDirAtomic(
      resolved.outDir,
      async (tmp) => {
        const app = appDir(tmp);
        const put = async (path: string, data: Uint8Array | string) => {
          await fs.mkdir(dirname(join(app, path)), { recursive: true });
          await fs.writeFile(join(app, path), data);
        };
        const copy = async (path: string, source: string) => {
          await fs.mkdir(dirname(join(app, path)), { recursive: true });
          await fs.copyFile(source, join(app, path));
          await fs.chmod(join(app, path), 0o644);
        };
        for (const f of built.files) await put(f.path, f.contents);
        for (const f of native) await copy(f.path, f.source);
        for (const f of model.files) {
          await fs.mkdir(dirname(join(app, f.path)), { recursive: true });
          await copyModelFile(f, join(app, f.path));
        }
        for (const [p, text] of Object.entries(deployFiles)) await put(p, text);
        if (options.check !== false) {
          progress('checking that the runtime loads the model');
          await checkModelLoads(join(app, model.mainFile), model.kind, options.model, sessionConfig?.entries);
        }
        const paths = [...built.files.map((f) => f.path), ...native.map((f) => f.path), ...model.files.map((f) => f.path), ...Object.keys(deployFiles)];
        const described = await describeFiles(app, paths);
        const manifest: BundleManifest = {
          schema: 'dlpack.bundle-manifest/1',
          target: profile.id,
          runtime: runtime.id,
          arch,
          entry: target.entry,
          export: target.export,
          calls: target.calls,
          model: model.mainFile,
          modelFormat: model.description.format,
          node,
          memoryMb,
          vcpu,
          threads,
          modules: workerAssets,
          files: described,
          dlpackVersion: dlpackVersion(),
        };
        await put(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n');
        const all = await describeFiles(app, [...paths, MANIFEST_FILE]);
        const zip = zipTmp ? await writeDeterministicZip(zipTmp, all.map((f) => ({ path: f.path, source: join(app, f.path) }))) : undefined;
        const gzipBytes = workerAssets ? await gzipTotal(app, [target.entry, ...workerAssets]) : undefined;
        const imageResult = image ? await writeImage(tmp, image, all, app) : undefined;
        return { all, zip, gzipBytes, imageResult };
      },
      { replace: options.force },
    );
    if (zipTmp && resolved.zipPath) await fs.rename(zipTmp, resolved.zipPath);
    const unzippedBytes = result.all.reduce((n, f) => n + f.bytes, 0);
    const sizes = { zipBytes: result.zip?.bytes, unzippedBytes, gzipBytes: result.gzipBytes, imageBytes: result.imageResult?.layerBytes };
    const limits = checkLimits(profile, sizes);
    notes.push(...planNotes(profile, sizes, { modelLoadsOnFirstRequest: target.build === 'worker-esm' }));
    // the answer must fit the platform's response limit too (estimated from the output shapes)
    const response = checkResponseSize(profile, model.description.outputs);
    if (response.check) limits.push(response.check);
    notes.push(...response.notes);
    if (image) notes.push(...image.notes);
    else notes.push(target.deploy({ out: resolved.outDir, zip: resolved.zipPath, node, memoryMb, arch }));
    const report: BundleReport = {
      schema: 'dlpack.bundle/1',
      target: profile.id,
      runtime: runtime.id,
      arch,
      format: resolved.format,
      outDir: image ? join(resolved.outDir, image.appFolder) : resolved.outDir,
      zipPath: resolved.zipPath,
      zipBytes: result.zip?.bytes,
      unzippedBytes,
      sha256: result.zip?.sha256 ?? result.imageResult?.manifestDigest,
      entry: target.entry,
      model: model.mainFile,
      files: result.all,
      bundleInputs: built.inputs,
      limits,
      pass: limits.every((l) => l.pass),
      memoryMb,
      vcpu,
      threads,
      node,
      gzipBytes: result.gzipBytes,
      image: result.imageResult && {
        dockerfile: join(resolved.outDir, 'Dockerfile'),
        baseImage: image!.baseImage,
        ociLayout: join(resolved.outDir, image!.ociFolder),
        ociDigest: result.imageResult.manifestDigest,
        layerBytes: result.imageResult.layerBytes,
      },
      notes: notes.length ? notes : undefined,
    };
    return report;
  } finally {
    if (zipTmp) await fs.rm(zipTmp, { force: true });
  }
}
