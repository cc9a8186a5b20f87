/**
 * Parses and validates a TF.js model JSON (any file name): tells layers-model from graph-model and
 * checks every weightsManifest entry before a single shard byte is read. Nothing here touches
 * the disk; problems are DlpackErrors naming the file.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import {
  TFJS_QUANTIZATION_DTYPES,
  TFJS_WEIGHT_DTYPES,
  type TfjsFormat,
  type TfjsModelJson,
  type TfjsQuantization,
  type TfjsQuantizationDType,
  type TfjsWeightDType,
} from './tfjs-model.js';
import { checkJsonDepth } from '../json-text.js';
import { elementCount, fixedByteLength, MAX_WEIGHT_BYTES } from './weight-bytes.js';
import { quoted } from '../../core/text.js';

/** A manifest entry after validation (no data yet). */
export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: TfjsWeightDType;
  quantization?: TfjsQuantization;
  group?: string;
}

export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

export interface ParsedModelJson {
  format: TfjsFormat;
  json: TfjsModelJson;
  manifest: ManifestGroup[];
}

/** Most weights one manifest may list (the largest TF.js models list a few thousand). */
export const MAX_MANIFEST_WEIGHTS = 100_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tells the TF.js format from `format` and the contents of `modelTopology`. */
export function detectTfjsFormat(raw: Record<string, unknown>, file: string): TfjsFormat {
  const topo = raw.modelTopology as Record<string, unknown>;
  const looksGraph = 'node' in topo || 'library' in topo || 'versions' in topo;
  const looksLayers = 'class_name' in topo || 'model_config' in topo || 'config' in topo;
  const declared = raw.format;
  if (declared !== undefined && declared !== null) {
    if (declared !== 'layers-model' && declared !== 'graph-model') {
      throw new DlpackError('NOT_A_MODEL', `unknown TF.js model format ${quoted(String(declared))} (expected layers-model or graph-model)`, {
        file,
      });
    }
    if ((declared === 'graph-model' && !looksGraph) || (declared === 'layers-model' && !looksLayers)) {
      throw new DlpackError('CORRUPT_MODEL', `format says ${declared} but modelTopology does not hold one`, { file });
    }
    return declared;
  }
  if (looksGraph) return 'graph-model';
  if (looksLayers) return 'layers-model';
  throw new DlpackError('NOT_A_MODEL', 'modelTopology is neither a TF.js graph (node list) nor a Keras/TF.js layers config', { file });
}

function parseQuantization(q: unknown, where: string, dtype: TfjsWeightDType, file: string): TfjsQuantization {
  const fail = (why: string) => new DlpackError('CORRUPT_MODEL', `${where}: quantization ${why}`, { file });
  if (!isObject(q)) throw fail('is not an object');
  if (!TFJS_QUANTIZATION_DTYPES.includes(q.dtype as TfjsQuantizationDType)) {
    throw fail(`dtype ${quoted(String(q.dtype))} is not one of ${TFJS_QUANTIZATION_DTYPES.join(', ')}`);
  }
  const qd = q.dtype as TfjsQuantizationDType;
  if (qd === 'float16' && dtype !== 'float32') throw fail(`float16 needs a float32 weight, not ${dtype}`);
  if (qd !== 'float16') {
    if (dtype !== 'float32' && dtype !== 'int32') throw fail(`${qd} needs a float32 or int32 weight, not ${dtype}`);
    for (const k of ['min', 'scale'] as const) {
      if (typeof q[k] !== 'number' || !Number.isFinite(q[k])) throw fail(`${qd} needs a finite ${quoted(k)}`);
    }
  }
  // Keep the entry as written (key order and extra keys such as original_dtype).
  return { ...(q as object) } as TfjsQuantization;
}

function parseEntry(e: unknown, where: string, file: string): ManifestEntry {
  const fail = (why: string) => new DlpackError('CORRUPT_MODEL', `${where} ${why}`, { file });
  if (!isObject(e)) throw fail('is not an object');
  if (typeof e.name !== 'string' || e.name.length === 0) throw fail('has no name');
  const label = `${where} ${quoted(e.name)}`;
  if (!Array.isArray(e.shape)) throw new DlpackError('CORRUPT_MODEL', `${label} has no shape list`, { file });
  for (const d of e.shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new DlpackError('CORRUPT_MODEL', `${label} has an invalid dimension ${JSON.stringify(d)} in shape`, { file });
    }
  }
  const shape = e.shape as number[];
  if (!TFJS_WEIGHT_DTYPES.includes(e.dtype as TfjsWeightDType)) {
    throw new DlpackError('CORRUPT_MODEL', `${label} has unknown dtype ${JSON.stringify(e.dtype)} (expected ${TFJS_WEIGHT_DTYPES.join(', ')})`, {
      file,
    });
  }
  const dtype = e.dtype as TfjsWeightDType;
  const entry: ManifestEntry = { name: e.name, shape, dtype };
  if (e.quantization !== undefined && e.quantization !== null) entry.quantization = parseQuantization(e.quantization, label, dtype, file);
  if (typeof e.group === 'string') entry.group = e.group;
  if (elementCount(shape) === undefined || (fixedByteLength(entry) ?? 0) > MAX_WEIGHT_BYTES) {
    throw new DlpackError('TOO_LARGE', `${label} shape [${shape.join(', ')}] is too large (over 2 GB)`, { file });
  }
  return entry;
}

function parseManifest(m: unknown, file: string): ManifestGroup[] {
  if (m === undefined || m === null) return [];
  if (!Array.isArray(m)) throw new DlpackError('CORRUPT_MODEL', 'weightsManifest is not a list of groups', { file });
  // counted before any entry is looked at: a million-entry manifest costs nothing more
  const declared = m.reduce((n: number, g) => n + (isObject(g) && Array.isArray(g.weights) ? g.weights.length : 0), 0);
  if (declared > MAX_MANIFEST_WEIGHTS) {
    throw new DlpackError('TOO_LARGE', `weightsManifest lists ${declared} weights (limit ${MAX_MANIFEST_WEIGHTS}; real models have a few thousand)`, { file });
  }
  const names = new Set<string>();
  const allPaths = new Set<string>();
  return m.map((g, gi) => {
    const where = `weightsManifest group ${gi + 1}`;
    if (!isObject(g)) throw new DlpackError('CORRUPT_MODEL', `${where} is not an object`, { file });
    if (!Array.isArray(g.paths) || g.paths.some((p) => typeof p !== 'string')) {
      throw new DlpackError('CORRUPT_MODEL', `${where} has no "paths" list of strings`, { file });
    }
    if (!Array.isArray(g.weights)) throw new DlpackError('CORRUPT_MODEL', `${where} has no "weights" list`, { file });
    for (const p of g.paths as string[]) {
      if (allPaths.has(p)) throw new DlpackError('CORRUPT_MODEL', `weightsManifest lists shard ${quoted(p)} twice`, { file });
      allPaths.add(p);
    }
    const weights = g.weights.map((e, wi) => parseEntry(e, `${where} weight ${wi + 1}`, file));
    for (const w of weights) {
      if (names.has(w.name)) throw new DlpackError('CORRUPT_MODEL', `weight ${quoted(w.name)} is named twice in weightsManifest`, { file });
      names.add(w.name);
    }
    return { paths: g.paths as string[], weights };
  });
}

/** Parses the text of a TF.js model JSON; throws NOT_A_MODEL / CORRUPT_MODEL naming `file`. */
export function parseTfjsModelJson(text: string, file: string): ParsedModelJson {
  checkJsonDepth(text, file, 'model JSON');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DlpackError('CORRUPT_MODEL', `malformed JSON (${(err as Error).message})`, { file, cause: err });
  }
  if (!isObject(raw)) throw new DlpackError('NOT_A_MODEL', 'JSON is not a TF.js model (expected an object with modelTopology)', { file });
  if (!('modelTopology' in raw)) {
    throw new DlpackError('NOT_A_MODEL', 'JSON is not a TF.js model (no modelTopology)', {
      file,
      hint: 'name the model JSON written by tensorflowjs_converter or model.save()',
    });
  }
  if (!isObject(raw.modelTopology)) throw new DlpackError('CORRUPT_MODEL', 'modelTopology is not an object', { file });
  const format = detectTfjsFormat(raw, file);
  if (format === 'graph-model' && 'node' in raw.modelTopology && !Array.isArray(raw.modelTopology.node)) {
    throw new DlpackError('CORRUPT_MODEL', 'modelTopology.node is not a list', { file });
  }
  const manifest = parseManifest(raw.weightsManifest, file);
  const json: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (k !== 'weightsManifest') json[k] = v;
  return { format, json: json as TfjsModelJson, manifest };
}
