/**
 * `--samples <file|folder|glob>` → the sample files, sorted by name, and their bytes. A folder
 * gives its own files (not sub-folders); a glob is matched by tinyglobby without following
 * symbolic links. Only regular files are read, through the descriptor that was checked (O_NOFOLLOW
 * + fstat), so a file swapped for a link between listing and reading is refused, not followed.
 */
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DlpackError } from '../../core/errors/dlpack-error.js';

/** The kinds of sample file dlpack decodes, by extension. */
export type SampleKind = 'image' | 'audio' | 'npy' | 'npz' | 'json';

const KINDS: Record<string, SampleKind> = {
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.wav': 'audio',
  '.npy': 'npy',
  '.npz': 'npz',
  '.json': 'json',
};

export const SAMPLE_EXTENSIONS = Object.keys(KINDS);

/** Largest sample file read (a sample is one input, not a data set). */
export const MAX_SAMPLE_BYTES = 256 * 1024 * 1024;

export function sampleKind(path: string): SampleKind | undefined {
  return KINDS[extname(path).toLowerCase()];
}

export interface SampleFile {
  path: string;
  kind: SampleKind;
}

export interface SampleListing {
  files: SampleFile[];
  /** Entries passed over (other extensions, links, folders), for the report. */
  ignored: number;
}

const GLOB_CHARS = /[*?[\]{}]/;

function outside(base: string, p: string): boolean {
  const rel = relative(base, p);
  return rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel);
}

/** Lists the sample files `spec` names (relative to `cwd`). */
export async function listSampleFiles(spec: string, cwd = process.cwd()): Promise<SampleListing> {
  if (GLOB_CHARS.test(spec)) return listGlob(spec, cwd);
  let full: string;
  let st;
  try {
    // the path the user named may be a link (followed once, here); entries inside it may not
    full = await fs.realpath(resolve(cwd, spec));
    st = await fs.stat(full);
  } catch (err) {
    throw new DlpackError('FILE_NOT_FOUND', 'no such sample file or folder', { file: spec, cause: err });
  }
  if (st.isFile()) {
    const kind = sampleKind(full);
    if (!kind) throw new DlpackError('USAGE', `not a sample file dlpack reads (${SAMPLE_EXTENSIONS.join(', ')})`, { file: spec });
    return { files: [{ path: full, kind }], ignored: 0 };
  }
  if (!st.isDirectory()) throw new DlpackError('USAGE', 'not a file or folder', { file: spec });
  const entries = await fs.readdir(full, { withFileTypes: true });
  const files: SampleFile[] = [];
  let ignored = 0;
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const kind = sampleKind(e.name);
    if (!kind || !e.isFile() || e.name.startsWith('.')) {
      ignored++;
      continue;
    }
    files.push({ path: join(full, e.name), kind });
  }
  if (!files.length) {
    throw new DlpackError('USAGE', `no usable sample file in the folder (${SAMPLE_EXTENSIONS.join(', ')}; ${ignored} other entr${ignored === 1 ? 'y' : 'ies'})`, { file: spec });
  }
  return { files, ignored };
}

async function listGlob(pattern: string, cwd: string): Promise<SampleListing> {
  const { glob } = await import('tinyglobby');
  // Everything matched stays under the pattern's fixed leading folders.
  const fixed = pattern.split(/[\\/]/);
  const firstMagic = fixed.findIndex((p) => GLOB_CHARS.test(p));
  const base = resolve(cwd, fixed.slice(0, firstMagic).join('/') || '.');
  const matches = await glob(pattern, { cwd, absolute: true, onlyFiles: true, followSymbolicLinks: false, dot: false });
  const files: SampleFile[] = [];
  let ignored = 0;
  for (const m of matches.sort()) {
    const kind = sampleKind(m);
    const st = await fs.lstat(m).catch(() => undefined);
    if (!kind || !st?.isFile() || outside(base, m)) {
      ignored++;
      continue;
    }
    files.push({ path: m, kind });
  }
  if (!files.length) {
    throw new DlpackError('USAGE', `no usable sample file matches (${SAMPLE_EXTENSIONS.join(', ')}${ignored ? `; ${ignored} other match(es)` : ''})`, { file: pattern });
  }
  return { files, ignored };
}

/** Reads a sample file through a descriptor opened without following links and checked with fstat. */
export async function readSampleFile(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new DlpackError('PATH_ESCAPE', 'is a symbolic link (not followed)', { file: path, cause: err });
    throw new DlpackError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'USAGE', code === 'ENOENT' ? 'no such file' : `cannot read: ${code}`, { file: path, cause: err });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new DlpackError('USAGE', 'not a regular file', { file: path });
    if (st.size > MAX_SAMPLE_BYTES) throw new DlpackError('TOO_LARGE', `sample file is ${st.size} bytes (at most ${MAX_SAMPLE_BYTES})`, { file: path });
    if (st.size === 0) throw new DlpackError('USAGE', 'empty file', { file: path });
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The file's name for the report (folder + name, short). */
export function shortName(path: string): string {
  return join(basename(dirname(path)), basename(path));
}
