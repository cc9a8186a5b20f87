/**
 * readTfjs: a TF.js model JSON (any file name) and its weight shards → TfjsModel, with every
 * weight's stored bytes. Shard paths go through resolveContained (no absolute paths, `..`,
 * symlinks or hard links); shard sizes must match the manifest exactly.
 */
import { promises as fs, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { resolveContained } from '../../core/io/contained-path.js';
import { identityOf, openChecked, readExactly } from '../../core/io/checked-file.js';
import { parseTfjsModelJson, type ManifestGroup } from './parse-model-json.js';
import type { TfjsManifestGroupInfo, TfjsModel, TfjsWeight } from './tfjs-model.js';
import { fixedByteLength, MAX_WEIGHT_BYTES, weightByteLength } from './weight-bytes.js';
import { quoted } from '../../core/text.js';

/** Largest model JSON read (graph topologies of big models run to tens of MB). */
const MAX_JSON_BYTES = 512 * 1024 * 1024;

async function readModelJsonText(file: string): Promise<{ text: string; bytes: number }> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    throw new DlpackError('FILE_NOT_FOUND', 'no such file', { file, cause: err });
  }
  if (!st.isFile()) throw new DlpackError('NOT_A_MODEL', 'is not a regular file', { file });
  if (st.size > MAX_JSON_BYTES) throw new DlpackError('TOO_LARGE', `model JSON is ${st.size} bytes (limit 512 MB)`, { file });
  const buf = await fs.readFile(file);
  if (buf.length === 0) throw new DlpackError('CORRUPT_MODEL', 'model JSON is empty', { file });
  return { text: buf.toString('utf8'), bytes: buf.length };
}

/** Resolves and size-checks one group's shards, then reads them into one buffer. */
async function readGroupShards(dir: string, group: ManifestGroup, gi: number, file: string): Promise<{ data: Uint8Array; shardBytes: number[] }> {
  const what = 'weightsManifest path';
  const real = group.paths.map((p) => resolveContained(dir, p, { file, what }));
  const identities = real.map((r) => identityOf(statSync(r)));
  const shardBytes = identities.map((id) => id.size);
  const total = shardBytes.reduce((a, b) => a + b, 0);
  if (total > MAX_WEIGHT_BYTES) {
    throw new DlpackError('TOO_LARGE', `weightsManifest group ${gi + 1} shards hold ${total} bytes (over 2 GB)`, { file });
  }
  // Fixed-size weights give a lower bound (and, without strings, the exact size) before reading.
  let expected = 0;
  let hasStrings = false;
  for (const w of group.weights) {
    const n = fixedByteLength(w);
    if (n === undefined) hasStrings = true;
    else expected += n;
  }
  const shardList = group.paths.map((p) => quoted(p)).join(', ') || '(none)';
  if (total < expected) {
    throw new DlpackError(
      'CORRUPT_MODEL',
      `weight shards ${shardList} hold ${total} bytes but the manifest needs ${expected}${hasStrings ? ' or more' : ''} (shard truncated?)`,
      { file },
    );
  }
  if (!hasStrings && total > expected) {
    throw new DlpackError('CORRUPT_MODEL', `weight shards ${shardList} hold ${total} bytes but the manifest describes only ${expected} (${total - expected} extra)`, {
      file,
    });
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < real.length; i++) {
    // the very shard checked above: not a symlink or another file swapped in since
    const shard = { file, what: `${what} ${quoted(group.paths[i])}` };
    const { fh } = await openChecked(real[i], { ...shard, baseDir: dir, expected: identities[i] });
    try {
      await readExactly(fh, data, offset, shardBytes[i], 0, shard);
    } finally {
      await fh.close();
    }
    offset += shardBytes[i];
  }
  return { data, shardBytes };
}

/** Reads a TF.js model (graph or layers) and all its weights. */
export async function readTfjs(path: string): Promise<TfjsModel> {
  const { text, bytes } = await readModelJsonText(path);
  const { format, json, manifest } = parseTfjsModelJson(text, path);
  const dir = dirname(resolve(path));
  const weights: TfjsWeight[] = [];
  const groups: TfjsManifestGroupInfo[] = [];
  for (let gi = 0; gi < manifest.length; gi++) {
    const group = manifest[gi];
    const { data, shardBytes } = await readGroupShards(dir, group, gi, path);
    const weightIndices: number[] = [];
    let offset = 0;
    for (const entry of group.weights) {
      const size = weightByteLength(entry, data, offset);
      if ('error' in size) {
        throw new DlpackError('CORRUPT_MODEL', `weight ${quoted(entry.name)} ${size.error} in weightsManifest group ${gi + 1} shards (shard truncated or shape/dtype wrong?)`, {
          file: path,
        });
      }
      weightIndices.push(weights.length);
      weights.push({ ...entry, manifestGroup: gi, data: data.slice(offset, offset + size.bytes) });
      offset += size.bytes;
    }
    if (offset !== data.length) {
      throw new DlpackError('CORRUPT_MODEL', `weightsManifest group ${gi + 1} shards hold ${data.length} bytes but its weights use ${offset} (${data.length - offset} extra)`, {
        file: path,
      });
    }
    groups.push({ paths: [...group.paths], shardBytes, weightIndices });
  }
  return { file: path, dir, format, json, weights, groups, jsonBytes: bytes };
}
