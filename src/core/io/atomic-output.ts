import { promises as fs, realpathSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DlpackError } from '../errors/dlpack-error.js';

/**
 * Outputs are written to a temporary name beside their destination and renamed into place, so a
 * failed run leaves no partial file and an existing file is replaced whole or not at all.
 */

function tempNameFor(target: string): string {
  return join(dirname(target), `.dlpack-tmp-${basename(target)}-${randomBytes(4).toString('hex')}`);
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** Refuses to write an output over one of the inputs. */
export function assertNotInput(output: string, inputs: string[]): void {
  const out = realOrResolved(output);
  for (const input of inputs) {
    if (realOrResolved(input) === out) {
      throw new DlpackError('OUTPUT', 'output path is the same as the input; choose another -o', { file: output });
    }
  }
}

/** Checks, before any work, that the folder `target` will be written into exists and is writable. */
export async function assertWritableFolder(target: string): Promise<void> {
  const folder = dirname(resolve(target));
  try {
    const st = await fs.stat(folder);
    if (!st.isDirectory()) throw new DlpackError('OUTPUT', 'output folder is not a directory', { file: folder });
    await fs.access(folder, 2 /* W_OK */);
  } catch (err) {
    if (err instanceof DlpackError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new DlpackError('OUTPUT', code === 'ENOENT' ? 'output folder does not exist' : 'output folder is not writable', {
      file: folder,
      cause: err,
    });
  }
}

/** Writes `data` to `target` through a temporary file and a rename. */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  await assertWritableFolder(target);
  const tmp = tempNameFor(target);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Builds a whole output folder in a temporary sibling folder, then renames it into place
 * (replacing an existing folder of that name only when `replace` is set). On failure nothing
 * remains. Returns what `build` returned.
 */
export async function writeDirAtomic<T>(
  target: string,
  build: (tmpDir: string) => Promise<T>,
  options: { replace?: boolean } = {},
): Promise<T> {
  await assertWritableFolder(target);
  const existing = await fs.stat(target).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new DlpackError('OUTPUT', 'output exists and is not a directory', { file: target });
  }
  if (existing && !options.replace) {
    const entries = await fs.readdir(target);
    if (entries.length > 0) {
      throw new DlpackError('OUTPUT', 'output folder exists and is not empty (use --force to replace it)', { file: target });
    }
  }
  const tmp = tempNameFor(target);
  await fs.mkdir(tmp);
  try {
    const result = await build(tmp);
    if (existing) {
      const old = tempNameFor(target);
      await fs.rename(target, old);
      await fs.rename(tmp, target);
      await fs.rm(old, { recursive: true, force: true });
    } else {
      await fs.rename(tmp, target);
    }
    return result;
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** An output being built beside its destination: `path` to write, then commit or abort. */
export interface StagedOutput {
  /** Where the transform writes (inside a temporary sibling folder of the destination). */
  path: string;
  /** Moves what was written into place (files: data files before the model file). */
  commit(): Promise<void>;
  /** Removes everything written; the destination is untouched. */
  abort(): Promise<void>;
}

/**
 * Stages an output (a file with its sidecars, e.g. an ONNX model and its .data, or a folder) in a
 * temporary sibling folder of `target`, so it can be checked where it will live (same file system,
 * same relative names) and only then moved into place. A folder target may exist only empty.
 */
export async function stageOutput(target: string, kind: 'file' | 'dir'): Promise<StagedOutput> {
  await assertWritableFolder(target);
  if (kind === 'dir') await assertEmptyOrAbsentFolder(target);
  const stage = tempNameFor(target);
  await fs.mkdir(stage);
  const path = join(stage, basename(target));
  return {
    path,
    async commit() {
      if (kind === 'dir') {
        const existing = await fs.stat(target).catch(() => undefined);
        if (existing) await fs.rmdir(target); // empty (checked above); fails rather than lose files
        await fs.rename(path, target);
      } else {
        const names = (await fs.readdir(stage)).sort((a, b) => Number(a === basename(target)) - Number(b === basename(target)));
        for (const name of names) await fs.rename(join(stage, name), join(dirname(target), name));
      }
      await fs.rm(stage, { recursive: true, force: true });
    },
    async abort() {
      await fs.rm(stage, { recursive: true, force: true });
    },
  };
}

/** Runs `work` on a staged output; commits when it returns, aborts (nothing left) when it throws. */
export async function withStagedOutput<T>(target: string, kind: 'file' | 'dir', work: (path: string) => Promise<T>): Promise<T> {
  const stage = await stageOutput(target, kind);
  let result: T;
  try {
    result = await work(stage.path);
  } catch (err) {
    await stage.abort();
    throw err;
  }
  try {
    await stage.commit();
  } catch (err) {
    await stage.abort();
    throw err;
  }
  return result;
}

/** A folder output may be absent or an empty folder; anything else is refused before any work. */
export async function assertEmptyOrAbsentFolder(target: string): Promise<void> {
  const st = await fs.stat(target).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) throw new DlpackError('OUTPUT', 'output exists and is not a directory', { file: target });
  if ((await fs.readdir(target)).length > 0) throw new DlpackError('OUTPUT', 'output folder exists and is not empty; choose another -o or empty it', { file: target });
}
