/**
 * Unpacks a bundle zip into an empty folder with yauzl. yauzl rejects absolute paths and `..`
 * entries (zip-slip); entries are written only below `dir`, symbolic links are refused.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { joinContained } from '../core/io/contained-path.js';

export async function extractZip(zipPath: string, dir: string): Promise<void> {
  const yauzl = await import('yauzl');
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, strictFileNames: true }, (err, z) => (err || !z ? reject(err) : resolve(z))),
  ).catch((err: Error) => {
    throw new DlpackError('CORRUPT_MODEL', `not a readable zip: ${err.message}`, { file: zipPath });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: Error) => reject(new DlpackError('CORRUPT_MODEL', `bad zip: ${err.message}`, { file: zipPath })));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: import('yauzl').Entry) => {
        const isDir = entry.fileName.endsWith('/');
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        if (mode === 0o120000) return reject(new DlpackError('PATH_ESCAPE', `zip entry "${entry.fileName}" is a symbolic link (refused)`, { file: zipPath }));
        let target: string;
        try {
          target = joinContained(dir, entry.fileName, { file: zipPath, what: 'zip entry' });
        } catch (err) {
          return reject(err);
        }
        if (isDir) {
          mkdirSync(target, { recursive: true });
          return zip.readEntry();
        }
        mkdirSync(dirname(target), { recursive: true });
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          pipeline(stream, createWriteStream(target, { flags: 'wx' })).then(() => zip.readEntry(), reject);
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
