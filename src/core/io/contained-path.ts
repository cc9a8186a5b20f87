import { lstatSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DlpackError } from '../errors/dlpack-error.js';
import { quoted } from '../text.js';

/**
 * Containment for paths that come from untrusted files (ONNX external-data locations, TF.js
 * weightsManifest paths, archive entries): the path must be relative, stay inside `baseDir` after
 * resolving every symbolic link, and name a regular file that is not a symlink and has a single
 * hard link. Nothing outside `baseDir` is ever opened.
 */
export interface ContainedPathOptions {
  /** The model or manifest file the path was read from (named in errors). */
  file: string;
  /** What the path is, for the error message (e.g. "external data location"). */
  what: string;
  /** Require the target to exist (default true). */
  mustExist?: boolean;
}

function escapes(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel);
}

/** Checks a relative path string from an untrusted file, without touching the disk. */
export function checkRelativePath(p: string, options: ContainedPathOptions): void {
  const fail = (why: string) => {
    throw new DlpackError('PATH_ESCAPE', `${options.what} ${quoted(p)} ${why}`, { file: options.file });
  };
  if (typeof p !== 'string' || p.length === 0) fail('is empty');
  if (p.includes('\0')) fail('contains a NUL byte');
  if (isAbsolute(p) || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\')) fail('is an absolute path');
  const parts = p.split(/[\\/]+/);
  if (parts.includes('..')) fail('leaves the model folder (..)');
}

/** Resolves `p` inside `baseDir` and returns the absolute path, or throws PATH_ESCAPE / CORRUPT_MODEL. */
export function resolveContained(baseDir: string, p: string, options: ContainedPathOptions): string {
  checkRelativePath(p, options);
  const base = realpathSync(baseDir);
  const target = resolve(base, p);
  if (escapes(base, target)) {
    throw new DlpackError('PATH_ESCAPE', `${options.what} ${quoted(p)} resolves outside the model folder`, { file: options.file });
  }
  let st;
  try {
    st = lstatSync(target);
  } catch {
    if (options.mustExist === false) return target;
    throw new DlpackError('CORRUPT_MODEL', `${options.what} ${quoted(p)} is missing`, { file: options.file });
  }
  if (st.isSymbolicLink()) {
    throw new DlpackError('PATH_ESCAPE', `${options.what} ${quoted(p)} is a symbolic link (not followed)`, { file: options.file });
  }
  // A symlinked parent folder can still lead outside: compare the real path as well.
  const real = realpathSync(target);
  if (escapes(base, real)) {
    throw new DlpackError('PATH_ESCAPE', `${options.what} ${quoted(p)} resolves outside the model folder`, { file: options.file });
  }
  const full = statSync(real);
  if (!full.isFile()) {
    throw new DlpackError('CORRUPT_MODEL', `${options.what} ${quoted(p)} is not a regular file`, { file: options.file });
  }
  if (full.nlink > 1) {
    throw new DlpackError('PATH_ESCAPE', `${options.what} ${quoted(p)} has ${full.nlink} hard links (refused)`, { file: options.file });
  }
  return real;
}

/** Joins a contained relative path for writing (no disk checks beyond the string rules). */
export function joinContained(baseDir: string, p: string, options: ContainedPathOptions): string {
  checkRelativePath(p, options);
  const target = resolve(baseDir, p);
  if (escapes(resolve(baseDir), target)) {
    throw new DlpackError('PATH_ESCAPE', `${options.what} ${quoted(p)} resolves outside the output folder`, { file: options.file });
  }
  return join(target);
}
