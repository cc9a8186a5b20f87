/**
 * writeTfjs: a TfjsModel → a model JSON plus weight shards in a new folder, written atomically.
 * Shards are cut like tensorflowjs_converter cuts them: each manifest group's bytes back to back,
 * split every `shardSizeBytes` (a weight may span two shards), named
 * `group<g>-shard<i>of<n>.bin`. Weight bytes are written exactly as given (quantized weights stay
 * quantized), so read → write → read is lossless.
 */
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { writeDirAtomic } from '../../core/io/atomic-output.js';
import type { TfjsModelInput, TfjsWeight } from './tfjs-model.js';
import { weightDataProblem } from './weight-bytes.js';

export interface WriteTfjsOptions {
  /** Shard size in bytes (default 4 MiB, the converter's default). */
  shardSizeBytes?: number;
  /** Name of the model JSON (default: the input's file name, else model.json). */
  modelFileName?: string;
  /** Replace `outDir` if it exists (default: refuse unless it is empty). */
  replace?: boolean;
}

export interface WriteTfjsResult {
  dir: string;
  /** Full path of the written model JSON. */
  modelFile: string;
  /** Every written file, relative to `dir`, with its size. */
  files: { path: string; bytes: number; role: 'model' | 'weights' }[];
}

export const DEFAULT_SHARD_SIZE_BYTES = 4 * 1024 * 1024;

interface ManifestEntryOut {
  name: string;
  shape: number[];
  dtype: string;
  group?: string;
  quantization?: object;
}

function checkWeights(weights: TfjsWeight[], outDir: string): void {
  const names = new Set<string>();
  for (const w of weights) {
    if (names.has(w.name)) throw new DlpackError('CORRUPT_MODEL', `weight "${w.name}" appears twice; names must be unique`, { file: outDir });
    names.add(w.name);
    const why = weightDataProblem(w);
    if (why) throw new DlpackError('CORRUPT_MODEL', `weight "${w.name}" ${why}`, { file: outDir });
  }
}

/** Groups weights by `manifestGroup`, groups in order of their index, weights in model order. */
function groupWeights(weights: TfjsWeight[]): TfjsWeight[][] {
  const byGroup = new Map<number, TfjsWeight[]>();
  for (const w of weights) {
    const g = w.manifestGroup ?? 0;
    if (!byGroup.has(g)) byGroup.set(g, []);
    byGroup.get(g)!.push(w);
  }
  return [...byGroup.entries()].sort((a, b) => a[0] - b[0]).map(([, ws]) => ws);
}

function modelJsonText(model: TfjsModelInput, manifest: { paths: string[]; weights: ManifestEntryOut[] }[]): string {
  // Keep the input's key order; the manifest goes right after modelTopology (where converters put it).
  const out: Record<string, unknown> = {};
  if (model.json.format === undefined) out.format = model.format;
  for (const [k, v] of Object.entries(model.json)) {
    out[k] = v;
    if (k === 'modelTopology') out.weightsManifest = manifest;
  }
  return JSON.stringify(out);
}

export async function writeTfjs(model: TfjsModelInput, outDir: string, options: WriteTfjsOptions = {}): Promise<WriteTfjsResult> {
  const shardSize = options.shardSizeBytes ?? DEFAULT_SHARD_SIZE_BYTES;
  if (!Number.isSafeInteger(shardSize) || shardSize < 1) {
    throw new DlpackError('USAGE', `shard size must be a positive whole number of bytes, not ${shardSize}`);
  }
  const modelFileName = options.modelFileName ?? (model.file ? basename(model.file) : 'model.json');
  if (!/^[^/\\]+\.json$/i.test(modelFileName) || modelFileName.startsWith('.')) {
    throw new DlpackError('USAGE', `model file name "${modelFileName}" must be a plain *.json file name`);
  }
  checkWeights(model.weights, outDir);

  return writeDirAtomic(
    outDir,
    async (tmp) => {
      const files: WriteTfjsResult['files'] = [];
      const manifest: { paths: string[]; weights: ManifestEntryOut[] }[] = [];
      const groups = groupWeights(model.weights);
      for (let g = 0; g < groups.length; g++) {
        const ws = groups[g];
        const total = ws.reduce((a, w) => a + w.data.byteLength, 0);
        const data = new Uint8Array(total);
        let offset = 0;
        for (const w of ws) {
          data.set(w.data, offset);
          offset += w.data.byteLength;
        }
        const n = Math.ceil(total / shardSize);
        const paths: string[] = [];
        for (let i = 0; i < n; i++) {
          const name = `group${g + 1}-shard${i + 1}of${n}.bin`;
          const chunk = data.subarray(i * shardSize, Math.min(total, (i + 1) * shardSize));
          await fs.writeFile(join(tmp, name), chunk);
          paths.push(name);
          files.push({ path: name, bytes: chunk.byteLength, role: 'weights' });
        }
        manifest.push({
          paths,
          weights: ws.map((w) => {
            const e: ManifestEntryOut = { name: w.name, shape: w.shape, dtype: w.dtype };
            if (w.group !== undefined) e.group = w.group;
            if (w.quantization) e.quantization = w.quantization;
            return e;
          }),
        });
      }
      const text = modelJsonText(model, manifest);
      await fs.writeFile(join(tmp, modelFileName), text);
      files.unshift({ path: modelFileName, bytes: Buffer.byteLength(text), role: 'model' });
      return { dir: outDir, modelFile: join(outDir, modelFileName), files };
    },
    { replace: options.replace },
  );
}
