/**
 * The Keras 3 `.keras` file: a zip of `config.json` (the model config), `metadata.json`
 * (keras_version, date_saved) and `model.weights.h5`, whose groups follow Keras' object tree:
 * `layers/<snake_case class name>[_<n>]/vars/0..k` (n counts earlier layers of the same class in
 * the model's layer order; Keras 2.13 wrote `_layer_checkpoint_dependencies/` instead of `layers/`).
 * Entries are read into memory — nothing is extracted — and the archive is refused whole when
 * any entry name escapes (absolute, `..`, backslashes: zip-slip) or declares a size over the limit.
 */
import type { Entry, ZipFile } from 'yauzl';
import type { File as H5File, Group } from 'h5wasm';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { checkJsonDepth } from '../json-text.js';
import { datasetBudget, isDataset, isGroup, readFloatDataset, withHdf5, type DatasetBudget } from './hdf5-memory.js';
import { kerasSnakeCase, MAX_KERAS_BYTES, topLevelLayers, type KerasModelFile, type KerasWeight } from './keras-model.js';
import { parseModelConfig } from './read-keras-h5.js';
import { quoted } from '../../core/text.js';

const MAX_JSON_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 10_000;
/** Entries may inflate to 64× the archive in total (weights barely compress; 16 MB for tiny files). */
const ZIP_EXPANSION = 64;
const ZIP_SLACK_BYTES = 16 * 1024 * 1024;
const WANTED: Record<string, number> = { 'config.json': MAX_JSON_BYTES, 'metadata.json': MAX_JSON_BYTES, 'model.weights.h5': MAX_KERAS_BYTES };

function zipError(err: unknown, file: string): DlpackError {
  if (err instanceof DlpackError) return err;
  const msg = String((err as Error)?.message ?? err);
  if (/absolute path|invalid relative path|invalid characters in fileName/.test(msg)) {
    return new DlpackError('PATH_ESCAPE', `.keras archive has an entry that escapes the archive (${msg})`, { file, cause: err });
  }
  return new DlpackError('CORRUPT_MODEL', `not a readable .keras zip (${msg})`, { file, cause: err });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    });
  });
}

/** Reads the wanted entries of a `.keras` zip, checking every entry's name and declared size. */
export async function readKerasZipEntries(path: string, archiveBytes: number): Promise<Map<string, Buffer>> {
  // what the entries may inflate to, all together, relative to the archive: a zip bomb is refused
  // from its declared sizes (yauzl holds the data to them) before anything is inflated
  let budget = archiveBytes * ZIP_EXPANSION + ZIP_SLACK_BYTES;
  const yauzl = (await import('yauzl')).default;
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: true });
  } catch (err) {
    throw zipError(err, path);
  }
  const found = new Map<string, Buffer>();
  try {
    await new Promise<void>((resolve, reject) => {
      let count = 0;
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        if (++count > MAX_ENTRIES) return reject(new DlpackError('TOO_LARGE', `.keras archive has more than ${MAX_ENTRIES} entries`, { file: path }));
        const name = entry.fileName;
        const limit = WANTED[name];
        if (limit === undefined) return zip.readEntry();
        if (found.has(name)) return reject(new DlpackError('CORRUPT_MODEL', `.keras archive holds ${quoted(name)} twice`, { file: path }));
        if (entry.uncompressedSize > limit) {
          return reject(new DlpackError('TOO_LARGE', `.keras entry ${quoted(name)} declares ${entry.uncompressedSize} bytes (limit ${limit})`, { file: path }));
        }
        if (entry.uncompressedSize > budget) {
          return reject(
            new DlpackError('TOO_LARGE', `.keras entry ${quoted(name)} inflates to ${entry.uncompressedSize} bytes, more than ${ZIP_EXPANSION}× the ${archiveBytes}-byte archive (a zip bomb?): refused`, { file: path }),
          );
        }
        budget -= entry.uncompressedSize;
        readEntry(zip, entry).then((buf) => {
          found.set(name, buf);
          zip.readEntry();
        }, reject);
      });
      zip.readEntry();
    });
  } catch (err) {
    throw zipError(err, path);
  } finally {
    zip.close();
  }
  return found;
}

function varsGroup(root: H5File, key: string, layerName: string): Group | undefined {
  for (const top of ['layers', '_layer_checkpoint_dependencies']) {
    for (const k of [key, layerName]) {
      const g = root.get(`${top}/${k}/vars`);
      if (isGroup(g)) return g;
    }
  }
  return undefined;
}

function readVars(group: Group, layer: string, file: string, budget: DatasetBudget): KerasWeight[] {
  const keys = group.keys().filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
  return keys.map((k, i) => {
    if (Number(k) !== i) throw new DlpackError('CORRUPT_MODEL', `layer ${quoted(layer)} weights skip index ${i} (${group.path})`, { file });
    const ds = group.get(k);
    const source = `${group.path}/${k}`;
    if (!isDataset(ds)) throw new DlpackError('CORRUPT_MODEL', `${source} is not a dataset`, { file });
    const read = readFloatDataset(ds, budget);
    if ('error' in read) throw new DlpackError(read.tooLarge ? 'TOO_LARGE' : 'UNSUPPORTED', `weight ${source} ${read.error}`, { file });
    return { name: k, shape: read.shape, values: read.values, source };
  });
}

function jsonEntry(entries: Map<string, Buffer>, name: string, file: string): Record<string, unknown> | undefined {
  const buf = entries.get(name);
  if (!buf) return undefined;
  const text = buf.toString('utf8');
  checkJsonDepth(text, file, `${name} in the .keras archive`);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new DlpackError('CORRUPT_MODEL', `${name} in the .keras archive is not valid JSON`, { file, cause: err });
  }
}

/** Reads a Keras 3 `.keras` file: config, versions and every top-level layer's variables. */
export async function readKerasV3(path: string, bytes: number): Promise<KerasModelFile> {
  const entries = await readKerasZipEntries(path, bytes);
  const configText = entries.get('config.json')?.toString('utf8');
  const modelConfig = parseModelConfig(configText, path, 'config.json');
  const metadata = jsonEntry(entries, 'metadata.json', path) ?? {};
  const layers = topLevelLayers(modelConfig);
  if (!layers) throw new DlpackError('CORRUPT_MODEL', 'config.json has no list of layers', { file: path });
  const h5 = entries.get('model.weights.h5');
  if (!h5) throw new DlpackError('CORRUPT_MODEL', '.keras archive has no model.weights.h5', { file: path });
  const budget = datasetBudget(h5.length);
  const { weights, optimizer } = await withHdf5(h5, path, (root) => {
    const out = new Map<string, KerasWeight[]>();
    const used = new Map<string, number>();
    for (const layer of layers) {
      // Keras' _save_container_state: the class name in snake case, _1, _2 ... for repeats.
      const base = kerasSnakeCase(layer.className);
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      const key = n === undefined ? base : `${base}_${n + 1}`;
      const g = varsGroup(root, key, layer.name);
      out.set(layer.name, g ? readVars(g, layer.name, path, budget) : []);
    }
    return { weights: out, optimizer: root.keys().includes('optimizer') };
  });
  const notes: string[] = [];
  if (optimizer) notes.push('optimizer state in the .keras file is not converted (inference only)');
  return {
    file: path,
    kind: 'keras-v3',
    kerasVersion: typeof metadata.keras_version === 'string' ? metadata.keras_version : undefined,
    backend: typeof metadata.backend === 'string' ? metadata.backend : undefined,
    modelConfig,
    layers,
    weights,
    notes,
    bytes,
  };
}
