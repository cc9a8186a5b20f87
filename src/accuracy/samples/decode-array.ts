/**
 * `.npy` (numpy.save) and `.npz` (numpy.savez: a zip of .npy files named after the arrays) →
 * arrays, with npyjs for the .npy format and yauzl for the zip (both loaded on first use). The
 * element count is checked against the shape (npyjs reads whatever bytes follow the header), and
 * Fortran-ordered arrays are refused rather than read in the wrong order.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';

export interface DecodedArray {
  shape: number[];
  /** numpy dtype code without byte order (f4, f8, i8, u1, b1, …). */
  dtype: string;
  values: ArrayLike<number | bigint | boolean>;
}

/** Largest .npz entry inflated. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

export async function decodeNpy(bytes: Uint8Array, file: string, entry?: string): Promise<DecodedArray> {
  const { parse } = await import('npyjs');
  const where = entry ? ` (entry ${entry})` : '';
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let arr;
  try {
    arr = parse(buf, { convertFloat16: true });
  } catch (err) {
    throw new DlpackError('USAGE', `not a readable .npy array${where} (${String((err as Error).message).slice(0, 160)})`, { file, cause: err });
  }
  if (arr.fortranOrder) throw new DlpackError('UNSUPPORTED', `.npy array${where} is in Fortran order; save it C-ordered (numpy.ascontiguousarray)`, { file });
  if (typeof (arr.data as unknown as unknown[])[0] === 'string') throw new DlpackError('UNSUPPORTED', `.npy array${where} holds strings, not numbers`, { file });
  const n = arr.shape.reduce((a, b) => a * b, 1);
  const values = arr.data as unknown as ArrayLike<number | bigint | boolean>;
  if (values.length !== n) {
    throw new DlpackError('USAGE', `.npy array${where} has ${values.length} values for shape [${arr.shape.join(',')}] (${n} expected): truncated or corrupt`, { file });
  }
  return { shape: arr.shape, dtype: arr.dtype, values };
}

/** The arrays of an .npz file, by name (without `.npy`). */
export async function decodeNpz(bytes: Buffer, file: string): Promise<Map<string, DecodedArray>> {
  const yauzl = await import('yauzl');
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!))),
  ).catch((err: unknown) => {
    throw new DlpackError('USAGE', `not a readable .npz file (${String((err as Error).message).slice(0, 160)})`, { file, cause: err });
  });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: import('yauzl').Entry) => {
      if (!entry.fileName.endsWith('.npy') || entry.fileName.includes('/')) {
        zip.readEntry();
        return;
      }
      if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
        reject(new DlpackError('TOO_LARGE', `.npz entry ${entry.fileName} is ${entry.uncompressedSize} bytes`, { file }));
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          out.set(entry.fileName.slice(0, -4), Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  }).catch((err: unknown) => {
    if (err instanceof DlpackError) throw err;
    throw new DlpackError('USAGE', `corrupt .npz file (${String((err as Error).message).slice(0, 160)})`, { file, cause: err });
  });
  zip.close();
  if (!out.size) throw new DlpackError('USAGE', '.npz file holds no .npy arrays', { file });
  const arrays = new Map<string, DecodedArray>();
  for (const [name, b] of out) arrays.set(name, await decodeNpy(b, file, name));
  return arrays;
}
