/**
 * The model as a bundle carries it: every file it needs (ONNX external data, TF.js weight shards),
 * each checked to stay inside the model's folder, placed under model/ with its relative path,
 * and the inputs the handler validates requests against. Each file's identity (device, inode,
 * size) is recorded when it is checked, from a descriptor opened without following links;
 * `copyModelFile` copies from a descriptor that must be that same file, so a file swapped for a
 * symlink (or anything else) between the check and the copy is refused, never copied.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describeModel } from '../formats/load-model.js';
import { copyChecked, openChecked, type FileIdentity, type OpenCheckedOptions } from '../core/io/checked-file.js';
import { resolveContained } from '../core/io/contained-path.js';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { quoted } from '../core/text.js';
import type { ModelDescription } from '../core/model-description.js';
import type { InputSpec } from './handler-runtime/handler-config.js';
import type { ModelKind } from './runtime-registry.js';

export interface BundledModel {
  description: ModelDescription;
  kind: ModelKind;
  /** The main model file inside the bundle (model/<name>). */
  mainFile: string;
  files: BundledModelFile[];
  inputs: InputSpec[];
  outputs: string[];
}

export interface BundledModelFile {
  /** The checked real path. */
  source: string;
  /** Where it goes in the bundle (model/…). */
  path: string;
  /** How it is reopened for the copy: the folder it must stay in, the identity it must have. */
  check: OpenCheckedOptions & { expected: FileIdentity };
}

const toPosix = (p: string) => p.split('\\').join('/');

async function checkedFile(source: string, path: string, options: Omit<OpenCheckedOptions, 'expected'>): Promise<BundledModelFile> {
  const { fh, identity } = await openChecked(source, options);
  await fh.close();
  return { source, path, check: { ...options, expected: identity } };
}

/** Copies one model file into the bundle from a descriptor that is the file checked. */
export function copyModelFile(f: BundledModelFile, dest: string): Promise<FileIdentity> {
  return copyChecked(f.source, dest, f.check);
}

export async function readBundledModel(modelPath: string): Promise<BundledModel> {
  const description = await describeModel(modelPath);
  const kind: ModelKind = description.format === 'onnx' ? 'onnx' : 'tfjs';
  const folder = dirname(modelPath);
  const main = basename(modelPath);
  // the file the user named (a symlink or hard link they made is theirs to make)
  const mainReal = realpathSync(modelPath);
  const files = [await checkedFile(mainReal, `model/${main}`, { file: modelPath, what: 'model file', baseDir: dirname(mainReal), allowHardLinks: true })];
  for (const f of description.files) {
    const rel = toPosix(f.path);
    if (rel === main) continue;
    const kind = f.role === 'weights' ? 'weight file' : 'external data file';
    const what = `${kind} ${quoted(rel)}`;
    const source = resolveContained(folder, rel, { file: modelPath, what: kind });
    const checked = await checkedFile(source, `model/${rel.replace(/^\.\//, '')}`, { file: modelPath, what, baseDir: folder });
    if (checked.check.expected.size !== f.bytes) {
      throw new DlpackError('PATH_ESCAPE', `${what} changed after the model was read (${f.bytes} → ${checked.check.expected.size} bytes): refused`, { file: modelPath });
    }
    files.push(checked);
  }
  const inputs: InputSpec[] = description.inputs.map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: t.shape ? t.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null)) : null,
  }));
  return { description, kind, mainFile: `model/${main}`, files, inputs, outputs: description.outputs.map((t) => t.name) };
}
