/**
 * The load check of `dlpack bundle`: the model as staged in the bundle (the very bytes that ship)
 * is opened with dlpack's runtime for its kind — onnxruntime-node for ONNX, TF.js for TF.js — so a
 * model the runtime cannot load (a cycle, an unknown op, a wrong element type) is refused at
 * bundle time instead of failing every cold start. `--no-check` skips it. Runtimes load lazily.
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { ModelKind } from './runtime-registry.js';

export async function checkModelLoads(stagedModel: string, kind: ModelKind, userModel: string, sessionConfig?: Record<string, string>): Promise<void> {
  const { openSession } = await import('../runtimes/open-session.js');
  try {
    const session = await openSession(stagedModel, { threads: 1, sessionConfig });
    await session.dispose();
  } catch (err) {
    const why = err instanceof DlpackError ? err.message : (err as Error)?.message ?? String(err);
    throw new DlpackError('RUNTIME', `the ${kind === 'onnx' ? 'ONNX' : 'TF.js'} runtime cannot load this model, so the function would fail at every cold start: ${why}`, {
      file: userModel,
      hint: '--no-check bundles it anyway',
      cause: err,
    });
  }
}
