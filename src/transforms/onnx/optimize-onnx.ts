/**
 * `dlpack convert --optimize basic|extended`: ONNX Runtime's offline graph optimization (session
 * option optimizedModelFilePath), then removal of initializers nothing reads.
 *
 * Only the portable levels are offered. basic = semantics-preserving rewrites with standard ONNX
 * ops only (constant folding, redundant node removal, Conv+BatchNormalization/Add/Mul fusion), so
 * the result runs in any ONNX runtime. extended adds ORT's fused contrib ops (com.microsoft
 * FusedConv, FusedGemm, Gelu, LayerNormalization...): any machine, but ONNX Runtime only. ORT's
 * 'all'/'layout' level rewrites to NCHWc blocked layouts sized for this CPU's SIMD width, so a
 * file saved at that level is not portable across machines — ORT's docs warn against it offline.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { OnnxModel } from '../../formats/onnx/index.js';
import { encodeOnnx, readOnnx } from '../../formats/onnx/index.js';
import { openOnnxSession } from '../../runtimes/onnxruntime-session.js';
import { countNodes, pruneUnusedInitializers } from './prune-initializers.js';

export type OptimizeLevel = 'basic' | 'extended';

export interface OptimizeResult {
  model: OnnxModel;
  nodesBefore: number;
  nodesAfter: number;
  prunedInitializers: string[];
  prunedBytes: number;
}

/**
 * Runs ORT's optimizer on `input` and returns the optimized, pruned model (not yet written).
 * ORT is given the model as bytes with its external data inlined, read by dlpack's checked reader:
 * ORT never opens the user's folder itself (no symlink followed, no file swapped in), and the
 * optimized file it writes holds every tensor (an external location would point into the input's
 * folder, not beside the temp file). `hadExternalData` tells the writer to move them out again.
 */
export async function optimizeOnnx(input: string, level: OptimizeLevel): Promise<OptimizeResult & { hadExternalData: boolean }> {
  const before = await readOnnx(input);
  const bytes = await encodeOnnx(before);
  const tmpDir = await fs.mkdtemp(join(tmpdir(), 'dlpack-opt-'));
  const tmp = join(tmpDir, `optimized-${randomBytes(4).toString('hex')}.onnx`);
  try {
    const session = await openOnnxSession(bytes, { graphOptimizationLevel: level, optimizedModelFilePath: tmp, threads: 1, label: input });
    await session.dispose();
    const model = await readOnnx(tmp);
    const pruned = pruneUnusedInitializers(model.proto);
    // the temp file goes away: keep the data in memory and present the model as the input's
    const result: OptimizeResult & { hadExternalData: boolean } = {
      hadExternalData: before.external.length > 0,
      model: { ...model, file: input, dir: before.dir, external: [], externalFiles: [] },
      nodesBefore: countNodes(before.proto.graph),
      nodesAfter: countNodes(model.proto.graph),
      prunedInitializers: pruned.removed,
      prunedBytes: pruned.bytes,
    };
    return result;
  } finally {
    await fs.rm(tmpDir, { recursive: true, force: true });
  }
}
