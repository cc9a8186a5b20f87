/**
 * HDF5 through h5wasm (the HDF5 C library in WebAssembly), on its in-memory file system: the
 * bytes are written into h5wasm's MEMFS and opened there, so HDF5 never touches the host file
 * system (external links or external datasets in a hostile file resolve to nothing). h5wasm is
 * imported lazily — it is WebAssembly and must stay off the CLI start-up path.
 */
import { randomBytes } from 'node:crypto';
import type { Dataset, File as H5File, Group } from 'h5wasm';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { decodeFloat16 } from '../../core/tensor/float16.js';

type H5wasm = typeof import('h5wasm').default;

let loaded: Promise<H5wasm> | undefined;

async function h5wasm(): Promise<H5wasm> {
  loaded ??= (async () => {
    const mod = (await import('h5wasm')).default;
    const module = await mod.ready;
    // HDF5 errors become JS exceptions instead of diagnostics printed on stderr.
    module.activate_throwing_error_handler();
    return mod;
  })();
  return loaded;
}

/** Opens `bytes` as an HDF5 file for `read`, then closes and deletes it from memory. */
export async function withHdf5<T>(bytes: Uint8Array, file: string, read: (root: H5File) => T): Promise<T> {
  const h5 = await h5wasm();
  const { FS } = await h5.ready;
  if (!FS) throw new DlpackError('RUNTIME', 'h5wasm has no in-memory file system', { file });
  const name = `/dlpack-${randomBytes(6).toString('hex')}.h5`;
  FS.writeFile(name, bytes);
  let root: H5File | undefined;
  try {
    try {
      root = new h5.File(name, 'r');
    } catch (err) {
      throw new DlpackError('CORRUPT_MODEL', `not a readable HDF5 file (${hdf5Reason(err)})`, { file, cause: err });
    }
    try {
      return read(root);
    } catch (err) {
      if (err instanceof DlpackError) throw err;
      throw new DlpackError('CORRUPT_MODEL', `HDF5 contents cannot be read (${hdf5Reason(err)})`, { file, cause: err });
    }
  } finally {
    try {
      root?.close();
    } catch {
      // closing a file HDF5 failed to read fully is best effort
    }
    FS.unlink(name);
  }
}

/** The most specific line of an HDF5 error stack ("File has been truncated"), else its first line. */
function hdf5Reason(err: unknown): string {
  const text = String((err as Error)?.message ?? err);
  const minors = [...text.matchAll(/minor: (.+)/g)].map((m) => m[1].trim());
  return minors[0] ?? text.split('\n')[0];
}

export function isGroup(e: unknown): e is Group {
  return typeof e === 'object' && e !== null && (e as { type?: string }).type === 'Group';
}

export function isDataset(e: unknown): e is Dataset {
  return typeof e === 'object' && e !== null && (e as { type?: string }).type === 'Dataset';
}

/** A string attribute (HDF5 fixed or variable-length string, or bytes), or undefined. */
export function stringAttr(obj: H5File | Group, name: string): string | undefined {
  if (!(name in obj.attrs)) return undefined;
  const v = obj.attrs[name].value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** A list-of-strings attribute (Keras' `weight_names`, `layer_names`). */
export function stringListAttr(obj: Group, name: string): string[] | undefined {
  if (!(name in obj.attrs)) return undefined;
  const v = obj.attrs[name].value;
  if (v === null || (ArrayBuffer.isView(v) && v.byteLength === 0)) return []; // an empty list (layers without weights)
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map((x) => (x instanceof Uint8Array ? Buffer.from(x).toString('utf8') : String(x)));
  return undefined;
}

/**
 * How many bytes of weights an HDF5 file may declare, relative to its own size: Keras writes
 * datasets uncompressed, so their bytes are in the file. A dataset HDF5 allocates lazily (a few-KB
 * file declaring 2^28 elements, read back as fill values) would otherwise make dlpack allocate GBs.
 * 64× leaves room for compressed (chunked, gzip) datasets; 16 MB for tiny files.
 */
export const HDF5_EXPANSION = 64;
const HDF5_SLACK_BYTES = 16 * 1024 * 1024;

/** The allocation budget of one HDF5 file (shared by all its datasets). */
export interface DatasetBudget {
  fileBytes: number;
  remaining: number;
}

export function datasetBudget(fileBytes: number): DatasetBudget {
  return { fileBytes, remaining: fileBytes * HDF5_EXPANSION + HDF5_SLACK_BYTES };
}

/** A float dataset as float32 (float16 and float64 converted), with its shape; why not, otherwise. */
export function readFloatDataset(ds: Dataset, budget: DatasetBudget): { shape: number[]; values: Float32Array } | { error: string; tooLarge?: boolean } {
  const meta = ds.metadata;
  const shape = ds.shape ?? [];
  const n = shape.reduce((a, b) => a * b, 1);
  if (meta.type !== 1 /* H5T_FLOAT */) return { error: `holds ${meta.type === 0 ? 'integers' : 'non-numeric data'}, not floats` };
  if (n > 2 ** 29) return { error: `shape [${shape.join(', ')}] is too large`, tooLarge: true };
  // checked before HDF5 reads (and allocates) anything: what it reads, plus the float32 copy
  const cost = n * (meta.size + 4);
  if (cost > budget.remaining) {
    return {
      error: `shape [${shape.join(', ')}] declares ${n} values, more than ${HDF5_EXPANSION}× the ${budget.fileBytes}-byte file can hold (lazily allocated or compressed beyond reason): refused`,
      tooLarge: true,
    };
  }
  budget.remaining -= cost;
  const v = ds.value;
  let values: Float32Array;
  if (v instanceof Float32Array) values = v;
  else if (v instanceof Float64Array) values = Float32Array.from(v);
  else if (meta.size === 2 && ArrayBuffer.isView(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    values = decodeFloat16(new Uint16Array(bytes.slice().buffer));
  } else if (typeof v === 'number' && n === 1) values = Float32Array.of(v);
  else return { error: `has a float type of ${meta.size} bytes that cannot be read` };
  if (values.length !== n) return { error: `holds ${values.length} values but its shape [${shape.join(', ')}] needs ${n}` };
  return { shape, values };
}
