/**
 * Deterministic zips with yazl: entries sorted by path, one fixed timestamp (1980-01-01 00:00, the
 * DOS epoch, with no extended-timestamp field), fixed permissions (0644 files), deflate level 6.
 * The same files give a byte-identical zip on any machine, in any time zone.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import yazl from 'yazl';

export interface ZipEntry {
  /** Path inside the zip (forward slashes). */
  path: string;
  /** Absolute path of the file to add. */
  source: string;
}

// Built from local-time fields: yazl writes DOS date/time from local-time getters.
const FIXED_MTIME = () => new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

export function sortEntries(entries: ZipEntry[]): ZipEntry[] {
  return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Writes the zip to `target` and returns its size and sha256. */
export async function writeDeterministicZip(target: string, entries: ZipEntry[]): Promise<{ bytes: number; sha256: string }> {
  const zip = new yazl.ZipFile();
  for (const e of sortEntries(entries)) {
    zip.addFile(e.source, e.path, { mtime: FIXED_MTIME(), mode: FILE_MODE, forceDosTimestamp: true, compressionLevel: 6 });
  }
  zip.end();
  const hash = createHash('sha256');
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(target);
    zip.outputStream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    zip.outputStream.on('error', reject);
    out.on('error', reject);
    out.on('close', () => resolve());
    zip.outputStream.pipe(out);
  });
  const st = await fs.stat(target);
  if (st.size !== bytes) throw new Error(`zip size mismatch writing ${target}`);
  return { bytes, sha256: hash.digest('hex') };
}
