/**
 * Opening and copying files that a containment check approved, so that nothing swapped in
 * between the check and the use is read: the file is opened without following a final symbolic
 * link (O_NOFOLLOW) and without blocking on a FIFO (O_NONBLOCK); the descriptor must name a
 * regular file with a single link, whose own path (/proc/self/fd on Linux) is still inside the
 * folder, and — when the check recorded it — the same file: device, inode and size. Bytes are then
 * read from that descriptor, never from the path again.
 */
import { constants, promises as fs, readlinkSync, realpathSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { DlpackError } from '../errors/dlpack-error.js';
import { quoted } from '../text.js';

/** What a check saw: the file's identity and size. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
}

export interface OpenCheckedOptions {
  /** The model or manifest file the path came from (named in errors). */
  file: string;
  /** What the path is, for messages (e.g. "weightsManifest path \"a.bin\""). */
  what: string;
  /** The folder the file must stay in (real path, or a path realpath resolves). */
  baseDir: string;
  /** The identity recorded when the file was checked: the opened file must be that one. */
  expected?: FileIdentity;
  /** Accept several hard links (a file the user named directly, not a path from a model). */
  allowHardLinks?: boolean;
}

export const identityOf = (st: Pick<Stats, 'dev' | 'ino' | 'size'>): FileIdentity => ({ dev: st.dev, ino: st.ino, size: st.size });

function inside(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel);
}

/** Where the descriptor really points (Linux /proc); undefined where that cannot be read. */
function descriptorPath(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** Opens `path` for reading with every check above; the caller closes the handle. */
export async function openChecked(path: string, options: OpenCheckedOptions): Promise<{ fh: FileHandle; identity: FileIdentity }> {
  const fail = (code: 'PATH_ESCAPE' | 'CORRUPT_MODEL', why: string, cause?: unknown) =>
    new DlpackError(code, `${options.what} ${why}`, { file: options.file, cause });
  let fh: FileHandle;
  try {
    fh = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw fail('PATH_ESCAPE', 'is a symbolic link (not followed)', err);
    if (code === 'ENOENT') throw fail('CORRUPT_MODEL', 'is missing', err);
    throw fail('CORRUPT_MODEL', `cannot be opened (${code ?? (err as Error).message})`, err);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw fail('CORRUPT_MODEL', 'is not a regular file');
    if (st.nlink > 1 && !options.allowHardLinks) throw fail('PATH_ESCAPE', `has ${st.nlink} hard links (refused)`);
    const real = descriptorPath(fh.fd);
    if (real !== undefined && !inside(realpathSync(options.baseDir), real)) {
      throw fail('PATH_ESCAPE', `resolves outside the model folder (${quoted(real)})`);
    }
    const e = options.expected;
    if (e && (st.dev !== e.dev || st.ino !== e.ino || st.size !== e.size)) {
      throw fail('PATH_ESCAPE', `changed after it was checked (${st.ino !== e.ino || st.dev !== e.dev ? 'another file' : `${e.size} → ${st.size} bytes`}): refused`);
    }
    return { fh, identity: identityOf(st) };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** Reads `length` bytes at `position` from a checked descriptor, or throws naming the file. */
export async function readExactly(fh: FileHandle, into: Uint8Array, offset: number, length: number, position: number, options: Pick<OpenCheckedOptions, 'file' | 'what'>): Promise<void> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(into, offset + got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  if (got !== length) throw new DlpackError('CORRUPT_MODEL', `${options.what} ended early (changed while being read?)`, { file: options.file });
}

/** Copies a checked file to `dest` (created new) from the descriptor, never from the path. */
export async function copyChecked(source: string, dest: string, options: OpenCheckedOptions): Promise<FileIdentity> {
  const { fh, identity } = await openChecked(source, options);
  try {
    const out = await fs.open(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, identity.size)));
      let position = 0;
      while (position < identity.size) {
        const n = Math.min(chunk.length, identity.size - position);
        await readExactly(fh, chunk, 0, n, position, options);
        await out.write(chunk, 0, n);
        position += n;
      }
    } finally {
      await out.close();
    }
  } finally {
    await fh.close();
  }
  return identity;
}
