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
import { readOnnx } from '../../formats/onnx/index.js';
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

/** Runs ORT's optimizer on `input` and returns the optimized, pruned model (not yet written). */
export async function optimizeOnnx(input: string, level: OptimizeLevel): Promise<OptimizeResult> {
  const before = await readOnnx(input, { loadExternalData: false });
  const tmpDir = await fs.mkdtemp(join(tmpdir(), 'dlpack-opt-'));
  const tmp = join(tmpDir, `optimized-${randomBytes(4).toString('hex')}.onnx`);
  try {
    const session = await openOnnxSession(input, { graphOptimizationLevel: level, optimizedModelFilePath: tmp, threads: 1 });
    await session.dispose();
    const model = await readOnnx(tmp);
    const pruned = pruneUnusedInitializers(model.proto);
    // the temp file goes away: keep the data in memory and present the model as the input's
    const result: OptimizeResult = {
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
